/**
 * The deno engine: the hot loops written in TypeScript, as a Deno program
 * would write them, for streams and ping-pong of every size. The bookkeeping
 * around a loop (meeting the peer, usage counters, the clock) is the shim's,
 * so the figures compare with the native loops'; inside the loop there is no
 * FFI call and no allocation per item (the run-still-wanted check crosses into
 * the shim every 65,536 items or spins, the ping-pong client reads the clock
 * through it every `latencyEvery`-th round trip, and a paced client sleeps
 * through it).
 *
 * - The rings are {@link Channel}s of fixed-size records (one per direction),
 *   driven through the zero-copy API: a stream's sender reserves up to
 *   `publishEvery` slots, fills the messages in place and commits them with
 *   one publication; its receiver checks what is readable (up to as many) in
 *   place and releases it with one. Ping-pong moves one message at a time.
 *   Over `ring-futex` a side with nothing to do spins briefly, then sleeps on
 *   its futex word on its own thread (`reserveBlocking`, `readableBlocking`:
 *   the FFI call a sleeping ring needs); over `shm` it spins.
 * - The pipes are `Deno.FsFile`s on the same `pipe(2)` as the native loops:
 *   `writeSync` and `readSync`, finishing short transfers.
 *
 * Messages carry the native loops' pattern: word k of message i is
 * i + k * 0x9E3779B97F4A7C15 modulo 2^64, written and checked as 32-bit halves.
 *
 * @module
 */

import type { Shim } from "../../ffi/library.ts";
import { ResultField, Status } from "../../ffi/symbols.ts";
import { Channel, ChannelError, SLEEP_SLICE_MS, useShim } from "../channel/channel.ts";
import type { ChannelRole } from "../channel/channel.ts";
import { bucketIndex } from "../stats/histogram.ts";
import type { SideContext } from "./types.ts";
import { pipeEnds } from "./pipe_ends.ts";
import { roleIndex } from "./types.ts";

const POLL_MASK = 0xffff;
const TWO32 = 4294967296;
const STEP = 0x9E3779B97F4A7C15n;

/** The pattern's offsets k * STEP mod 2^64 for k < `words`, as low and high halves. */
function patternTable(words: number): { lo: Uint32Array; hi: Uint32Array } {
  const lo = new Uint32Array(words);
  const hi = new Uint32Array(words);
  for (let k = 0; k < words; k++) {
    const value = (BigInt(k) * STEP) & 0xffff_ffff_ffff_ffffn;
    lo[k] = Number(value & 0xffff_ffffn);
    hi[k] = Number(value >> 32n);
  }
  return { lo, hi };
}

/*
 * The per-item work lives in small functions called once per batch or message:
 * called thousands of times in the warm-up, V8 optimises them as functions, so
 * the timed loop runs optimised code from its first batch instead of waiting
 * for on-stack replacement of one long-running loop (measured: the first 15 to
 * 30 ms of a trial ran at 30 to 130 ns per item that way).
 */

/**
 * Writes items `from` .. `to` - 1 as 8-byte records, two 32-bit words each (little-endian
 * 64-bit), from word `w` on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fillRecords } from "./deno_loops.ts";
 * const words = new Uint32Array(4);
 * fillRecords(words, 0, 2 ** 32, 2 ** 32 + 2);
 * assert.deepEqual([...words], [0, 1, 1, 1]);
 * ```
 */
export function fillRecords(words: Uint32Array, w: number, from: number, to: number): void {
  for (let i = from; i < to; i++, w += 2) writeRecord(words, w, i);
}

/** Writes item `i` as one 8-byte record at word `w`. */
function writeRecord(words: Uint32Array, w: number, i: number): void {
  words[w] = i >>> 0;
  words[w + 1] = (i / TWO32) >>> 0;
}

/** Whether the record at word `w` is item `i`, as {@link writeRecord} wrote it. */
function isRecord(words: Uint32Array, w: number, i: number): boolean {
  return words[w] === i >>> 0 && words[w + 1] === (i / TWO32) >>> 0;
}

