/**
 * A shared-memory channel for Deno programs: one process sends byte messages,
 * another receives them, through a single-producer single-consumer ring in a
 * POSIX shared-memory object, with no system call per message.
 *
 * The ring is read and written from TypeScript through typed arrays over the
 * mapping (`Deno.UnsafePointerView.getArrayBuffer`), with `Atomics.load` and
 * `Atomics.store` for the two indices. `Atomics.wait` does not work on such a
 * (non-shared) buffer, so a side that must wait spins, and every 1,024 spins
 * checks that its peer is still there. The shim (`ffi/`) is only used to map
 * and unmap the memory.
 *
 * Layout: a 192-byte header (sizes, the two processes' ids and "closed"
 * flags; the head index on its own cache line, the tail on another), then
 * `slots` slots of `slotBytes`, each a 4-byte length and the payload.
 *
 * @example Send and receive in one process (two processes work the same way, with `attach`)
 * ```ts
 * import { Channel } from "./channel.ts";
 *
 * const sender = await Channel.create({ slots: 8, slotBytes: 64 });
 * const receiver = await Channel.attach(sender.name);
 * sender.send(new TextEncoder().encode("hello"));
 * const message = receiver.receive();
 * console.log(new TextDecoder().decode(message!)); // "hello"
 * receiver.close();
 * sender.close();
 * sender.unlink();
 * ```
 *
 * @module
 */

import { buildShim } from "../../ffi/build.ts";
import { Shim } from "../../ffi/library.ts";
import { Segment } from "../memory/segment.ts";
import { processExists } from "../memory/stale.ts";

const MAGIC = 0x5250_4348; // "RPCH"
const VERSION = 1;
const HEADER_BYTES = 192;
// Int32 indices into the header.
const H = {
  MAGIC: 0,
  VERSION: 1,
  SLOTS: 2,
  SLOT_BYTES: 3,
  CREATOR: 4,
  ATTACHED: 5,
  CLOSED0: 6,
  CLOSED1: 7,
};
const HEAD = 64 / 4; // written by the sender
const TAIL = 128 / 4; // written by the receiver
const PEER_CHECK_SPINS = 1024;

/**
 * A channel that cannot go on: closed here, closed by the peer, or the peer is gone.
 *
 * @example
 * ```ts
 * import { ChannelError } from "./channel.ts";
 * console.log(new ChannelError("the peer (process 42) is gone").name); // "ChannelError"
 * ```
 */
export class ChannelError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ChannelError";
  }
}

/** How to make a channel. */
export interface ChannelOptions {
  /** Messages the ring holds, a power of two from 2 (default 1024). */
  slots?: number;
  /** Bytes per slot, a multiple of 8 from 8; a message may be 4 bytes shorter (default 256). */
  slotBytes?: number;
  /**
   * Each side publishes its index every this many messages (default 1: every
   * message): the sender its head, the receiver its tail. Held-back messages
   * are published when the ring looks full or empty, by `flush()` and by `close()`.
   */
  publishEvery?: number;
}

let shared: Shim | null = null;

/**
 * Lends the channel a shim this process has loaded already (the kit's own
 * workers and tasks do), instead of building and loading one on first use.
 * Internal to the kit: not exported by `mod.ts`.
 *
 * @example
 * ```ts ignore
 * import { useShim } from "./channel.ts";
 * useShim(shim);
 * ```
 */
export function useShim(loaded: Shim): void {
  shared = loaded;
}

/** The shim, built and loaded once per process (unless one was lent with {@link useShim}). */
async function shim(): Promise<Shim> {
  shared ??= Shim.open((await buildShim()).libraryPath);
  return shared;
}

/**
 * One end of a channel. The process that creates it and the one that attaches
 * to it by name may each send or receive, but only one of them sends and only
 * one receives.
 *
 * @example
 * ```ts ignore
 * // process A
 * const channel = await Channel.create();
 * console.log(channel.name); // hand this to process B
 * channel.send(bytes);
 * // process B
 * const channel = await Channel.attach(name);
 * const bytes = channel.receiveWait(1000);
 * ```
 */
