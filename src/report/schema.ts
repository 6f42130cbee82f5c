/**
 * Reading reports back, strictly: every report is checked against the
 * documented schema of its version, older versions (1 to 5) are upgraded to
 * the current one on read (their figures recomputed from the raw trials they
 * all keep), and anything malformed, truncated or too new is refused with one
 * line naming the file and the problem.
 *
 * @module
 */

import { cacheName, legacyMachineId } from "../context/machine.ts";
import type { Fingerprint, Machine } from "../context/machine.ts";
import { decodeReport, encodeReport, EncodingError, REPORT_SCHEMA } from "./encoding.ts";
import { checkSchema, SchemaViolation } from "./validate.ts";
import type { ReportFile } from "./file.ts";
import type { Environment } from "../context/environment.ts";
import { UsageError } from "../base/errors.ts";
import { HISTOGRAM_BUCKETS, HISTOGRAM_METHOD } from "../stats/histogram.ts";
import { compareWithRing, SCHEMA_VERSION, trialFigures } from "./report.ts";
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

// ---- a small validator: each check throws with the JSON path of the first problem ----

type Check = (value: unknown, path: string) => void;

class Invalid extends Error {}

function kind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

const fail = (path: string, expected: string, value: unknown): never => {
  throw new Invalid(`${path} must be ${expected}, got ${kind(value)}`);
};
const num: Check = (v, p) => {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(p, "a finite number", v);
};
const str: Check = (v, p) => {
  if (typeof v !== "string") fail(p, "a string", v);
};
const bool: Check = (v, p) => {
  if (typeof v !== "boolean") fail(p, "true or false", v);
};
const nullable = (check: Check): Check => (v, p) => {
  if (v !== null) check(v, p);
};
const oneOf = (...values: unknown[]): Check => (v, p) => {
  if (!values.includes(v)) fail(p, `one of ${values.map((x) => JSON.stringify(x)).join(", ")}`, v);
};
const arr = (item: Check): Check => (v, p) => {
  if (!Array.isArray(v)) fail(p, "an array", v);
  (v as unknown[]).forEach((x, i) => item(x, `${p}[${i}]`));
};
const positive: Check = (v, p) => {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) fail(p, "a number above 0", v);
};
const date: Check = (v, p) => {
  if (typeof v !== "string" || Number.isNaN(Date.parse(v))) fail(p, "an ISO 8601 time", v);
};
/** A histogram bucket: `[bucket, count]`, a whole bucket number in range and a count above 0. */
const pair: Check = (v, p) => {
  const [bucket, count] = Array.isArray(v) ? v : [];
  if (
    !Array.isArray(v) || v.length !== 2 || !Number.isSafeInteger(bucket) || bucket < 0 ||
    bucket >= HISTOGRAM_BUCKETS || !Number.isSafeInteger(count) || count <= 0
  ) fail(p, "a [bucket, count] pair", v);
};
const oneOfOr = (values: unknown[], other: Check): Check => (v, p) => {
  if (values.includes(v)) return;
  try {
    other(v, p);
  } catch {
    fail(p, `one of ${values.map((x) => JSON.stringify(x)).join(", ")} or a list`, v);
  }
};
const nonEmpty = (check: Check): Check => (v, p) => {
  check(v, p);
  if ((v as unknown[]).length === 0) fail(p, "a non-empty array", v);
};
const obj = (shape: Record<string, Check>): Check => (v, p) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(p, "an object", v);
  for (const [key, check] of Object.entries(shape)) {
    const record = v as Record<string, unknown>;
    if (!(key in record)) {
      if ((check as { optional?: boolean }).optional) continue;
      throw new Invalid(`${p}.${key} is missing`);
    }
    check(record[key], `${p}.${key}`);
  }
};

/** A field that may be absent (but, when present, is checked). */
const optional = (check: Check): Check =>
  Object.assign((v: unknown, p: string) => {
    if (v !== undefined) check(v, p);
  }, { optional: true });
const interval = obj({ low: num, high: num, level: num });
const summary = obj({
  count: num,
  median: num,
  mean: num,
  min: num,
  max: num,
  p5: num,
  p25: num,
  p75: num,
  p95: num,
  stddev: num,
  cv: num,
  mad: num,
  medianCi: interval,
  outliers: obj({ lowSevere: num, lowMild: num, highMild: num, highSevere: num }),
});
const latency = obj({
  count: num,
  min: num,
  max: num,
  mean: num,
  p50: num,
  p90: num,
  p99: num,
  p999: num,
  p9999: num,
});
const side = obj({
  niceRequested: nullable(num),
  niceAchieved: nullable(num),
  schedPolicy: str,
  affinityRequested: nullable(arr(num)),
  affinityActual: arr(num),
  cpuStart: num,
  cpuEnd: num,
  cpuNs: num,
  kernelThreadCpuNs: optional(num),
  userNs: num,
  systemNs: num,
  voluntarySwitches: num,
  involuntarySwitches: num,
});
const sample = obj({
  order: num,
  iterations: positive,
  elapsedNs: num,
  nsPerItem: num,
  cpuNsPerItem: num,
  producer: side,
  consumer: side,
});
const mode = oneOf("stream", "pingpong", "fileserver");
const placementKind = oneOf("cross", "same", "unpinned");
const engine = oneOf("native", "deno");
const activity = nullable(obj({ seconds: num, busy: num, steal: num }));

