/**
 * How a report is written to disk (schema version 6 on): the same figures as
 * the report in memory, laid out to stay small in git and to diff well.
 *
 * - Trials are kept as columns, not rows: `trials.each` holds one array per
 *   field, `trials.same` the fields that did not change from trial to trial
 *   (nice, policy and affinity usually, often the message count), once.
 *   Nested fields are named with a dot (`producer.cpuNs`).
 * - `nsPerItem` and `cpuNsPerItem` of a trial are left out when they are
 *   exactly `elapsedNs / iterations` and the trial's CPU time ({@link trialCpuNs})
 *   over iterations, as the bench computes them; they are recomputed on read, to
 *   the same bits.
 * - What a result derives from its trials (the `nsPerItem` and `cpuNsPerItem`
 *   summaries, `switchesPerItem`, `throughput`) and the one-way latency (half
 *   the round trip) are not written: the reader computes them from the trials
 *   with the same code as the bench ({@link trialFigures}), so a figure can
 *   never disagree with the trials it comes from. So are the run's A/A noise
 *   band and the comparisons between transports (seeded bootstraps over the
 *   trials). The round-trip latency summary is written, since its exact
 *   minimum, maximum and mean are not in the histogram.
 * - A latency histogram is a list of runs of adjacent buckets, each
 *   `[first bucket, count, count, ...]`, on one line.
 * - Any array of plain values, and any object of plain values, is written on
 *   one line; other objects keep one key per line, so a diff of two reports
 *   points at the figure that changed.
 * - Warm-up trials are left out unless the bench was asked to keep them
 *   (`--keep-warmup`); their number stays in `sampling.warmupTrials`.
 *
 * Compact JSON and columns, not a gzip side file: measured on the development
 * VM, a default run came to well under the 150 KB the archive allows without
 * compression, and plain text keeps `git diff` and other tools working.
 *
 * @module
 */

import { halfRoundTrip, HISTOGRAM_BUCKETS } from "../stats/histogram.ts";
import type { SparseHistogram } from "../stats/histogram.ts";
import { checkSchema } from "./validate.ts";
import type { JsonSchema } from "./validate.ts";
import schemaJson from "./report.schema.json" with { type: "json" };
import type { FileResult, ReportFile } from "../base/report_file.ts";
import { trialCpuNs } from "./report.ts";
import { trialFigures } from "./derived.ts";
import type { Report, ResultEntry, Sample } from "./report.ts";
import type { ControlEntry } from "./control_figures.ts";
import { isHeadline } from "./headline.ts";
import { seriesKey } from "../plan/series.ts";

/** Trials as columns: how a result's `samples` (and `warmup`) are written. */
export interface TrialColumns {
  /** How many trials. */
  count: number;
  /** Fields with one value for every trial, by dotted name. */
  same: Record<string, unknown>;
  /**
   * Fields that changed, by dotted name: an array of `count` values, or, when every value is a
   * multiple of 1,000 (the microsecond-grained `userNs` and `systemNs`), `{ "times": 1000,
   * "values": [...] }` with each value divided by 1,000.
   */
  each: Record<string, unknown[] | { times: 1000; values: number[] }>;
}

/** Something in a file that is not laid out as this module writes it; the message names where. */
export class EncodingError extends Error {
  /** Creates the error with the JSON path of the problem. */
  constructor(message: string) {
    super(message);
    this.name = "EncodingError";
  }
}

/**
 * JSON with one key per line and every array of plain values (or of such
 * arrays) on one line: short, and diffs line by line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compactJson } from "./encoding.ts";
 * assert.equal(compactJson({ a: [1, 2, [3, 4]], b: { c: "x" } }), '{\n  "a": [1,2,[3,4]],\n  "b": {"c": "x"}\n}');
 * ```
 */
export function compactJson(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every(isFlat)) return `[${value.map((v) => JSON.stringify(v) ?? "null").join(",")}]`;
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + compactJson(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  if (entries.every(([, v]) => isFlat(v))) {
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${compactJson(v)}`).join(", ")}}`;
  }
  return `{\n${
    entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`).join(",\n")
  }\n${indent}}`;
}

const isPlain = (v: unknown) => v === null || typeof v !== "object";
const isFlat = (v: unknown): boolean => isPlain(v) || (Array.isArray(v) && v.every(isPlain));

/**
 * A sparse histogram as runs of adjacent buckets: `[[first, count, count, ...], ...]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogramRuns } from "./encoding.ts";
 * assert.deepEqual(histogramRuns([[3, 1], [4, 2], [9, 5]]), [[3, 1, 2], [9, 5]]);
 * ```
 */
export function histogramRuns(histogram: SparseHistogram): number[][] {
  const runs: number[][] = [];
  let last = -2;
  for (const [bucket, count] of histogram) {
    if (bucket === last + 1 && runs.length > 0) runs[runs.length - 1].push(count);
    else runs.push([bucket, count]);
    last = bucket;
  }
  return runs;
}

/**
 * The sparse histogram back from its runs; throws {@link EncodingError} on anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogramFromRuns } from "./encoding.ts";
 * assert.deepEqual(histogramFromRuns([[3, 1, 2], [9, 5]], "$"), [[3, 1], [4, 2], [9, 5]]);
 * ```
 * @throws {EncodingError} when `runs` is not a list of runs of whole numbers.
 */
