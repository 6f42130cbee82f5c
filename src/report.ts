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

import denoJson from "../deno.json" with { type: "json" };
import type { Environment } from "./environment.ts";
import type { BenchOptions } from "./options.ts";
import type { MeasuredTrial, SamplingOutcome, StopReason } from "./sampling.ts";
import { formatNs } from "./format.ts";
import { bootstrapRatio, METHODS, relativeHalfWidth, summarize, twoModes } from "./statistics.ts";
import type { Interval, Summary } from "./statistics.ts";
import type { Placement } from "./topology.ts";
import type { Role } from "./transports/mod.ts";
import type { SideReport } from "./worker.ts";

/** The version of the report format this code writes. */
export const SCHEMA_VERSION = 2;

/** The kit's own version, from `deno.json`. */
export const KIT_VERSION: string = denoJson.version;

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

/** One side of one trial: what the process asked for and really got. */
export interface SideFigures {
  pid: number;
  tid: number;
  niceRequested: number | null;
  niceAchieved: number | null;
  schedPolicy: string;
  affinityRequested: number[] | null;
  affinityActual: number[];
  cpuStart: number;
  cpuEnd: number;
  userNs: number;
  systemNs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
}

/** One trial. */
export interface Sample {
  /** Position among all the trials of the run (warm-ups included), from 1. */
  order: number;
  iterations: number;
  elapsedNs: number;
  nsPerItem: number;
  /** User + system CPU time of both loop threads, per item. */
  cpuNsPerItem: number;
  producer: SideFigures;
  consumer: SideFigures;
}

/** Figures for one transport measured one way. */
export interface ResultEntry {
  transport: string;
  /** Which code ran the loops: `native` (C in the shim). */
  engine: "native";
  /** `stream`: items flow one way, producer to consumer. */
  mode: "stream";
  /** Bytes per item. */
  sizeBytes: number;
  /** Where the two processes ran: `cross` (two distinct CPUs, pinned) or `unpinned`. */
  placement: "cross" | "unpinned";
  /** Every item of every trial arrived in order with matching checksums. */
  verified: true;
  /** Items per timed trial. */
  iterations: number;
  /** Wall-clock ns per item over the timed trials. */
  nsPerItem: Summary;
  /** CPU ns per item (both processes, user + system) over the timed trials. */
  cpuNsPerItem: Summary;
  /** Context switches (voluntary + involuntary, both processes) per item, median over trials. */
  switchesPerItem: number;
  /** The timed trials, in measured order. */
  samples: Sample[];
  /** Calibration and warm-up trials, in measured order; not in the summaries. */
  warmup: Sample[];
}

/** How one transport compares with another. */
export interface Comparison {
  /** e.g. `pipe/shm`. */
  name: string;
  numerator: string;
  denominator: string;
  /** Median ns per item of the numerator over that of the denominator. */
  ratioOfMedians: number;
  /** Its bootstrap confidence interval ({@link METHODS}.ratioCi). */
  ci: Interval;
}

/** What each role of process asked for and got, over all trials. */
export interface ProcessEntry {
  role: "supervisor" | Role;
  niceRequested: number | null;
  /** The value every trial got; when trials differed, the highest (least favoured). */
  niceAchieved: number | null;
  /** Why the request failed, if it did (e.g. "Permission denied"). */
  niceError: string | null;
  /** Scheduling policies seen. */
  schedPolicies: string[];
  /** The CPU asked for, and every CPU a loop started or ended on. */
  affinityRequested: number[] | null;
  cpusSeen: number[];
  affinityError: string | null;
}

/** A whole report (schema version 2). */
export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  kit: { name: "ringpipe"; version: string; commit: string | null; dirty: boolean | null };
  /** ISO 8601 UTC. */
  createdAt: string;
  /** The command that reruns this experiment. */
  command: string;
  environment: Environment;
  parameters: {
    transports: string[];
    /** `null`: calibrated per transport to `trialSeconds` (see each result's `iterations`). */
    iterations: number | null;
    trialSeconds: number;
    /** A fixed trial count, or null for adaptive stopping (the next three). */
    runs: number | null;
    minTrials: number;
    targetCi: number;
    budgetSeconds: number;
    nice: number;
    ringSlots: number;
    quick: boolean;
  };
  /** How the trials went: why they stopped, whether the CI target was met, how long it took. */
  sampling: {
    stopReason: StopReason;
    targetReached: boolean | null;
    elapsedSeconds: number;
    warmupTrials: number;
    timedTrials: number;
  };
  /** Where the loops ran and how the two CPUs relate. */
  placement: Placement;
  /** How every figure is computed. */
  methods: typeof METHODS;
  processes: ProcessEntry[];
  results: ResultEntry[];
  comparisons: Comparison[];
  warnings: string[];
}