/**
 * Reports of versions 4 and 5, as they were written: trials as rows, every
 * derived figure, five machine facts. Frozen: the current version is
 * described by `report.schema.json` alone.
 */
const rowReport = (version: number) =>
  obj({
    schemaVersion: oneOf(version),
    kit: obj({
      name: oneOf("ringpipe"),
      version: str,
      commit: nullable(str),
      dirty: nullable(bool),
    }),
    createdAt: date,
    command: str,
    environment: obj({
      hostname: str,
      os: str,
      arch: str,
      kernel: str,
      kernelCommandLine: nullable(str),
      cpu: obj({
        model: nullable(str),
        count: num,
        online: nullable(arr(num)),
        isolated: nullable(arr(num)),
        frequencyMHz: nullable(num),
        scalingDriver: nullable(str),
        governor: nullable(str),
        turbo: nullable(bool),
        smt: nullable(bool),
        caches: arr(obj({ level: num, type: str, size: str, sharedCpus: arr(num) })),
        numaNodes: nullable(num),
        virtualMachine: nullable(bool),
        hypervisor: nullable(str),
        meltdown: nullable(str),
      }),
      clock: obj({
        source: nullable(str),
        resolutionNs: nullable(num),
        readCostNs: nullable(num),
      }),
      load: obj({ before: nullable(arr(num)), after: nullable(arr(num)) }),
      cpuActivity: obj({ idleCheck: activity, run: activity }),
      deno: str,
      v8: str,
      typescript: str,
      compiler: obj({
        command: str,
        path: nullable(str),
        version: str,
        cflags: arr(str),
        arguments: arr(str),
      }),
      user: obj({ uid: nullable(num), root: bool, sudo: bool }),
    }),
    parameters: obj({
      transports: arr(str),
      modes: arr(mode),
      sizes: arr(positive),
      placement: oneOf("cross", "same", "both"),
      iterations: nullable(positive),
      trialSeconds: num,
      runs: nullable(num),
      minTrials: num,
      targetCi: num,
      budgetSeconds: num,
      nice: num,
      ringSlots: positive,
      quick: bool,
      wait: optional(oneOf("spin", "yield", "futex")),
      paceNs: optional(num),
      engines: optional(arr(engine)),
      // Version 4 wrote one cadence, as a number.
      publishEvery: optional(version === 4 ? positive : arr(positive)),
      depths: optional(arr(positive)),
    }),
    sampling: obj({
      stopReason: oneOf("fixed-count", "target-reached", "budget-spent", "trial-limit"),
      targetReached: nullable(bool),
      elapsedSeconds: nullable(num),
      warmupTrials: num,
      timedTrials: num,
    }),
    noise: obj({
      method: str,
      band: nullable(num),
      series: arr(obj({
        transport: str,
        engine: optional(engine),
        publishEvery: optional(positive),
        mode,
        sizeBytes: positive,
        placement: placementKind,
        queueDepth: optional(positive),
        ratio: num,
        ci: interval,
      })),
    }),
    placement: obj({
      request: oneOfOr(["auto", "none"], arr(num)),
      cpus: nullable(arr(num)),
      relation: oneOf(
        "same-cpu",
        "smt-siblings",
        "shared-llc",
        "separate-llc",
        "unknown",
        "unpinned",
      ),
    }),
    methods: obj({
      quantiles: str,
      medianCi: str,
      ratioCi: str,
      outliers: str,
      latency: str,
      timing: str,
    }),
    yardsticks: optional(obj({
      nullSyscallNs: num,
      pread: arr(obj({ sizeBytes: positive, ns: num })),
      method: str,
    })),
    processes: arr(obj({
      role: oneOf("supervisor", "producer", "consumer"),
      niceRequested: nullable(num),
      niceAchieved: nullable(num),
      niceError: nullable(str),
      schedPolicies: arr(str),
      affinityRequested: nullable(arr(num)),
      cpusSeen: arr(num),
      affinityError: nullable(str),
    })),
    results: arr(obj({
      transport: str,
      engine,
      publishEvery: optional(positive),
      mode,
      sizeBytes: positive,
      placement: placementKind,
      waitPolicy: oneOf("spin", "yield", "futex", "pipe", "eventfd"),
      paceNs: optional(num),
      queueDepth: optional(positive),
      ringSlots: nullable(positive),
      verified: oneOf(true),
      iterations: positive,
      unit: oneOf("message", "round trip", "request"),
      samples: nonEmpty(arr(sample)),
      warmup: arr(sample),
      nsPerItem: summary,
      cpuNsPerItem: summary,
      switchesPerItem: num,
      throughput: obj({ perSecond: num, bytesPerSecond: num }),
      latency: nullable(
        obj({
          clock: str,
          roundTrip: latency,
          oneWayAsHalfRoundTrip: latency,
          histogram: arr(pair),
        }),
      ),
    })),
    comparisons: arr(obj({
      name: str,
      numerator: str,
      denominator: str,
      mode,
      sizeBytes: positive,
      placement: placementKind,
      queueDepth: optional(positive),
      engine: optional(engine),
      ratioOfMedians: num,
      ci: interval,
    })),
    warnings: arr(str),
    // Versions 4 and 5 described a machine by five facts; the upgrade builds the fingerprint.
    machine: obj({ id: str }),
  });

