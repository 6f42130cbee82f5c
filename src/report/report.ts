/**
 * The JSON report: the kit's public, versioned format. Every transport, mode
 * and engine writes into the same `results` array, each entry saying exactly
 * what it measured, so later tools select figures without guessing.
 *
 * The README documents every field; bump {@link SCHEMA_VERSION} on any change
 * that a reader of an older version would misread.
 *
 * @module
 */

import type { Engine, Mode, PlacementKind, WaitPolicy } from "../base/names.ts";
import denoJson from "../../deno.json" with { type: "json" };
import type { Environment } from "../context/environment.ts";
import { reportParameters } from "../plan/options.ts";
import type { BenchOptions, Parameters } from "../plan/options.ts";
import {
  halfRoundTrip,
  HISTOGRAM_METHOD,
  latencySummary,
  mergeHistograms,
} from "../stats/histogram.ts";
import type { LatencySummary, SparseHistogram } from "../stats/histogram.ts";
import type { MeasuredTrial, SamplingOutcome, SeriesSamples, StopReason } from "../run/sampling.ts";
import {
  CACHE_LINE_BYTES,
  cellKey,
  DEFAULT_SPIN_NS,
  seriesLabel,
  sleeps,
  transportLabel,
  waitPolicy,
} from "../plan/series.ts";
import { trialLayout } from "../run/trial.ts";
import { formatNs } from "../base/format.ts";
import {
  bootstrapRatio,
  METHODS,
  relativeHalfWidth,
  summarize,
  twoModes,
} from "../stats/statistics.ts";
import type { Interval, Summary } from "../stats/statistics.ts";
import { HIGH_LAG1, pairedRatio } from "../stats/serial.ts";
import type { Yardsticks } from "../run/fileserver.ts";
import { controlEntries, controlSeries, controlWarning } from "./controls.ts";
import type { ControlEntry } from "./controls.ts";
import type { Machine } from "../context/machine.ts";
import type { Placement } from "../context/topology.ts";
import type { Capacity, Role, UringSetup } from "../transports/mod.ts";
import type { SideReport } from "../run/worker.ts";

/** The version of the report format this code writes. */
export const SCHEMA_VERSION = 6;

/** The kit's own version, from `deno.json`. */
export const KIT_VERSION: string = denoJson.version;

/** How ping-pong round trips were timed before `--latency-every` (every one, chained reads). */
export const LATENCY_CLOCK =
  "CLOCK_MONOTONIC, read once per round trip inside the timed loop (the end of one round trip " +
  "is the start of the next), so each round trip includes one clock read";

/**
 * How a run timed its round trips, for `latency.clock`: which round trips, and what the clock
 * costs the loop per round trip at the measured cost of one read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { latencyClock } from "./report.ts";
 * assert.equal(
 *   latencyClock(16, 25),
 *   "CLOCK_MONOTONIC around every 16th round trip (two reads each, so a timed round trip includes " +
 *     "one read; 3.125 ns per round trip of the loop's time at 25 ns a read); the others are not timed",
 * );
 * ```
 */
export function latencyClock(
  every: number,
  readCostNs: number | null,
  tsc: { readCostNs?: number } | null = null,
): string {
  const cost = tsc === null ? readCostNs : tsc.readCostNs ?? null;
  const share = cost === null
    ? ""
    : `; ${formatNs((2 * cost) / every)} ns per round trip of the loop's time at ${
      formatNs(cost)
    } ns a read`;
  if (every <= 1) {
    return `${LATENCY_CLOCK}${readCostNs === null ? "" : ` (${formatNs(readCostNs)} ns)`}`;
  }
  return tsc === null
    ? `CLOCK_MONOTONIC around every ${every}th round trip (two reads each, so a timed round trip ` +
      `includes one read${share}); the others are not timed`
    : `the TSC (rdtsc) around every ${every}th round trip (two reads each, so a timed round trip ` +
      `includes one read${share}), turned into ns with each trial's own ratio of CLOCK_MONOTONIC ` +
      `to TSC ticks over its loop; the others are not timed`;
}

/** What the timed region held in the bench that wrote reports of schema 1 to 3 (and their upgrade). */
export const LEGACY_TIMING_METHOD =
  "from the producer's first message to the consumer's last (stream) or the client's last reply " +
  "(ping-pong), CLOCK_MONOTONIC; filling every message with its pattern and checking every byte at " +
  "the receiver are inside the timed region, as a real program would do them";

/** What the timed region holds, for the report. */
export const TIMING_METHOD =
  "from the producer's first message to the consumer's last (stream), or the client's first " +
  "request to its last reply (ping-pong, file server), CLOCK_MONOTONIC; filling every message with " +
  "its pattern and checking every byte at the receiver are inside the timed region, as a real " +
  "program would do them; a paced series' figure per round trip is its mean round trip (the " +
  "service time), not the pace";

/**
 * How the native loops wait while they spin, for the report: both choices were
 * measured against the alternative on the development VM (issue 13).
 */
export const SPIN_WAIT_METHOD =
  `native spinning waits run the CPU's spin-wait hint (${
    Deno.build.arch === "aarch64" ? "yield on arm64" : "pause on x86-64"
  }) between looks at the other side's index, and a ring's head and tail sit 128 bytes apart; ` +
  "measured against no hint, the 8-byte ring round trip was 13 to 21% faster and the stream no " +
  "slower; 128 against 64 bytes apart was a tie, kept because adjacent-line prefetch fetches " +
  "lines in pairs";

