/**
 * A shared-memory channel for Deno programs: one process sends, another
 * receives, through a single-producer single-consumer ring in a POSIX
 * shared-memory object, with no system call per message while both are busy.
 *
 * The ring is read and written from TypeScript through typed arrays over the
 * mapping (`Deno.UnsafePointerView.getArrayBuffer`), with `Atomics.load` and
 * `Atomics.store` for the two indices. Three ways to move data, from the most
 * convenient to the fastest:
 *
 * - `send` / `receive`: one message, copied in and out (`receiveInto` copies
 *   into the caller's buffer, without allocating);
 * - `sendBatch` / `receiveBatch`: many messages, one publication;
 * - `reserve` / `commit` and `readable` / `release`: the caller fills and reads
 *   the slots in place through the channel's typed views (`bytes`, `u32`,
 *   `f64`), a batch at a time, with one publication per batch and nothing
 *   copied. With `fixedSize`, a slot is one record of `slotBytes` with no
 *   length in front.
 *
 * A side with nothing to do can spin (`receiveWait`, `sendWait`) or sleep
 * (`receiveAsync`, `sendAsync`): after a short spin it announces that it
 * sleeps, looks once more, and waits on a futex in the kernel on a Deno worker
 * thread (a `nonblocking` FFI call: `Atomics.wait` does not work on this
 * memory). Its peer wakes it with a system call only when it announced that it
 * sleeps, so a busy channel pays none: the protocol of the C `ring-futex`.
 *
 * It never kills its process and a peer cannot fool it: `close()` maps zero
 * pages over the channel, so a view kept past it reads zeros (the range is
 * unmapped once the views are garbage), `create` reserves the pages so a full
 * `/dev/shm` is an error there, and every length and index a peer publishes is checked against the
 * ring; a violation breaks this end with one `ChannelError`. What a peer can
 * still do (wrong bytes inside a slot, truncating the file) is in
 * `docs/deno-engine.md`.
 *
 * Each side (sender, receiver) has one owner: a process that attaches to a side
 * held by a live process is refused, naming it; a side whose holder closed it
 * or died can be taken over.
 *
 * The layout (version 2), for programs in other languages (see
 * `docs/deno-engine.md` and `examples/channel_peer.c`): a 320-byte header of
 * little-endian 32-bit words, then `slots` slots of `slotBytes`.
 *
 * | byte | what |
 * | ---: | --- |
 * | 0 | magic `0x52504348` ("RPCH") |
 * | 4 | version, 2 |
 * | 8 | slots (a power of two) |
 * | 12 | slotBytes (a multiple of 8) |
 * | 16, 20 | pid holding the sender's, the receiver's side (0: none) |
 * | 24, 28 | 1 once the sender, the receiver closed its side |
 * | 32 | flags: 1 = fixed-size records (no length in a slot) |
 * | 64 | head: messages ever sent, mod 2^32 (written by the sender) |
 * | 128 | tail: messages ever received, mod 2^32 (written by the receiver) |
 * | 192 | 1 while the receiver sleeps on this word (futex) |
 * | 256 | 1 while the sender sleeps on this word (futex) |
 *
 * Slot `i mod slots` holds message `i`: a 32-bit length and the payload, or
 * (fixed-size) the record itself. A side writes its slot, then its index with
 * a release store; after publishing, it loads the peer's sleep word and, if 1,
 * sets it to 0 and calls FUTEX_WAKE on it.
 *
 * @example Send and receive in one process (two processes work the same way, with `attach`)
 * ```ts
 * import assert from "node:assert/strict";
 * import { Channel } from "./channel.ts";
 *
 * using sender = await Channel.create({ slots: 8, slotBytes: 64 });
 * using receiver = await Channel.attach(sender.name, { role: "receiver" });
 * sender.send(new TextEncoder().encode("hello"));
 * assert.equal(new TextDecoder().decode(receiver.receive()!), "hello");
 * sender.unlink();
 * ```
 *
 * @module
 */

import { buildShim } from "../../ffi/build.ts";
import { Shim } from "../../ffi/library.ts";
import { Segment } from "../memory/segment.ts";
import { processExists } from "../memory/stale.ts";
import {
  CHANNEL_LAYOUT,
  CHANNEL_MAGIC as MAGIC,
  CHANNEL_VERSION as VERSION,
  channelName,
} from "./layout.ts";
import { sweepChannels } from "./sweep.ts";

export { CHANNEL_LAYOUT } from "./layout.ts";

const L = CHANNEL_LAYOUT;
const HEADER_BYTES = L.HEADER_BYTES;
// Int32 indices into the header.
const W = (byte: number) => byte / 4;
const HEAD_WORD = W(L.HEAD);
const TAIL_WORD = W(L.TAIL);
const FIXED_SIZE = 1;
/** {@link Channel.#usable} of an open sending end, and of an open receiving end. */
const SENDS = 1;
const RECEIVES = 2;
/** Whether V8's sequentially consistent store is a full barrier here (x86-64's locked exchange). */
const FENCED_STORES = Deno.build.arch === "x86_64";
const PEER_CHECK_SPINS = 1024;
/**
 * Looks a blocking wait makes before it reads the clock, so a message that comes within half a
 * microsecond or so costs no more than a spin. The native loops look 64 times before they start
 * their clock (`tired()` in `ffi/ring.c`). A look from here is an `Atomics.load`, a call into V8's
 * runtime (26-46 ns in a loop in one process), theirs a load and a `pause`, so 16 should spin about
 * as long (an estimate: theirs were not timed). 64 here cost the paced client more CPU than C's.
 */
const QUICK_LOOKS = 16;
/** The header's layout words are looked at again every this many index loads (and on every wait). */
const LAYOUT_CHECK_LOADS = 0xffff;
/** Unmaps a closed channel's range once its buffer (and so every view of it) is garbage. */
const UNMAP_WHEN_UNREACHABLE = new FinalizationRegistry<Segment>((segment) => segment.unmap());
/**
 * How often, at most, a wait asks whether the peer's process still lives (ms). The answer is a
 * read of /proc, 14 to 22 µs here: at once a millisecond it was about a seventh of a paced ring
 * server's CPU in a profile (`perf`, 100 µs pace, the deno loops). A sleeping wait asks only after
 * a sleep that no wake ended (a dead peer wakes nobody; a sleep lasts at most
 * {@link SLEEP_SLICE_MS}) and when its time is up, so a busy exchange, whose sleeps its peer ends,
 * never reads /proc between a message's arrival and its notice. A spinning wait asks every
 * {@link PEER_CHECK_SPINS} looks, at most this often.
 */
const ALIVE_CHECK_MS = 20;
/** What `rp_futex_wait` returns when its time-out passed without a wake: -ETIMEDOUT (Linux). */
const TIMED_OUT = -110;
/** Wakes every thread sleeping on a word. */
const WAKE_ALL = 0x7fff_ffff;
/**
 * A sleeping side looks at its peer this often (ms): a peer that died cannot wake it. The bench's
 * deno loops sleep in the same slices, asking between them whether the run is still wanted.
 */
export const SLEEP_SLICE_MS = 100;

