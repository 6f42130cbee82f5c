/**
 * One side of the trials, as its own process: the supervisor keeps two of
 * these (producer and consumer) for a whole bench run (`./pool.ts`). For each
 * trial each reads one {@link WorkerSpec} line on stdin, sets its loop thread's
 * nice and CPU, attaches to the trial's segment, runs the transport's loop
 * once, and prints one JSON line ({@link SideReport}) on stdout. Starting a
 * Deno process costs about four times a default trial's 0.05 s here, so a
 * process per trial would leave most of a run's budget to start-ups.
 *
 * A worker exits when stdin ends (its supervisor closed it, or died), after a
 * loop that did not succeed (code {@link WORKER_LOOP_FAILED}, the report
 * printed first) and when it cannot set up (code {@link WORKER_SETUP_FAILED},
 * the reason on stderr): the supervisor starts a fresh pair after any failure.
 *
 * Usage (by the supervisor only): `deno run -A src/run/worker.ts NAME`, NAME
 * telling people which run and side it is (`ringpipe-worker-PID-producer`).
 *
 * @module
 */

import type { Engine, Mode } from "../base/names.ts";
import { Shim } from "../../ffi/library.ts";
import { LineReader } from "../base/lines.ts";
import { NICE_UNKNOWN, ResultField, Status } from "../../ffi/symbols.ts";
import { HISTOGRAM_BUCKETS, toSparse } from "../stats/histogram.ts";
import type { SparseHistogram } from "../stats/histogram.ts";
import { Segment } from "../memory/segment.ts";
import { transportNamed } from "../transports/mod.ts";
import type { Endpoint, Role } from "../transports/mod.ts";

/** This module, as `deno run` takes it: a file URL in a checkout, the same URL when run from one. */
export const WORKER_URL: string = import.meta.url;

/** Exit code of a worker whose loop ran but did not succeed (the report says why). */
export const WORKER_LOOP_FAILED = 1;
/** Exit code of a worker that could not set up (the message is on stderr). */
export const WORKER_SETUP_FAILED = 2;

/** Everything a worker needs, passed as its only argument. */
export interface WorkerSpec {
  /** The built shim to load. */
  library: string;
  /** The trial segment's name and size. */
  segmentName: string;
  /** The segment's size. */
  segmentBytes: number;
  /** Transport name and this worker's side of it. */
  transport: string;
  /** Producer (client) or consumer (server). */
  role: Role;
  /** Stream, ping-pong or file server. */
  mode: Mode;
  /** Bytes per message. */
  sizeBytes: number;
  /** Which code runs the loop. */
  engine: Engine;
  /** Deno engine: the sender's publication cadence. */
  publishEvery: number;
  /** Deno engine, ping-pong: ns between the starts of round trips (0: back to back). */
  paceNs: number;
  /** Deno engine, ping-pong: the client times every this many round trips. */
  latencyEvery: number;
  /** Messages (stream) or round trips (ping-pong). */
  iterations: number;
  /** The nice value to request for the loop thread, or null to leave it. */
  nice: number | null;
  /** The CPU to pin the loop thread to, or null to leave it to the scheduler. */
  cpu: number | null;
  /** What the transport's `prepare` returned. */
  endpoint: Endpoint;
}

