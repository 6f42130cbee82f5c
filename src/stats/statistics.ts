/**
 * Statistics of samples, with every method named so a report can say how its
 * figures were computed.
 *
 * - Quantiles: linear interpolation between closest ranks (Hyndman & Fan type
 *   7, the default of R and NumPy); the median of an even count is the mean of
 *   the middle two.
 * - Confidence interval of a median: from order statistics, widened for the
 *   serial dependence of trials measured one after another (`./serial.ts`);
 *   the independent-case interval (the binomial distribution of ranks) stays
 *   here for values that really are independent.
 * - Ratios of two series: the median of per-round ratios where they share
 *   rounds (`./serial.ts`); otherwise the ratio of medians with a percentile
 *   bootstrap, resampling both sides with a fixed-seed generator (mulberry32),
 *   so the same samples always give the same interval.
 * - Outliers: Tukey's fences on the quartiles (1.5 and 3 interquartile ranges),
 *   counted, never dropped.
 *
 * @module
 */

import { logLag1, PAIRED_RATIO_CI, SERIAL_MEDIAN_CI, serialMedianInterval } from "./serial.ts";
import type { Interval } from "./serial.ts";
export type { Interval };

/** How each figure is computed, for the report. */
export const METHODS = {
  quantiles: "linear interpolation between closest ranks (Hyndman-Fan type 7)",
  medianCi: SERIAL_MEDIAN_CI,
  ratioCi: PAIRED_RATIO_CI,
  outliers: "Tukey fences: mild beyond 1.5 IQR, severe beyond 3 IQR; counted, never dropped",
} as const;

/** Outliers by Tukey's fences. */
export interface Outliers {
  /** Below Q1 - 3 IQR. */
  lowSevere: number;
  /** Between Q1 - 3 IQR and Q1 - 1.5 IQR. */
  lowMild: number;
  /** Between Q3 + 1.5 IQR and Q3 + 3 IQR. */
  highMild: number;
  /** Above Q3 + 3 IQR. */
  highSevere: number;
}

/** A summary of one set of samples. */
export interface Summary {
  /** How many values. */
  count: number;
  /** The median. */
  median: number;
  /** The arithmetic mean. */
  mean: number;
  /** The smallest. */
  min: number;
  /** The largest. */
  max: number;
  /** 5th percentile. */
  p5: number;
  /** 25th percentile (first quartile). */
  p25: number;
  /** 75th percentile (third quartile). */
  p75: number;
  /** 95th percentile. */
  p95: number;
  /** Sample standard deviation (n - 1), 0 for a single sample. */
  stddev: number;
  /** Coefficient of variation: `stddev / mean`. */
  cv: number;
  /** Median absolute deviation from the median (not scaled). */
  mad: number;
  /** 95% confidence interval of the median, widened for serial dependence (`./serial.ts`). */
  medianCi: Interval;
  /** Lag-1 autocorrelation of the log values in measured order: how alike neighbours are. */
  lag1: number;
  /** Outliers by Tukey's fences. */
  outliers: Outliers;
}

function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

function nonEmpty(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what} of no values`);
}

/**
 * The `q`-quantile (0..1) of `values`, which must not be empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quantile } from "./statistics.ts";
 * assert.deepEqual(quantile([4, 1, 3, 2], 0.5), 2.5);
 * ```
 */
