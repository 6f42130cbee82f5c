/**
 * A report in the formats continuous-benchmarking services read, so that a
 * fleet of machines can feed a dashboard the kit does not have to grow:
 *
 * - `bmf`: Bencher Metric Format, an object of benchmarks, each an object of
 *   measures `{ value, lower_value, upper_value }`. Every series is a
 *   benchmark with the `latency` measure (Bencher's built-in one, in ns):
 *   its median ns per item, bounded by its 95% interval.
 * - `gab`: github-action-benchmark's `customSmallerIsBetter`, an array of
 *   `{ name, unit, value, range, extra }`: the same median, the interval as
 *   `range`, and the trials, commit and machine as `extra`.
 *
 * A series' name is its key (`shm stream 8 B cross spin`), the same one
 * `deno task compare` pairs series by. An interval below 95% coverage (too
 * few trials) is left out rather than passed on as if it were one.
 *
 * @module
 */

import { seriesKey } from "../plan/series.ts";
import type { Report } from "../report/report.ts";

/** The export formats. */
export type ExportFormat = "bmf" | "gab";

/** One benchmark of Bencher Metric Format: its measures by slug. */
export type BmfBenchmark = Record<
  string,
  { value: number; lower_value?: number; upper_value?: number }
>;

/** One entry of github-action-benchmark's custom format. */
export interface GabEntry {
  /** The benchmark's name. */
  name: string;
  /** The unit of `value`. */
  unit: string;
  /** Smaller is better. */
  value: number;
  /** The spread, in words. */
  range?: string;
  /** Anything else worth showing beside the value. */
  extra?: string;
}

/**
 * A report in Bencher Metric Format: every series a benchmark with a `latency` measure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toBmf } from "./export.ts";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const bmf = toBmf(report);
 * const ring = bmf["shm stream 8 B cross spin"].latency;
 * assert.equal(ring.value, report.results[0].nsPerItem.median);
 * assert.ok(ring.lower_value! <= ring.value && ring.value <= ring.upper_value!);
 * ```
 */
export function toBmf(report: Report): Record<string, BmfBenchmark> {
  return Object.fromEntries(report.results.map((r) => {
    const { median, medianCi } = r.nsPerItem;
    const bounds = medianCi.level >= 0.95
      ? { lower_value: medianCi.low, upper_value: medianCi.high }
      : {};
    return [seriesKey(r), { latency: { value: median, ...bounds } }];
  }));
}

/**
 * A report in github-action-benchmark's `customSmallerIsBetter` format: one entry per series.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toGab } from "./export.ts";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const [ring] = toGab(report);
 * assert.equal(ring.name, "shm stream 8 B cross spin");
 * assert.equal(ring.unit, "ns");
 * assert.match(ring.extra!, /^15 trials, commit 14ad224, machine devvm-replicates$/);
 * ```
 */
export function toGab(report: Report): GabEntry[] {
  const commit = report.kit.commit?.slice(0, 7) ?? "none";
  return report.results.map((r) => {
    const { median, medianCi } = r.nsPerItem;
    return {
      name: seriesKey(r),
      unit: "ns",
      value: median,
      ...(medianCi.level >= 0.95 ? { range: `95% CI ${medianCi.low}-${medianCi.high}` } : {}),
      extra: `${r.samples.length} trials, commit ${commit}, machine ${report.machine.id}`,
    };
  });
}

/**
 * A report exported as JSON text in `format`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportReport } from "./export.ts";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * assert.equal(JSON.parse(exportReport(report, "gab")).length, report.results.length);
 * ```
 */
export function exportReport(report: Report, format: ExportFormat): string {
  return `${JSON.stringify(format === "bmf" ? toBmf(report) : toGab(report), null, 2)}\n`;
}