/** A coefficient of variation above this earns a warning. */
export const CV_WARNING = 0.05;
/** Fewer timed trials than this per transport earn a warning. */
export const FEW_TRIALS = 10;
/** A first timed trial slower than this multiple of the median earns a warning. */
export const SLOW_FIRST_TRIAL = 1.25;
/** CPUs busier than this in the quiet moment before the run earn a warning. */
export const BUSY_WARNING = 0.2;
/** More hypervisor steal than this during the run earns a warning. */
export const STEAL_WARNING = 0.02;
/** Other processes using more than this share of all CPU time during the run earn a warning. */
export const OTHERS_WARNING = 0.05;

/** One side of one trial: what the process asked for and really got. */
export interface SideFigures {
  /** The nice value asked for (null: none asked). */
  niceRequested: number | null;
  /** The nice value the loop thread had. */
  niceAchieved: number | null;
  /** The loop thread's scheduling policy. */
  schedPolicy: string;
  /** The CPUs asked for (null: none asked). */
  affinityRequested: number[] | null;
  /** The CPUs the loop thread was allowed on. */
  affinityActual: number[];
  /** The CPU the loop started on. */
  cpuStart: number;
  /** The CPU the loop ended on. */
  cpuEnd: number;
  /** Exact CPU time of the loop thread (CLOCK_THREAD_CPUTIME_ID); user/system split from getrusage, in ticks. */
  cpuNs: number;
  /** io_uring SQPOLL: exact CPU time of the kernel thread that took this side's submissions, ns. */
  kernelThreadCpuNs?: number;
  /** User CPU time (getrusage, in ticks), ns. */
  userNs: number;
  /** System CPU time (getrusage, in ticks), ns. */
  systemNs: number;
  /** Voluntary context switches. */
  voluntarySwitches: number;
  /** Involuntary context switches. */
  involuntarySwitches: number;
}

/**
 * CPU time of a trial: both loop threads and any kernel thread that worked for them, ns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trialCpuNs } from "./report.ts";
 * assert.equal(trialCpuNs({ producer: { cpuNs: 5, kernelThreadCpuNs: 2 }, consumer: { cpuNs: 3 } }), 10);
 * ```
 */
export function trialCpuNs(
  trial: {
    producer: { cpuNs: number; kernelThreadCpuNs?: number | null };
    consumer: { cpuNs: number; kernelThreadCpuNs?: number | null };
  },
): number {
  const { producer: p, consumer: c } = trial;
  return p.cpuNs + (p.kernelThreadCpuNs ?? 0) + c.cpuNs + (c.kernelThreadCpuNs ?? 0);
}

/** One trial. */
export interface Sample {
  /** Position among all the trials of the run (warm-ups included), from 1. */
  order: number;
  /** Messages, round trips or requests in the trial. */
  iterations: number;
  /** Wall-clock ns of the timed loop. */
  elapsedNs: number;
  /** Wall-clock ns per message, round trip or request. */
  nsPerItem: number;
  /** CPU time of both loop threads (CLOCK_THREAD_CPUTIME_ID) and any SQPOLL threads, per message or round trip. */
  cpuNsPerItem: number;
  /** The producer (client) side. */
  producer: SideFigures;
  /** The consumer (server) side. */
  consumer: SideFigures;
}

/** Round-trip latencies of a ping-pong series, merged over its timed trials. */
export interface LatencyEntry {
  /** How each round trip was timed. */
  clock: string;
  /** Round trips, ns. */
  roundTrip: LatencySummary;
  /** Half of each round-trip figure: one-way latency, as RTT/2. */
  oneWayAsHalfRoundTrip: LatencySummary;
  /** The merged histogram (`[bucket, count]`; see `src/histogram.ts`). */
  histogram: SparseHistogram;
}