export function quantile(values: readonly number[], q: number): number {
  nonEmpty(values, "quantile");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside 0..1`);
  return quantileOfSorted(sortedCopy(values), q);
}

/**
 * The median of `values`, which must not be empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { median } from "./statistics.ts";
 * assert.deepEqual(median([3, 1, 2]), 2);
 * ```
 */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/**
 * A distribution-free confidence interval of the median from order statistics:
 * `[x(j), x(n+1-j)]` with the largest `j` whose coverage reaches `level`;
 * with too few samples for that, `[min, max]` and its lower coverage.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { medianInterval } from "./statistics.ts";
 * // Ten independent samples: [x(2), x(9)] covers 1 - 2 * 11/1024, 97.9%.
 * assert.deepEqual(medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), {
 *   low: 2,
 *   high: 9,
 *   level: 1 - 22 / 1024,
 * });
 * ```
 */
export function medianInterval(values: readonly number[], level = 0.95): Interval {
  nonEmpty(values, "median interval");
  const sorted = sortedCopy(values);
  const n = sorted.length;
  // P(B <= k) for B ~ Binomial(n, 1/2), accumulated in log space so large n does not underflow.
  let logPmf = -n * Math.LN2;
  let below = 0; // P(B <= j - 2): the mass outside [x(j), x(n+1-j)] on one side, before adding
  let j = 1;
  let coverage = 1 - 2 * Math.exp(logPmf);
  for (let k = 0; k < Math.floor((n - 1) / 2); k++) {
    const next = below + Math.exp(logPmf); // P(B <= k)
    logPmf += Math.log((n - k) / (k + 1));
    const nextCoverage = 1 - 2 * (next + Math.exp(logPmf));
    if (nextCoverage < level) break;
    below = next;
    j = k + 2;
    coverage = nextCoverage;
  }
  return { low: sorted[j - 1], high: sorted[n - j], level: coverage };
}

/**
 * Counts outliers by Tukey's fences on the type-7 quartiles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tukeyOutliers } from "./statistics.ts";
 * assert.deepEqual(tukeyOutliers([10, 11, 12, 13, 14, 30]), {
 *   lowSevere: 0,
 *   lowMild: 0,
 *   highMild: 0,
 *   highSevere: 1,
 * });
 * ```
 */
export function tukeyOutliers(values: readonly number[]): Outliers {
  nonEmpty(values, "outliers");
  const sorted = sortedCopy(values);
  const q1 = quantileOfSorted(sorted, 0.25);
  const q3 = quantileOfSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const outliers: Outliers = { lowSevere: 0, lowMild: 0, highMild: 0, highSevere: 0 };
  for (const v of sorted) {
    if (v < q1 - 3 * iqr) outliers.lowSevere++;
    else if (v < q1 - 1.5 * iqr) outliers.lowMild++;
    else if (v > q3 + 3 * iqr) outliers.highSevere++;
    else if (v > q3 + 1.5 * iqr) outliers.highMild++;
  }
  return outliers;
}

/**
 * Summarises `values`, which must not be empty, in measured order (the interval of the median and
 * the lag-1 autocorrelation depend on the order).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarize } from "./statistics.ts";
 * const s = summarize([10, 12, 11, 13]);
 * assert.deepEqual([s.median, s.min, s.max, s.mad], [11.5, 10, 13, 1]);
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  nonEmpty(values, "summary");
  const sorted = sortedCopy(values);
  const count = sorted.length;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / count;
  const variance = count > 1
    ? sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (count - 1)
    : 0;
  const stddev = Math.sqrt(variance);
  const mid = quantileOfSorted(sorted, 0.5);
  return {
    count,
    median: mid,
    mean,
    min: sorted[0],
    max: sorted[count - 1],
    p5: quantileOfSorted(sorted, 0.05),
    p25: quantileOfSorted(sorted, 0.25),
    p75: quantileOfSorted(sorted, 0.75),
    p95: quantileOfSorted(sorted, 0.95),
    stddev,
    cv: mean === 0 ? 0 : stddev / mean,
    mad: quantileOfSorted(sortedCopy(Array.from(sorted, (v) => Math.abs(v - mid))), 0.5),
    medianCi: serialMedianInterval(values),
    lag1: logLag1(values),
    outliers: tukeyOutliers(values),
  };
}

/**
 * The mulberry32 generator: 32-bit state, uniform floats in [0, 1). Small,
 * fast and deterministic, which is all a reproducible bootstrap needs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mulberry32 } from "./statistics.ts";
 * const next = mulberry32(1);
 * assert.deepEqual(next() === mulberry32(1)(), true);
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link bootstrapRatio}. */
export interface BootstrapOptions {
  /** Resamples (default 2000). */
  resamples?: number;
  /** Generator seed (default 1). */
  seed?: number;
  /** Interval coverage (default 0.95). */
  level?: number;
}

/**
 * The bootstrap distribution of `median(numerator) / median(denominator)`:
 * each resample draws `numerator.length` values from the numerator, then
 * `denominator.length` from the denominator, with replacement, indices from
 * `floor(next() * length)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootstrapRatios } from "./statistics.ts";
 * assert.deepEqual(bootstrapRatios([4, 4], [2, 2], 3, 1), new Float64Array([2, 2, 2]));
 * ```
 */
export function bootstrapRatios(
  numerator: readonly number[],
  denominator: readonly number[],
  resamples: number,
  seed: number,
): Float64Array {
  nonEmpty(numerator, "bootstrap");
  nonEmpty(denominator, "bootstrap");
  const next = mulberry32(seed);
  const a = new Float64Array(numerator.length);
  const b = new Float64Array(denominator.length);
  const ratios = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < a.length; i++) a[i] = numerator[Math.floor(next() * numerator.length)];
    for (let i = 0; i < b.length; i++) b[i] = denominator[Math.floor(next() * denominator.length)];
    ratios[r] = quantileOfSorted(a.sort(), 0.5) / quantileOfSorted(b.sort(), 0.5);
  }
  return ratios;
}

/**
 * The ratio of medians with a percentile-bootstrap confidence interval.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootstrapRatio } from "./statistics.ts";
 * const { estimate, interval } = bootstrapRatio([400, 410, 390], [3.1, 3.2, 3.3]);
 * assert.equal(estimate, 400 / 3.2);
 * assert.ok(interval.low <= estimate && estimate <= interval.high);
 * assert.deepEqual(bootstrapRatio([400, 410, 390], [3.1, 3.2, 3.3]).interval, interval); // seeded
 * ```
 */
