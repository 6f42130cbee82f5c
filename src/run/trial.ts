/**
 * One trial: one timed run of one transport between a pair of worker
 * processes (the run's, kept from trial to trial: `./pool.ts`). The supervisor
 * (this process) creates the segment and the transport's files, hands the
 * producer and the consumer their specs, watches both, and turns what they
 * report into one verified sample, or a {@link RunError}.
 *
 * The supervisor runs no loop itself, so it is always free to notice that a
 * worker died or hung, abort the other one and clean up.
 *
 * @module
 */

import { waitCode } from "../../ffi/symbols.ts";
import { DEFAULT_SPIN_NS } from "../plan/series.ts";
import { sleeps } from "../plan/plan.ts";
import type { Mode } from "../base/names.ts";
import type { Shim } from "../../ffi/library.ts";
import { Status } from "../../ffi/symbols.ts";
import { onInterrupt } from "../base/cleanup.ts";
import { RunError } from "../base/errors.ts";
import { Segment } from "../memory/segment.ts";
import type { SegmentLayout } from "../memory/segment.ts";
import { FILE_BYTES } from "../plan/series.ts";
import { ringSlotsFor, seriesLabel } from "../plan/series.ts";
import { waitPolicy } from "../plan/plan.ts";
import type { Series } from "../plan/plan.ts";
import { ROLES } from "../transports/mod.ts";
import type { Endpoint } from "../transports/mod.ts";
import type { SideReport, WorkerSpec } from "./worker.ts";
import { WorkerPool } from "./pool.ts";
import type { WorkerOutcome } from "./pool.ts";

/** What a trial runs on, shared by every trial of a bench run. */
export interface TrialContext {
  /** The shim, loaded in the supervisor. */
  shim: Shim;
  /** Its path, for the workers to load. */
  libraryPath: string;
  /** `--variant` runs: each build's library by label, for the workers of that build's series. */
  libraries?: Readonly<Record<string, string>>;
  /** A private (0700) directory for FIFOs and other files of the run. */
  privateDir: string;
  /** The run's worker processes, kept from trial to trial; without it, each trial starts a pair. */
  workers?: WorkerPool;
}

/** The library the workers of `series` load: its build's in a `--variant` run. */
function libraryFor(context: TrialContext, series: Series): string {
  if (series.variant === undefined) return context.libraryPath;
  const library = context.libraries?.[series.variant];
  if (library === undefined) throw new Error(`no build for the variant ${series.variant}`);
  return library;
}

/** What one trial does. */
export interface TrialPlan {
  /** Transport, mode, message size and placement. */
  series: Series;
  /** Messages the producer sends (stream), or round trips the client makes (ping-pong). */
  iterations: number;
  /** Nice value each worker requests for its loop thread, or null to leave it. */
  nice: number | null;
  /** Ring capacity asked for, in messages (fewer for large messages: {@link ringSlotsFor}). */
  ringSlots: number;
  /** How long the whole trial (both processes) may take before both are killed. */
  timeoutMs: number;
}

/** One verified sample: the timed run of one trial. */
export interface TrialResult {
  /** The transport's name. */
  transport: string;
  /** Stream, ping-pong or file server. */
  mode: Mode;
  /** Bytes per message (per reply for the file server). */
  sizeBytes: number;
  /** Messages, round trips or requests in the trial. */
  iterations: number;
  /** From the producer's first message to the consumer's last (stream) or the client's last reply, CLOCK_MONOTONIC. */
  elapsedNs: number;
  /**
   * `elapsedNs / iterations`: ns per message, or per round trip; paced, the mean round trip
   * (the service time), since the pace is not a cost.
   */
  nsPerItem: number;
  /** The producer (client) side. */
  producer: SideReport;
  /** The consumer (server) side. */
  consumer: SideReport;
}

/**
 * Runs one trial between two worker processes and verifies it.
 *
 * @example
 * ```ts ignore
 * import { runTrial } from "./trial.ts";
 * import { shm } from "../transports/shm.ts";
 * const series = { transport: shm, mode: "stream", sizeBytes: 8, placement: "cross", cpus: [0, 1] };
 * const result = await runTrial(context, {
 *   series, iterations: 1_000_000, nice: -20, ringSlots: 4096, timeoutMs: 60_000,
 * }, "t1");
 * console.log(result.nsPerItem);
 * ```
 */