/** What a wait's spin returns when it found nothing and announced that its end sleeps. */
const MUST_SLEEP = -2;

/**
 * Every length a sleep may have, ns, in steps of 0.1 ms up to {@link SLEEP_SLICE_MS}: made once,
 * so that no sleep allocates a BigInt for the futex's time-out.
 */
const SLEEPS_NS: readonly bigint[] = Array.from(
  { length: SLEEP_SLICE_MS * 10 + 1 },
  (_, tenths) => BigInt(tenths * 100_000),
);

/**
 * How long one sleep of a wait lasts, ns: until the deadline rounded up to 0.1 ms (so a sleep may
 * end up to 0.1 ms after it, never before), at most {@link SLEEP_SLICE_MS}.
 */
function sleepNs(deadline: number): bigint {
  const tenths = Math.ceil((deadline - performance.now()) * 10);
  return SLEEPS_NS[tenths <= 0 ? 0 : tenths < SLEEPS_NS.length ? tenths : SLEEPS_NS.length - 1];
}

/**
 * A channel that cannot go on: closed here, closed by the peer, the peer is
 * gone, or the side asked for is held by another live process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ChannelError } from "./channel.ts";
 * assert.deepEqual(new ChannelError("the peer (process 42) is gone").name, "ChannelError");
 * ```
 */
export class ChannelError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ChannelError";
  }
}

/** Which end of a channel a process holds. */
export type ChannelRole = "sender" | "receiver";

/** How to make a channel. */
export interface ChannelOptions {
  /** Messages the ring holds, a power of two from 2 (default 1024). */
  slots?: number;
  /**
   * Bytes per slot, a multiple of 8 from 8; a message may be 4 bytes shorter, or exactly this
   * long with `fixedSize` (default 256).
   */
  slotBytes?: number;
  /** Every message is one record of exactly `slotBytes`, with no length in front (default false). */
  fixedSize?: boolean;
  /** The creator's end (default `sender`); `attach` takes the other unless told. */
  role?: ChannelRole;
  /**
   * Each side publishes its index every this many messages (default 1: every
   * message; never more than `slots`): the sender its head, the receiver its
   * tail. The sender also publishes what it held back when the ring looks full;
   * both do in `flush()` and `close()`. A receiver that has freed a whole ring
   * has published it, so a sender out of room is never left waiting.
   */
  publishEvery?: number;
  /** How long `receiveAsync`/`sendAsync` spin before they sleep, µs (default 10). */
  spinMicros?: number;
}

let shared: Shim | null = null;

/**
 * Lends the channel a shim this process has loaded already (the kit's own
 * workers and tasks do), instead of building and loading one on first use.
 * Internal to the kit: not exported by `mod.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildShim } from "../../ffi/build.ts";
 * import { Shim } from "../../ffi/library.ts";
 * import { Channel, shimLoads, useShim } from "./channel.ts";
 * useShim(Shim.open((await buildShim()).libraryPath));
 * using channel = await Channel.create({ slots: 2, slotBytes: 8 });
 * assert.equal(shimLoads(), 0); // lent: the channel built and opened none of its own
 * channel.unlink();
 * ```
 */
export function useShim(loaded: Shim): void {
  shared = loaded;
}

/** The load under way, so that channels created at once build and open the shim once. */
let loading: Promise<Shim> | null = null;
/** Builds this module started itself (a test reads it through {@link shimLoads}). */
let loads = 0;

/**
 * The shim, built and loaded once per process (unless one was lent with {@link useShim}); calls
 * that come while it loads wait for the same load, and a load that failed is tried again.
 */
function shim(): Promise<Shim> {
  if (shared !== null) return Promise.resolve(shared);
  if (loading === null) {
    loads++;
    loading = buildShim()
      .then((build) => shared = Shim.open(build.libraryPath))
      .finally(() => loading = null);
  }
  return loading;
}

/**
 * How many times this module started to build (or find built) and open the shim itself: once per
 * process, however many channels were created at once. Internal to the kit, for its tests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Channel, shimLoads } from "./channel.ts";
 * const ends = await Promise.all([1, 2].map(() => Channel.create({ slots: 2, slotBytes: 8 })));
 * assert.equal(shimLoads(), 1);
 * for (const end of ends) end.unlink();
 * ```
 */
export function shimLoads(): number {
  return loads;
}

/**
 * One end of a channel: the sender or the receiver. The creator holds one end,
 * a process that attaches by name the other. The end is in the type
 * (`Channel<"sender">`, `Channel<"receiver">`), so calling the other end's
 * methods is a type error; an end attached without a `role` is
 * `Channel<ChannelRole>` until {@link Channel.isSender} or
 * {@link Channel.isReceiver} narrows it, and JavaScript callers still meet a
 * run-time check.
 *
 * @example
 * ```ts ignore
 * // process A
 * using channel = await Channel.create();
 * console.log(channel.name); // hand this to process B
 * channel.send(bytes);
 * // process B
 * using channel = await Channel.attach(name, { role: "receiver" });
 * const bytes = await channel.receiveAsync(1000);
 * ```
 */
export class Channel<R extends ChannelRole = ChannelRole> {
  /** The POSIX shared-memory name, for `attach` in another process. */
  readonly name: string;
  /** Which end this is (and, through `R`, which methods the type checker lets a caller use). */
  readonly role: R;
  /** Messages the ring holds. */
  readonly slots: number;
  /** Bytes per slot. */
  readonly slotBytes: number;
  /** Every message is exactly `slotBytes` long, with no length in its slot. */
  readonly fixedSize: boolean;
  /** The largest message, in bytes (`slotBytes`, or `slotBytes - 4` with lengths). */
  readonly maxMessageBytes: number;
  /** The slots as bytes: slot `s` starts at `s * slotBytes` (zero-copy API). */
  readonly bytes: Uint8Array;
  /** The slots as 32-bit words: slot `s` starts at `s * slotBytes / 4`. */
  readonly u32: Uint32Array;
  /** The slots as 64-bit floats: slot `s` starts at `s * slotBytes / 8`. */
  readonly f64: Float64Array;
  readonly #segment: Segment;
  readonly #shim: Shim;
  readonly #header: Int32Array;
  readonly #lengths: DataView;
  readonly #mask: number;
  readonly #sends: boolean;
  readonly #publishEvery: number;
  readonly #spinMs: number;
  readonly #mySleep: number;
  readonly #peerSleep: number;
  readonly #mySleepWord: Deno.PointerValue;
  readonly #peerSleepWord: Deno.PointerValue;
  #head = 0; // sender: next slot to fill
  #published = 0;
  #tail = 0; // receiver: next slot to drain
  #tailPublished = 0;
  #headSeen = 0;
  #tailSeen = 0;
  #closed = false;
  /**
   * What the hot calls check, in one field: {@link SENDS} for an open sending end, {@link RECEIVES}
   * for an open receiving one, 0 once closed or broken (then {@link Channel.#refuse} says why).
   */
  #usable: number;
  /** Why this end refuses further use: what a peer did that the protocol does not allow. */
  #broken: ChannelError | null = null;
  /** Async waits whose FFI call is on a worker thread: `close()` wakes them all. */
  #waits = 0;
  /** Index loads since the layout was last checked. */
  #loads = 0;
  /**
   * When the peer's process may next be looked for in /proc (`performance.now()` ms). A double
   * from the start: a field that turned from integer to double would change the object's hidden
   * class, and V8's inline caches in the hot calls would see two.
   */
  #nextAliveCheck = -Infinity;
  /** How many slots or messages the blocking wait in progress asks for. */
  #wanted = 0;
  /**
   * The blocking waits' looks, made once per channel: a wait that allocated its own would allocate
   * once per message in a request/reply loop whose ends sleep. (The thread waits, so no two blocking
   * waits of one end overlap.)
   */
  readonly #lookForRoom = () => (this as Channel<"sender">).reserve(this.#wanted) || -1;
  readonly #lookForMessages = () => (this as Channel<"receiver">).readable(this.#wanted) || -1;
  /**
   * The mapping's buffer: the range stays mapped (as zeros, after close) until it and every view
   * of it are garbage, so no view ever reaches unmapped memory.
   */
  readonly #buffer: ArrayBuffer;