/**
 * The first item of `from` .. `to` - 1 whose two words from `w` on are not what
 * {@link fillRecords} writes, or -1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRecords, fillRecords } from "./deno_loops.ts";
 * const words = new Uint32Array(8);
 * fillRecords(words, 0, 5, 9);
 * assert.equal(checkRecords(words, 0, 5, 9), -1);
 * words[5] = 7;
 * assert.equal(checkRecords(words, 0, 5, 9), 7);
 * ```
 */
export function checkRecords(words: Uint32Array, w: number, from: number, to: number): number {
  for (let i = from; i < to; i++, w += 2) {
    if (!isRecord(words, w, i)) return i;
  }
  return -1;
}

/** Writes message `i` of `lo.length` 64-bit words at word `w` (the native loops' pattern). */
function fillMessage(words: Uint32Array, w: number, i: number, lo: Uint32Array, hi: Uint32Array) {
  const iLo = i >>> 0;
  const iHi = (i / TWO32) >>> 0;
  for (let k = 0; k < lo.length; k++, w += 2) {
    const low = iLo + lo[k];
    words[w] = low >>> 0;
    words[w + 1] = (iHi + hi[k] + (low >= TWO32 ? 1 : 0)) >>> 0;
  }
}

/** The first 64-bit word of message `i` at word `w` that is wrong, or -1. */
function checkMessage(
  words: Uint32Array,
  w: number,
  i: number,
  lo: Uint32Array,
  hi: Uint32Array,
): number {
  const iLo = i >>> 0;
  const iHi = (i / TWO32) >>> 0;
  for (let k = 0; k < lo.length; k++, w += 2) {
    const low = iLo + lo[k];
    if (
      words[w] !== low >>> 0 || words[w + 1] !== ((iHi + hi[k] + (low >= TWO32 ? 1 : 0)) >>> 0)
    ) return k;
  }
  return -1;
}

/** A message's pattern, and the words it takes. */
interface Pattern {
  words: number;
  lo: Uint32Array;
  hi: Uint32Array;
}

/** Fills messages `from` .. `to` - 1, one after another from word `w` on. */
function fillMessages(words: Uint32Array, w: number, from: number, to: number, p: Pattern): void {
  if (p.words === 1) return fillRecords(words, w, from, to);
  for (let i = from; i < to; i++, w += 2 * p.words) fillMessage(words, w, i, p.lo, p.hi);
}

/** Writes message `i` at word `w`. */
function fillOne(words: Uint32Array, w: number, i: number, p: Pattern): void {
  if (p.words === 1) writeRecord(words, w, i);
  else fillMessage(words, w, i, p.lo, p.hi);
}

/** The first 64-bit word of message `i` at word `w` that is wrong, or -1. */
function checkOne(words: Uint32Array, w: number, i: number, p: Pattern): number {
  if (p.words === 1) return isRecord(words, w, i) ? -1 : 0;
  return checkMessage(words, w, i, p.lo, p.hi);
}

/** Checks messages `from` .. `to` - 1; the first bad one is recorded in `bad` and returned, else -1. */
function checkMessages(
  words: Uint32Array,
  w: number,
  from: number,
  to: number,
  p: Pattern,
  bad: BadItem,
): number {
  for (let i = from; i < to; i++, w += 2 * p.words) {
    const k = checkOne(words, w, i, p);
    if (k >= 0) return noteBad(words, w + 2 * k, i, k, bad);
  }
  return -1;
}

/**
 * Records in `bad` that word `k` of message `i`, at `at`, is wrong; returns `i`. Out of line: its
 * BigInt arithmetic would otherwise count against V8's budget for inlining the checks into a loop.
 */
function noteBad(words: Uint32Array, at: number, i: number, k: number, bad: BadItem): number {
  bad.index = i;
  bad.word = k;
  bad.got = BigInt(words[at]) | (BigInt(words[at + 1]) << 32n);
  bad.expected = (BigInt(i) + BigInt(k) * STEP) & 0xffff_ffff_ffff_ffffn;
  return i;
}

/** Where a check failed. */
interface BadItem {
  index: number;
  word: number;
  got: bigint;
  expected: bigint;
}