/** What versions 1 to 3 share, and what their upgrade reads. */
const legacySide = obj({
  pid: num,
  tid: num,
  cpuStart: num,
  cpuEnd: num,
  userNs: num,
  systemNs: num,
});
const legacySample = obj({
  order: num,
  iterations: num,
  elapsedNs: num,
  nsPerItem: num,
  cpuNsPerItem: num,
  producer: legacySide,
  consumer: legacySide,
});
const legacy = obj({
  schemaVersion: oneOf(1, 2, 3),
  kit: obj({ version: str, commit: nullable(str), dirty: nullable(bool) }),
  createdAt: str,
  command: str,
  environment: obj({
    hostname: str,
    os: str,
    arch: str,
    kernel: str,
    cpu: obj({ model: nullable(str), count: num }),
    deno: str,
    v8: str,
    typescript: str,
    compiler: obj({ command: str, version: str, arguments: arr(str) }),
  }),
  parameters: obj({ transports: arr(str), nice: num, ringSlots: num }),
  processes: arr(obj({ role: str })),
  results: arr(obj({
    transport: str,
    iterations: num,
    samples: arr(legacySample),
    warmup: arr(legacySample),
    // Read by the upgrade before anything else checks it.
    latency: optional(nullable(obj({ histogram: arr(pair) }))),
  })),
  warnings: arr(str),
});

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
  try {
    checkSchema(value, REPORT_SCHEMA);
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
  const check = (shape: Check, v: unknown) => {
    try {
      shape(v, "$");
    } catch (error) {
      if (error instanceof Invalid) throw new ReportError(file, error.message);
      throw error;
    }
  };
  if (version < SCHEMA_VERSION) {
    let upgraded: Report;
    if (version >= 4) {
      // Versions 4 and 5 kept trials as rows, in the shape the report still has in memory.
      check(rowReport(version), value);
      const old = version === 4 ? upgradeFrom4(value as Legacy) : value as Legacy;
      upgraded = upgradeFrom5(old, version);
    } else {
      check(legacy, value);
      upgraded = await upgrade(value as Legacy);
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
 * own. Noise entries gain the engine, comparisons the tagged ring, both
 * recomputed (deterministically) from the results.
 */
function upgradeFrom4(old: Legacy): Legacy {
  const every = old.parameters.publishEvery as number | undefined;
  const results = (old.results as ResultEntry[]).map((r) =>
    r.engine === "deno" && r.ringSlots !== null ? { ...r, publishEvery: every ?? 1 } : r
  );
  const { publishEvery: _, ...parameters } = old.parameters;
  return {
    ...old,
    parameters: { ...parameters, ...(every === undefined ? {} : { publishEvery: [every] }) },
    results,
    noise: noiseBand(results),
    comparisons: compareWithRing(results),
  };
}

/**
 * Version 5 to 6: the same figures. Trials no longer carry process and thread
 * ids (they told nothing once the processes were gone), and the machine is a
 * fingerprint instead of five facts; the id stays the folder the report is in.
 */
function upgradeFrom5(old: Legacy, version: number): Report {
  const side = ({ pid: _p, tid: _t, ...rest }: SideFigures & { pid?: number; tid?: number }) =>
    rest;
  const sample = (s: Sample): Sample => ({
    ...s,
    producer: side(s.producer),
    consumer: side(s.consumer),
  });
  return {
    ...old,
    schemaVersion: SCHEMA_VERSION,
    machine: {
      id: old.machine.id,
      named: false,
      fingerprint: fingerprintOfEnvironment(old.environment),
    },
    results: (old.results as ResultEntry[]).map((r) => ({
      ...r,
      samples: r.samples.map(sample),
      warmup: r.warmup.map(sample),
    })),
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

// deno-lint-ignore no-explicit-any
type Legacy = any;

function upgradeSide(side: Legacy): SideFigures {
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

function upgradeSample(s: Legacy): Sample {
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

function upgradeResult(r: Legacy, ringSlots: number): ResultEntry {
  const samples = (r.samples as Legacy[]).map(upgradeSample);
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
    warmup: (r.warmup as Legacy[]).map(upgradeSample),
  };
}

async function upgrade(old: Legacy): Promise<Report> {
  const env = old.environment;
  const p = old.parameters;
  const results = (old.results as Legacy[]).map((r) => upgradeResult(r, p.ringSlots));
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
    processes: (old.processes as Legacy[]).map((x) => ({
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