export function histogramFromRuns(runs: unknown, path: string): SparseHistogram {
  if (!Array.isArray(runs)) throw new EncodingError(`${path} must be an array of runs`);
  const histogram: SparseHistogram = [];
  runs.forEach((run, i) => {
    if (!Array.isArray(run) || run.length < 2 || !run.every(Number.isSafeInteger)) {
      throw new EncodingError(`${path}[${i}] must be [first bucket, count, ...] in whole numbers`);
    }
    const [first, ...counts] = run as number[];
    if (first + counts.length > HISTOGRAM_BUCKETS || counts.some((c) => c <= 0)) {
      throw new EncodingError(
        `${path}[${i}] must stay within ${HISTOGRAM_BUCKETS} buckets, with counts above 0`,
      );
    }
    if (histogram.length > 0 && first <= histogram[histogram.length - 1][0]) {
      throw new EncodingError(`${path}[${i}] must start after the run before it`);
    }
    counts.forEach((count, k) => histogram.push([first + k, count]));
  });
  return histogram;
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v, name, out);
    else out.set(name, v);
  }
}

/** The schema's definition of one trial, for the rows put back together from columns. */
const TRIAL: JsonSchema = { $ref: "#/$defs/trial" };

const DERIVED: Record<string, (s: Sample) => number> = {
  nsPerItem: (s) => s.elapsedNs / s.iterations,
  cpuNsPerItem: (s) => trialCpuNs(s) / s.iterations,
};

/**
 * Trials as columns (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { trialColumns } from "./encoding.ts";
 * const { samples } = report.results[0];
 * const columns = trialColumns(samples);
 * assert.equal(columns.count, samples.length);
 * assert.deepEqual(columns.each.elapsedNs, samples.map((s) => s.elapsedNs));
 * assert.equal(columns.same["producer.schedPolicy"], "SCHED_OTHER"); // once, not per trial
 * ```
 */
export function trialColumns(samples: Sample[]): TrialColumns {
  const derivable = Object.entries(DERIVED).filter(([field, derive]) =>
    samples.every((s) => Object.is(derive(s), s[field as keyof Sample]))
  ).map(([field]) => field);
  const rows = samples.map((s) => {
    const flat = new Map<string, unknown>();
    flatten(s, "", flat);
    for (const field of derivable) flat.delete(field);
    return flat;
  });
  const same: Record<string, unknown> = {};
  const each: TrialColumns["each"] = {};
  for (const field of [...rows[0]?.keys() ?? []].sort()) {
    const values = rows.map((r) => r.get(field));
    const text = JSON.stringify(values[0]);
    if (values.length > 1 && values.every((v) => JSON.stringify(v) === text)) {
      same[field] = values[0];
    } else if (values.every((v) => Number.isSafeInteger(v) && (v as number) % 1000 === 0)) {
      each[field] = { times: 1000, values: values.map((v) => (v as number) / 1000) };
    } else {
      each[field] = values;
    }
  }
  return { count: samples.length, same, each };
}

/**
 * The trials back from their columns, as plain objects for the validator to check.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { trialColumns, trialRows } from "./encoding.ts";
 * const { samples } = report.results[0];
 * assert.deepEqual(trialRows(trialColumns(samples), "$.results[0].trials"), samples);
 * assert.throws(() => trialRows([], "$.x"), /\$\.x must be an object of trial columns/);
 * ```
 * @throws {EncodingError} when the columns are not laid out as {@link trialColumns} writes them.
 * @throws {SchemaViolation} when a row is not a `trial` of the schema.
 */
export function trialRows(value: unknown, path: string, rowPath = path): Sample[] {
  const columns = value as Partial<TrialColumns> | null;
  if (typeof columns !== "object" || columns === null || Array.isArray(columns)) {
    throw new EncodingError(`${path} must be an object of trial columns`);
  }
  const { count, same, each } = columns;
  if (!Number.isSafeInteger(count) || count! < 0 || count! > 1e7) {
    throw new EncodingError(`${path}.count must be a whole number of trials`);
  }
  for (const [name, part] of [["same", same], ["each", each]] as const) {
    if (typeof part !== "object" || part === null || Array.isArray(part)) {
      throw new EncodingError(`${path}.${name} must be an object`);
    }
  }
  const rows = Array.from({ length: count! }, () => ({} as Record<string, unknown>));
  const set = (row: Record<string, unknown>, field: string, v: unknown) => {
    const keys = field.split(".");
    let target = row;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      if (next !== undefined && (typeof next !== "object" || next === null)) {
        throw new EncodingError(`${path}: field ${field} clashes with another`);
      }
      target = (target[key] ??= {}) as Record<string, unknown>;
    }
    target[keys[keys.length - 1]] = v;
  };
  for (const [field, v] of Object.entries(same!)) for (const row of rows) set(row, field, v);
  for (const [field, column] of Object.entries(each!)) {
    const scaled = typeof column === "object" && column !== null && !Array.isArray(column);
    const values = scaled ? (column as { values?: unknown }).values : column;
    const times = scaled ? (column as { times?: unknown }).times : 1;
    if (!Array.isArray(values) || values.length !== count) {
      throw new EncodingError(`${path}.each.${field} must be an array of ${count} values`);
    }
    if (scaled && (times !== 1000 || !values.every((v) => Number.isSafeInteger(v)))) {
      throw new EncodingError(`${path}.each.${field} must be whole numbers times 1000`);
    }
    values.forEach((v, i) => set(rows[i], field, scaled ? (v as number) * 1000 : v));
  }
  rows.forEach((row, i) => checkSchema(row, TRIAL, `${rowPath}[${i}]`, REPORT_SCHEMA));
  for (const row of rows) {
    for (const [field, derive] of Object.entries(DERIVED)) {
      if (!(field in row)) row[field] = derive(row as unknown as Sample);
    }
  }
  return rows as unknown as Sample[];
}