function reportBad(out: BigUint64Array, bad: BadItem): number {
  out[ResultField.BAD_INDEX] = BigInt(bad.index);
  out[ResultField.BAD_OFFSET] = BigInt(bad.word * 8);
  out[ResultField.BAD_EXPECTED] = bad.expected;
  out[ResultField.BAD_GOT] = bad.got;
  return Status.BAD_DATA;
}

/** The sum 0 + 1 + ... + (n - 1) modulo 2^64, as the C loops count it. */
function checksum(n: number): bigint {
  const big = BigInt(n);
  return (big * (big - 1n) / 2n) & 0xffff_ffff_ffff_ffffn;
}

/** The ping-pong client's timing, as the C client keeps it (see `ffi/ringpipe.h`). */
class RoundTrips {
  readonly #shim: Shim;
  readonly #every: number;
  readonly #pace: number;
  readonly #counts = new Float64Array(4480);
  #countdown = 0;
  #before = 0;
  #next = 0;
  min = Infinity;
  max = 0;
  sum = 0;

  constructor(shim: Shim, every: number, paceNs: number) {
    this.#shim = shim;
    this.#pace = paceNs;
    this.#every = paceNs !== 0 || every <= 1 ? 1 : every;
  }

  /** Before the first round trip. */
  start(): void {
    this.#before = this.#next = this.#now();
  }

  /** Before round trip i: whether it is timed (then the clock is read now when it times a sample). */
  begin(): boolean {
    const timed = this.#countdown === 0;
    if (this.#every > 1 && timed) this.#before = this.#now();
    return timed;
  }

  /** After round trip i's reply was checked. Small: the clock's work is out of line. */
  end(timed: boolean): void {
    if (timed) this.#stamp();
    if (this.#every > 1) {
      this.#countdown = this.#countdown === 0 ? this.#every - 1 : this.#countdown - 1;
    }
    if (this.#pace !== 0) this.#waitForPace();
  }

  /** Counts the round trip that ends now. */
  #stamp(): void {
    const after = this.#now();
    const rtt = after - this.#before;
    this.#counts[bucketIndex(rtt)]++;
    if (rtt < this.min) this.min = rtt;
    if (rtt > this.max) this.max = rtt;
    this.sum += rtt;
    this.#before = after;
  }

  /** Paced: sleeps until the next round trip is due, and starts its clock then. */
  #waitForPace(): void {
    this.#next += this.#pace;
    this.#shim.symbols.rp_sleep_until(this.#next);
    this.#before = this.#now();
  }

  /** Writes the latency fields and the histogram of the result. */
  record(out: BigUint64Array, hist: BigUint64Array): void {
    out[ResultField.LAT_MIN] = this.sum > 0 ? BigInt(this.min) : 0n;
    out[ResultField.LAT_MAX] = BigInt(this.max);
    out[ResultField.LAT_SUM] = BigInt(this.sum);
    this.#counts.forEach((count, bucket) => {
      if (count > 0) hist[bucket] = BigInt(count);
    });
  }

  #now(): number {
    return this.#shim.symbols.rp_now_ns_ffi();
  }
}

/** One direction of a deno ring: a channel end, and whether a waiting side sleeps. */
interface RingEnd<R extends ChannelRole = ChannelRole> {
  channel: Channel<R>;
  sleeps: boolean;
  /** Spinning on a CPU the peer shares: give the CPU away on every look (sched_yield). */
  yieldCpu: (() => void) | null;
}

/**
 * Up to `max` free slots (`sending`) or readable messages, waiting until there
 * is one: spinning, or sleeping after a spin; a negative status when stopped.
 * A sleeping end sleeps on this thread (`readableBlocking`, `reserveBlocking`), as
 * a native loop does: the worker's thread has nothing else to do, and the async
 * waits' wake-up through a pool thread and the event loop made the paced round
 * trip's tail several times C's.
 */