export async function runTrial(
  context: TrialContext,
  plan: TrialPlan,
  trialId: string,
  label = `${seriesLabel(plan.series)} trial ${trialId}`,
): Promise<TrialResult> {
  const { shim } = context;
  const { series } = plan;
  const { transport, mode, sizeBytes } = series;
  const layout = trialLayout(plan);
  const segment = Segment.create(shim, layout);
  const bytes = segment.bytes;
  let endpoint: Endpoint | null = null;
  const cleanupTransport = () => {
    if (endpoint !== null) transport.cleanup?.(shim, endpoint);
  };
  // Without a pool of the run's, the trial has a pair of its own.
  await using ownWorkers = context.workers === undefined ? new WorkerPool() : null;
  const workers = context.workers ?? ownWorkers!;
  // Interrupted: tell the workers to stop; the pool kills them after the grace and reaps them,
  // so no zombie outlives the bench (not every init reaps orphans).
  using _undo = onInterrupt(() => {
    segment.unlink();
    cleanupTransport();
    segment.abort();
  });
  try {
    endpoint = await transport.prepare({
      shim,
      privateDir: context.privateDir,
      trialId,
      mode,
      sizeBytes,
      engine: series.engine ?? "native",
      cpus: series.cpus,
      ringSlots: ringSlotsFor(sizeBytes, plan.ringSlots),
      spinBeforeSleepNs: series.spinBeforeSleepNs ?? DEFAULT_SPIN_NS,
      ...(series.uring === undefined ? {} : { uring: series.uring }),
    });
    const specs = ROLES.map((role, i): WorkerSpec => ({
      library: libraryFor(context, series),
      segmentName: segment.name,
      segmentBytes: bytes,
      transport: transport.name,
      role,
      mode,
      sizeBytes,
      engine: series.engine ?? "native",
      publishEvery: series.publishEvery ?? 1,
      paceNs: series.paceNs ?? 0,
      latencyEvery: layout.latencyEvery,
      iterations: plan.iterations,
      nice: plan.nice,
      cpu: series.cpus === null ? null : series.cpus[i],
      endpoint: endpoint!,
    }));
    const outcomes = await workers.pair(series.cpus, plan.nice).run(
      [specs[0], specs[1]],
      () => segment.abort(),
      plan.timeoutMs,
      label,
    );
    return verify(label, plan, outcomes);
  } finally {
    segment.unlink();
    segment.unmap();
    cleanupTransport();
    removeTrialFiles(context.privateDir, trialId);
  }
}

/** Removes the files a transport made for this trial (named `<trialId>.*` in the private directory). */
function removeTrialFiles(dir: string, trialId: string): void {
  try {
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.name.startsWith(`${trialId}.`)) Deno.removeSync(`${dir}/${entry.name}`);
    }
  } catch {
    // the directory is removed with the run anyway
  }
}

/**
 * The segment a trial needs: its transport's rings, sized for its messages,
 * and how waiting sides wait.
 *
 * @example
 * ```ts ignore
 * import { trialLayout } from "./trial.ts";
 * console.log(trialLayout(plan)); // { rings: 2, ringSlots: 64, ringStride: 1048576, wait: 0 }
 * ```
 */
export function trialLayout(plan: Pick<TrialPlan, "series" | "ringSlots">): SegmentLayout {
  const { series } = plan;
  const rings = series.transport.rings(series.mode);
  const depth = series.mode === "fileserver" ? series.queueDepth ?? 1 : 0;
  // A ring must hold every request in flight, or client and server could wait on each other.
  const slots = Math.max(
    ringSlotsFor(series.sizeBytes, plan.ringSlots),
    2 ** Math.ceil(Math.log2(Math.max(depth, 1))),
  );
  return {
    rings,
    ringSlots: rings === 0 ? 0 : slots,
    ringStride: rings === 0 ? 0 : series.sizeBytes,
    wait: waitCode(waitPolicy(series)),
    paceNs: series.paceNs ?? 0,
    fileBytes: depth === 0 ? 0 : FILE_BYTES,
    queueDepth: depth,
    spinNs: sleeps(series) ? series.spinBeforeSleepNs ?? DEFAULT_SPIN_NS : 0,
    latencyEvery: series.mode === "pingpong" ? series.latencyEvery ?? 1 : 0,
    latencyTsc: series.mode === "pingpong" && series.latencyStamp === "tsc",
  };
}