/** What one side reports after its loop; 64-bit counters travel as decimal strings. */
export interface SideReport {
  /** Producer (client) or consumer (server). */
  role: Role;
  /** Process and thread that ran the loop. */
  pid: number;
  /** Thread id of the loop. */
  tid: number;
  /** The nice value asked for (null: none asked), what the thread had afterwards, and why not, if it failed. */
  niceRequested: number | null;
  /** The nice value the loop thread had. */
  niceAchieved: number | null;
  /** Why setting nice failed, if it did. */
  niceError: string | null;
  /** The loop thread's scheduling policy (`SCHED_OTHER`, ...). */
  schedPolicy: string;
  /** The CPUs asked for (null: none asked), the CPUs allowed afterwards, and why pinning failed, if it did. */
  affinityRequested: number[] | null;
  /** The CPUs the loop thread was allowed on. */
  affinityActual: number[];
  /** Why pinning failed, if it did. */
  affinityError: string | null;
  /** The loop's return code (0 is success) and its meaning. */
  status: number;
  /** The return code in words. */
  statusText: string;
  /** CLOCK_MONOTONIC ns at the first item moved and after the last (decimal strings). */
  startNs: string;
  /** CLOCK_MONOTONIC ns after the last message (decimal string). */
  endNs: string;
  /** Items moved and their sum modulo 2^64 (decimal strings). */
  items: string;
  /** Sum of the sequence numbers moved, modulo 2^64 (decimal string). */
  checksum: string;
  /** For a failed check: the first bad message, the byte offset of the bad word, what was expected and what arrived. */
  badItem: { index: string; offset: number; expected: string; got: string } | null;
  /** Ping-pong or file-server client only: every round trip, as exact extremes and sum and a histogram (ns). */
  latency: { minNs: number; maxNs: number; sumNs: number; histogram: SparseHistogram } | null;
  /** CPUs the loop started and ended on. */
  cpuStart: number;
  /** The CPU the loop ended on. */
  cpuEnd: number;
  /** CPU time of the loop thread during the loop: exact total, and getrusage's (tick-grained) split; context switches. */
  cpuNs: number;
  /** CPU time of the kernel thread that worked for this side during the loop (io_uring's SQPOLL thread), ns; null when none did. */
  kernelThreadCpuNs: number | null;
  /** User CPU time (getrusage, in ticks), ns. */
  userNs: number;
  /** System CPU time (getrusage, in ticks), ns. */
  systemNs: number;
  /** Voluntary context switches. */
  voluntarySwitches: number;
  /** Involuntary context switches. */
  involuntarySwitches: number;
}

/** The shim's "no reading" for a clock that failed to read (UINT64_MAX). */
const NO_CLOCK = 2n ** 64n - 1n;

/** A clock difference the loop measured, in ns; an error when its clock could not be read. */
function clockFigure(value: bigint, what: string): number {
  if (value === NO_CLOCK) throw new Error(`${what} could not be read`);
  return Number(value);
}

const ESRCH = 3;

/**
 * Applies `set` (a shim call: 0 or -errno) to every thread of this process, the calling one
 * first; returns why it failed, or null. Nice and CPU affinity are per thread on Linux. The loop
 * runs on the calling thread; the others (V8's helpers, and the pool threads that the deno
 * engine's sleeping waits run on) get the same, so that no part of a side waits at another
 * priority, or runs on its peer's CPU. Threads started later inherit it from the thread that
 * starts them. Before this, the deno rings' waits ran on pool threads started at nice 0 and
 * unpinned, which a peer spinning at nice -20 could starve for milliseconds.
 */
function everyThread(shim: Shim, set: (tid: number) => number): string | null {
  const own = set(0);
  if (own < 0) return shim.errorText(-own);
  const self = shim.symbols.rp_thread_id();
  for (const entry of Deno.readDirSync("/proc/self/task")) {
    const tid = Number(entry.name);
    if (tid === self) continue;
    const result = set(tid);
    // A thread that has exited meanwhile needs nothing.
    if (result < 0 && result !== -ESRCH) return `${shim.errorText(-result)} (thread ${tid})`;
  }
  return null;
}

/** The name a worker process is started with, so people (and tests) can tell whose it is. */
export function workerName(supervisorPid: number, role: Role): string {
  return `ringpipe-worker-${supervisorPid}-${role}`;
}

/**
 * Runs one side of a trial in this process and returns what it measured.
 * `shims` holds the libraries loaded so far, by path: each is loaded once
 * per process (a `--variant` run's workers hold every build's).
 *
 * @example
 * ```ts ignore
 * import { runWorker } from "./worker.ts";
 * const report = await runWorker(spec, new Map());
 * console.log(report.status === 0 ? "ok" : report.statusText);
 * ```
 */
