/**
 * Rates with their intervals: a coverage, a false-alarm rate or a power is a
 * count out of a number of tries, and 0 of 60 is not "0%" but "at most about
 * 6%". The Wilson score interval keeps its coverage near the nominal level down
 * to small counts and never leaves [0, 1].
 *
 * @module
 */

import type { Interval } from "./serial.ts";

/** A count out of a number of tries, with its 95% Wilson interval. */
export interface Rate {
  /** How many tries had the outcome. */
  count: number;
  /** How many tries there were. */
  of: number;
  /** `count / of` (NaN for no tries). */
  rate: number;
  /** The 95% Wilson score interval of the rate ([0, 1] for no tries). */
  ci: Interval;
}

/**
 * The rate `count / of` with its Wilson score interval.
 *
 * @throws {RangeError} when the counts are not whole, or `count` is outside 0..of.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rate } from "./proportion.ts";
 * const none = rate(0, 60);
 * assert.equal(none.rate, 0);
 * assert.equal(none.ci.low, 0);
 * assert.equal(none.ci.high.toFixed(3), "0.060");
 * assert.equal(rate(50, 100).ci.low.toFixed(3), "0.404");
 * ```
 */
export function rate(count: number, of: number, level = 0.95): Rate {
  if (!Number.isInteger(count) || !Number.isInteger(of) || count < 0 || count > of) {
    throw new RangeError(`a rate needs whole counts with 0 <= ${count} <= ${of}`);
  }
  if (of === 0) return { count, of, rate: NaN, ci: { low: 0, high: 1, level } };
  const z = normalQuantile(0.5 + level / 2);
  const p = count / of;
  const centre = (p + (z * z) / (2 * of)) / (1 + (z * z) / of);
  const half = (z / (1 + (z * z) / of)) * Math.sqrt((p * (1 - p)) / of + (z * z) / (4 * of * of));
  return {
    count,
    of,
    rate: p,
    ci: {
      low: count === 0 ? 0 : Math.max(0, centre - half),
      high: count === of ? 1 : Math.min(1, centre + half),
      level,
    },
  };
}

/**
 * A rate in words: `3/120 = 2.5% (95% CI 0.9-7.1%)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rate, rateText } from "./proportion.ts";
 * assert.equal(rateText(rate(3, 120)), "3/120 = 2.5% (95% CI 0.9-7.1%)");
 * ```
 */
export function rateText(r: Rate): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}`;
  return `${r.count}/${r.of} = ${Number.isNaN(r.rate) ? "—" : `${pct(r.rate)}%`} ` +
    `(95% CI ${pct(r.ci.low)}-${pct(r.ci.high)}%)`;
}

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.357751867269,
    -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406,
    161.5858368580409,
    -155.6989798598866,
    66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