/** Figures for one series: one transport, mode, message size and placement. */
export interface ResultEntry {
  /** The transport's name. */
  transport: string;
  /** Which code ran the loops: `native` (C in the shim) or `deno` (TypeScript). */
  engine: Engine;
  /** Deno engine, ring transports: the sender published every this many items. */
  publishEvery?: number;
  /** `stream` (one way) or `pingpong` (request and reply of the same size). */
  mode: Mode;
  /** Bytes per message (each request and each reply in ping-pong). */
  sizeBytes: number;
  /** `cross` (two distinct CPUs), `same` (one CPU) or `unpinned`. */
  placement: PlacementKind;
  /** How a side with nothing to do waited: `spin`, `yield` (spinning rings on one CPU) or `futex`. */
  waitPolicy: WaitPolicy;
  /** Ping-pong: ns between the starts of round trips (`--pace`); absent or 0 when back to back. */
  paceNs?: number;
  /** Futex and pipe waits: how long an idle side looked before it slept, ns. */
  spinBeforeSleepNs?: number;
  /** Slots per ring, for ring transports (null otherwise). */
  ringSlots: number | null;
  /** How many messages were in flight at most before a sender had to wait, and what set that. */
  capacity?: Capacity;
  /** io_uring transports: how each side's ring was set up. */
  uring?: UringSetup;
  /** Every byte of every message of every trial checked out. */
  verified: true;
  /** Messages (stream) or round trips (ping-pong) per timed trial. */
  iterations: number;
  /** What `nsPerItem` counts: a `message` (stream), a `round trip` (ping-pong) or a `request` (file server). */
  unit: "message" | "round trip" | "request";
  /** File server: requests the client kept in flight. */
  queueDepth?: number;
  /** Wall-clock ns per message or round trip over the timed trials. */
  nsPerItem: Summary;
  /** CPU ns per message or round trip (both processes, user + system). */
  cpuNsPerItem: Summary;
  /** Context switches (voluntary + involuntary, both processes) per message or round trip, median. */
  switchesPerItem: number;
  /** From the median: messages (or round trips) per second, and message bytes per second one way. */
  throughput: { perSecond: number; bytesPerSecond: number };
  /** Ping-pong only: the round-trip distribution. */
  latency: LatencyEntry | null;
  /** The timed trials, in measured order. */
  samples: Sample[];
  /** Calibration and warm-up trials, in measured order; not in the summaries. Empty unless the
   * bench was asked to keep them (`--keep-warmup`): `sampling.warmupTrials` counts them. */
  warmup: Sample[];
}

/** How one transport compares with another in the same mode, size and placement. */
export interface Comparison {
  /** e.g. `pipe/shm`. */
  name: string;
  /** The transport compared. */
  numerator: string;
  /** The transport compared against (`shm`). */
  denominator: string;
  /** Stream, ping-pong or file server. */
  mode: Mode;
  /** Bytes per message (per reply for the file server). */
  sizeBytes: number;
  /** Where the two processes ran. */
  placement: PlacementKind;
  /** File server: requests in flight. */
  queueDepth?: number;
  /** The engine of both sides (`native` when absent); `deno/native` compares engines instead. */
  engine?: Engine;
  /**
   * The numerator over the denominator: the median of their per-round ratios (both series have a
   * trial in every round), or the ratio of their medians when they do not share rounds.
   */
  ratio: number;
  /** Its 95% confidence interval ({@link METHODS}.ratioCi). */
  ci: Interval;
  /** Rounds paired; 0 when the series did not share rounds and `ratio` is of medians. */
  pairs: number;
  /** Lag-1 autocorrelation of the log per-round ratios (null when unpaired). */
  lag1: number | null;
}

/**
 * One series over another, per round where they share rounds ({@link pairedRatio}), else the
 * ratio of their medians with a bootstrap interval of both sides.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesRatio } from "./report.ts";
 * const trials = (ns: number[]) => ({ samples: ns.map((nsPerItem) => ({ nsPerItem })) });
 * const ring = trials([6, 30, 6, 30, 6, 6, 30, 6]);
 * const pipe = trials([480, 2400, 480, 2400, 480, 480, 2400, 480]);
 * assert.deepEqual([seriesRatio(pipe, ring).ratio, seriesRatio(pipe, ring).pairs], [80, 8]);
 * assert.equal(seriesRatio(trials([480, 480]), ring).pairs, 0); // not the same rounds
 * ```
 */
export function seriesRatio(
  numerator: { samples: readonly { nsPerItem: number }[] },
  denominator: { samples: readonly { nsPerItem: number }[] },
): Pick<Comparison, "ratio" | "ci" | "pairs" | "lag1"> {
  const a = numerator.samples.map((s) => s.nsPerItem);
  const b = denominator.samples.map((s) => s.nsPerItem);
  if (a.length === b.length && a.length > 0) {
    const { estimate, interval, pairs, lag1 } = pairedRatio(a, b);
    return { ratio: estimate, ci: interval, pairs, lag1 };
  }
  const { estimate, interval } = bootstrapRatio(a, b);
  return { ratio: estimate, ci: interval, pairs: 0, lag1: null };
}

/** What each role of process asked for and got, over all trials. */
export interface ProcessEntry {
  /** Which process. */
  role: "supervisor" | Role;
  /** The nice value asked for (null: none asked). */
  niceRequested: number | null;
  /** The value every trial got; when trials differed, the highest (least favoured). */
  niceAchieved: number | null;
  /** Why the request failed, if it did (e.g. "Permission denied"). */
  niceError: string | null;
  /** Scheduling policies seen. */
  schedPolicies: string[];
  /** The CPU asked for, and every CPU a loop started or ended on. */
  affinityRequested: number[] | null;
  /** Every CPU a loop started or ended on. */
  cpusSeen: number[];
  /** Why pinning failed, if it did. */
  affinityError: string | null;
}

/** How every figure of a report is computed, in words (`methods`). */
export interface Methods {
  /** How quantiles are computed. */
  quantiles: string;
  /** How the CI of a median is computed. */
  medianCi: string;
  /** How the CI of a ratio of medians is computed. */
  ratioCi: string;
  /** How outliers are classified. */
  outliers: string;
  /** How latency percentiles are read. */
  latency: string;
  /** What the timed region holds. */
  timing: string;
  /** How the native loops wait while they spin (absent in reports before it was recorded). */
  spinWait?: string;
}

