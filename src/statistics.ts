/**
 * Summaries of samples: the few order statistics the reports quote.
 *
 * Quantiles use linear interpolation between closest ranks (Hyndman & Fan
 * type 7, the default of R and NumPy), so the median of an even count is the
 * mean of the middle two.
 *
 * @module
 */

/** The method name the reports record next to every summary. */
export const QUANTILE_METHOD = "linear interpolation between closest ranks (Hyndman-Fan type 7)";

/** A summary of one set of samples. */
export interface Summary {
  count: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  /** 25th and 75th percentiles. */
  p25: number;
  p75: number;
  /** Sample standard deviation (n - 1), 0 for a single sample. */
  stddev: number;
  /** Coefficient of variation: `stddev / mean`. */
  cv: number;
}

/**
 * The `q`-quantile (0..1) of `values`, which must not be empty.
 *
 * @example
 * ```ts
 * import { quantile } from "./statistics.ts";
 * console.log(quantile([4, 1, 3, 2], 0.5)); // 2.5
 * ```
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError("quantile of no values");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside 0..1`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/**
 * The median of `values`, which must not be empty.
 *
 * @example
 * ```ts
 * import { median } from "./statistics.ts";
 * console.log(median([3, 1, 2])); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/**
 * Summarises `values`, which must not be empty.
 *
 * @example
 * ```ts
 * import { summarize } from "./statistics.ts";
 * const s = summarize([10, 12, 11, 13]);
 * console.log(s.median, s.min, s.max); // 11.5 10 13
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError("summary of no values");
  const count = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / count;
  const variance = count > 1
    ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (count - 1)
    : 0;
  const stddev = Math.sqrt(variance);
  return {
    count,
    median: median(values),
    mean,
    min: Math.min(...values),
    max: Math.max(...values),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    stddev,
    cv: mean === 0 ? 0 : stddev / mean,
  };
}