export async function runWorker(
  spec: WorkerSpec,
  shims: Map<string, Shim>,
): Promise<SideReport> {
  const transport = transportNamed(spec.transport);
  if (transport === undefined) throw new Error(`unknown transport ${spec.transport}`);
  const shim = shims.get(spec.library) ?? Shim.open(spec.library);
  shims.set(spec.library, shim);
  const segment = Segment.attach(shim, spec.segmentName, spec.segmentBytes);
  try {
    const nice = spec.nice;
    const niceError = nice === null
      ? null
      : everyThread(shim, (tid) => shim.symbols.rp_nice_set(tid, nice));
    const niceRead = shim.symbols.rp_nice_get();
    const cpu = spec.cpu;
    const affinityError = cpu === null
      ? null
      : everyThread(shim, (tid) => shim.symbols.rp_affinity_set(tid, cpu));
    const affinityActual = shim.allowedCpus();
    const schedPolicy = shim.schedPolicy();
    const out = new BigUint64Array(ResultField.FIELDS);
    const hist = new BigUint64Array(HISTOGRAM_BUCKETS);
    const context = {
      shim,
      segment,
      role: spec.role,
      endpoint: spec.endpoint,
      mode: spec.mode,
      sizeBytes: spec.sizeBytes,
      iterations: spec.iterations,
      out,
      hist,
      publishEvery: spec.publishEvery,
      paceNs: spec.paceNs,
      latencyEvery: spec.latencyEvery,
    };
    let status: number;
    if (spec.engine === "deno") {
      if (transport.runSideDeno === undefined) {
        throw new Error(`${transport.name} has no TypeScript loop`);
      }
      status = await transport.runSideDeno(context);
    } else {
      status = transport.runSide(context);
    }
    const client = spec.mode !== "stream" && spec.role === "producer" && status === Status.OK;
    const field = (slot: number) => out[slot].toString();
    return {
      role: spec.role,
      pid: Deno.pid,
      tid: shim.symbols.rp_thread_id(),
      niceRequested: spec.nice,
      niceAchieved: niceRead === NICE_UNKNOWN ? null : niceRead,
      niceError,
      schedPolicy,
      affinityRequested: spec.cpu === null ? null : [spec.cpu],
      affinityActual,
      affinityError,
      status,
      statusText: shim.statusText(status),
      startNs: field(ResultField.T_START),
      endNs: field(ResultField.T_END),
      items: field(ResultField.ITEMS),
      checksum: field(ResultField.CHECKSUM),
      badItem: status === Status.BAD_DATA
        ? {
          index: field(ResultField.BAD_INDEX),
          offset: Number(out[ResultField.BAD_OFFSET]),
          expected: field(ResultField.BAD_EXPECTED),
          got: field(ResultField.BAD_GOT),
        }
        : null,
      latency: client
        ? {
          minNs: Number(out[ResultField.LAT_MIN]),
          maxNs: Number(out[ResultField.LAT_MAX]),
          sumNs: Number(out[ResultField.LAT_SUM]),
          histogram: toSparse(hist),
        }
        : null,
      cpuStart: Number(out[ResultField.CPU_START]),
      cpuEnd: Number(out[ResultField.CPU_END]),
      cpuNs: clockFigure(out[ResultField.CPU_NS], "the loop thread's CPU clock"),
      kernelThreadCpuNs: out[ResultField.HELPER_CPU_NS] === NO_CLOCK
        ? null
        : Number(out[ResultField.HELPER_CPU_NS]),
      userNs: Number(out[ResultField.UTIME_NS]),
      systemNs: Number(out[ResultField.STIME_NS]),
      voluntarySwitches: Number(out[ResultField.NVCSW]),
      involuntarySwitches: Number(out[ResultField.NIVCSW]),
    };
  } finally {
    segment.unmap();
  }
}

/** Runs a trial for every spec line on stdin, until stdin ends or a trial fails. */
async function serve(): Promise<void> {
  const specs = new LineReader(Deno.stdin.readable.getReader());
  const shims = new Map<string, Shim>();
  for (let line = await specs.next(); line !== null; line = await specs.next()) {
    let report: SideReport;
    try {
      report = await runWorker(JSON.parse(line) as WorkerSpec, shims);
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      Deno.exit(WORKER_SETUP_FAILED);
    }
    console.log(JSON.stringify(report));
    if (report.status !== Status.OK) Deno.exit(WORKER_LOOP_FAILED);
  }
  for (const shim of shims.values()) shim.close();
}

if (import.meta.main) await serve();