/** A whole report (schema version 6; `src/encoding.ts` says how it is written to disk). */
export interface Report {
  /** The report format's version. */
  schemaVersion: typeof SCHEMA_VERSION;
  /** The kit: name, version, git commit and whether the checkout had changes. */
  kit: { name: "ringpipe"; version: string; commit: string | null; dirty: boolean | null };
  /** ISO 8601 UTC. */
  createdAt: string;
  /** The command that reruns this experiment. */
  command: string;
  /** The machine and toolchain. */
  environment: Environment;
  /** Everything needed to rerun the same experiment (the options that change what is measured). */
  parameters: Parameters;

  /** How the trials went: why they stopped, whether the CI target was met, how long it took. */
  sampling: {
    stopReason: StopReason;
    targetReached: boolean | null;
    /** Null in reports upgraded from schema 1, which did not record it. */
    elapsedSeconds: number | null;
    warmupTrials: number;
    timedTrials: number;
  };
  /** The machine: its archive folder and its fingerprint (see `src/machine.ts`). */
  machine: Machine;
  /** This run's own noise band, from an A/A comparison of each series with itself. */
  noise: NoiseBand;
  /** Where the loops ran and how the two CPUs relate. */
  placement: Placement;
  /** How every figure is computed. */
  methods: Methods;
  /** File-server scenario only: the kernel's own costs, measured in the supervisor. */
  yardsticks?: Yardsticks;
  /**
   * Measurements of a series with one part of the harness taken away, beside its trials (see
   * `./controls.ts`); absent when the run had none.
   */
  controls?: ControlEntry[];
  /** What each process asked for and got. */
  processes: ProcessEntry[];
  /** One entry per series. */
  results: ResultEntry[];
  /** Every transport against the ring. */
  comparisons: Comparison[];
  /** Plain sentences. */
  warnings: string[];
}

/**
 * An A/A check: each series' timed trials split into two interleaved halves
 * (odd and even positions), each trial paired with its neighbour, compared as
 * if they were two runs. Whatever difference shows is noise; `band` is the
 * largest distance from 1 any half/half CI reached (in log terms: a CI of
 * 0.8-1.1 is a band of 25%), the smallest change this run could tell from noise.
 */
export interface NoiseBand {
  /** How it is computed, in words. */
  method: string;
  /** Null with fewer than 4 timed trials in every series. */
  band: number | null;
  /** One entry per series with at least 4 timed trials. */
  series: {
    transport: string;
    /** Absent in reports before schema 5 (native only then). */
    engine?: Engine;
    /** Deno engine rings. */
    publishEvery?: number;
    mode: Mode;
    sizeBytes: number;
    placement: PlacementKind;
    /** File server: requests in flight (absent before schema 6). */
    queueDepth?: number;
    /** Median of the ratios of each even-position trial over the odd one after it, and its CI. */
    ratio: number;
    ci: Interval;
  }[];
}

/** How the A/A noise band is computed. */
export const NOISE_METHOD =
  "A/A: each series' timed trials paired in measured order (1st with 2nd, 3rd with 4th, ...); the " +
  "band is the largest distance from 1, in log terms, reached by the serial-dependence CI of the " +
  "median of those ratios";

/**
 * The A/A check of one series: its timed trials paired with their neighbours (1st with 2nd, 3rd
 * with 4th, ...), the median of the ratios with its interval; null below 4 trials. The band is
 * symmetric in log terms: a CI reaching down to 0.8 is as far from 1 as one reaching up to 1.25.
 *
 * @example
 * ```ts ignore
 * import { withinRunNoise } from "./report.ts";
 * console.log(withinRunNoise(report.results[0])?.band); // 0.03: changes under 3% are noise
 * ```
 */
export function withinRunNoise(
  r: Pick<ResultEntry, "samples">,
): { ratio: number; ci: Interval; band: number } | null {
  const values = r.samples.map((s) => s.nsPerItem);
  if (values.length < 4) return null;
  const pairs = Math.floor(values.length / 2);
  const even = values.filter((_, i) => i % 2 === 0).slice(0, pairs);
  const odd = values.filter((_, i) => i % 2 === 1).slice(0, pairs);
  const { estimate, interval } = pairedRatio(even, odd);
  return { ratio: estimate, ci: interval, band: logBand(interval) };
}

/**
 * The A/A noise band of a set of results.
 *
 * @example
 * ```ts ignore
 * import { noiseBand } from "./report.ts";
 * console.log(noiseBand(report.results).band); // e.g. 0.031: changes under 3.1% are noise here
 * ```
 */
export function noiseBand(results: ResultEntry[]): NoiseBand {
  const series: NoiseBand["series"] = [];
  for (const r of results) {
    const aa = withinRunNoise(r);
    if (aa === null) continue;
    series.push({
      transport: r.transport,
      engine: r.engine,
      ...(r.publishEvery === undefined ? {} : { publishEvery: r.publishEvery }),
      mode: r.mode,
      sizeBytes: r.sizeBytes,
      placement: r.placement,
      ...(r.queueDepth === undefined ? {} : { queueDepth: r.queueDepth }),
      ratio: aa.ratio,
      ci: aa.ci,
    });
  }
  const band = series.length === 0 ? null : Math.max(...series.map((s) => logBand(s.ci)));
  return { method: NOISE_METHOD, band, series };
}