/** The current version's format, `report.schema.json`: the one description of a report file. */
export const REPORT_SCHEMA: JsonSchema = schemaJson as JsonSchema;

/**
 * A report as its file holds it: typed by `../base/report_file.ts`, which is written from
 * the schema, so the compiler checks that the bench writes what the schema says.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { reportFile } from "./encoding.ts";
 * const file = reportFile(report);
 * assert.equal(file.results[0].trials.count, report.results[0].samples.length);
 * assert.ok(!("comparisons" in file) && !("nsPerItem" in file.results[0])); // derived: not written
 * ```
 */
export function reportFile(report: Report): ReportFile {
  const results = report.results.map((r: ResultEntry): FileResult => {
    const {
      samples,
      warmup,
      latency,
      nsPerItem: _n,
      cpuNsPerItem: _c,
      switchesPerItem: _s,
      throughput: _t,
      ...rest
    } = r;
    return {
      ...rest,
      latency: latency === null ? null : {
        clock: latency.clock,
        roundTrip: latency.roundTrip,
        histogram: histogramRuns(latency.histogram),
      },
      trials: trialColumns(samples),
      ...(warmup.length === 0 ? {} : { warmup: trialColumns(warmup) }),
    };
  });
  const { noise: _noise, comparisons: _comparisons, ...stored } = report;
  return { ...stored, results };
}

/**
 * The text of a report file: the report in memory, written as the module doc says.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeReport } from "./encoding.ts";
 * import { loadReport, parseReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const text = encodeReport(report);
 * assert.deepEqual(await parseReport(text, "again.json"), report, "read back whole");
 * ```
 */
export function encodeReport(report: Report): string {
  return `${compactJson(reportFile(report))}\n`;
}

/**
 * A report file, already checked against the schema, in the form the report
 * has in memory: trials as rows (each checked against the schema's `trial`),
 * histograms as pairs, and what the trials give computed from them. The
 * comparisons and the noise band are left to the caller.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { decodeReport, reportFile } from "./encoding.ts";
 * const decoded = decodeReport(reportFile(report));
 * assert.deepEqual(decoded.results, report.results); // every figure computed again, the same
 * ```
 * @throws {EncodingError} when trial columns or histogram runs do not fit together.
 * @throws {SchemaViolation} when a trial put back together is not a `trial` of the schema.
 */
export function decodeReport(file: ReportFile): Omit<Report, "noise" | "comparisons"> {
  const { pipeLoop, controls, ...rest } = file;
  const results = file.results.map((r, i): ResultEntry => {
    const path = `$.results[${i}]`;
    const { trials, warmup, latency, ...rest } = r;
    const samples = trialRows(trials, `${path}.trials`, `${path}.samples`);
    return {
      ...rest,
      ...trialFigures(samples, rest.sizeBytes),
      latency: latency === null ? null : {
        ...latency,
        oneWayAsHalfRoundTrip: halfRoundTrip(latency.roundTrip),
        histogram: histogramFromRuns(latency.histogram, `${path}.latency.histogram`),
      },
      samples,
      warmup: warmup === undefined ? [] : trialRows(warmup, `${path}.warmup`, `${path}.warmup`),
    };
  });
  // A pipe loop from before controls: a control of the headline's pipe stream, without pairs.
  const pipe = results.find((r) => isHeadline(r) && r.transport === "pipe");
  const legacy: ControlEntry[] = pipeLoop === undefined || pipe === undefined ? [] : [{
    kind: "pipe-loop",
    series: seriesKey(pipe),
    method: pipeLoop.method,
    cpus: pipeLoop.cpus as [number, number] | null,
    rounds: pipeLoop.rounds,
    beside: [],
  }];
  (controls ?? []).forEach((c, i) => {
    if (c.beside.length !== 0 && c.beside.length !== c.rounds.length) {
      throw new EncodingError(`$.controls[${i}].beside must be empty or as long as its rounds`);
    }
  });
  const all = [...(controls ?? []) as ControlEntry[], ...legacy];
  return {
    ...rest,
    placement: file.placement as Report["placement"],
    ...(all.length === 0 ? {} : { controls: all }),
    results,
  };
}
