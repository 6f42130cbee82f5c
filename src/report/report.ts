/**
 * The JSON report: the kit's public, versioned format. Every transport, mode
 * and engine writes into the same `results` array, each entry saying exactly
 * what it measured, so later tools select figures without guessing.
 *
 * `docs/json-format.md` documents every field and `report.schema.json` defines
 * the file; bump {@link SCHEMA_VERSION} on any change that a reader of an older
 * version would misread.
 *
 * @module
 */

import type { Engine, Mode, PlacementKind, WaitPolicy } from "../base/names.ts";
import denoJson from "../../deno.json" with { type: "json" };
import type { Environment } from "../context/environment.ts";

import type { LatencySummary, SparseHistogram } from "../stats/histogram.ts";
import { cellKey, seriesKey, transportLabel } from "../plan/series.ts";

import { bootstrapRatio, relativeHalfWidth, summarize } from "../stats/statistics.ts";
import type { Interval, Summary } from "../stats/statistics.ts";
import { pairedRatio } from "../stats/serial.ts";

import type { ControlEntry } from "./control_figures.ts";
import type { Machine } from "../context/machine.ts";
import type { Placement } from "../context/topology.ts";
import type {
  Capacity,
  Parameters,
  Role,
  StopReason,
  UringSetup,
  Yardsticks,
} from "../base/measured.ts";

/** The version of the report format this code writes. */
export const SCHEMA_VERSION = 6;

/** The kit's own version, from `deno.json`. */
export const KIT_VERSION: string = denoJson.version;

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
  /** `--variant` runs: the label of the build whose loops ran (see `environment.variants`). */
  variant?: string;
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

/** The fields of a result that name its series (see {@link seriesFields}). */
export type SeriesField =
  | "transport"
  | "engine"
  | "publishEvery"
  | "variant"
  | "mode"
  | "sizeBytes"
  | "placement"
  | "queueDepth";

/**
 * What names a result's series, as rows that set results side by side carry it: transport,
 * engine, cadence (deno rings), build (`--variant`), mode, size, placement and depth (file server).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesFields } from "./report.ts";
 * const ring = { transport: "shm", engine: "native" as const, mode: "stream" as const, sizeBytes: 8, placement: "cross" as const };
 * assert.deepEqual(seriesFields(ring), ring);
 * assert.deepEqual(seriesFields({ ...ring, queueDepth: 8 }), { ...ring, queueDepth: 8 });
 * ```
 */