/**
 * How far an interval of a ratio reaches from 1, symmetric in log terms: the `t` with
 * `[1/(1+t), 1+t]` just holding the interval.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logBand } from "./report.ts";
 * assert.equal(logBand({ low: 0.8, high: 1.1, level: 0.95 }).toFixed(3), "0.250");
 * assert.equal(logBand({ low: 0.95, high: 1.2, level: 0.95 }).toFixed(3), "0.200");
 * ```
 */
export function logBand(ci: Interval): number {
  return Math.exp(Math.max(Math.abs(Math.log(ci.low)), Math.abs(Math.log(ci.high)))) - 1;
}

/** The parts of a report that do not come from the samples. */
export interface ReportContext {
  /** The bench options. */
  options: BenchOptions;
  /** The machine and toolchain. */
  environment: Environment;
  /** The machine's folder and fingerprint (`currentMachine()`). */
  machine: Machine;
  /** Where the two processes ran. */
  placement: Placement;
  /** The checkout's commit and whether it had uncommitted changes. */
  git: { commit: string | null; dirty: boolean | null };
  /** The command line that reruns it. */
  command: string;
  /** When the run started. */
  createdAt: Date;
  /** The supervisor's own nice value. */
  supervisorNice: number | null;
  /** Sentences for the warnings that only the caller knows (series skipped, ...). */
  notes?: string[];
  /** File-server scenario: the yardsticks measured before the run. */
  yardsticks?: Yardsticks;
}

/**
 * Builds the report from the samples of a run.
 *
 * @example
 * ```ts ignore
 * import { buildReport } from "./report.ts";
 * const report = buildReport(outcome, context);
 * await Deno.writeTextFile("report.json", JSON.stringify(report, null, 2));
 * ```
 */
export function buildReport(outcome: SamplingOutcome, context: ReportContext): Report {
  const { options } = context;
  const results = outcome.samples.map((s) =>
    resultEntry(
      s,
      options.ringSlots,
      options.keepWarmup,
      context.environment.clock.readCostNs,
      context.environment.clock.tsc ?? null,
    )
  );
  const processes = processEntries(outcome, context.supervisorNice);
  const targetReached = options.runs === null
    ? results.every((r) => halfWidth(r) <= options.targetCi)
    : null;
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    kit: { name: "ringpipe", version: KIT_VERSION, ...context.git },
    createdAt: context.createdAt.toISOString(),
    command: context.command,
    environment: context.environment,
    parameters: reportParameters(options),
    sampling: {
      stopReason: outcome.stopReason,
      targetReached,
      elapsedSeconds: outcome.elapsedSeconds,
      warmupTrials: outcome.samples.reduce((n, s) => n + s.warmup.length, 0),
      timedTrials: outcome.samples.reduce((n, s) => n + s.runs.length, 0),
    },
    machine: context.machine,
    noise: noiseBand(results),
    placement: context.placement,
    methods: {
      ...METHODS,
      latency: HISTOGRAM_METHOD,
      timing: TIMING_METHOD,
      spinWait: SPIN_WAIT_METHOD,
    },
    ...(context.yardsticks === undefined ? {} : { yardsticks: context.yardsticks }),
    ...(outcome.controls.length === 0
      ? {}
      : { controls: controlEntries(outcome.controls, outcome.samples, results) }),
    processes,
    results,
    comparisons: compareWithRing(results),
    warnings: [],
  };
  report.warnings = [...(context.notes ?? []), ...reportWarnings(report)];
  return report;
}

/**
 * The relative half-width of a result's median CI (Infinity below 95% coverage).
 *
 * @example
 * ```ts ignore
 * import { halfWidth } from "./report.ts";
 * console.log(`±${(halfWidth(report.results[0]) * 100).toFixed(1)}%`);
 * ```
 */
export function halfWidth(result: ResultEntry): number {
  const ci = result.nsPerItem.medianCi;
  return ci.level < 0.95 ? Infinity : relativeHalfWidth(ci, result.nsPerItem.median);
}

function sideFigures(side: SideReport): SideFigures {
  return {
    niceRequested: side.niceRequested,
    niceAchieved: side.niceAchieved,
    schedPolicy: side.schedPolicy,
    affinityRequested: side.affinityRequested,
    affinityActual: side.affinityActual,
    cpuStart: side.cpuStart,
    cpuEnd: side.cpuEnd,
    cpuNs: side.cpuNs,
    ...(side.kernelThreadCpuNs === null ? {} : { kernelThreadCpuNs: side.kernelThreadCpuNs }),
    userNs: side.userNs,
    systemNs: side.systemNs,
    voluntarySwitches: side.voluntarySwitches,
    involuntarySwitches: side.involuntarySwitches,
  };
}

/**
 * Converts one verified trial into a report sample.
 *
 * @example
 * ```ts ignore
 * import { toSample } from "./report.ts";
 * console.log(toSample(trial).cpuNsPerItem);
 * ```
 */
export function toSample(result: MeasuredTrial): Sample {
  const cpuNs = trialCpuNs(result);
  return {
    order: result.order,
    iterations: result.iterations,
    elapsedNs: result.elapsedNs,
    nsPerItem: result.nsPerItem,
    cpuNsPerItem: cpuNs / result.iterations,
    producer: sideFigures(result.producer),
    consumer: sideFigures(result.consumer),
  };
}