function waitOn(end: RingEnd, max: number, wanted: () => number): number {
  const channel = end.channel;
  while (end.sleeps) {
    // Asleep a slice at a time, asking between slices whether the run is still wanted (the
    // supervisor may have aborted or died), as the native loops do when a futex wait times out.
    const got = channel.isSender()
      ? channel.reserveBlocking(max, SLEEP_SLICE_MS)
      : channel.isReceiver()
      ? channel.readableBlocking(max, SLEEP_SLICE_MS)
      : 0;
    if (got > 0) return got;
    const status = wanted();
    if (status !== Status.OK) return -status;
  }
  for (let spins = 1;; spins++) {
    const got = ready(channel, max);
    if (got > 0) return got;
    if (end.yieldCpu !== null) end.yieldCpu();
    const status = (spins & POLL_MASK) === 0 ? wanted() : Status.OK;
    if (status !== Status.OK) return -status;
  }
}

/** Free slots at a sending end, or readable messages at a receiving one, up to `max`, at once. */
function ready(channel: Channel, max: number): number {
  if (channel.isSender()) return channel.reserve(max);
  return channel.isReceiver() ? channel.readable(max) : 0;
}

/** Streams messages `from` .. `to` - 1 out of `end`, up to `batch` per publication. */
function produce(
  end: RingEnd<"sender">,
  batch: number,
  from: number,
  to: number,
  p: Pattern,
  wanted: () => number,
): number {
  const words = end.channel.u32;
  const stride = 2 * p.words;
  let next = from + POLL_MASK + 1;
  for (let i = from; i < to;) {
    const max = Math.min(batch, to - i);
    const n = end.channel.reserve(max) || waitOn(end, max, wanted);
    if (n < 0) return -n;
    fillMessages(words, end.channel.writeSlot * stride, i, i + n, p);
    i += n;
    end.channel.commit(n);
    if (i >= next) {
      next = i + POLL_MASK + 1;
      const status = wanted();
      if (status !== Status.OK) return status;
    }
  }
  return Status.OK;
}

/** Receives and checks messages `from` .. `to` - 1 from `end`, up to `batch` per release. */
function consume(
  end: RingEnd<"receiver">,
  batch: number,
  from: number,
  to: number,
  p: Pattern,
  wanted: () => number,
  bad: BadItem,
): number {
  const words = end.channel.u32;
  const stride = 2 * p.words;
  let next = from + POLL_MASK + 1;
  for (let i = from; i < to;) {
    const max = Math.min(batch, to - i);
    const n = end.channel.readable(max) || waitOn(end, max, wanted);
    if (n < 0) return -n;
    if (checkMessages(words, end.channel.readSlot * stride, i, i + n, p, bad) >= 0) {
      return Status.BAD_DATA;
    }
    i += n;
    end.channel.release(n);
    if (i >= next) {
      next = i + POLL_MASK + 1;
      const status = wanted();
      if (status !== Status.OK) return status;
    }
  }
  return Status.OK;
}

/** Records in `bad` where message `i` in `rx`'s next slot is wrong; the status that says so. */
function badAt(rx: Channel<"receiver">, i: number, p: Pattern, bad: BadItem): number {
  const w = rx.readSlot * 2 * p.words;
  const k = checkOne(rx.u32, w, i, p);
  noteBad(rx.u32, w + 2 * k, i, k, bad);
  return Status.BAD_DATA;
}

/**
 * A ping-pong side's receiving end publishes its tail every this many messages (`release`) instead
 * of on every message: the rings never fill in ping-pong, so the store stays off the path of a
 * request and its reply. Measured between two threads in one process, alternating rounds: 425 ns
 * against 536 ns per round trip (medians of 8 rounds each). Spinning ends only: for ends that
 * sleep, the same harness could not tell (medians 1,544 against 1,333 ns over 6 rounds each, rounds
 * from 621 to 2,910 ns), so a sleeping end publishes every message, as before.
 */
const PINGPONG_TAIL_EVERY = 64;

/**
 * A slot (sending) or a message at `end`, now or after waiting: 1, or a negative status when
 * stopped. A spinning end (`patience` Infinity) spins; a sleeping one (0) waits in
 * {@link waitOn}, which looks a few times and spins for `--spin-before-sleep` before it sleeps, as
 * the native loops do.
 */
