/**
 * The latency histogram the C loops record into (see `ffi/ringpipe.h`):
 * log-linear, HdrHistogram-style, 4,480 fixed buckets. Values below 256 ns
 * have a bucket each; above, each power of two is split into 128 buckets, so
 * a bucket is never wider than 1/128 (0.8%) of the values in it.
 *
 * Reports keep histograms sparse (`[bucket, count]` pairs); histograms from
 * several trials merge by adding counts.
 *
 * @module
 */

import { HISTOGRAM_BUCKETS, SUB_BITS } from "../base/histogram_layout.ts";
import type { LatencySummary } from "../base/report_file.ts";
export type { LatencySummary };

// The layout is the C shim's (`ffi/ringpipe.h`): its constants live with the FFI table.
const FIRST = 1 << SUB_BITS; // 256
const HALF = 1 << (SUB_BITS - 1); // 128
const MAGNITUDES = 33;
const TWO32 = 2 ** 32;

export { HISTOGRAM_BUCKETS, SUB_BITS };

/** How percentiles are read from the histogram, for the report. */
export const HISTOGRAM_METHOD =
  "log-linear histogram (1 ns buckets below 256 ns, then 128 per power of two: at most 0.8% wide); " +
  "a percentile is the midpoint of the bucket holding the nearest-rank value, clamped to the exact min and max";

/** A histogram as the report keeps it: `[bucket, count]` pairs, buckets ascending, counts above 0. */
export type SparseHistogram = [bucket: number, count: number][];

/**
 * The bucket a value (ns) falls in; the same function as the C `rp_hist_bucket`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bucketIndex } from "./histogram.ts";
 * assert.deepEqual([bucketIndex(100), bucketIndex(256), bucketIndex(512)], [100, 256, 384]);
 * ```
 */
export function bucketIndex(value: number): number {
  if (value < FIRST) return Math.max(0, Math.floor(value));
  if (value < TWO32) {
    // Below 2^32 ns, in integers: no Math.log2 or powers, which cost the deno ping-pong client
    // about 100 ns on every stamped round trip. The same buckets as the general case below.
    const whole = value >>> 0;
    const shift = 31 - Math.clz32(whole) - (SUB_BITS - 1);
    return FIRST + (shift - 1) * HALF + (whole >>> shift) - HALF;
  }
  const shift = Math.floor(Math.log2(value)) - (SUB_BITS - 1);
  // Math.log2 can round up just below a power of two; correct it exactly.
  const exactShift = value < 2 ** (shift + SUB_BITS - 1) ? shift - 1 : shift;
  if (exactShift > MAGNITUDES) return HISTOGRAM_BUCKETS - 1;
  return FIRST + (exactShift - 1) * HALF + Math.floor(value / 2 ** exactShift) - HALF;
}

/**
 * The values `[low, high)` a bucket holds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bucketBounds } from "./histogram.ts";
 * assert.deepEqual(bucketBounds(384), { low: 512, high: 516 });
 * ```
 */
export function bucketBounds(index: number): { low: number; high: number } {
  if (index < FIRST) return { low: index, high: index + 1 };
  const shift = Math.floor((index - FIRST) / HALF) + 1;
  const sub = ((index - FIRST) % HALF) + HALF;
  return { low: sub * 2 ** shift, high: (sub + 1) * 2 ** shift };
}

/**
 * Turns the dense counts the shim fills into a sparse histogram.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toSparse } from "./histogram.ts";
 * const counts = new BigUint64Array(8);
 * counts[3] = 2n;
 * assert.deepEqual(toSparse(counts), [[3, 2]]);
 * ```
 */
export function toSparse(counts: ArrayLike<bigint | number>): SparseHistogram {
  const sparse: SparseHistogram = [];
  for (let i = 0; i < counts.length; i++) {
    const count = Number(counts[i]);
    if (count > 0) sparse.push([i, count]);
  }
  return sparse;
}

/**
 * Records plain values (ns) into a sparse histogram, as the C loop would.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogramOf } from "./histogram.ts";
 * assert.deepEqual(histogramOf([5, 5, 300]), [[5, 2], [278, 1]]);
 * ```
 */
export function histogramOf(values: readonly number[]): SparseHistogram {
  const counts = new Map<number, number>();
  for (const v of values) {
    const index = bucketIndex(v);
    counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => a[0] - b[0]);
}

/**
 * Adds histograms together.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeHistograms } from "./histogram.ts";
 * assert.deepEqual(mergeHistograms([[1, 2]], [[1, 1], [4, 1]]), [[1, 3], [4, 1]]);
 * ```
 */
