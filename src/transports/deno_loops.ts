/**
 * The deno engine: the hot loops of an 8-byte stream written in TypeScript,
 * as a Deno program would write them. The bookkeeping around a loop (meeting
 * the peer, usage counters, the clock) is the shim's, so the figures compare
 * with the native loops'; inside the loop there is no FFI call and no
 * allocation per item (the run-still-wanted check crosses into the shim every
 * 65,536 items or spins).
 *
 * - The ring is a {@link Channel} of 8-byte records driven through its
 *   zero-copy API: the sender reserves up to `publishEvery` slots, writes each
 *   item as two 32-bit words in place and commits them with one publication;
 *   the receiver checks what is readable (up to as many) in place and releases
 *   it with one. A side with nothing to do spins.
 * - The pipe is a `Deno.FsFile` on the pipe: `writeSync` and `readSync` of 8 bytes.
 *
 * @module
 */

import type { Shim } from "../../ffi/library.ts";
import { ResultField, Status } from "../../ffi/symbols.ts";
import { Channel, useShim } from "../channel/channel.ts";
import type { SideContext } from "./types.ts";
import { pipeEnds } from "./pipe_ends.ts";

const POLL_MASK = 0xffff;

/** The item i as 8 little-endian bytes, written into `view`. */
function put(view: DataView, i: number): void {
  view.setUint32(0, i >>> 0, true);
  view.setUint32(4, Math.floor(i / 4294967296), true);
}

/** The sum 0 + 1 + ... + (n - 1) modulo 2^64, as the C loops count it. */
function checksum(n: number): bigint {
  const big = BigInt(n);
  return (big * (big - 1n) / 2n) & 0xffff_ffff_ffff_ffffn;
}

function bad(out: BigUint64Array, index: number, got: number): number {
  out[ResultField.BAD_INDEX] = BigInt(index);
  out[ResultField.BAD_OFFSET] = 0n;
  out[ResultField.BAD_EXPECTED] = BigInt(index);
  out[ResultField.BAD_GOT] = BigInt(got);
  return Status.BAD_DATA;
}

/** What the first bad item held, for the report (set by `consume` before it returns). */
let badWord = 0;

/** Rounds of 1,000 items the deno engine moves through a private channel before the clock starts. */
const WARM_UP_ROUNDS = 300;

/*
 * The per-item work lives in two small functions called once per batch: called
 * thousands of times in the warm-up, V8 optimises them as functions, so the
 * timed loop runs optimised code from its first batch instead of waiting for
 * on-stack replacement of one long-running loop (measured: the first 15 to 30
 * ms of a trial ran at 30 to 130 ns per item that way).
 */

/** Writes items `from` .. `to` - 1 as two 32-bit words each, from word `w` on. */
function fill(words: Uint32Array, w: number, from: number, to: number): void {
  for (let i = from; i < to; i++, w += 2) {
    words[w] = i >>> 0;
    words[w + 1] = (i / 4294967296) >>> 0;
  }
}

/** The first item of `from` .. `to` - 1 that is not what it should be, or -1. */
function check(words: Uint32Array, w: number, from: number, to: number): number {
  for (let i = from; i < to; i++, w += 2) {
    if (words[w] !== i >>> 0 || words[w + 1] !== (i / 4294967296) >>> 0) return i;
  }
  return -1;
}

/**
 * Sends items `from` to `to` - 1 as 8-byte records, filled in place a batch of
 * up to `batch` at a time (`reserve`, `commit`: one publication per batch);
 * returns 0, or the status that stopped it. `wanted` is asked every 65,536
 * items or spins.
 */
function produce(
  channel: Channel,
  batch: number,
  from: number,
  to: number,
  wanted: () => number,
): number {
  const words = channel.u32;
  let spins = 0;
  let status = 0;
  let next = from + POLL_MASK + 1;
  for (let i = from; i < to;) {
    const n = channel.reserve(Math.min(batch, to - i));
    if (n === 0) {
      if ((++spins & POLL_MASK) === 0 && (status = wanted()) !== Status.OK) return status;
      continue;
    }
    fill(words, channel.writeSlot * 2, i, i + n);
    i += n;
    channel.commit(n);
    if (i >= next) {
      next = i + POLL_MASK + 1;
      if ((status = wanted()) !== Status.OK) return status;
    }
  }
  return Status.OK;
}

/**
 * Receives and checks items `from` to `to` - 1 in place, a batch of up to
 * `batch` at a time (`readable`, `release`); returns 0, the status that
 * stopped it, or -1 - i for a bad item i.
 */