function need(end: RingEnd, patience: number, wanted: () => number): number {
  const channel = end.channel;
  if (ready(channel, 1) > 0) return 1;
  for (let spins = 1; spins <= patience; spins++) {
    if (end.yieldCpu !== null) end.yieldCpu();
    if (ready(channel, 1) > 0) return 1;
    if ((spins & POLL_MASK) === 0) {
      const status = wanted();
      if (status !== Status.OK) return -status;
    }
  }
  return waitOn(end, 1, wanted);
}

/*
 * The two sides of a round trip keep the work between a message's arrival and the answer's
 * publication to the least: the room for the next message is found while waiting (`reserve`
 * before the wait), and a received slot is given back after the answer is out (`release` after
 * `commit`). As a server that reads a request in place and writes its reply before freeing the
 * request would. Against the order send, wait, check, release in a run of both loops side by side
 * (`--variant` of two identical builds, each build's round trips with one of the loops): 0.89x and
 * 0.90x the time per round trip (95% CI 0.84-1.01 and 0.84-0.93, 53 rounds each).
 */

/**
 * The client's round trips `from` .. `to` - 1: send request i, then check reply i, timed by
 * `trips`. A plain loop: the sleeping waits sleep on this thread, so nothing has to be resumed.
 */
function clientTrips(
  tx: RingEnd<"sender">,
  rx: RingEnd<"receiver">,
  from: number,
  to: number,
  p: Pattern,
  wanted: () => number,
  bad: BadItem,
  trips: RoundTrips,
): number {
  if (from >= to) return Status.OK;
  const patience = tx.sleeps ? 0 : Infinity;
  const send = tx.channel, receive = rx.channel, stride = 2 * p.words;
  let got = need(tx, patience, wanted);
  if (got < 0) return -got;
  for (let i = from; i < to; i++) {
    const timed = trips.begin();
    fillOne(send.u32, send.writeSlot * stride, i, p);
    send.commit(1);
    if (i > from) receive.release(1); // reply i - 1, now that request i is out
    if (i + 1 < to) {
      got = need(tx, patience, wanted); // room for request i + 1, while reply i is on its way
      if (got < 0) return -got;
    }
    got = need(rx, patience, wanted);
    if (got < 0) return -got;
    if (checkOne(receive.u32, receive.readSlot * stride, i, p) >= 0) {
      return badAt(receive, i, p, bad);
    }
    trips.end(timed);
    if ((i & POLL_MASK) === POLL_MASK) {
      const status = wanted();
      if (status !== Status.OK) return status;
    }
  }
  receive.release(1);
  return Status.OK;
}

/** The server's round trips `from` .. `to` - 1: check request i, send reply i. */
function serverTrips(
  rx: RingEnd<"receiver">,
  tx: RingEnd<"sender">,
  from: number,
  to: number,
  p: Pattern,
  wanted: () => number,
  bad: BadItem,
): number {
  const patience = tx.sleeps ? 0 : Infinity;
  const send = tx.channel, receive = rx.channel, stride = 2 * p.words;
  for (let i = from; i < to; i++) {
    let got = need(tx, patience, wanted); // room for reply i, before request i comes
    if (got < 0) return -got;
    got = need(rx, patience, wanted);
    if (got < 0) return -got;
    if (checkOne(receive.u32, receive.readSlot * stride, i, p) >= 0) {
      return badAt(receive, i, p, bad);
    }
    fillOne(send.u32, send.writeSlot * stride, i, p);
    send.commit(1);
    receive.release(1); // request i, now that its reply is out
    if ((i & POLL_MASK) === POLL_MASK) {
      const status = wanted();
      if (status !== Status.OK) return status;
    }
  }
  return Status.OK;
}

/**
 * One ping-pong side over two ring ends: the client sends and times, the server answers.
 * Spinning ends spin; a sleeping end spins briefly, then sleeps on this thread
 * (`readableBlocking`, `reserveBlocking`: a futex) and goes on.
 */
