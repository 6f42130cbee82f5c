/**
 * Reading reports back, strictly: every report is checked against the
 * JSON Schema of its version (`report.schema.json`, or the frozen
 * `schemas/report.v*.schema.json` of versions 1 to 5) by the one checker, older versions (1 to 5) are upgraded to
 * the current one on read (their figures recomputed from the raw trials they
 * all keep), and anything malformed, truncated or too new is refused with one
 * line naming the file and the problem.
 *
 * @module
 */

import { cacheName, legacyMachineId } from "../context/machine.ts";
import type { Fingerprint, Machine } from "../context/machine.ts";
import { decodeReport, encodeReport, EncodingError, REPORT_SCHEMA } from "./encoding.ts";
import { checkSchema, type JsonSchema, SchemaViolation } from "./validate.ts";
import V1_3 from "./schemas/report.v1-3.schema.json" with { type: "json" };
import V4 from "./schemas/report.v4.schema.json" with { type: "json" };
import V5 from "./schemas/report.v5.schema.json" with { type: "json" };
import type { ReportFile } from "../base/report_file.ts";
import type { ReportFileV1to3, V1to3LegacySample, V1to3LegacySide } from "./schemas/report_v1_3.ts";
import type { ReportFileV4 } from "./schemas/report_v4.ts";
import type { ReportFileV5, V5Sample } from "./schemas/report_v5.ts";
import type { Environment } from "../context/environment.ts";
import { UsageError } from "../base/errors.ts";
import { HISTOGRAM_METHOD } from "../stats/histogram.ts";
import { SCHEMA_VERSION } from "./report.ts";
import { compareWithRing, trialFigures } from "./derived.ts";
import { noiseBand } from "./noise.ts";
import type { Report, ResultEntry, Sample, SideFigures } from "./report.ts";
import { METHODS } from "../stats/statistics.ts";
import { LATENCY_CLOCK, LEGACY_TIMING_METHOD } from "./methods.ts";
import { reportWarnings } from "./warnings.ts";

/**
 * A report that cannot be read; its message is one line naming the file and the problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReportError } from "./schema.ts";
 * assert.deepEqual(new ReportError("r.json", "not valid JSON").message, "r.json: not valid JSON");
 * ```
 */
export class ReportError extends UsageError {
  /** Creates the error for `file`. */
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`${file}: ${problem}`, options);
    this.name = "ReportError";
  }
}

/**
 * The frozen schemas of the versions before the current one, as they were written: versions 1
 * to 3 (what their upgrade reads), 4 and 5. Read with the same checker as the current schema.
 */
const FROZEN: Readonly<Record<number, JsonSchema>> = {
  1: V1_3,
  2: V1_3,
  3: V1_3,
  4: V4,
  5: V5,
};

/**
 * Checks a parsed report file of the current version against
 * `src/report/report.schema.json`, the one description of the format;
 * throws {@link ReportError} naming the first problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateReport } from "./schema.ts";
 * assert.throws(() => validateReport({ schemaVersion: 6 }, "r.json"), { message: "r.json: $.kit is missing" });
 * ```
 * @throws {ReportError} at the first value that does not match the schema.
 */
export function validateReport(value: unknown, file: string): asserts value is ReportFile {
  checkAgainst(value, REPORT_SCHEMA, file);
}

/** Checks `value` against `schema`; a mismatch is a {@link ReportError} naming `file` and the path. */
function checkAgainst(value: unknown, schema: JsonSchema, file: string): void {
  try {
    checkSchema(value, schema);
  } catch (error) {
    if (error instanceof SchemaViolation) throw new ReportError(file, error.message);
    throw error;
  }
}

/**
 * Parses, checks and (for versions 1 to 5) upgrades the text of a report.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseReport } from "./schema.ts";
 * const path = new URL("../../docs/examples/report.json", import.meta.url).pathname;
 * const text = await Deno.readTextFile(path);
 * const report = await parseReport(text, path);
 * assert.equal(report.schemaVersion, 6);
 * assert.equal(report.comparisons[0].name, "pipe/shm"); // derived figures computed on read
 * // Too new, or not a report: one line naming the file.
 * const newer = text.replace('"schemaVersion": 6', '"schemaVersion": 99');
 * await assert.rejects(parseReport(newer, "r.json"), /^ReportError: r\.json: schema version 99 is newer/);
 * await assert.rejects(parseReport("{", "r.json"), /^ReportError: r\.json: /);
 * ```
 */