/**
 * The figures a result entry derives from its timed trials: summaries of wall
 * and CPU time, context switches and throughput. Reports of every schema
 * version keep their trials, so these can always be computed again.
 *
 * @example
 * ```ts ignore
 * import { trialFigures } from "./report.ts";
 * console.log(trialFigures(entry.samples, entry.sizeBytes).nsPerItem.median);
 * ```
 */
export function trialFigures(
  samples: Sample[],
  sizeBytes: number,
): Pick<ResultEntry, "nsPerItem" | "cpuNsPerItem" | "switchesPerItem" | "throughput"> {
  const switches = samples.map((s) =>
    (s.producer.voluntarySwitches + s.producer.involuntarySwitches +
      s.consumer.voluntarySwitches + s.consumer.involuntarySwitches) / s.iterations
  );
  const nsPerItem = summarize(samples.map((s) => s.nsPerItem));
  return {
    nsPerItem,
    cpuNsPerItem: summarize(samples.map((s) => s.cpuNsPerItem)),
    switchesPerItem: summarize(switches).median,
    throughput: {
      perSecond: 1e9 / nsPerItem.median,
      bytesPerSecond: (1e9 / nsPerItem.median) * sizeBytes,
    },
  };
}

const UNITS = { stream: "message", pingpong: "round trip", fileserver: "request" } as const;

function resultEntry(
  samples: SeriesSamples,
  ringSlotsAsked: number,
  keepWarmup: boolean,
  readCostNs: number | null,
  tscCost: { readCostNs?: number } | null,
): ResultEntry {
  const { series } = samples;
  const runs = samples.runs.map(toSample);
  const layout = trialLayout({ series, ringSlots: ringSlotsAsked });
  return {
    transport: series.transport.name,
    engine: series.engine ?? "native",
    ...(series.publishEvery === undefined ? {} : { publishEvery: series.publishEvery }),
    mode: series.mode,
    sizeBytes: series.sizeBytes,
    placement: series.placement,
    waitPolicy: waitPolicy(series),
    ...(series.paceNs ? { paceNs: series.paceNs } : {}),
    ...(sleeps(series) ? { spinBeforeSleepNs: series.spinBeforeSleepNs ?? DEFAULT_SPIN_NS } : {}),
    ...(series.queueDepth === undefined ? {} : { queueDepth: series.queueDepth }),
    ringSlots: layout.rings === 0 ? null : layout.ringSlots,
    capacity: series.transport.capacity?.(series.sizeBytes, series.engine ?? "native") ??
      (layout.rings > 0
        ? {
          messages: layout.ringSlots,
          source: "ring slots, set by --ring-slots and fewer for large messages",
        }
        : { messages: null, source: "not stated by the transport" }),
    ...(series.uring === undefined ? {} : { uring: series.uring }),
    verified: true,
    iterations: samples.iterations,
    unit: UNITS[series.mode],
    ...trialFigures(runs, series.sizeBytes),
    latency: series.mode === "stream" ? null : latencyEntry(
      samples.runs,
      latencyClock(
        series.mode === "pingpong" && !series.paceNs ? series.latencyEvery ?? 1 : 1,
        readCostNs,
        series.latencyStamp === "tsc" ? tscCost ?? {} : null,
      ),
    ),
    samples: runs,
    warmup: keepWarmup ? samples.warmup.map(toSample) : [],
  };
}

function latencyEntry(trials: MeasuredTrial[], clock: string): LatencyEntry {
  const sides = trials.map((t) => t.producer.latency).filter((l) => l !== null);
  const histogram = mergeHistograms(...sides.map((l) => l.histogram));
  const exact = {
    min: Math.min(...sides.map((l) => l.minNs)),
    max: Math.max(...sides.map((l) => l.maxNs)),
    sum: sides.reduce((n, l) => n + l.sumNs, 0),
  };
  const roundTrip = latencySummary(histogram, exact);
  return {
    clock,
    roundTrip,
    oneWayAsHalfRoundTrip: halfRoundTrip(roundTrip),
    histogram,
  };
}

/**
 * A result's comparison with the ring of its cell (`pipe/shm` for the pipe), or undefined for the
 * ring itself; with several deno ring cadences, the first.
 *
 * @example
 * ```ts ignore
 * import { ringComparison } from "./report.ts";
 * console.log(ringComparison(report, pipeResult)?.ratio);
 * ```
 */
export function ringComparison(report: Report, r: ResultEntry): Comparison | undefined {
  return report.comparisons.find((c) =>
    c.name !== "deno/native" && c.numerator === r.transport && cellKey(c) === cellKey(r)
  );
}

/**
 * Every transport against `shm` in the same mode, size and placement, and the deno engine against
 * the native loops: per-round ratios where the series share rounds ({@link seriesRatio}).
 *
 * @example
 * ```ts ignore
 * import { compareWithRing } from "./report.ts";
 * console.log(compareWithRing(report.results).map((c) => `${c.name} ${c.ratio}`));
 * ```
 */