function pingPong(
  client: boolean,
  tx: RingEnd<"sender">,
  rx: RingEnd<"receiver">,
  count: number,
  p: Pattern,
  wanted: () => number,
  bad: BadItem,
  trips: RoundTrips | null,
): number {
  if (!client) return serverTrips(rx, tx, 0, count, p, wanted, bad);
  trips!.start();
  return clientTrips(tx, rx, 0, count, p, wanted, bad, trips!);
}

/** Items the deno engine moves through a private channel before the clock starts. */
const WARM_UP_ITEMS = 300_000;

/** How long both sides idle after the ping-pong warm-up, so V8 can finish compiling (ms). */
const COMPILE_PAUSE_MS = 50;

/**
 * Round trips the two sides of a deno ping-pong make over the trial's own channels before the
 * clock starts (fewer for large messages: at most 32 MiB each way). The warm-up in one process
 * cannot exercise a side spinning while its peer works, and V8 needs about this many real round
 * trips to reach its steady state: measured on the development VM's kind, 15,000 timed round
 * trips took 4.6-6.9 µs each from cold, 2.1-2.3 µs after 10,000 of these, and 0.7-1.1 µs after
 * 30,000 (0.8 µs after 100,000). Both sides make the same count, unpaced, unchecked by the clock.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pingPongWarmTrips } from "./deno_loops.ts";
 * assert.deepEqual([8, 4096, 1 << 20].map(pingPongWarmTrips), [30_000, 8192, 32]);
 * ```
 */
export function pingPongWarmTrips(sizeBytes: number): number {
  return Math.max(16, Math.min(30_000, Math.floor((32 << 20) / sizeBytes)));
}

/**
 * Runs the very functions of the timed loop on private channels in this
 * process until V8 has optimised them, before the clock starts: a long-running
 * Deno program is long past that point, and a trial of a few milliseconds
 * should not measure the interpreter.
 */
async function warmUp(
  shim: Shim,
  batch: number,
  p: Pattern,
  wanted: () => number,
  pingPongToo: boolean,
): Promise<void> {
  const slotBytes = 8 * p.words;
  const slots = Math.max(2, Math.min(1024, 2 ** Math.floor(Math.log2((1 << 20) / slotBytes))));
  using sender = await Channel.create({ slots, slotBytes, fixedSize: true });
  using receiver = await Channel.attach(sender.name, { role: "receiver" });
  sender.unlink();
  const bad: BadItem = { index: 0, word: 0, got: 0n, expected: 0n };
  const tx = { channel: sender, sleeps: false, yieldCpu: null };
  const rx = { channel: receiver, sleeps: false, yieldCpu: null };
  const rounds = Math.max(20, Math.min(3000, Math.floor(WARM_UP_ITEMS / (slots * p.words))));
  for (let round = 0, at = 0; round < rounds; round++, at += slots) {
    produce(tx, batch, at, at + slots, p, wanted);
    if (consume(rx, batch, at, at + slots, p, wanted, bad) !== Status.OK) {
      throw new Error("warm-up: the channel lost an item");
    }
  }
  if (pingPongToo) {
    // The chunks, each side in turn, with the other side's messages put there in advance.
    using back = await Channel.create({
      slots,
      slotBytes,
      fixedSize: true,
      role: "receiver",
      publishEvery: PINGPONG_TAIL_EVERY,
    });
    using forth = await Channel.attach(back.name, { role: "sender" });
    back.unlink();
    const trips = new RoundTrips(shim, 16, 0);
    const chunk = Math.min(64, slots);
    const toBack = { channel: forth, sleeps: false, yieldCpu: null };
    const fromBack = { channel: back, sleeps: false, yieldCpu: null };
    for (let round = 0, at = 0; round < rounds; round++, at += chunk) {
      produce(toBack, chunk, at, at + chunk, p, wanted); // replies
      if (clientTrips(tx, fromBack, at, at + chunk, p, wanted, bad, trips) !== Status.OK) {
        throw new Error("warm-up: a round trip went wrong");
      }
      consume(rx, chunk, at, at + chunk, p, wanted, bad); // the requests it sent
      produce(tx, chunk, at, at + chunk, p, wanted); // requests
      if (serverTrips(rx, toBack, at, at + chunk, p, wanted, bad) !== Status.OK) {
        throw new Error("warm-up: an answer went wrong");
      }
      consume(fromBack, chunk, at, at + chunk, p, wanted, bad);
    }
  }
  // V8 compiles on background threads; once both loops spin they get no CPU, so let them finish now.
  await new Promise((resolve) => setTimeout(resolve, 100));
}