/** The parts of a report that do not come from the samples. */
export interface ReportContext {
  options: BenchOptions;
  environment: Environment;
  placement: Placement;
  git: { commit: string | null; dirty: boolean | null };
  command: string;
  createdAt: Date;
  supervisorNice: number | null;
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
  const results = outcome.samples.map((s) => resultEntry(s, context.placement));
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
    parameters: {
      transports: options.transports,
      iterations: options.iterations,
      trialSeconds: options.trialSeconds,
      runs: options.runs,
      minTrials: options.minTrials,
      targetCi: options.targetCi,
      budgetSeconds: options.budgetSeconds,
      nice: options.nice,
      ringSlots: options.ringSlots,
      quick: options.quick,
    },
    sampling: {
      stopReason: outcome.stopReason,
      targetReached,
      elapsedSeconds: outcome.elapsedSeconds,
      warmupTrials: outcome.samples.reduce((n, s) => n + s.warmup.length, 0),
      timedTrials: outcome.samples.reduce((n, s) => n + s.runs.length, 0),
    },
    placement: context.placement,
    methods: METHODS,
    processes,
    results,
    comparisons: compare(results),
    warnings: [],
  };
  report.warnings = warnings(report);
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
    pid: side.pid,
    tid: side.tid,
    niceRequested: side.niceRequested,
    niceAchieved: side.niceAchieved,
    schedPolicy: side.schedPolicy,
    affinityRequested: side.affinityRequested,
    affinityActual: side.affinityActual,
    cpuStart: side.cpuStart,
    cpuEnd: side.cpuEnd,
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
  const cpuNs = result.producer.userNs + result.producer.systemNs + result.consumer.userNs +
    result.consumer.systemNs;
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

function resultEntry(
  samples: SamplingOutcome["samples"][number],
  placement: Placement,
): ResultEntry {
  const runs = samples.runs.map(toSample);
  const switches = runs.map((s) =>
    (s.producer.voluntarySwitches + s.producer.involuntarySwitches +
      s.consumer.voluntarySwitches + s.consumer.involuntarySwitches) / s.iterations
  );
  return {
    transport: samples.transport.name,
    engine: "native",
    mode: "stream",
    sizeBytes: 8,
    placement: placement.cpus === null ? "unpinned" : "cross",
    verified: true,
    iterations: samples.iterations,
    nsPerItem: summarize(runs.map((s) => s.nsPerItem)),
    cpuNsPerItem: summarize(runs.map((s) => s.cpuNsPerItem)),
    switchesPerItem: summarize(switches).median,
    samples: runs,
    warmup: samples.warmup.map(toSample),
  };
}

/** Every transport against `shm`, the ring: how many times slower it was, with a bootstrap CI. */
function compare(results: ResultEntry[]): Comparison[] {
  const ring = results.find((r) => r.transport === "shm");
  if (ring === undefined) return [];
  return results.filter((r) => r !== ring).map((r) => {
    const { estimate, interval } = bootstrapRatio(
      r.samples.map((s) => s.nsPerItem),
      ring.samples.map((s) => s.nsPerItem),
    );
    return {
      name: `${r.transport}/${ring.transport}`,
      numerator: r.transport,
      denominator: ring.transport,
      ratioOfMedians: estimate,
      ci: interval,
    };
  });
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

function warnings(report: Report): string[] {
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
  if (env.cpu.count < 2) {
    list.push("only one CPU: both processes share it, and the spinning ring waits for time slices");
  }
  for (const r of report.results) {
    const shared = r.samples.filter((s) =>
      s.producer.cpuStart === s.consumer.cpuStart || s.producer.cpuEnd === s.consumer.cpuEnd
    ).length;
    if (shared > 0) {
      list.push(
        `${r.transport}: in ${shared} of ${r.samples.length} trials both loops ran on one CPU`,
      );
    }
    if (r.nsPerItem.cv > CV_WARNING) {
      list.push(
        `${r.transport}: the trials vary a lot (CV ${percent(r.nsPerItem.cv)}, above ${
          percent(CV_WARNING)
        })`,
      );
    }
    const modes = twoModes(r.samples.map((s) =>
      s.nsPerItem
    ));
    if (modes !== null) {
      list.push(
        `${r.transport}: the trials fall into two groups (${modes.low.count} near ${
          formatNs(modes.low.median)
        } ns, ` +
          `${modes.high.count} near ${
            formatNs(modes.high.median)
          } ns): the machine changed state during the run`,
      );
    }
    if (r.samples.length < FEW_TRIALS) {
      list.push(`${r.transport}: only ${r.samples.length} timed trials (fewer than ${FEW_TRIALS})`);
    }
    const first = r.samples[0];
    if (first !== undefined && first.nsPerItem > SLOW_FIRST_TRIAL * r.nsPerItem.median) {
      list.push(
        `${r.transport}: the first timed trial was ${
          (first.nsPerItem / r.nsPerItem.median).toFixed(2)
        }x the median (slow start)`,
      );
    }
  }
  if (report.sampling.targetReached === false) {
    const widths = report.results.map((r) => `${r.transport} ±${percent(halfWidth(r))}`).join(", ");
    list.push(
      `the CI target ±${percent(report.parameters.targetCi)} was not reached (${widths}); ` +
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