/** Why a worker did not succeed, in a few words. */
function failure(outcome: WorkerOutcome, report: SideReport | null): string {
  if (outcome.killedBySupervisor) return "was stopped by the supervisor";
  if (outcome.status.signal !== null) return `was killed by ${outcome.status.signal}`;
  if (report !== null && report.status !== Status.OK) {
    const bad = report.badItem;
    const detail = bad === null
      ? ""
      : ` (message ${bad.index}, byte ${bad.offset}: expected ${bad.expected}, got ${bad.got})`;
    return `stopped: ${report.statusText}${detail}`;
  }
  const message = outcome.stderr.trim().split("\n").at(-1) ?? "";
  return `exited with code ${outcome.status.code}${message ? `: ${message}` : ""}`;
}

const EPIPE = 32;

/** 0 for a failure of its own; higher for one that follows from the peer's (closed pipe, abort, kill). */
function consequenceRank(outcome: WorkerOutcome, report: SideReport | null): number {
  if (outcome.killedBySupervisor || report?.status === Status.ABORTED) return 2;
  if (report?.status === Status.PEER_CLOSED || report?.status === -EPIPE) return 1;
  return 0;
}

function verify(label: string, plan: TrialPlan, outcomes: WorkerOutcome[]): TrialResult {
  const reports = outcomes.map((outcome) => outcome.report);
  const failed = outcomes
    .map((outcome, i) => ({ outcome, report: reports[i] }))
    .filter(({ outcome, report }) => !outcome.status.success || report === null);
  if (failed.length > 0) {
    // The side that failed on its own is the cause; a side that was stopped is the consequence.
    failed.sort((a, b) =>
      consequenceRank(a.outcome, a.report) - consequenceRank(b.outcome, b.report)
    );
    const parts = failed.map(({ outcome, report }) =>
      `${outcome.role} ${failure(outcome, report)}`
    );
    throw new RunError(`${label} failed: ${parts.join("; ")}`);
  }
  const [producer, consumer] = reports as [SideReport, SideReport];
  const expected = String(plan.iterations);
  if (producer.items !== expected || consumer.items !== expected) {
    throw new RunError(
      `${label} failed verification: ${producer.items} messages sent and ${consumer.items} received, expected ${expected}`,
    );
  }
  // Every word of every message was checked by the receiving loop (rp_verify); the sums of
  // sequence numbers each side reports come from its own counter and are not compared.
  const elapsedNs = elapsedOf(plan.series.mode, producer, consumer);
  if (!(elapsedNs > 0)) {
    throw new RunError(`${label} measured a non-positive time (${elapsedNs} ns)`);
  }
  if (plan.series.mode === "pingpong" && producer.latency === null) {
    throw new RunError(`${label}: the ping-pong client reported no latencies`);
  }
  return {
    transport: plan.series.transport.name,
    mode: plan.series.mode,
    sizeBytes: plan.series.sizeBytes,
    iterations: plan.iterations,
    elapsedNs,
    nsPerItem: (plan.series.paceNs ?? 0) > 0 && producer.latency !== null
      // Paced: the cost is the service time of a round trip, not the pace the client waits out.
      ? producer.latency.sumNs / plan.iterations
      : elapsedNs / plan.iterations,
    producer,
    consumer,
  };
}

/**
 * The timed region of a trial, defined once: a stream from the producer's
 * first message to the consumer's last; ping-pong and the file server, the
 * client's loop, from its first request to its last reply (a paced client
 * included, without a sleep after the last reply).
 */
function elapsedOf(mode: Mode, producer: SideReport, consumer: SideReport): number {
  const end = mode === "stream" ? consumer.endNs : producer.endNs;
  return Number(BigInt(end) - BigInt(producer.startNs));
}