function begin(shim: Shim, context: SideContext): number {
  return shim.symbols.rp_side_begin(
    context.segment.pointer,
    roleIndex(context.role),
    context.out,
  );
}

function end(shim: Shim, context: SideContext): number {
  shim.symbols.rp_side_end(context.out, BigInt(context.iterations), checksum(context.iterations));
  return Status.OK;
}

/**
 * One side of a stream or ping-pong over the deno engine's {@link Channel}s, in TypeScript.
 *
 * @example
 * ```ts ignore
 * import { denoRingSide } from "./deno_loops.ts";
 * const status = await denoRingSide(context);
 * ```
 */
export async function denoRingSide(context: SideContext): Promise<number> {
  const { shim, segment, iterations, out, hist, mode, endpoint } = context;
  const wanted = () => shim.symbols.rp_still_wanted_ffi(segment.pointer);
  const p = { words: context.sizeBytes / 8, ...patternTable(context.sizeBytes / 8) };
  const batch = mode === "stream" ? context.publishEvery : 1;
  const sleeps = endpoint.sleeps === 1;
  useShim(shim);
  await warmUp(shim, batch, p, wanted, mode === "pingpong");
  const producer = context.role === "producer";
  // Channel a carries requests (or the stream) from the producer; b, the replies. The producer
  // sends on a and receives on b, the consumer the other way round.
  const requests = String(endpoint.channel), replies = String(endpoint.replies);
  const stream = mode === "stream";
  // A sleeping side looks for `--spin-before-sleep` before it sleeps, as the C loops do.
  const spin = endpoint.spinNs === undefined ? {} : { spinMicros: Number(endpoint.spinNs) / 1000 };
  using tx = stream && !producer
    ? null
    : await Channel.attach(producer ? requests : replies, { role: "sender", ...spin });
  using rx = stream && producer ? null : await Channel.attach(producer ? replies : requests, {
    role: "receiver",
    ...spin,
    ...(stream || sleeps ? {} : { publishEvery: PINGPONG_TAIL_EVERY }),
  });
  const bad: BadItem = { index: 0, word: 0, got: 0n, expected: 0n };
  // Spinning with the peer on the same CPU, a side gives the CPU away on every look, as the native
  // loops do (the `yield` wait).
  const yieldCpu = endpoint.yields === 1 && !sleeps ? () => shim.symbols.rp_yield() : null;
  const sending = tx === null ? null : { channel: tx, sleeps, yieldCpu };
  const receiving = rx === null ? null : { channel: rx, sleeps, yieldCpu };
  if (mode === "pingpong") {
    // Round trips over these very channels, both sides, before the rendezvous starts the clock.
    // Spinning: until the peer has attached, its end reads as closed to a side that sleeps.
    const warm = producer ? new RoundTrips(shim, context.latencyEvery, 0) : null;
    const trips = pingPongWarmTrips(context.sizeBytes);
    // A literal of the same shape as the timed run's ends, so the loops see one kind of object.
    const spin = <R extends ChannelRole>(end: RingEnd<R>): RingEnd<R> => ({
      channel: end.channel,
      sleeps: false,
      yieldCpu: end.yieldCpu,
    });
    try {
      const status = pingPong(
        producer,
        spin(sending!),
        spin(receiving!),
        trips,
        p,
        wanted,
        bad,
        warm,
      );
      if (status === Status.BAD_DATA) return reportBad(out, bad);
      if (status !== Status.OK) return status;
    } catch (error) {
      if (!(error instanceof ChannelError)) throw error;
      return Status.PEER_CLOSED;
    }
    // Both loops idle for a moment: V8's compiler threads get the CPUs the spinning sides held.
    await new Promise((resolve) => setTimeout(resolve, COMPILE_PAUSE_MS));
  }
  let status = begin(shim, context);
  if (status !== Status.OK) return status;
  const trips = mode === "pingpong" && producer
    ? new RoundTrips(shim, context.latencyEvery, context.paceNs)
    : null;
  try {
    if (mode === "stream") {
      status = producer
        ? produce(sending!, batch, 0, iterations, p, wanted)
        : consume(receiving!, batch, 0, iterations, p, wanted, bad);
    } else {
      status = pingPong(producer, sending!, receiving!, iterations, p, wanted, bad, trips);
    }
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    status = Status.PEER_CLOSED; // the peer died or closed before the last message
  }
  if (status === Status.BAD_DATA) return reportBad(out, bad);
  if (status !== Status.OK) return status;
  trips?.record(out, hist);
  return end(shim, context);
}