  private constructor(
    lib: Shim,
    segment: Segment,
    role: R,
    options: Pick<ChannelOptions, "publishEvery" | "spinMicros">,
  ) {
    this.#shim = lib;
    this.#segment = segment;
    this.role = role;
    this.#sends = role === "sender";
    this.#usable = this.#sends ? SENDS : RECEIVES;
    this.#spinMs = (options.spinMicros ?? 10) / 1000;
    const buffer = Deno.UnsafePointerView.getArrayBuffer(segment.pointer, segment.bytes);
    this.#buffer = buffer;
    this.#header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.#lengths = new DataView(buffer);
    this.name = segment.name;
    this.slots = this.#header[W(L.SLOTS)];
    // Never more than the ring holds: a sender out of room then always gets the tail (see release).
    this.#publishEvery = Math.min(options.publishEvery ?? 1, this.slots);
    this.slotBytes = this.#header[W(L.SLOT_BYTES)];
    this.fixedSize = (this.#header[W(L.FLAGS)] & FIXED_SIZE) !== 0;
    this.maxMessageBytes = this.fixedSize ? this.slotBytes : this.slotBytes - 4;
    const area = this.slots * this.slotBytes;
    if (geometryError(this.slots, this.slotBytes) !== null || HEADER_BYTES + area > segment.bytes) {
      throw new ChannelError(`the header of ${this.name} changed while it was being attached`);
    }
    this.bytes = new Uint8Array(buffer, HEADER_BYTES, area);
    this.u32 = new Uint32Array(buffer, HEADER_BYTES, area / 4);
    this.f64 = new Float64Array(buffer, HEADER_BYTES, area / 8);
    this.#mask = this.slots - 1;
    this.#head = this.#published = this.#headSeen = Atomics.load(this.#header, HEAD_WORD) >>> 0;
    this.#tail =
      this.#tailSeen =
      this.#tailPublished =
        Atomics.load(this.#header, TAIL_WORD) >>> 0;
    const sender = role === "sender";
    this.#mySleep = W(sender ? L.SENDER_SLEEPS : L.RECEIVER_SLEEPS);
    this.#peerSleep = W(sender ? L.RECEIVER_SLEEPS : L.SENDER_SLEEPS);
    this.#mySleepWord = Deno.UnsafePointer.offset(segment.pointer, this.#mySleep * 4);
    this.#peerSleepWord = Deno.UnsafePointer.offset(segment.pointer, this.#peerSleep * 4);
  }

  /**
   * Creates a channel under a fresh, unguessable name (mode 0600, `O_EXCL`) and holds one end.
   *
   * @throws {RangeError} When the geometry or `publishEvery` is not allowed.
   * @throws {ChannelError} When the shared memory cannot be had: for instance `/dev/shm` has no
   *   room for it (its pages are reserved here, so a full `/dev/shm` fails now, not at a write).
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using channel = await Channel.create({ slots: 4, slotBytes: 16 });
   * assert.equal(channel.maxMessageBytes, 12);
   * assert.equal(channel.role, "sender");
   * channel.unlink();
   * ```
   */
  static async create<const Role extends ChannelRole = "sender">(
    options: ChannelOptions & { role?: Role } = {},
  ): Promise<Channel<Role>> {
    const { slots = 1024, slotBytes = 256, fixedSize = false } = options;
    const role = (options.role ?? "sender") as Role;
    const wrong = geometryError(slots, slotBytes);
    if (wrong !== null) throw new RangeError(wrong);
    checkOptions(options);
    const lib = await shim();
    sweepChannels();
    const bytes = HEADER_BYTES + slots * slotBytes;
    let segment: Segment;
    try {
      segment = Segment.createRaw(lib, bytes, channelName());
    } catch (error) {
      throw new ChannelError(
        `cannot create a channel of ${bytes} bytes: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const header = new Int32Array(
      Deno.UnsafePointerView.getArrayBuffer(segment.pointer, HEADER_BYTES),
    );
    header[W(L.VERSION)] = VERSION;
    header[W(L.SLOTS)] = slots;
    header[W(L.SLOT_BYTES)] = slotBytes;
    header[W(L.FLAGS)] = fixedSize ? FIXED_SIZE : 0;
    header[W(role === "sender" ? L.SENDER_PID : L.RECEIVER_PID)] = Deno.pid;
    Atomics.store(header, W(L.MAGIC), MAGIC);
    return new Channel<Role>(lib, segment, role, options);
  }

  /**
   * Attaches to a channel another process created, holding `role` (default:
   * the receiver's end, or the sender's when only that one is free).
   *
   * @throws {ChannelError} When the name is not a channel, or the end is held by a live process.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using created = await Channel.create({ slots: 4, slotBytes: 16 });
   * // In another process, by name (here the same one):
   * using channel = await Channel.attach(created.name, { role: "receiver" });
   * assert.equal(channel.role, "receiver");
   * await assert.rejects(Channel.attach(created.name, { role: "receiver" }), /is held by process/);
   * created.unlink();
   * ```
   */
  static async attach<const Role extends ChannelRole = ChannelRole>(
    name: string,
    options: Pick<ChannelOptions, "publishEvery" | "spinMicros"> & { role?: Role } = {},
  ): Promise<Channel<Role>> {
    checkOptions(options);
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
    const valid = Atomics.load(header, W(L.MAGIC)) === MAGIC &&
      header[W(L.VERSION)] === VERSION;
    const [slots, slotBytes] = [header[W(L.SLOTS)], header[W(L.SLOT_BYTES)]];
    const free = (pidAt: number, closedAt: number) => {
      const pid = Atomics.load(header, W(pidAt));
      return pid === 0 || Atomics.load(header, W(closedAt)) === 1 || !processExists(pid);
    };
    const receiverFree = free(L.RECEIVER_PID, L.RECEIVER_CLOSED);
    const senderFree = free(L.SENDER_PID, L.SENDER_CLOSED);
    probe.unmap();
    if (!valid) throw new ChannelError(`${name} is not a ringpipe channel (version ${VERSION})`);
    const wrong = geometryError(slots, slotBytes);
    if (wrong !== null) throw new ChannelError(`${name} has a damaged header: ${wrong}`);
    // Unless told: the receiver's end, or the sender's when only that one is free.
    const role = (options.role ?? (receiverFree || !senderFree ? "receiver" : "sender")) as Role;
    const segment = attach(HEADER_BYTES + slots * slotBytes);
    try {
      const channel = new Channel<Role>(lib, segment, role, options);
      channel.#claim();
      return channel;
    } catch (error) {
      segment.unmap();
      throw error;
    }
  }

  /**
   * Removes the channels of this user whose creator and both holders are dead (exited, killed or
   * zombies), and returns their names. `create` does it too, so a program that crashed leaves
   * nothing behind for longer than the next channel made on the machine; reading `/dev/shm`
   * needs `--allow-read` of it (or `-A`), and without it nothing is removed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using channel = await Channel.create({ slots: 2, slotBytes: 8 });
   * assert.ok(!Channel.sweep().includes(channel.name)); // its creator is alive: kept
   * channel.unlink();
   * ```
   */
  static sweep(): string[] {
    return sweepChannels();
  }

  /** Takes this end: refused while a live process holds it and has not closed it. */
  #claim(): void {
    const sender = this.role === "sender";
    const pidAt = W(sender ? L.SENDER_PID : L.RECEIVER_PID);
    const closedAt = W(sender ? L.SENDER_CLOSED : L.RECEIVER_CLOSED);
    const holder = Atomics.load(this.#header, pidAt);
    const closed = Atomics.load(this.#header, closedAt) === 1;
    if (holder !== 0 && !closed && processExists(holder)) {
      throw new ChannelError(
        `the ${this.role}'s end of ${this.name} is held by process ${holder}` +
          (holder === Deno.pid ? " (this one)" : ""),
      );
    }
    if (Atomics.compareExchange(this.#header, pidAt, holder, Deno.pid) !== holder) {
      throw new ChannelError(`another process took the ${this.role}'s end of ${this.name} first`);
    }
    Atomics.store(this.#header, closedAt, 0);
  }

  /**
   * Sends one message if there is room; false when the ring is full. No system
   * call (but the wake-up of a sleeping receiver), no allocation.
   *
   * @throws {RangeError} When the message does not fit a slot.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * const hello = new TextEncoder().encode("hello");
   * for (let i = 0; i < 4; i++) assert.ok(tx.send(hello));
   * assert.equal(tx.send(hello), false); // full: try again later
   * assert.deepEqual(rx.receive(), hello);
   * ```
   */
  send(this: Channel<"sender">, message: Uint8Array): boolean {
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
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * const messages = [1, 2, 3, 4, 5, 6].map((n) => new Uint8Array([n]));
   * assert.equal(tx.sendBatch(messages), 4); // as many as there is room for, one publication
   * assert.deepEqual(rx.receive(), new Uint8Array([1]));
   * ```
   */
  sendBatch(this: Channel<"sender">, messages: readonly Uint8Array[]): number {
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
   * false on timeout.
   *
   * @throws {ChannelError} When the peer closed or is gone.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * const bytes = new Uint8Array([7]);
   * assert.equal(tx.sendWait(bytes, 1000), true);
   * for (let i = 0; i < 3; i++) tx.send(bytes);
   * assert.equal(tx.sendWait(bytes, 20), false); // still full after 20 ms
   * ```
   */
  sendWait(this: Channel<"sender">, message: Uint8Array, timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs;
    for (let spins = 1;; spins++) {
      if (this.send(message)) return true;
      if (spins % PEER_CHECK_SPINS === 0) {
        this.#checkPeer();
        if (performance.now() > deadline) return false;
      }
    }
  }

  /**
   * Sends one message, sleeping in the kernel while the ring is full (after a
   * short spin), for at most `timeoutMs`; false on timeout.
   *
   * @throws {ChannelError} When the peer closed or is gone, or this end is closed meanwhile.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * const bytes = new Uint8Array([7]);
   * assert.equal(await tx.sendAsync(bytes), true);
   * assert.deepEqual(await rx.receiveAsync(1000), bytes);
   * ```
   */
  async sendAsync(
    this: Channel<"sender">,
    message: Uint8Array,
    timeoutMs = Infinity,
  ): Promise<boolean> {
    return await this.#waitFor(() => this.send(message) ? 1 : -1, timeoutMs) >= 0;
  }

  /**
   * Publishes at once what this end holds back under `publishEvery`: a sender's messages, or the
   * slots a receiver has freed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 8, fixedSize: true });
   * using rx = await Channel.attach(tx.name, { role: "receiver", publishEvery: 4 });
   * tx.unlink();
   * tx.commit(tx.reserve(4));
   * rx.release(rx.readable(2));
   * assert.equal(tx.reserve(4), 0); // the receiver holds its two freed slots back
   * rx.flush();
   * assert.equal(tx.reserve(4), 2);
   * ```
   */
  flush(): void {
    this.#open();
    this.#publish();
    this.#publishTail();
  }

  /**
   * Sender, zero-copy: reserves up to `n` free slots in a row, from slot
   * `writeSlot` on (they stop where the ring wraps); returns how many, 0 when
   * the ring is full. Fill them through `bytes`, `u32` or `f64` (with lengths,
   * a slot's first 32-bit word is the message's length), then `commit`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 8, slotBytes: 8, fixedSize: true });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * const n = tx.reserve(3);
   * for (let k = 0; k < n; k++) tx.f64[tx.writeSlot + k] = k / 2;
   * tx.commit(n);
   * const got = rx.readable(8);
   * assert.deepEqual([...rx.f64.subarray(rx.readSlot, rx.readSlot + got)], [0, 0.5, 1]);
   * rx.release(got);
   * ```
   */
  reserve(this: Channel<"sender">, n: number): number {
    if (this.#usable !== SENDS || n >>> 0 !== n) this.#refuse(true, "reserve", n);
    const head = this.#head, slots = this.slots;
    let free = slots - ((head - this.#tailSeen) >>> 0);
    if (free < n) {
      this.#tailSeen = this.#loadTail();
      free = slots - ((head - this.#tailSeen) >>> 0);
    }
    return least(n, free, slots - (head & this.#mask));
  }

  /**
   * Like {@link Channel.reserve}, sleeping in the kernel while the ring is full
   * (after a short spin), for at most `timeoutMs`; 0 on timeout.
   *
   * @throws {ChannelError} When the peer closed or is gone, or this end is closed meanwhile.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * const n = await tx.reserveAsync(64); // up to 64 free slots, here all 4
   * assert.equal(n, 4);
   * tx.commit(0); // nothing filled after all
   * ```
   */
  async reserveAsync(this: Channel<"sender">, n: number, timeoutMs = Infinity): Promise<number> {
    return Math.max(0, await this.#waitFor(() => this.reserve(n) || -1, timeoutMs));
  }

  /**
   * Like {@link Channel.reserveAsync}, sleeping on this thread instead: nothing else runs on it
   * until room comes, the time is up or the peer is gone. For a thread that does nothing but
   * serve the channel (a Worker, or a process of its own), as a native loop would: the wake-up
   * skips the pool thread and the event loop that {@link Channel.reserveAsync} goes through.
   *
   * @throws {ChannelError} When the peer closed or is gone.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * assert.equal(tx.reserveBlocking(64), 4); // room at once: no sleep
   * tx.commit(4);
   * assert.equal(tx.reserveBlocking(1, 20), 0); // full for 20 ms
   * ```
   */
  reserveBlocking(this: Channel<"sender">, n: number, timeoutMs = Infinity): number {
    this.#wanted = n;
    return Math.max(0, this.#waitBlocking(this.#lookForRoom, timeoutMs));
  }

  /** The slot where the next reserved message goes (sender, zero-copy). */
  get writeSlot(): number {
    return this.#head & this.#mask;
  }

  /**
   * Sender, zero-copy: hands the first `n` reserved slots to the receiver, with one publication.
   *
   * @throws {RangeError} When `n` is not a whole number, or more than was reserved room for.
   */
  commit(this: Channel<"sender">, n: number): void {
    if (this.#usable !== SENDS || n >>> 0 !== n) this.#refuse(true, "commit", n);
    const head = this.#head;
    if (n > this.slots - ((head - this.#tailSeen) >>> 0)) {
      tooMany("commit", n, "free slots reserved");
    }
    this.#head = (head + n) >>> 0;
    this.#publish();
  }

  /**
   * Receiver, zero-copy: how many messages can be read in place from slot
   * `readSlot` on, at most `max` (they stop where the ring wraps); 0 when the
   * ring is empty. Read them through `bytes`, `u32` or `f64`, then `release`.
   */
  readable(this: Channel<"receiver">, max: number): number {
    if (this.#usable !== RECEIVES || max >>> 0 !== max) this.#refuse(false, "readable", max);
    const tail = this.#tail;
    let ready = (this.#headSeen - tail) >>> 0;
    if (ready < max) {
      const head = this.#loadHead();
      this.#headSeen = head;
      ready = (head - tail) >>> 0;
    }
    return least(max, ready, this.slots - (tail & this.#mask));
  }

  /**
   * Like {@link Channel.readable}, sleeping in the kernel while the ring is
   * empty (after a short spin), for at most `timeoutMs`; 0 on timeout.
   *
   * @throws {ChannelError} When the peer closed (and everything it sent was read) or is gone,
   *   or this end is closed meanwhile.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * tx.send(new Uint8Array([1]));
   * tx.send(new Uint8Array([2]));
   * const n = await rx.readableAsync(64, 1000); // both, read in place from rx.readSlot
   * assert.equal(n, 2);
   * rx.release(n);
   * assert.equal(rx.receive(), null);
   * ```
   */
  async readableAsync(
    this: Channel<"receiver">,
    max: number,
    timeoutMs = Infinity,
  ): Promise<number> {
    return Math.max(0, await this.#waitFor(() => this.readable(max) || -1, timeoutMs));
  }

  /**
   * Like {@link Channel.readableAsync}, sleeping on this thread instead: nothing else runs on it
   * until a message comes, the time is up or the peer is gone. For a thread that does nothing
   * but serve the channel (a Worker, or a process of its own), as a native loop would: the
   * wake-up skips the pool thread and the event loop that {@link Channel.readableAsync} goes
   * through.
   *
   * @throws {ChannelError} When the peer closed (and everything it sent was read) or is gone.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * assert.equal(rx.readableBlocking(64, 20), 0); // nothing in 20 ms
   * tx.send(new Uint8Array([7]));
   * assert.equal(rx.readableBlocking(64), 1);
   * assert.equal(rx.bytes[rx.readSlot * rx.slotBytes + 4], 7);
   * ```
   */
  readableBlocking(this: Channel<"receiver">, max: number, timeoutMs = Infinity): number {
    this.#wanted = max;
    return Math.max(0, this.#waitBlocking(this.#lookForMessages, timeoutMs));
  }

  /** The slot of the next message to read (receiver, zero-copy). */
  get readSlot(): number {
    return this.#tail & this.#mask;
  }

  /**
   * Receiver, zero-copy: gives the first `n` readable slots back to the sender. The tail is
   * published at once with the default `publishEvery` of 1; with more, every that many messages
   * (at most `slots`, so a sender that filled the ring gets room once it is drained), which keeps
   * the store, and its wait for the cache line, off the path of a request and its reply.
   *
   * @throws {RangeError} When `n` is not a whole number, or more than was readable.
   */
  release(this: Channel<"receiver">, n: number): void {
    if (this.#usable !== RECEIVES || n >>> 0 !== n) this.#refuse(false, "release", n);
    const tail = this.#tail;
    if (n > ((this.#headSeen - tail) >>> 0)) tooMany("release", n, "messages readable");
    const next = (tail + n) >>> 0;
    this.#tail = next;
    // Every `publishEvery` messages (at most `slots`, so a sender out of room always gets it).
    if (((next - this.#tailPublished) >>> 0) >= this.#publishEvery) this.#publishTail();
  }

  /**
   * Receives one message into `into` (no allocation); returns its length, or -1 when the ring is empty.
   *
   * @throws {RangeError} When the message does not fit `into`.
   * @throws {ChannelError} When this end is closed, or the peer broke the protocol (a length
   *   longer than a slot, an index past the ring, a changed header).
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * tx.send(new Uint8Array([1, 2, 3]));
   * const buffer = new Uint8Array(rx.maxMessageBytes);
   * assert.equal(rx.receiveInto(buffer), 3);
   * assert.deepEqual(buffer.subarray(0, 3), new Uint8Array([1, 2, 3]));
   * assert.equal(rx.receiveInto(buffer), -1); // nothing there
   * ```
   */
  receiveInto(this: Channel<"receiver">, into: Uint8Array): number {
    this.#open(false);
    if (this.#tail === this.#headSeen) {
      this.#headSeen = this.#loadHead();
      if (this.#tail === this.#headSeen) return -1;
    }
    const at = HEADER_BYTES + (this.#tail & this.#mask) * this.slotBytes;
    const length = this.fixedSize ? this.slotBytes : this.#lengths.getUint32(at, true);
    if (length > this.maxMessageBytes) this.#tooLong(length);
    if (length > into.length) {
      throw new RangeError(`a ${length}-byte message does not fit a ${into.length}-byte buffer`);
    }
    const from = this.fixedSize ? at : at + 4;
    copy(this.bytes, from - HEADER_BYTES, into, 0, length);
    this.#tail = (this.#tail + 1) >>> 0;
    if (((this.#tail - this.#tailPublished) >>> 0) >= this.#publishEvery) this.#publishTail();
    return length;
  }

  /**
   * Receives one message as a new array, or null when the ring is empty.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * assert.equal(rx.receive(), null);
   * tx.send(new Uint8Array([9]));
   * assert.deepEqual(rx.receive(), new Uint8Array([9])); // a copy, the caller's to keep
   * ```
   */
  receive(this: Channel<"receiver">): Uint8Array | null {
    const buffer = new Uint8Array(this.maxMessageBytes);
    const length = this.receiveInto(buffer);
    return length < 0 ? null : buffer.slice(0, length);
  }

  /**
   * Receives up to `max` messages, calling `each` with a view of each (valid
   * only during the call), and frees their slots once: the bulk form.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * tx.sendBatch([new Uint8Array([1]), new Uint8Array([2, 2])]);
   * const lengths: number[] = [];
   * assert.equal(rx.receiveBatch(64, (bytes) => lengths.push(bytes.length)), 2);
   * assert.deepEqual(lengths, [1, 2]); // views into the slots, valid inside the callback only
   * ```
   */
  receiveBatch(
    this: Channel<"receiver">,
    max: number,
    each: (message: Uint8Array) => void,
  ): number {
    this.#open(false);
    wholeCount(max, "receiveBatch");
    this.#headSeen = this.#loadHead();
    let got = 0;
    while (got < max && this.#tail !== this.#headSeen) {
      const at = (this.#tail & this.#mask) * this.slotBytes;
      const length = this.fixedSize
        ? this.slotBytes
        : this.#lengths.getUint32(HEADER_BYTES + at, true);
      if (length > this.maxMessageBytes) this.#tooLong(length);
      const from = this.fixedSize ? at : at + 4;
      each(this.bytes.subarray(from, from + length));
      got++;
      if (this.#closed) return got; // closed by the callback: the slots read as zeros now
      this.#tail = (this.#tail + 1) >>> 0;
    }
    this.#publishTail();
    return got;
  }

  /**
   * Receives one message into `into`, spinning while the ring is empty, for at
   * most `timeoutMs`; -1 on timeout.
   *
   * @throws {ChannelError} When the peer closed (and everything it sent was read) or is gone.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * const buffer = new Uint8Array(rx.maxMessageBytes);
   * assert.equal(rx.receiveWaitInto(buffer, 20), -1); // nothing in 20 ms
   * tx.send(new Uint8Array([5, 6]));
   * assert.equal(rx.receiveWaitInto(buffer, 1000), 2);
   * ```
   */
  receiveWaitInto(this: Channel<"receiver">, into: Uint8Array, timeoutMs = Infinity): number {
    const deadline = performance.now() + timeoutMs;
    for (let spins = 1;; spins++) {
      const length = this.receiveInto(into);
      if (length >= 0) return length;
      if (spins % PEER_CHECK_SPINS === 0) {
        const last = this.#unlessPeerGone(() => this.receiveInto(into), true);
        if (last >= 0) return last;
        if (performance.now() > deadline) return -1;
      }
    }
  }

  /**
   * Like {@link Channel.receiveWaitInto}, returning a new array, or null on timeout.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * assert.equal(rx.receiveWait(20), null);
   * tx.send(new Uint8Array([4]));
   * assert.deepEqual(rx.receiveWait(1000), new Uint8Array([4]));
   * ```
   */
  receiveWait(this: Channel<"receiver">, timeoutMs = Infinity): Uint8Array | null {
    const buffer = new Uint8Array(this.maxMessageBytes);
    const length = this.receiveWaitInto(buffer, timeoutMs);
    return length < 0 ? null : buffer.slice(0, length);
  }

  /**
   * Receives one message into `into`, sleeping in the kernel while the ring is
   * empty (after a short spin), for at most `timeoutMs`; -1 on timeout. An idle
   * receiver costs next to no CPU: it wakes when the sender publishes, when the
   * sender closes, and every 100 ms to see whether the sender is still there.
   *
   * @throws {ChannelError} When the peer closed (and everything it sent was read) or is gone,
   *   or this end is closed meanwhile.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * const buffer = new Uint8Array(rx.maxMessageBytes);
   * setTimeout(() => tx.send(new Uint8Array([3, 3, 3])), 10);
   * assert.equal(await rx.receiveIntoAsync(buffer, 1000), 3); // slept until it came
   * ```
   */
  receiveIntoAsync(
    this: Channel<"receiver">,
    into: Uint8Array,
    timeoutMs = Infinity,
  ): Promise<number> {
    return this.#waitFor(() => this.receiveInto(into), timeoutMs);
  }

  /**
   * Like {@link Channel.receiveIntoAsync}, returning a new array, or null on timeout.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * tx.send(new Uint8Array([1]));
   * tx.send(new Uint8Array([2]));
   * const got: number[] = [];
   * for (let m; (m = await rx.receiveAsync(50)) !== null;) got.push(m[0]); // null: 50 ms of quiet
   * assert.deepEqual(got, [1, 2]);
   * tx.close(); // a peer that closed ends a wait with an error, once what it sent is read
   * await assert.rejects(rx.receiveAsync(1000), /the peer closed/);
   * ```
   */
  async receiveAsync(this: Channel<"receiver">, timeoutMs = Infinity): Promise<Uint8Array | null> {
    const buffer = new Uint8Array(this.maxMessageBytes);
    const length = await this.receiveIntoAsync(buffer, timeoutMs);
    return length < 0 ? null : buffer.slice(0, length);
  }

  /**
   * Tries `attempt` (>= 0: done) while spinning for spinMicros, then sleeps on
   * this side's word until the peer wakes it, the peer is found gone, or the
   * time is up (-1). The sleep is a futex wait on a pool thread, so this
   * thread's event loop goes on meanwhile.
   */
  async #waitFor(attempt: () => number, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (let silent = false;;) {
      const got = this.#beforeSleep(attempt, silent);
      if (got !== MUST_SLEEP) return got;
      if (deadline <= performance.now()) return this.#timedOut(attempt);
      this.#waits++;
      try {
        silent = await this.#shim.symbols.rp_futex_wait(this.#mySleepWord, 1, sleepNs(deadline)) ===
          TIMED_OUT;
      } finally {
        this.#waits--;
      }
      this.#afterSleep();
    }
  }

  /**
   * {@link Channel.#waitFor}, sleeping on this thread: its event loop stops meanwhile. The first
   * {@link QUICK_LOOKS} looks read no clock.
   */
  #waitBlocking(attempt: () => number, timeoutMs: number): number {
    for (let looks = 0; looks < QUICK_LOOKS; looks++) {
      const got = attempt();
      if (got >= 0) return got;
    }
    const deadline = performance.now() + timeoutMs;
    for (let silent = false;;) {
      const got = this.#beforeSleep(attempt, silent);
      if (got !== MUST_SLEEP) return got;
      if (deadline <= performance.now()) return this.#timedOut(attempt);
      silent = this.#shim.symbols.rp_futex_wait_here(this.#mySleepWord, 1, sleepNs(deadline)) ===
        TIMED_OUT;
      this.#afterSleep();
    }
  }

  /**
   * A wait's spin, then its announcement that this end sleeps: what `attempt` got (>= 0), or
   * {@link MUST_SLEEP} when this end announced it sleeps, after which the caller sleeps or, its time
   * up, withdraws the announcement ({@link Channel.#timedOut}). The deadline stays with the caller:
   * V8 boxes a double handed to a call it does not inline, and a box per sleep was most of what a
   * paced round trip allocated. Whether the peer's process lives is asked only when `silent`, the
   * last sleep having ended without a wake (see {@link ALIVE_CHECK_MS}).
   */
  #beforeSleep(attempt: () => number, silent: boolean): number {
    const spinUntil = performance.now() + this.#spinMs;
    for (let looks = 1;; looks++) {
      const got = attempt();
      if (got >= 0) return got;
      if ((looks & 63) === 0 && performance.now() > spinUntil) break;
    }
    const last = this.#unlessPeerGone(attempt, silent);
    if (last >= 0) return last;
    // Announce, then look once more: the peer publishes, then reads the announcement.
    Atomics.store(this.#header, this.#mySleep, 1);
    const got = attempt();
    if (got < 0) return MUST_SLEEP;
    Atomics.store(this.#header, this.#mySleep, 0);
    return got;
  }

  /**
   * A wait whose time is up after it announced a sleep: withdraws the announcement; -1, unless the
   * peer is found gone (then what it left, or the ChannelError).
   */
  #timedOut(attempt: () => number): number {
    Atomics.store(this.#header, this.#mySleep, 0);
    return this.#unlessPeerGone(attempt, true);
  }

  /** After a sleep: this end is awake again, unless it was closed meanwhile. */
  #afterSleep(): void {
    if (this.#closed) {
      throw new ChannelError(`the channel ${this.name} was closed while waiting`);
    }
    Atomics.store(this.#header, this.#mySleep, 0);
  }

  /**
   * Publishes what is pending, marks this end closed (waking a sleeping peer)
   * and lets the shared memory go. Closing twice does nothing; any other use
   * after closing throws. A wait in progress on this end ends with a
   * ChannelError. The views (`bytes`, `u32`, `f64` and those `receiveBatch`
   * handed out) stay safe to touch: the range is mapped over with private
   * zero pages, unmapped only once the views are garbage. (Detaching them
   * instead would slow every typed array of the process: V8 optimises on the
   * promise that no buffer was ever detached.)
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * rx.close();
   * rx.close(); // no-op
   * assert.throws(() => rx.receive(), /is closed/);
   * ```
   */
  close(): void {
    if (this.#closed) return;
    if (this.#broken === null) {
      this.#publish();
      this.#publishTail();
    }
    const sender = this.role === "sender";
    Atomics.store(this.#header, W(sender ? L.SENDER_CLOSED : L.RECEIVER_CLOSED), 1);
    this.#wake(this.#peerSleep, this.#peerSleepWord, true);
    // Waits in progress are woken (one that starts later finds a zero page: it returns at once).
    if (this.#waits > 0) this.#wake(this.#mySleep, this.#mySleepWord, true, WAKE_ALL);
    this.#closed = true;
    this.#usable = 0;
    // Every view handed out now reads zeros of this process's own, never unmapped memory; the
    // range is unmapped when the buffer, and so every view of it, is garbage.
    this.#segment.blank();
    UNMAP_WHEN_UNREACHABLE.register(this.#buffer, this.#segment);
  }

  /**
   * True for the sending end: narrows an end attached without a `role` so that its send methods
   * type-check.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using created = await Channel.create({ slots: 4, slotBytes: 16 });
   * using end = await Channel.attach(created.name); // the receiver's end: it was free
   * assert.ok(end.isReceiver() && !end.isSender());
   * created.unlink();
   * ```
   */
  isSender(): this is Channel<"sender"> {
    return this.role === "sender";
  }

  /** True for the receiving end: narrows an end attached without a `role` (see {@link isSender}). */
  isReceiver(): this is Channel<"receiver"> {
    return this.role === "receiver";
  }

  /** Closes this end: `using channel = await Channel.attach(name)` closes it at the scope's end. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Removes the channel's name, so no one else can attach; mappings stay valid until closed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Channel } from "./channel.ts";
   * using tx = await Channel.create({ slots: 4, slotBytes: 16 });
   * using rx = await Channel.attach(tx.name, { role: "receiver" });
   * tx.unlink();
   * // (tx.unlink() above: the name is gone, the two ends still work)
   * assert.ok(tx.send(new Uint8Array([1])));
   * await assert.rejects(Channel.attach(tx.name), /cannot attach/);
   * ```
   */
  unlink(): void {
    this.#segment.unlink();
  }

  /** Writes one message without publishing it; false when the ring is full. */
  #sendHeld(message: Uint8Array): boolean {
    this.#open(true);
    if (
      this.fixedSize ? message.length !== this.slotBytes : message.length > this.maxMessageBytes
    ) {
      throw new RangeError(
        this.fixedSize
          ? `a message of ${message.length} bytes is not one ${this.slotBytes}-byte record`
          : `a message of ${message.length} bytes does not fit a ${this.slotBytes}-byte slot (at most ${this.maxMessageBytes})`,
      );
    }
    if (((this.#head - this.#tailSeen) >>> 0) === this.slots) {
      this.#tailSeen = this.#loadTail();
      if (((this.#head - this.#tailSeen) >>> 0) === this.slots) return false;
    }
    const at = (this.#head & this.#mask) * this.slotBytes;
    if (!this.fixedSize) this.#lengths.setUint32(HEADER_BYTES + at, message.length, true);
    copy(message, 0, this.bytes, this.fixedSize ? at : at + 4, message.length);
    this.#head = (this.#head + 1) >>> 0;
    return true;
  }

  /**
   * The sender's head, checked: it may not be behind this side's tail nor more than `slots` ahead
   * of it (a peer could otherwise have this side read slots it never wrote, or read them twice).
   */
  #loadHead(): number {
    const head = Atomics.load(this.#header, HEAD_WORD) >>> 0;
    if (((head - this.#tail) >>> 0) > this.slots || (++this.#loads & LAYOUT_CHECK_LOADS) === 0) {
      this.#checkHead(head);
    }
    return head;
  }

  /** The cold half of {@link Channel.#loadHead}: a head outside the ring, or the layout's turn. */
  #checkHead(head: number): void {
    if (((head - this.#tail) >>> 0) > this.slots) {
      this.#fail(
        `the sender published head ${head}, outside the ${this.slots} slots after tail ${this.#tail}`,
      );
    }
    this.#checkLayout();
  }

  /**
   * The receiver's tail, checked: it may not pass what this side published nor fall more than
   * `slots` behind it (a peer could otherwise have this side overwrite slots not yet read).
   */
  #loadTail(): number {
    const tail = Atomics.load(this.#header, TAIL_WORD) >>> 0;
    if (
      ((this.#published - tail) >>> 0) > this.slots || (++this.#loads & LAYOUT_CHECK_LOADS) === 0
    ) this.#checkTail(tail);
    return tail;
  }

  /** The cold half of {@link Channel.#loadTail}: a tail outside the ring, or the layout's turn. */
  #checkTail(tail: number): void {
    if (((this.#published - tail) >>> 0) > this.slots) {
      this.#fail(
        `the receiver published tail ${tail}, outside the ${this.slots} slots before head ${this.#published}`,
      );
    }
    this.#checkLayout();
  }

  /** A slot's length word longer than a slot holds: the peer wrote it, or wrote over it. */
  #tooLong(length: number): never {
    this.#fail(
      `slot ${
        this.#tail & this.#mask
      } holds a length of ${length}, more than the ${this.maxMessageBytes} bytes a message may have`,
    );
  }

  /** Throws (and breaks this end) when the magic, version or geometry changed since it was opened. */
  #checkLayout(): void {
    this.#loads = 0;
    const h = this.#header;
    const changed = Atomics.load(h, W(L.MAGIC)) !== MAGIC
      ? "its magic"
      : h[W(L.VERSION)] !== VERSION
      ? "its version"
      : h[W(L.SLOTS)] !== this.slots
      ? "its slot count"
      : h[W(L.SLOT_BYTES)] !== this.slotBytes
      ? "its slot size"
      : ((h[W(L.FLAGS)] & FIXED_SIZE) !== 0) !== this.fixedSize
      ? "its flags"
      : null;
    if (changed !== null) this.#fail(`the header changed since this end was opened: ${changed}`);
  }

  /**
   * Breaks this end for good: what the peer wrote breaks the protocol, and nothing read from now
   * on could be trusted. Every later call throws the same error; `close()` still works.
   */
  #fail(what: string): never {
    this.#broken = new ChannelError(`${this.name}: ${what}; this end refuses further use`);
    this.#usable = 0;
    throw this.#broken;
  }

  #publishTail(): void {
    const tail = this.#tail;
    if (this.#tailPublished !== tail) {
      this.#tailPublished = tail;
      this.#store(TAIL_WORD, tail);
    }
  }

  #publish(): void {
    const head = this.#head;
    if (this.#published !== head) {
      this.#published = head;
      this.#store(HEAD_WORD, head);
    }
  }

  /** Stores this side's index in header word `word`, then wakes the peer if it announced a sleep. */
  #store(word: number, index: number): void {
    Atomics.store(this.#header, word, index | 0);
    if (announced(this.#header, this.#peerSleep)) {
      this.#wake(this.#peerSleep, this.#peerSleepWord, true);
    }
  }

  /**
   * Wakes the side sleeping on `word` if it announced it sleeps (the store
   * before this load is sequentially consistent, so one of the two sides sees
   * the other), or always when `always`.
   */
  #wake(index: number, word: Deno.PointerValue, always: boolean, count = 1): void {
    if (always || Atomics.load(this.#header, index) !== 0) {
      Atomics.store(this.#header, index, 0);
      this.#shim.symbols.rp_futex_wake(word, count);
    }
  }

  /** Throws when this end is closed, or (given `sending`) is not the end that does that. */
  #open(sending?: boolean): void {
    if (this.#usable === 0 || (sending !== undefined && sending !== this.#sends)) {
      this.#refuse(sending);
    }
  }

  /**
   * Why {@link Channel.#open}, or a hot call's one check, refuses: this end is closed or broken,
   * it is the other end, or the count `n` given to `what` is not a whole number. Out of line, so
   * the checks stay small enough for V8 to inline the calls into a caller's loop.
   */
  #refuse(sending?: boolean, what?: string, n?: number): never {
    if (what !== undefined && this.#usable === (sending ? SENDS : RECEIVES)) notWhole(n!, what);
    if (this.#closed) throw new ChannelError(`the channel ${this.name} is closed`);
    if (this.#broken !== null) {
      throw new ChannelError(this.#broken.message, { cause: this.#broken });
    }
    throw new ChannelError(
      `this end of ${this.name} is the ${this.role}: it cannot ${sending ? "send" : "receive"}`,
    );
  }

  /**
   * -1 while the peer is there; when it closed or is gone, one last `attempt`
   * (what it published before closing is still read), else the ChannelError.
   */
  #unlessPeerGone(attempt: () => number, askProc: boolean): number {
    try {
      this.#checkPeer(askProc);
      return -1;
    } catch (error) {
      const got = this.#closed ? -1 : attempt();
      if (got >= 0) return got;
      throw error;
    }
  }

  /**
   * Throws when the peer closed or the header changed, or, when `askProc` and not asked in the
   * last {@link ALIVE_CHECK_MS}, when its process is gone.
   */
  #checkPeer(askProc = true): void {
    this.#open();
    this.#checkLayout();
    const peerSends = this.role === "receiver";
    const peerPid = this.#header[W(peerSends ? L.SENDER_PID : L.RECEIVER_PID)];
    if (Atomics.load(this.#header, W(peerSends ? L.SENDER_CLOSED : L.RECEIVER_CLOSED)) === 1) {
      throw new ChannelError(`the peer closed the channel ${this.name}`);
    }
    if (!askProc) return;
    const now = performance.now();
    if (now < this.#nextAliveCheck) return;
    this.#nextAliveCheck = now + ALIVE_CHECK_MS;
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

/** A count past what the ring allows at this point: the caller's mistake. */
function tooMany(what: string, n: number, than: string): never {
  throw new RangeError(`${what}(${n}): more than the ${than}`);
}

/** The least of three numbers, without a call to `Math.min` (which costs V8's inliner more). */
function least(a: number, b: number, c: number): number {
  const ab = a < b ? a : b;
  return ab < c ? ab : c;
}

/**
 * Whether the side sleeping on word `index` of `header` announced that it sleeps, read right after
 * this side's sequentially consistent store of its index: one of the two sides sees the other (the
 * sleeper announces, then looks once more). On x86-64 that store is a locked exchange, a full
 * barrier, so a plain read cannot pass it and saves `Atomics.load`'s call into V8's runtime (about
 * 20 ns in Deno 2.9.6); elsewhere (arm64's store-release can be passed by a later plain load) it is
 * `Atomics.load`.
 */
function announced(header: Int32Array, index: number): boolean {
  return (FENCED_STORES ? header[index] : Atomics.load(header, index)) !== 0;
}

/** Throws unless `n` is a whole number from 0: a count given to `what`. */
function wholeCount(n: number, what: string): void {
  // One operation for "a whole number from 0 below 2^32": true of no fraction, NaN or infinity.
  if (n >>> 0 !== n) notWhole(n, what);
}

/** The error of {@link wholeCount}, out of line so the check stays small enough to inline. */
function notWhole(n: number, what: string): never {
  throw new RangeError(`${what}(${n}): a count must be a whole number from 0`);
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

function checkOptions(options: Pick<ChannelOptions, "publishEvery" | "spinMicros" | "role">): void {
  const { publishEvery = 1, spinMicros = 10, role = "sender" } = options;
  if (!Number.isInteger(publishEvery) || publishEvery < 1) {
    throw new RangeError(`publishEvery must be a whole number from 1, got ${publishEvery}`);
  }
  if (!(spinMicros >= 0 && spinMicros <= 1e6)) {
    throw new RangeError(`spinMicros must be from 0 to 1,000,000, got ${spinMicros}`);
  }
  if (role !== "sender" && role !== "receiver") {
    throw new RangeError(`role must be sender or receiver, got ${role}`);
  }
}