function consume(
  channel: Channel,
  batch: number,
  from: number,
  to: number,
  wanted: () => number,
): number {
  const words = channel.u32;
  let spins = 0;
  let status = 0;
  let next = from + POLL_MASK + 1;
  for (let i = from; i < to;) {
    const n = channel.readable(Math.min(batch, to - i));
    if (n === 0) {
      if ((++spins & POLL_MASK) === 0 && (status = wanted()) !== Status.OK) return status;
      continue;
    }
    const wrong = check(words, channel.readSlot * 2, i, i + n);
    if (wrong >= 0) {
      badWord = words[channel.readSlot * 2 + 2 * (wrong - i)] +
        words[channel.readSlot * 2 + 2 * (wrong - i) + 1] * 4294967296;
      return -1 - wrong;
    }
    i += n;
    channel.release(n);
    if (i >= next) {
      next = i + POLL_MASK + 1;
      if ((status = wanted()) !== Status.OK) return status;
    }
  }
  return Status.OK;
}

/**
 * Runs the very functions of the timed loop on a private channel in this
 * process until V8 has optimised them, before the clock starts: a long-running
 * Deno program is long past that point, and a trial of a few milliseconds
 * should not measure the interpreter.
 */
async function warmUp(batch: number, wanted: () => number): Promise<void> {
  using sender = await Channel.create({ slots: 1024, slotBytes: 8, fixedSize: true });
  using receiver = await Channel.attach(sender.name);
  sender.unlink();
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    produce(sender, batch, round * 1000, round * 1000 + 1000, wanted);
    if (consume(receiver, batch, round * 1000, round * 1000 + 1000, wanted) !== Status.OK) {
      throw new Error("warm-up: the channel lost an item");
    }
  }
  // V8 compiles on background threads; once both loops spin they get no CPU, so let them finish now.
  await new Promise((resolve) => setTimeout(resolve, 100));
}

function begin(shim: Shim, context: SideContext): number {
  return shim.symbols.rp_side_begin(
    context.segment.pointer,
    context.role === "producer" ? 0 : 1,
    context.out,
  );
}

function end(shim: Shim, context: SideContext): number {
  shim.symbols.rp_side_end(context.out, BigInt(context.iterations), checksum(context.iterations));
  return Status.OK;
}

/**
 * One side of an 8-byte stream through a {@link Channel}, in TypeScript.
 *
 * @example
 * ```ts ignore
 * import { denoRingSide } from "./deno_loops.ts";
 * const status = await denoRingSide(context);
 * ```
 */
export async function denoRingSide(context: SideContext): Promise<number> {
  const { shim, segment, iterations, out } = context;
  const wanted = () => shim.symbols.rp_still_wanted_ffi(segment.pointer);
  const batch = context.publishEvery;
  useShim(shim);
  await warmUp(batch, wanted);
  const producer = context.role === "producer";
  using channel = await Channel.attach(String(context.endpoint.channel), {
    role: producer ? "sender" : "receiver",
  });
  let status = begin(shim, context);
  if (status !== Status.OK) return status;
  status = producer
    ? produce(channel, batch, 0, iterations, wanted)
    : consume(channel, batch, 0, iterations, wanted);
  if (status < 0) return bad(out, -1 - status, badWord);
  if (status !== Status.OK) return status;
  return end(shim, context);
}

/**
 * One side of an 8-byte stream through the FIFO, with `Deno.FsFile` reads and writes.
 *
 * @example
 * ```ts ignore
 * import { denoPipeSide } from "./deno_loops.ts";
 * const status = denoPipeSide(context);
 * ```
 */
export function denoPipeSide(context: SideContext): number {
  const { shim, iterations, out } = context;
  const producer = context.role === "producer";
  // A real pipe's end is reopened through /proc/self/fd as a Deno.FsFile (the same pipe); a FIFO
  // is opened by name, which blocks until the other end opens it (the supervisor's timeout
  // covers that).
  const ends = context.endpoint.socket === undefined ? [] : pipeEnds(context);
  using file = Deno.openSync(
    ends.length > 0 ? `/proc/self/fd/${ends[0]}` : String(context.endpoint.a),
    producer ? { write: true } : { read: true },
  );
  for (const fd of ends) if (fd >= 0) shim.symbols.rp_close(fd);
  const item = new Uint8Array(8);
  const view = new DataView(item.buffer);
  const status = begin(shim, context);
  if (status !== Status.OK) return status;
  for (let i = 0; i < iterations; i++) {
    if (producer) {
      put(view, i);
      let done = file.writeSync(item);
      while (done < 8) done += file.writeSync(item.subarray(done)); // never for 8 bytes: PIPE_BUF
    } else {
      let done = 0;
      while (done < 8) {
        const n = file.readSync(done === 0 ? item : item.subarray(done));
        if (n === null) return Status.PEER_CLOSED;
        done += n;
      }
      if (
        view.getUint32(0, true) !== (i >>> 0) ||
        view.getUint32(4, true) !== Math.floor(i / 4294967296)
      ) {
        return bad(out, i, view.getUint32(0, true) + view.getUint32(4, true) * 4294967296);
      }
    }
  }
  return end(shim, context);
}
