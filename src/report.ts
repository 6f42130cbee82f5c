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
import type { MeasuredTrial, TransportSamples } from "./sampling.ts";
import { QUANTILE_METHOD, summarize } from "./statistics.ts";
import type { Summary } from "./statistics.ts";
import type { SideReport } from "./worker.ts";
import type { Role } from "./transports/mod.ts";

/** The version of the report format this code writes. */
export const SCHEMA_VERSION = 1;

/** The kit's own version, from `deno.json`. */
export const KIT_VERSION: string = denoJson.version;

/** One side of one trial, as the report keeps it. */
export interface SideFigures {
  pid: number;
  tid: number;
  niceRequested: number | null;
  niceAchieved: number | null;
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
  /** Where the two processes ran: `unpinned` (left to the scheduler). */
  placement: "unpinned";
  /** Every item of every trial arrived in order with matching checksums. */
  verified: true;
  /** Items per timed trial. */
  iterations: number;
  /** Wall-clock ns per item over the timed trials. */
  nsPerItem: Summary;
  /** CPU ns per item (both processes) over the timed trials. */
  cpuNsPerItem: Summary;
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
}

/** What each role of process asked for and got, over all trials. */
export interface ProcessEntry {
  role: "supervisor" | Role;
  niceRequested: number | null;
  /** The value every trial got; when trials differed, the highest (least favoured). */
  niceAchieved: number | null;
  /** Why the request failed, if it did (e.g. "Permission denied"). */
  niceError: string | null;
}

/** A whole report (schema version 1). */
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
    /** `null`: calibrated per transport to `runSeconds` (see each result's `iterations`). */
    iterations: number | null;
    runs: number;
    runSeconds: number;
    nice: number;
    ringSlots: number;
    quick: boolean;
    /** How quantiles are computed. */
    statistics: string;
  };
  processes: ProcessEntry[];
  results: ResultEntry[];
  comparisons: Comparison[];
  warnings: string[];
}

/** The parts of a report that do not come from the samples. */
export interface ReportContext {
  options: BenchOptions;
  environment: Environment;
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
 * const report = buildReport(samples, context);
 * await Deno.writeTextFile("report.json", JSON.stringify(report, null, 2));
 * ```
 */
export function buildReport(samples: TransportSamples[], context: ReportContext): Report {
  const { options } = context;
  const results = samples.map(resultEntry);
  const comparisons = compare(results);
  const processes = processEntries(samples, context.supervisorNice);
  return {
    schemaVersion: SCHEMA_VERSION,
    kit: { name: "ringpipe", version: KIT_VERSION, ...context.git },
    createdAt: context.createdAt.toISOString(),
    command: context.command,
    environment: context.environment,
    parameters: {
      transports: options.transports,
      iterations: options.iterations,
      runs: options.runs,
      runSeconds: options.runSeconds,
      nice: options.nice,
      ringSlots: options.ringSlots,
      quick: options.quick,
      statistics: QUANTILE_METHOD,
    },
    processes,
    results,
    comparisons,
    warnings: warnings(context, processes),
  };
}

function sideFigures(side: SideReport): SideFigures {
  return {
    pid: side.pid,
    tid: side.tid,
    niceRequested: side.niceRequested,
    niceAchieved: side.niceAchieved,
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

function resultEntry(samples: TransportSamples): ResultEntry {
  const runs = samples.runs.map((r) => toSample(r));
  return {
    transport: samples.transport.name,
    engine: "native",
    mode: "stream",
    sizeBytes: 8,
    placement: "unpinned",
    verified: true,
    iterations: samples.iterations,
    nsPerItem: summarize(runs.map((s) => s.nsPerItem)),
    cpuNsPerItem: summarize(runs.map((s) => s.cpuNsPerItem)),
    samples: runs,
    warmup: samples.warmup.map((r) => toSample(r)),
  };
}

/** Every transport against `shm`, the ring: how many times slower it was. */
function compare(results: ResultEntry[]): Comparison[] {
  const ring = results.find((r) => r.transport === "shm");
  if (ring === undefined) return [];
  return results.filter((r) => r !== ring).map((r) => ({
    name: `${r.transport}/${ring.transport}`,
    numerator: r.transport,
    denominator: ring.transport,
    ratioOfMedians: r.nsPerItem.median / ring.nsPerItem.median,
  }));
}

function processEntries(
  samples: TransportSamples[],
  supervisorNice: number | null,
): ProcessEntry[] {
  const sides = samples.flatMap((s) => [...s.warmup, ...s.runs]).flatMap((r) => [
    r.producer,
    r.consumer,
  ]);
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
    };
  };
  return [
    { role: "supervisor", niceRequested: null, niceAchieved: supervisorNice, niceError: null },
    entry("producer"),
    entry("consumer"),
  ];
}

function warnings(context: ReportContext, processes: ProcessEntry[]): string[] {
  const list: string[] = [];
  for (const p of processes) {
    if (p.niceRequested !== null && p.niceAchieved !== p.niceRequested) {
      list.push(
        `${p.role} asked for nice ${p.niceRequested} and ran at ${p.niceAchieved ?? "unknown"}` +
          (p.niceError ? ` (${p.niceError}); run under sudo to lower it` : ""),
      );
    }
  }
  if (context.environment.cpu.virtualMachine) {
    list.push("virtual machine: other guests share the CPUs, so figures vary between runs");
  }
  if (context.environment.cpu.count < 2) {
    list.push("only one CPU: both processes share it, and the spinning ring waits for time slices");
  }
  if (context.git.dirty) list.push("the checkout had uncommitted changes");
  return list;
}
