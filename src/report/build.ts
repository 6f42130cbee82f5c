/**
 * Building a report from the samples of a run: the only part of `src/report/`
 * that knows about processes, trials and transports, so that reading,
 * comparing and rendering reports (`./report` of the package) loads none of
 * them.
 *
 * @module
 */

import type { Environment } from "../context/environment.ts";
import { reportParameters } from "../plan/options.ts";
import type { BenchOptions } from "../plan/options.ts";
import {
  halfRoundTrip,
  HISTOGRAM_METHOD,
  latencySummary,
  mergeHistograms,
} from "../stats/histogram.ts";

import type {
  ControlSamples,
  MeasuredTrial,
  SamplingOutcome,
  SeriesSamples,
} from "../run/sampling.ts";
import { DEFAULT_SPIN_NS, type SeriesIdentity, seriesKey } from "../plan/series.ts";
import { sleeps, waitPolicy } from "../plan/plan.ts";
import { trialLayout } from "../run/trial.ts";

import { METHODS } from "../stats/statistics.ts";

import type { Yardsticks } from "../run/yardsticks.ts";
import type { ControlEntry } from "./control_figures.ts";
import { CONTROL_METHODS } from "../plan/control_kinds.ts";

import type { Machine } from "../context/machine.ts";
import type { Placement } from "../context/topology.ts";
import type { Role } from "../transports/mod.ts";
import type { SideReport } from "../run/worker.ts";
import { KIT_VERSION, SCHEMA_VERSION, trialCpuNs } from "./report.ts";
import { compareWithRing, halfWidth, trialFigures } from "./derived.ts";
import type {
  LatencyEntry,
  ProcessEntry,
  Report,
  ResultEntry,
  Sample,
  SideFigures,
} from "./report.ts";
import { latencyClock, SPIN_WAIT_METHOD, TIMING_METHOD, WORKERS_METHOD } from "./methods.ts";
import { reportWarnings } from "./warnings.ts";
import { noiseBand } from "./noise.ts";

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
 * import { buildReport } from "./build.ts";
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
      workers: WORKERS_METHOD,
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
 * import { toSample } from "./build.ts";
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
    ...(series.variant === undefined ? {} : { variant: series.variant }),
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

/**
 * The entries of the controls a run measured, each keyed by its series' result.
 *
 * @example
 * ```ts ignore
 * import { controlEntries } from "./build.ts";
 * console.log(controlEntries(outcome.controls, outcome.samples, results).map((c) => c.series));
 * ```
 */
export function controlEntries(
  controls: readonly ControlSamples[],
  seriesOrder: readonly { series: unknown }[],
  results: readonly SeriesIdentity[],
): ControlEntry[] {
  return controls.map((c) => {
    const result = results[seriesOrder.findIndex((s) => s.series === c.control.series)];
    return {
      kind: c.control.kind,
      series: seriesKey(result),
      method: CONTROL_METHODS[c.control.kind],
      cpus: c.control.series.cpus,
      rounds: c.rounds,
      beside: c.beside,
    };
  });
}