/** Writes all of `bytes` to `file`, finishing short writes. */
function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let done = file.writeSync(bytes);
  while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
}

/** Reads exactly `bytes.length` bytes from `file`; false at end of file. */
function readAll(file: Deno.FsFile, bytes: Uint8Array): boolean {
  let done = 0;
  while (done < bytes.length) {
    const n = file.readSync(done === 0 ? bytes : bytes.subarray(done));
    if (n === null) return false;
    done += n;
  }
  return true;
}

/**
 * One side of a stream or ping-pong through the pipe, with `Deno.FsFile`
 * reads and writes of whole messages.
 *
 * @example
 * ```ts ignore
 * import { denoPipeSide } from "./deno_loops.ts";
 * const status = denoPipeSide(context);
 * ```
 */
export function denoPipeSide(context: SideContext): number {
  const { shim, iterations, out, hist, mode } = context;
  const producer = context.role === "producer";
  // A real pipe's end is reopened through /proc/self/fd as a Deno.FsFile (the same pipe); a FIFO
  // is opened by name, which blocks until the other end opens it (the supervisor's timeout
  // covers that).
  const ends = context.endpoint.socket === undefined ? [] : pipeEnds(context);
  const open = (k: number, path: unknown, write: boolean) =>
    Deno.openSync(
      ends.length > 0 ? `/proc/self/fd/${ends[k]}` : String(path),
      write ? { write: true } : { read: true },
    );
  using a = open(0, context.endpoint.a, producer);
  using b = mode === "stream" ? null : open(1, context.endpoint.b, !producer);
  for (const fd of ends) if (fd >= 0) shim.symbols.rp_close(fd);
  const p = { words: context.sizeBytes / 8, ...patternTable(context.sizeBytes / 8) };
  const message = new Uint8Array(context.sizeBytes);
  const words = new Uint32Array(message.buffer);
  const bad: BadItem = { index: 0, word: 0, got: 0n, expected: 0n };
  const trips = mode === "pingpong" && producer
    ? new RoundTrips(shim, context.latencyEvery, context.paceNs)
    : null;
  const send = (i: number) => {
    fillMessages(words, 0, i, i + 1, p);
    writeAll(producer ? a : b!, message);
  };
  const receive = (i: number) => {
    if (!readAll(producer ? b! : a, message)) return Status.PEER_CLOSED;
    return checkMessages(words, 0, i, i + 1, p, bad) >= 0 ? Status.BAD_DATA : Status.OK;
  };
  const status = begin(shim, context);
  if (status !== Status.OK) return status;
  trips?.start();
  for (let i = 0; i < iterations; i++) {
    let got: number = Status.OK;
    if (mode === "stream") {
      if (producer) send(i);
      else got = receive(i);
    } else if (producer) {
      const timed = trips!.begin();
      send(i);
      got = receive(i);
      if (got === Status.OK) trips!.end(timed);
    } else {
      got = receive(i);
      if (got === Status.OK) send(i);
    }
    if (got === Status.BAD_DATA) return reportBad(out, bad);
    if (got !== Status.OK) return got;
  }
  trips?.record(out, hist);
  return end(shim, context);
}