export async function parseReport(text: string, file: string): Promise<Report> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ReportError(file, `not valid JSON (${why}); is the file truncated?`, {
      cause: error,
    });
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw new ReportError(file, "not a ringpipe report (no numeric schemaVersion)");
  }
  if (version > SCHEMA_VERSION) {
    throw new ReportError(
      file,
      `schema version ${version} is newer than this kit reads (${SCHEMA_VERSION}); update ringpipe`,
    );
  }
  if (version < SCHEMA_VERSION) {
    checkAgainst(value, FROZEN[version], file);
    let upgraded: Report;
    if (version >= 4) {
      // Versions 4 and 5 kept trials as rows, in the shape the report still has in memory.
      const old = version === 4 ? upgradeFrom4(value as ReportFileV4) : value as ReportFileV5;
      upgraded = upgradeFrom5(old, version);
    } else {
      upgraded = await upgrade(value as ReportFileV1to3);
    }
    // From here on an old report is read as the current file it would be written as, so every
    // version ends in the one form the schema describes.
    value = JSON.parse(encodeReport(upgraded));
  }
  validateReport(value, file);
  let decoded: Omit<Report, "noise" | "comparisons">;
  try {
    decoded = decodeReport(value);
  } catch (error) {
    if (error instanceof EncodingError || error instanceof SchemaViolation) {
      throw new ReportError(file, error.message);
    }
    throw error;
  }
  return {
    ...decoded,
    // Summaries, intervals and comparisons are computed again from the trials as this code
    // computes them: the words for how must be this code's too, whatever the file recorded.
    methods: { ...decoded.methods, ...METHODS },
    noise: noiseBand(decoded.results),
    comparisons: compareWithRing(decoded.results),
  };
}

/**
 * Reads, checks and upgrades a report file; one-line {@link ReportError}s for every problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport, ReportError } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * assert.equal(report.results[0].nsPerItem.count, report.results[0].samples.length);
 * await assert.rejects(loadReport("/nonexistent.json"), ReportError);
 * ```
 */
export async function loadReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "no such file"
      : String(error).split("\n")[0];
    throw new ReportError(file, why, { cause: error });
  }
  return await parseReport(text, file);
}

/**
 * Version 4 to 5: `parameters.publishEvery` was one number and deno rings did
 * not say their cadence; now it is a list and each deno ring result has its
 * own. (Noise and comparisons are derived again when the upgraded report is read.)
 */
function upgradeFrom4(old: ReportFileV4): ReportFileV5 {
  const every = old.parameters.publishEvery;
  const results = old.results.map((r) =>
    r.engine === "deno" && r.ringSlots !== null ? { ...r, publishEvery: every ?? 1 } : r
  );
  const { publishEvery: _, ...parameters } = old.parameters;
  return {
    ...old,
    schemaVersion: 5,
    parameters: { ...parameters, ...(every === undefined ? {} : { publishEvery: [every] }) },
    results,
  };
}

/**
 * Version 5 to 6: the same trials. Trials no longer carry process and thread
 * ids (they told nothing once the processes were gone), and the machine is a
 * fingerprint instead of five facts; the id stays the folder the report is in.
 * Summaries, noise and comparisons are computed again from the trials, as on
 * every read.
 */
function upgradeFrom5(old: ReportFileV5, version: number): Report {
  const side = ({ pid: _p, tid: _t, ...rest }: V5Sample["producer"]): SideFigures => rest;
  const sample = (s: V5Sample): Sample => ({
    ...s,
    producer: side(s.producer),
    consumer: side(s.consumer),
  });
  const results: ResultEntry[] = old.results.map((r) => {
    const samples = r.samples.map(sample);
    return { ...r, ...trialFigures(samples, r.sizeBytes), samples, warmup: r.warmup.map(sample) };
  });
  return {
    ...old,
    schemaVersion: SCHEMA_VERSION,
    machine: {
      id: old.machine.id,
      named: false,
      fingerprint: fingerprintOfEnvironment(old.environment),
    },
    results,
    noise: noiseBand(results),
    comparisons: compareWithRing(results),
    warnings: [...old.warnings, `upgraded on read from schema version ${version}`],
  };
}

/**
 * The fingerprint of a report written before fingerprints (schema 1 to 5), from
 * what its environment recorded; what it did not record stays null, and
 * comparisons of fingerprints pass over it.
 */
export function fingerprintOfEnvironment(env: Environment): Fingerprint {
  const caches = env.cpu.caches ?? [];
  return {
    hostname: env.hostname,
    arch: env.arch,
    os: env.os,
    cpuModel: env.cpu.model,
    cpuVendor: null,
    cpuFamily: null,
    cpuModelNumber: null,
    cpuStepping: null,
    microcode: null,
    cpusOnline: env.cpu.online?.length ?? null,
    caches: caches.length === 0 ? null : caches.map(cacheName).join(", "),
    memoryGiB: null,
    clockSource: env.clock?.source ?? null,
    mitigations: env.cpu.meltdown ? { meltdown: env.cpu.meltdown } : null,
  };
}

// ---- upgrading versions 1 to 3: recompute from the raw trials, fill what was not recorded ----

type V1to3Result = ReportFileV1to3["results"][number];

