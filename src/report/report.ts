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

import type { Engine, Mode, PlacementKind } from "../base/names.ts";
import denoJson from "../../deno.json" with { type: "json" };
import type { Environment } from "../context/environment.ts";

import type { LatencySummary, SparseHistogram } from "../stats/histogram.ts";
import type { Interval, Summary } from "../stats/statistics.ts";
import type { ControlEntry } from "./control_figures.ts";
import type { Machine } from "../context/machine.ts";
import type { Placement } from "../context/topology.ts";
import type { Parameters, StopReason, Yardsticks } from "../base/measured.ts";
import type { MeasuredSeries, Methods, ProcessEntry, SideFigures } from "../base/report_file.ts";
export type { MeasuredSeries, Methods, ProcessEntry, SideFigures };

/** The version of the report format this code writes. */
export const SCHEMA_VERSION = 6;

/** The kit's own version, from `deno.json`. */
export const KIT_VERSION: string = denoJson.version;

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
export interface ResultEntry extends MeasuredSeries {
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