export function seriesFields(r: Pick<ResultEntry, SeriesField>): Pick<ResultEntry, SeriesField> {
  return {
    transport: r.transport,
    engine: r.engine,
    ...(r.publishEvery === undefined ? {} : { publishEvery: r.publishEvery }),
    ...(r.variant === undefined ? {} : { variant: r.variant }),
    mode: r.mode,
    sizeBytes: r.sizeBytes,
    placement: r.placement,
    ...(r.queueDepth === undefined ? {} : { queueDepth: r.queueDepth }),
  };
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
   * The build of both sides in a `--variant` run; a comparison of two builds (B over A, named
   * `B/A` by their labels) has `variants` instead.
   */
  variant?: string;
  /** Two builds of the same series: the numerator's label and the denominator's (A). */
  variants?: [string, string];
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

/**
 * The relative half-width of a result's median CI (Infinity below 95% coverage).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { halfWidth } from "./report.ts";
 * const { median, medianCi } = report.results[0].nsPerItem;
 * assert.equal(halfWidth(report.results[0]), medianCi.level < 0.95 ? Infinity : (medianCi.high - medianCi.low) / 2 / median);
 * ```
 */
export function halfWidth(result: ResultEntry): number {
  const ci = result.nsPerItem.medianCi;
  return ci.level < 0.95 ? Infinity : relativeHalfWidth(ci, result.nsPerItem.median);
}

/**
 * The figures a result entry derives from its timed trials: summaries of wall
 * and CPU time, context switches and throughput. Reports of every schema
 * version keep their trials, so these can always be computed again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { trialFigures } from "./report.ts";
 * const entry = report.results[1]; // the pipe stream
 * const figures = trialFigures(entry.samples, entry.sizeBytes);
 * assert.deepEqual(figures.nsPerItem, entry.nsPerItem); // what a reader computes is what was written
 * assert.equal(figures.throughput.perSecond, 1e9 / entry.nsPerItem.median);
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

/**
 * A result's comparison with the ring of its cell (`pipe/shm` for the pipe), or undefined for the
 * ring itself; with several deno ring cadences, the first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { ringComparison } from "./report.ts";
 * const [ring, pipe] = report.results;
 * assert.equal(ringComparison(report, pipe)?.name, "pipe/shm");
 * assert.equal(ringComparison(report, ring), undefined); // the ring itself
 * ```
 */
export function ringComparison(report: Report, r: ResultEntry): Comparison | undefined {
  return report.comparisons.find((c) =>
    c.name !== "deno/native" && c.variants === undefined && c.numerator === r.transport &&
    cellKey(c) === cellKey(r)
  );
}

/** Where a comparison sits: mode, size, placement, depth (file server) and engine (not native). */
function cellOf(
  r: ResultEntry,
): Pick<Comparison, "mode" | "sizeBytes" | "placement" | "queueDepth" | "engine"> {
  return {
    mode: r.mode,
    sizeBytes: r.sizeBytes,
    placement: r.placement,
    ...(r.queueDepth === undefined ? {} : { queueDepth: r.queueDepth }),
    ...(r.engine === "native" ? {} : { engine: r.engine }),
  };
}

/**
 * Every transport against `shm` in the same mode, size and placement, and the deno engine against
 * the native loops: per-round ratios where the series share rounds ({@link seriesRatio}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { compareWithRing } from "./report.ts";
 * const comparisons = compareWithRing(report.results);
 * assert.deepEqual(comparisons.map((c) => [c.name, c.mode, c.pairs]), [
 *   ["pipe/shm", "stream", 15],
 *   ["pipe/shm", "pingpong", 15],
 * ]);
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
        ...cellOf(r),
        ...(r.variant === undefined ? {} : { variant: r.variant }),
        ...seriesRatio(r, ring),
      });
    }
  }
  comparisons.push(...compareVariants(results));
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
      ...(deno.variant === undefined ? {} : { variant: deno.variant }),
      ...seriesRatio(deno, native),
    });
  }
  return comparisons;
}

/**
 * Every build of a `--variant` run against the first (A), series by series: B over A as the
 * median of their per-round ratios, with the interval of {@link pairedRatio} (the builds ran in
 * the same rounds, one trial each).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareVariants } from "./report.ts";
 * const trials = (ns: number[]) => ns.map((nsPerItem) => ({ nsPerItem }));
 * const series = { transport: "shm", engine: "native" as const, mode: "stream" as const, sizeBytes: 8, placement: "cross" as const };
 * // The machine flips between 6 and 30 ns; b is 10% slower in every round.
 * const a = { ...series, variant: "a", samples: trials([6, 30, 6, 6, 30, 30, 6, 6, 30, 6]) };
 * const b = { ...series, variant: "b", samples: trials([6.6, 33, 6.6, 6.6, 33, 33, 6.6, 6.6, 33, 6.6]) };
 * const [c] = compareVariants([a, b] as Parameters<typeof compareVariants>[0]);
 * assert.deepEqual([c.name, c.numerator, c.denominator, c.pairs], ["b/a", "shm [b]", "shm [a]", 10]);
 * assert.ok(Math.abs(c.ratio - 1.1) < 1e-9 && c.ci.low <= 1.1 && c.ci.high >= 1.1);
 * ```
 */
export function compareVariants(results: ResultEntry[]): Comparison[] {
  const labels = [...new Set(results.map((r) => r.variant).filter((v) => v !== undefined))];
  if (labels.length < 2) return [];
  const [first] = labels;
  const comparisons: Comparison[] = [];
  for (const a of results.filter((r) => r.variant === first)) {
    const sameSeries = seriesKey({ ...a, variant: undefined });
    for (const b of results) {
      if (b.variant === undefined || b.variant === first) continue;
      if (seriesKey({ ...b, variant: undefined }) !== sameSeries) continue;
      comparisons.push({
        name: `${b.variant}/${first}`,
        numerator: transportLabel(b),
        denominator: transportLabel(a),
        ...cellOf(a),
        variants: [b.variant, first],
        ...seriesRatio(b, a),
      });
    }
  }
  return comparisons;
}