export function compareWithRing(results: ResultEntry[]): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const ring of results.filter((r) => r.transport === "shm")) {
    const peers = results.filter((r) =>
      r.transport !== ring.transport && cellKey(r) === cellKey(ring)
    );
    for (const r of peers) {
      comparisons.push({
        name: `${r.transport}/${ring.transport}`,
        numerator: r.transport,
        denominator: transportLabel(ring),
        mode: r.mode,
        sizeBytes: r.sizeBytes,
        placement: r.placement,
        ...(r.queueDepth === undefined ? {} : { queueDepth: r.queueDepth }),
        ...(r.engine === "native" ? {} : { engine: r.engine }),
        ...seriesRatio(r, ring),
      });
    }
  }
  // The deno engine against the native loops, transport by transport.
  for (const deno of results.filter((r) => r.engine === "deno")) {
    const native = results.find((r) =>
      r.engine === "native" && r.transport === deno.transport &&
      cellKey(r) === cellKey({ ...deno, engine: "native" })
    );
    if (native === undefined) continue;
    comparisons.push({
      name: "deno/native",
      numerator: transportLabel(deno),
      denominator: `${native.transport} (native)`,
      mode: deno.mode,
      sizeBytes: deno.sizeBytes,
      placement: deno.placement,
      ...seriesRatio(deno, native),
    });
  }
  return comparisons;
}

function processEntries(outcome: SamplingOutcome, supervisorNice: number | null): ProcessEntry[] {
  const sides = outcome.samples.flatMap((s) => [...s.warmup, ...s.runs]).flatMap((r) => [
    r.producer,
    r.consumer,
  ]);
  const unique = <T>(values: T[]) => [...new Set(values)];
  const entry = (role: Role): ProcessEntry => {
    const mine = sides.filter((s) => s.role === role);
    const achieved = mine.map((s) => s.niceAchieved).filter((n): n is number => n !== null);
    return {
      role,
      niceRequested: mine[0]?.niceRequested ?? null,
      niceAchieved: achieved.length === mine.length && achieved.length > 0
        ? Math.max(...achieved)
        : null,
      niceError: mine.find((s) => s.niceError !== null)?.niceError ?? null,
      schedPolicies: unique(mine.map((s) => s.schedPolicy)),
      affinityRequested: mine[0]?.affinityRequested ?? null,
      cpusSeen: unique(mine.flatMap((s) => [s.cpuStart, s.cpuEnd])).sort((a, b) => a - b),
      affinityError: mine.find((s) => s.affinityError !== null)?.affinityError ?? null,
    };
  };
  return [
    {
      role: "supervisor",
      niceRequested: null,
      niceAchieved: supervisorNice,
      niceError: null,
      schedPolicies: [],
      affinityRequested: null,
      cpusSeen: [],
      affinityError: null,
    },
    entry("producer"),
    entry("consumer"),
  ];
}

const percent = (fraction: number) =>
  Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : "?";

/** Names series in a warning, at most a few, with a count of the rest. */
function nameSome(names: string[]): string {
  const shown = names.slice(0, 4).join(", ");
  return names.length > 4 ? `${shown} and ${names.length - 4} more` : shown;
}

/**
 * The warnings a report's figures and environment call for.
 *
 * @example
 * ```ts ignore
 * import { reportWarnings } from "./report.ts";
 * for (const warning of reportWarnings(report)) console.log(warning);
 * ```
 */