export function mergeHistograms(...histograms: SparseHistogram[]): SparseHistogram {
  const counts = new Map<number, number>();
  for (const histogram of histograms) {
    for (const [index, count] of histogram) counts.set(index, (counts.get(index) ?? 0) + count);
  }
  return [...counts].sort((a, b) => a[0] - b[0]);
}

/**
 * The value at percentile `p` (0 to 100): the midpoint of the bucket that holds
 * the value of nearest rank `ceil(p/100 * count)`, clamped to `[min, max]` when given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogramOf, histogramPercentile } from "./histogram.ts";
 * // Below 256 ns a bucket is one nanosecond wide: the median's bucket [20, 21) reads as 20.
 * assert.equal(histogramPercentile(histogramOf([10, 20, 30, 40]), 50), 20);
 * // Above, 128 buckets per power of two: 1000 falls in [1000, 1004), read as its middle.
 * assert.equal(histogramPercentile(histogramOf([1000]), 50), 1001.5);
 * ```
 */
export function histogramPercentile(
  histogram: SparseHistogram,
  p: number,
  exact: { min: number; max: number } | null = null,
): number {
  const total = histogram.reduce((n, [, count]) => n + count, 0);
  if (total === 0) throw new RangeError("percentile of an empty histogram");
  // The epsilon keeps 99.9% of 10,000 at rank 9,990 despite binary fractions.
  const rank = Math.max(1, Math.ceil((p / 100) * total - 1e-9));
  let seen = 0;
  for (const [index, count] of histogram) {
    seen += count;
    if (seen >= rank) {
      const { low, high } = bucketBounds(index);
      const mid = (low + high - 1) / 2;
      return exact === null ? mid : Math.min(exact.max, Math.max(exact.min, mid));
    }
  }
  return bucketBounds(histogram[histogram.length - 1][0]).low;
}

/**
 * Summarises a histogram with the exact minimum, maximum and sum the loop kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogramOf, latencySummary } from "./histogram.ts";
 * const values = [100, 110, 120, 5000];
 * const s = latencySummary(histogramOf(values), { min: 100, max: 5000, sum: 5330 });
 * assert.deepEqual([s.p50, s.max, s.mean], [110, 5000, 1332.5]);
 * ```
 */
export function latencySummary(
  histogram: SparseHistogram,
  exact: { min: number; max: number; sum: number },
): LatencySummary {
  const count = histogram.reduce((n, [, c]) => n + c, 0);
  const at = (p: number) => histogramPercentile(histogram, p, exact);
  return {
    count,
    min: exact.min,
    max: exact.max,
    mean: count === 0 ? 0 : exact.sum / count,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    p9999: at(99.99),
  };
}

/** The percentiles a {@link LatencySummary} holds, by key. */
export const PERCENTILES = { p50: 50, p90: 90, p99: 99, p999: 99.9, p9999: 99.99 } as const;

/** What a table prints for a percentile that its sample is too small to carry. */
export const TOO_FEW = "n too small";

/**
 * A summary's percentile, or null when its sample cannot carry it: above `1 - 1/count`, where the
 * nearest rank is the largest value (p99.9 of 52 round trips is just their maximum).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { supportedPercentile } from "./histogram.ts";
 * const rt = { count: 52, min: 1, max: 9, mean: 2, p50: 2, p90: 3, p99: 9, p999: 9, p9999: 9 };
 * assert.equal(supportedPercentile(rt, "p90"), 3);
 * assert.equal(supportedPercentile(rt, "p99"), null); // 0.99 > 1 - 1/52
 * assert.equal(supportedPercentile({ ...rt, count: 1000 }, "p999"), 9);
 * assert.equal(supportedPercentile({ ...rt, count: 999 }, "p999"), null);
 * ```
 */
export function supportedPercentile(
  summary: LatencySummary,
  key: keyof typeof PERCENTILES,
): number | null {
  return PERCENTILES[key] / 100 <= 1 - 1 / summary.count + 1e-12 ? summary[key] : null;
}

/**
 * One-way latency as half a round trip: every figure halved but the count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { halfRoundTrip } from "./histogram.ts";
 * const rt = { count: 4, min: 100, max: 400, mean: 250, p50: 200, p90: 300, p99: 400, p999: 400, p9999: 400 };
 * assert.deepEqual(halfRoundTrip(rt), { count: 4, min: 50, max: 200, mean: 125, p50: 100, p90: 150, p99: 200, p999: 200, p9999: 200 });
 * ```
 */
export function halfRoundTrip(roundTrip: LatencySummary): LatencySummary {
  return Object.fromEntries(
    Object.entries(roundTrip).map(([k, v]) => [k, k === "count" ? v : v / 2]),
  ) as unknown as LatencySummary;
}