export class Channel {
  /** The POSIX shared-memory name, for `attach` in another process. */
  readonly name: string;
  /** Messages the ring holds. */
  readonly slots: number;
  /** Bytes per slot. */
  readonly slotBytes: number;
  /** The largest message, in bytes (`slotBytes - 4`). */
  readonly maxMessageBytes: number;
  readonly #segment: Segment;
  readonly #header: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #lengths: DataView;
  readonly #mask: number;
  readonly #side: 0 | 1;
  readonly #publishEvery: number;
  #head = 0; // sender: next slot to fill
  #published = 0;
  #tail = 0; // receiver: next slot to drain
  #tailPublished = 0;
  #headSeen = 0;
  #tailSeen = 0;
  #closed = false;

  private constructor(segment: Segment, side: 0 | 1, publishEvery: number) {
    this.#segment = segment;
    this.#side = side;
    this.#publishEvery = publishEvery;
    const buffer = Deno.UnsafePointerView.getArrayBuffer(segment.pointer, segment.bytes);
    this.#header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.#bytes = new Uint8Array(buffer);
    this.#lengths = new DataView(buffer);
    this.name = segment.name;
    this.slots = this.#header[H.SLOTS];
    this.slotBytes = this.#header[H.SLOT_BYTES];
    this.maxMessageBytes = this.slotBytes - 4;
    this.#mask = this.slots - 1;
    this.#head = this.#published = this.#headSeen = Atomics.load(this.#header, HEAD) >>> 0;
    this.#tail = this.#tailSeen = this.#tailPublished = Atomics.load(this.#header, TAIL) >>> 0;
  }

  /**
   * Creates a channel under a fresh, unguessable name (mode 0600, `O_EXCL`).
   *
   * @example
   * ```ts
   * import { Channel } from "./channel.ts";
   * const channel = await Channel.create({ slots: 4, slotBytes: 16 });
   * console.log(channel.maxMessageBytes); // 12
   * channel.close();
   * channel.unlink();
   * ```
   */
  static async create(options: ChannelOptions = {}): Promise<Channel> {
    const { slots = 1024, slotBytes = 256, publishEvery = 1 } = options;
    const wrong = geometryError(slots, slotBytes);
    if (wrong !== null) throw new RangeError(wrong);
    checkPublishEvery(publishEvery);
    const bytes = HEADER_BYTES + slots * slotBytes;
    const segment = Segment.createRaw(await shim(), bytes);
    const header = new Int32Array(
      Deno.UnsafePointerView.getArrayBuffer(segment.pointer, HEADER_BYTES),
    );
    header[H.VERSION] = VERSION;
    header[H.SLOTS] = slots;
    header[H.SLOT_BYTES] = slotBytes;
    header[H.CREATOR] = Deno.pid;
    Atomics.store(header, H.MAGIC, MAGIC);
    return new Channel(segment, 0, publishEvery);
  }