export function reportWarnings(report: Report): string[] {
  const list: string[] = [];
  const env = report.environment;
  const quiet = env.cpuActivity.idleCheck;
  const load = env.load.before?.[0];
  if (quiet !== null) {
    if (quiet.busy > BUSY_WARNING) {
      list.push(
        `machine busy: the CPUs were ${percent(quiet.busy)} busy in the ${
          quiet.seconds.toFixed(1)
        } s before the run`,
      );
    }
  } else if (load !== undefined && load >= Math.max(1, env.cpu.count / 4)) {
    list.push(`machine busy: load average ${load} before the run`);
  }
  const run = env.cpuActivity.run;
  if (run !== null && run.others !== undefined && run.others > OTHERS_WARNING) {
    list.push(
      `other processes used ${percent(run.others)} of all CPU time during the run (not this ` +
        "bench's): they competed with the loops; run on a quiet machine",
    );
  }
  if (run !== null && run.steal > STEAL_WARNING) {
    list.push(`the hypervisor took ${percent(run.steal)} of CPU time during the run (steal)`);
  }
  if (env.cpu.governor !== null && env.cpu.governor !== "performance") {
    list.push(`CPU frequency governor is '${env.cpu.governor}', not 'performance'`);
  }
  if (env.cpu.virtualMachine) {
    list.push("virtual machine: other guests share the CPUs, so figures vary between runs");
  }
  for (const p of report.processes) {
    if (p.niceRequested !== null && p.niceAchieved !== p.niceRequested) {
      list.push(
        `${p.role} asked for nice ${p.niceRequested} and ran at ${p.niceAchieved ?? "unknown"}` +
          (p.niceError ? ` (${p.niceError}); run under sudo to lower it` : ""),
      );
    }
    if (p.affinityError !== null) {
      list.push(`${p.role} could not be pinned to CPU ${p.affinityRequested} (${p.affinityError})`);
    }
  }
  for (const control of report.controls ?? []) {
    const result = controlSeries(report.results, control);
    const warning = result && controlWarning(control, result.nsPerItem.median, seriesLabel(result));
    if (warning) list.push(warning);
  }
  const group = env.scheduler;
  const producer = report.processes.find((p) => p.role === "producer");
  if (group?.autogroup && producer?.niceAchieved !== null && (producer?.niceAchieved ?? 0) < 0) {
    list.push(
      `nice ${
        producer!.niceAchieved
      } was achieved inside an autogroup (kernel.sched_autogroup_enabled=1): ` +
        "it ranks the loops only among this session's processes, not against other sessions'; " +
        "for that, set kernel.sched_autogroup_enabled=0 or run in a cgroup of its own",
    );
  }
  if (group?.cpuLimit !== null && group?.cpuLimit !== undefined && group.cpuLimit < env.cpu.count) {
    list.push(
      `the bench's cgroup (${group.cgroup}) may use ${group.cpuLimit} CPUs of ${env.cpu.count}: ` +
        "its loops are throttled when they exceed it",
    );
  }
  if (env.cpu.count < 2) {
    list.push("only one CPU: both processes share it, and the spinning ring waits for time slices");
  }
  const label = (r: ResultEntry) => seriesLabel(r);
  const shared = report.results.filter((r) =>
    r.placement !== "same" &&
    r.samples.some((s) =>
      s.producer.cpuStart === s.consumer.cpuStart || s.producer.cpuEnd === s.consumer.cpuEnd
    )
  );
  if (shared.length > 0) {
    list.push(`both loops ran on one CPU in some trials of ${nameSome(shared.map(label))}`);
  }
  const noisy = report.results.filter((r) => r.nsPerItem.cv > CV_WARNING);
  if (noisy.length > 0) {
    list.push(
      `the trials vary a lot (CV above ${percent(CV_WARNING)}): ` +
        nameSome(noisy.map((r) => `${label(r)} ${percent(r.nsPerItem.cv)}`)),
    );
  }
  for (const r of report.results) {
    const modes = twoModes(r.samples.map((s) => s.nsPerItem));
    if (modes !== null) {
      list.push(
        `${label(r)}: the trials fall into two groups (${modes.low.count} near ${
          formatNs(modes.low.median)
        } ns, ` +
          `${modes.high.count} near ${
            formatNs(modes.high.median)
          } ns): the machine changed state during the run`,
      );
    }
  }
  const dependent = report.results.filter((r) => r.nsPerItem.lag1 > HIGH_LAG1);
  if (dependent.length > 0) {
    list.push(
      `neighbouring trials are alike (lag-1 autocorrelation above ${HIGH_LAG1}): ` +
        nameSome(dependent.map((r) => `${label(r)} ${r.nsPerItem.lag1.toFixed(2)}`)) +
        "; their intervals are widened for it, and more rounds narrow them more than longer trials",
    );
  }
  const every = report.parameters.latencyEvery ?? 1;
  const aligned = report.results.filter((r) =>
    r.mode === "pingpong" && !r.paceNs && r.ringSlots !== null && r.sizeBytes < CACHE_LINE_BYTES
  );
  if (every > 1 && every % 2 === 0 && aligned.length > 0) {
    list.push(
      `--latency-every ${every} is even: in ${
        nameSome(aligned.map(label))
      } the timed round trips fall on the same few slot positions of each ${CACHE_LINE_BYTES}-byte ` +
        "cache line, so the percentiles describe those positions, not every round trip; an odd " +
        "value times them all alike",
    );
  }
  const few = report.results.filter((r) => r.samples.length < FEW_TRIALS);
  if (few.length > 0) {
    list.push(
      `fewer than ${FEW_TRIALS} timed trials: ` +
        nameSome(few.map((r) => `${label(r)} (${r.samples.length})`)),
    );
  }
  const slow = report.results.filter((r) =>
    r.samples.length > 0 && r.samples[0].nsPerItem > SLOW_FIRST_TRIAL * r.nsPerItem.median
  );
  if (slow.length > 0) {
    list.push(
      `slow first timed trial (above ${SLOW_FIRST_TRIAL}x the median): ` +
        nameSome(
          slow.map((r) =>
            `${label(r)} ${(r.samples[0].nsPerItem / r.nsPerItem.median).toFixed(2)}x`
          ),
        ),
    );
  }
  if (report.sampling.targetReached === false) {
    const wide = report.results.filter((r) => halfWidth(r) > report.parameters.targetCi);
    // The interval as it is (asymmetric), and its half-width, which is what the target bounds.
    const widths = nameSome(wide.map((r) => {
      const ci = r.nsPerItem.medianCi;
      return ci.level < 0.95
        ? `${label(r)} too few trials for 95%`
        : `${label(r)} ${formatNs(ci.low)}-${formatNs(ci.high)} ns, half-width ${
          percent(halfWidth(r))
        }`;
    }));
    list.push(
      `the CI target ±${
        percent(report.parameters.targetCi)
      } was not reached for ${wide.length} of ` +
        `${report.results.length} series (${widths}); ` +
        `stopped because the ${
          report.sampling.stopReason === "budget-spent"
            ? "time budget was spent"
            : "trial limit was hit"
        }`,
    );
  }
  if (report.kit.dirty) list.push("the checkout had uncommitted changes");
  return list;
}