export function bootstrapRatio(
  numerator: readonly number[],
  denominator: readonly number[],
  options: BootstrapOptions = {},
): { estimate: number; interval: Interval } {
  const { resamples = 2000, seed = 1, level = 0.95 } = options;
  const ratios = bootstrapRatios(numerator, denominator, resamples, seed).sort();
  const tail = (1 - level) / 2;
  return {
    estimate: median(numerator) / median(denominator),
    interval: {
      low: quantileOfSorted(ratios, tail),
      high: quantileOfSorted(ratios, 1 - tail),
      level,
    },
  };
}

/**
 * Half the width of an interval relative to a centre: the "±x%" of a median.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relativeHalfWidth } from "./statistics.ts";
 * assert.deepEqual(relativeHalfWidth({ low: 98, high: 102, level: 0.95 }, 100), 0.02);
 * ```
 */
export function relativeHalfWidth(interval: Interval, centre: number): number {
  return centre === 0 ? Infinity : (interval.high - interval.low) / 2 / Math.abs(centre);
}

/** One of the two groups {@link twoModes} finds. */
export interface Group {
  /** How many values. */
  count: number;
  /** The median. */
  median: number;
}

/**
 * Looks for two well-separated groups in `values`: the widest gap between
 * neighbours (as a ratio, `values` being positive) when it is at least
 * `minRatio` and each side holds at least `minShare` of the values. Null when
 * the values form one group. A bimodal ring figure usually means the machine
 * (or the hypervisor's placement of the CPUs) changed state during the run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { twoModes } from "./statistics.ts";
 * assert.deepEqual(twoModes([2.4, 2.5, 2.6, 33, 34, 35, 36]), {
 *   low: { count: 3, median: 2.5 },
 *   high: { count: 4, median: 34.5 },
 * });
 * assert.equal(twoModes([10, 11, 12, 13]), null);
 * ```
 */
export function twoModes(
  values: readonly number[],
  minRatio = 2,
  minShare = 0.1,
): { low: Group; high: Group } | null {
  const sorted = sortedCopy(values);
  const n = sorted.length;
  let best = -1;
  let bestRatio = minRatio;
  for (let i = 1; i < n; i++) {
    if (sorted[i - 1] <= 0) continue;
    const ratio = sorted[i] / sorted[i - 1];
    if (ratio >= bestRatio && Math.min(i, n - i) >= Math.max(1, minShare * n)) {
      best = i;
      bestRatio = ratio;
    }
  }
  if (best < 0) return null;
  const low = sorted.subarray(0, best);
  const high = sorted.subarray(best);
  return {
    low: { count: low.length, median: quantileOfSorted(low, 0.5) },
    high: { count: high.length, median: quantileOfSorted(high, 0.5) },
  };
}

/** How {@link replicateBand} estimates the noise between runs, for reports and the README. */
export const REPLICATE_METHOD =
  "between runs of the same code: for every pair of replicate runs of one commit (runs of A's " +
  "commit with each other, B's with each other, never one with the other) the distance of " +
  "their medians in log terms; the band is the 95th percentile (type 7) of those distances";

/** Pairs of same-code runs needed before {@link replicateBand} gives a band. */
export const MIN_REPLICATE_PAIRS = 2;

/**
 * How far apart two runs of the same code land on this machine
 * ({@link REPLICATE_METHOD}): the medians of one series, one group per commit, compared only within
 * a group, so runs on either side of a change never count as noise. Symmetric in log terms: a
 * band of 0.25 means B/A within 1/1.25 to 1.25 is noise. Null with fewer than
 * {@link MIN_REPLICATE_PAIRS} pairs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicateBand } from "./statistics.ts";
 * assert.equal(replicateBand([[10, 10]]), null); // one pair
 * assert.equal(replicateBand([[10, 10], [15, 15]]), 0); // two commits, each steady
 * // A pipe that drifts between 30 and 55 µs from run to run, at one commit.
 * const band = replicateBand([[30, 42, 55, 31, 50, 36]])!;
 * assert.ok(band > 0.7 && band < 0.84);
 * ```
 */
export function replicateBand(groups: readonly (readonly number[])[]): number | null {
  const distances: number[] = [];
  for (const medians of groups) {
    const logs = medians.filter((m) => m > 0).map(Math.log);
    for (let i = 0; i < logs.length; i++) {
      for (let j = i + 1; j < logs.length; j++) distances.push(Math.abs(logs[i] - logs[j]));
    }
  }
  if (distances.length < MIN_REPLICATE_PAIRS) return null;
  // A prediction bound, not an estimate of the 95th percentile: with m distances, a new one
  // exceeds the k-th smallest with probability (m + 1 - k) / (m + 1) when they are exchangeable.
  distances.sort((a, b) => a - b);
  const rank = Math.min(distances.length, Math.ceil(0.95 * (distances.length + 1)));
  return Math.exp(distances[rank - 1]) - 1;
}