  /**
   * Attaches to a channel another process created.
   *
   * @example
   * ```ts ignore
   * import { Channel } from "./channel.ts";
   * const channel = await Channel.attach(Deno.args[0]);
   * ```
   */
  static async attach(
    name: string,
    options: Pick<ChannelOptions, "publishEvery"> = {},
  ): Promise<Channel> {
    const { publishEvery = 1 } = options;
    checkPublishEvery(publishEvery);
    const lib = await shim();
    const attach = (bytes: number) => {
      try {
        return Segment.attach(lib, name, bytes);
      } catch (error) {
        throw new ChannelError(`cannot attach to ${name}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    };
    const probe = attach(HEADER_BYTES);
    const header = new Int32Array(
      Deno.UnsafePointerView.getArrayBuffer(probe.pointer, HEADER_BYTES),
    );
    const valid = Atomics.load(header, H.MAGIC) === MAGIC && header[H.VERSION] === VERSION;
    const [slots, slotBytes] = [header[H.SLOTS], header[H.SLOT_BYTES]];
    probe.unmap();
    if (!valid) throw new ChannelError(`${name} is not a ringpipe channel (version ${VERSION})`);
    const wrong = geometryError(slots, slotBytes);
    if (wrong !== null) throw new ChannelError(`${name} has a damaged header: ${wrong}`);
    const segment = attach(HEADER_BYTES + slots * slotBytes);
    const channel = new Channel(segment, 1, publishEvery);
    channel.#header[H.ATTACHED] = Deno.pid;
    return channel;
  }

  /**
   * Sends one message if there is room; false when the ring is full. No system call, no allocation.
   *
   * @example
   * ```ts ignore
   * if (!channel.send(bytes)) console.log("full: try again later");
   * ```
   */
  send(message: Uint8Array): boolean {
    if (!this.#sendHeld(message)) {
      this.#publish(); // the receiver may be waiting for what was held back
      return false;
    }
    if (((this.#head - this.#published) >>> 0) >= this.#publishEvery) this.#publish();
    return true;
  }

  /**
   * Sends as many of `messages` as fit, and publishes once: the bulk form. Returns how many were sent.
   *
   * @example
   * ```ts ignore
   * const sent = channel.sendBatch(messages);
   * ```
   */
  sendBatch(messages: readonly Uint8Array[]): number {
    let sent = 0;
    for (const message of messages) {
      if (!this.#sendHeld(message)) break;
      sent++;
    }
    this.#publish();
    return sent;
  }

  /**
   * Sends one message, spinning while the ring is full, for at most `timeoutMs`;
   * throws a {@link ChannelError} when the peer closed or is gone, false on timeout.
   *
   * @example
   * ```ts ignore
   * channel.sendWait(bytes, 1000);
   * ```
   */
  sendWait(message: Uint8Array, timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs;
    for (let spins = 1;; spins++) {
      if (this.send(message)) return true;
      if (spins % PEER_CHECK_SPINS === 0) {
        this.#checkPeer();
        if (performance.now() > deadline) return false;
      }
    }
  }

  /** Publishes at once what this side holds back: messages sent, or slots freed. */
  flush(): void {
    this.#open();
    this.#publish();
    this.#publishTail();
  }

  /**
   * Receives one message into `into` (no allocation); returns its length, or -1 when the ring is empty.
   *
   * @example
   * ```ts ignore
   * const buffer = new Uint8Array(channel.maxMessageBytes);
   * const length = channel.receiveInto(buffer);
   * ```
   */
  receiveInto(into: Uint8Array): number {
    this.#open();
    if (this.#tail === this.#headSeen) {
      this.#headSeen = Atomics.load(this.#header, HEAD) >>> 0;
      if (this.#tail === this.#headSeen) {
        this.#publishTail(); // the sender may be waiting for the slots held back
        return -1;
      }
    }
    const at = HEADER_BYTES + (this.#tail & this.#mask) * this.slotBytes;
    const length = this.#lengths.getUint32(at, true);
    if (length > into.length) {
      throw new RangeError(`a ${length}-byte message does not fit a ${into.length}-byte buffer`);
    }
    copy(this.#bytes, at + 4, into, 0, length);
    this.#tail = (this.#tail + 1) >>> 0;
    if (((this.#tail - this.#tailPublished) >>> 0) >= this.#publishEvery) this.#publishTail();
    return length;
  }

  /**
   * Receives one message as a new array, or null when the ring is empty.
   *
   * @example
   * ```ts ignore
   * const message = channel.receive();
   * ```
   */
  receive(): Uint8Array | null {
    const buffer = new Uint8Array(this.maxMessageBytes);
    const length = this.receiveInto(buffer);
    return length < 0 ? null : buffer.slice(0, length);
  }

  /**
   * Receives up to `max` messages, calling `each` with a view of each (valid
   * only during the call), and frees their slots once: the bulk form.
   *
   * @example
   * ```ts ignore
   * const got = channel.receiveBatch(64, (bytes) => handle(bytes));
   * ```
   */
  receiveBatch(max: number, each: (message: Uint8Array) => void): number {
    this.#open();
    this.#headSeen = Atomics.load(this.#header, HEAD) >>> 0;
    let got = 0;
    while (got < max && this.#tail !== this.#headSeen) {
      const at = HEADER_BYTES + (this.#tail & this.#mask) * this.slotBytes;
      const length = this.#lengths.getUint32(at, true);
      each(this.#bytes.subarray(at + 4, at + 4 + length));
      this.#tail = (this.#tail + 1) >>> 0;
      got++;
    }
    this.#publishTail();
    return got;
  }

  /**
   * Receives one message into `into`, spinning while the ring is empty, for at
   * most `timeoutMs`; -1 on timeout; throws a {@link ChannelError} when the
   * peer closed (and everything it sent was read) or is gone.
   *
   * @example
   * ```ts ignore
   * const length = channel.receiveWaitInto(buffer, 1000);
   * ```
   */
  receiveWaitInto(into: Uint8Array, timeoutMs = Infinity): number {
    const deadline = performance.now() + timeoutMs;
    for (let spins = 1;; spins++) {
      const length = this.receiveInto(into);
      if (length >= 0) return length;
      if (spins % PEER_CHECK_SPINS === 0) {
        this.#checkPeer();
        if (performance.now() > deadline) return -1;
      }
    }
  }

  /**
   * Like {@link Channel.receiveWaitInto}, returning a new array, or null on timeout.
   *
   * @example
   * ```ts ignore
   * const message = channel.receiveWait(1000);
   * ```
   */
  receiveWait(timeoutMs = Infinity): Uint8Array | null {
    const buffer = new Uint8Array(this.maxMessageBytes);
    const length = this.receiveWaitInto(buffer, timeoutMs);
    return length < 0 ? null : buffer.slice(0, length);
  }

  /**
   * Publishes what is pending, marks this end closed and unmaps the memory.
   * Closing twice does nothing; any other use after closing throws.
   *
   * @example
   * ```ts ignore
   * channel.close();
   * channel.close(); // no-op
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#publish();
    this.#publishTail();
    Atomics.store(this.#header, H.CLOSED0 + this.#side, 1);
    this.#closed = true;
    this.#segment.unmap();
  }

  /**
   * Removes the channel's name, so no one else can attach; mappings stay valid until closed.
   *
   * @example
   * ```ts ignore
   * channel.unlink();
   * ```
   */
  unlink(): void {
    this.#segment.unlink();
  }

  /** Writes one message without publishing it; false when the ring is full. */
  #sendHeld(message: Uint8Array): boolean {
    this.#open();
    if (message.length > this.maxMessageBytes) {
      throw new RangeError(
        `a message of ${message.length} bytes does not fit a ${this.slotBytes}-byte slot (at most ${this.maxMessageBytes})`,
      );
    }
    if (((this.#head - this.#tailSeen) >>> 0) === this.slots) {
      this.#tailSeen = Atomics.load(this.#header, TAIL) >>> 0;
      if (((this.#head - this.#tailSeen) >>> 0) === this.slots) return false;
    }
    const at = HEADER_BYTES + (this.#head & this.#mask) * this.slotBytes;
    this.#lengths.setUint32(at, message.length, true);
    copy(message, 0, this.#bytes, at + 4, message.length);
    this.#head = (this.#head + 1) >>> 0;
    return true;
  }

  #publishTail(): void {
    if (this.#tailPublished !== this.#tail) {
      Atomics.store(this.#header, TAIL, this.#tail | 0);
      this.#tailPublished = this.#tail;
    }
  }

  #publish(): void {
    if (this.#published !== this.#head) {
      Atomics.store(this.#header, HEAD, this.#head | 0);
      this.#published = this.#head;
    }
  }

  #open(): void {
    if (this.#closed) throw new ChannelError(`the channel ${this.name} is closed`);
  }

  /** Throws when the peer closed or its process is gone. */
  #checkPeer(): void {
    this.#open();
    const peerSide = 1 - this.#side;
    const peerPid = this.#header[peerSide === 0 ? H.CREATOR : H.ATTACHED];
    if (Atomics.load(this.#header, H.CLOSED0 + peerSide) === 1) {
      throw new ChannelError(`the peer closed the channel ${this.name}`);
    }
    if (peerPid !== 0 && !processExists(peerPid)) {
      throw new ChannelError(`the peer (process ${peerPid}) is gone`);
    }
  }
}

/**
 * Copies `length` bytes: by hand for small messages (a `subarray` per message
 * would allocate, and `set` is a call), with `set` for large ones.
 */
function copy(
  from: Uint8Array,
  fromAt: number,
  to: Uint8Array,
  toAt: number,
  length: number,
): void {
  if (length <= 64) {
    for (let k = 0; k < length; k++) to[toAt + k] = from[fromAt + k];
  } else {
    to.set(from.subarray(fromAt, fromAt + length), toAt);
  }
}

/** Why `slots` and `slotBytes` cannot make a channel, or null when they can. */
function geometryError(slots: number, slotBytes: number): string | null {
  if (!Number.isInteger(slots) || slots < 2 || slots > 1 << 24 || (slots & (slots - 1)) !== 0) {
    return `slots must be a power of two from 2 to 2^24, got ${slots}`;
  }
  if (
    !Number.isInteger(slotBytes) || slotBytes < 8 || slotBytes % 8 !== 0 || slotBytes > 1 << 26
  ) {
    return `slotBytes must be a multiple of 8 from 8 to 64 MiB, got ${slotBytes}`;
  }
  return null;
}

function checkPublishEvery(value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`publishEvery must be a whole number from 1, got ${value}`);
  }
}