function upgradeSide(side: V1to3LegacySide): SideFigures {
  return {
    niceRequested: side.niceRequested ?? null,
    niceAchieved: side.niceAchieved ?? null,
    schedPolicy: side.schedPolicy ?? "unknown",
    affinityRequested: side.affinityRequested ?? null,
    affinityActual: side.affinityActual ?? [],
    cpuStart: side.cpuStart,
    cpuEnd: side.cpuEnd,
    cpuNs: side.cpuNs ?? side.userNs + side.systemNs,
    userNs: side.userNs,
    systemNs: side.systemNs,
    voluntarySwitches: side.voluntarySwitches ?? 0,
    involuntarySwitches: side.involuntarySwitches ?? 0,
  };
}

function upgradeSample(s: V1to3LegacySample): Sample {
  return {
    order: s.order,
    iterations: s.iterations,
    elapsedNs: s.elapsedNs,
    nsPerItem: s.nsPerItem,
    cpuNsPerItem: s.cpuNsPerItem,
    producer: upgradeSide(s.producer),
    consumer: upgradeSide(s.consumer),
  };
}

function upgradeResult(r: V1to3Result, ringSlots: number): ResultEntry {
  const samples = r.samples.map(upgradeSample);
  const mode = r.mode ?? "stream";
  const sizeBytes = r.sizeBytes ?? 8;
  const old = r.latency;
  return {
    transport: r.transport,
    engine: "native",
    mode,
    sizeBytes,
    placement: r.placement ?? "unpinned",
    waitPolicy: r.waitPolicy ?? "spin",
    ringSlots: r.ringSlots !== undefined ? r.ringSlots : r.transport === "shm" ? ringSlots : null,
    verified: true,
    iterations: r.iterations,
    unit: mode === "pingpong" ? "round trip" : "message",
    ...trialFigures(samples, sizeBytes),
    latency: old
      ? {
        clock: old.clock ?? LATENCY_CLOCK,
        roundTrip: old.roundTrip,
        oneWayAsHalfRoundTrip: old.oneWayAsHalfRoundTrip,
        histogram: old.histogram,
      }
      : null,
    samples,
    warmup: r.warmup.map(upgradeSample),
  };
}

async function upgrade(old: ReportFileV1to3): Promise<Report> {
  const env = old.environment;
  const p = old.parameters;
  const results = old.results.map((r) => upgradeResult(r, p.ringSlots));
  const environment = {
    ...env,
    kernelCommandLine: env.kernelCommandLine ?? null,
    cpu: {
      online: null,
      isolated: null,
      frequencyMHz: null,
      scalingDriver: null,
      governor: null,
      turbo: null,
      smt: null,
      caches: [],
      numaNodes: null,
      virtualMachine: null,
      hypervisor: null,
      meltdown: null,
      ...env.cpu,
    },
    clock: env.clock ?? { source: env.clockSource ?? null, resolutionNs: null, readCostNs: null },
    load: env.load ?? { before: null, after: null },
    cpuActivity: env.cpuActivity ?? { idleCheck: null, run: null },
    compiler: { path: null, cflags: [], ...env.compiler },
    user: env.user ?? { uid: null, root: false, sudo: false },
  };
  delete environment.clockSource;
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    kit: {
      name: "ringpipe",
      version: old.kit.version,
      commit: old.kit.commit,
      dirty: old.kit.dirty,
    },
    createdAt: old.createdAt,
    command: old.command,
    environment,
    parameters: {
      transports: p.transports,
      modes: p.modes ?? ["stream"],
      sizes: p.sizes ?? [8],
      placement: p.placement ?? "cross",
      iterations: p.iterations ?? null,
      trialSeconds: p.trialSeconds ?? p.runSeconds ?? 0,
      runs: p.runs ?? null,
      minTrials: p.minTrials ?? p.runs ?? 0,
      targetCi: p.targetCi ?? 0,
      budgetSeconds: p.budgetSeconds ?? 0,
      nice: p.nice,
      ringSlots: p.ringSlots,
      quick: p.quick ?? false,
    },
    sampling: old.sampling ?? {
      stopReason: "fixed-count",
      targetReached: null,
      elapsedSeconds: null,
      warmupTrials: results.reduce((n, r) => n + r.warmup.length, 0),
      timedTrials: results.reduce((n, r) => n + r.samples.length, 0),
    },
    machine: {
      id: await legacyMachineId({ ...env, cpuModel: env.cpu.model, cpuCount: env.cpu.count }),
      named: false,
      fingerprint: fingerprintOfEnvironment(environment as Environment),
    } satisfies Machine,
    noise: noiseBand(results),
    placement: old.placement ?? { request: "none", cpus: null, relation: "unpinned" },
    methods: { ...METHODS, latency: HISTOGRAM_METHOD, timing: LEGACY_TIMING_METHOD },
    processes: old.processes.map((x) => ({
      niceRequested: null,
      niceAchieved: null,
      schedPolicies: [],
      affinityRequested: null,
      cpusSeen: [],
      affinityError: null,
      niceError: null,
      ...x,
    })),
    results,
    comparisons: compareWithRing(results),
    warnings: [],
  };
  report.warnings = [
    ...reportWarnings(report),
    `upgraded on read from schema version ${old.schemaVersion}; summaries recomputed from the raw trials`,
  ];
  return report;
}
