/**
 * Intervals for trials that are not independent. On a shared VM the trials of
 * one run are serially dependent: the host moves the vCPUs between states that
 * last several trials, so neighbouring trials are alike (lag-1 autocorrelation
 * of log trial times 0.3 to 0.7 in the archived runs). An interval that treats
 * them as independent is too narrow; `./coverage.ts` measures by how much, and
 * how this one does, on simulated trials shaped like the VM's.
 *
 * The interval of a median here is still one of order statistics (no shape is
 * assumed, and a bimodal run does not break it), but its half-width in ranks is
 * that of the independent case, `z·√n/2`, times `√((1+ρ)/(1−ρ))` (the long-run
 * standard deviation of an AR(1) process over its marginal one), with `z` the
 * Student t quantile on the effective sample size `n(1−ρ)/(1+ρ)` less one.
 * `ρ` is the lag-1 autocorrelation of the log values in measured order,
 * corrected for its small-sample bias (`(nρ̂+1)/(n−3)`, Kendall) and held to
 * [0, 0.95]. Two series measured in the same rounds are compared by the median
 * of their per-round ratios with this interval: a pair shares the machine's
 * state, so the states cancel.
 *
 * @module
 */
import type { Interval } from "../base/report_file.ts";
export type { Interval };

/** The median of sorted values (the mean of the middle two for an even count). */
function medianOfSorted(sorted: ArrayLike<number>): number {
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)] + sorted[Math.ceil(mid)]) / 2;
}

/** How {@link serialMedianInterval} works, for a report's `methods`. */
export const SERIAL_MEDIAN_CI =
  "95% order-statistic interval widened for serial dependence: ranks n/2 ± t·√(n(1+ρ)/(1−ρ))/2, " +
  "ρ the lag-1 autocorrelation of the log values in measured order (bias-corrected, held to " +
  "0-0.95), t the Student quantile on n(1−ρ)/(1+ρ) − 1 degrees of freedom; coverage simulated " +
  "in docs/statistics.md";

/** How {@link pairedRatio} works, for a report's `methods`. */
export const PAIRED_RATIO_CI =
  "median of the per-round ratios (the two series' trials of the same round), with the " +
  "serial-dependence interval of a median; series without equal rounds: ratio of medians, " +
  "95% percentile bootstrap of both sides (2000 resamples, mulberry32 seed 1)";

/** A lag-1 autocorrelation above this is called high in a report's warnings. */
export const HIGH_LAG1 = 0.5;

/**
 * The lag-1 sample autocorrelation of `values` in the given order (0 for fewer than three values
 * or no variation): how much a value resembles the one before it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lag1Autocorrelation } from "./serial.ts";
 * assert.equal(lag1Autocorrelation([1, 2, 1, 2, 1, 2]), -5 / 6);
 * assert.ok(lag1Autocorrelation([1, 1, 1, 5, 5, 5]) > 0.4);
 * assert.equal(lag1Autocorrelation([3, 3, 3]), 0);
 * ```
 */
export function lag1Autocorrelation(values: readonly number[]): number {
  const n = values.length;
  if (n < 3) return 0;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    den += (values[i] - mean) ** 2;
    if (i > 0) num += (values[i] - mean) * (values[i - 1] - mean);
  }
  return den === 0 ? 0 : num / den;
}

/**
 * The lag-1 autocorrelation of the logs of `values` (of the values themselves when one is not
 * positive): what a report gives as a series' `lag1`, times and ratios being multiplicative.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logLag1 } from "./serial.ts";
 * assert.equal(logLag1([2, 8, 2, 8]).toFixed(2), "-0.75");
 * ```
 */
export function logLag1(values: readonly number[]): number {
  return lag1Autocorrelation(values.every((v) => v > 0) ? values.map(Math.log) : values);
}

/**
 * The lag-1 autocorrelation a dependence-aware interval uses: of the log values, corrected for
 * its small-sample bias from five values on, held to [0, 0.95].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dependence } from "./serial.ts";
 * assert.equal(dependence([5, 6, 5, 6, 5, 6, 5, 6]), 0);
 * assert.equal(dependence([1, 1, 1, 1, 9, 9, 9, 9]), 0.95);
 * assert.equal(dependence([1.1, 1.1000000000000003, 1.1, 1.0999999999999999, 1.1]), 0);
 * ```
 */
export function dependence(values: readonly number[]): number {
  const n = values.length;
  // Values equal but for rounding carry no dependence, only the order of their float noise.
  const [low, high] = [Math.min(...values), Math.max(...values)];
  if (high - low <= 1e-9 * Math.max(Math.abs(low), Math.abs(high))) return 0;
  const raw = logLag1(values);
  const corrected = n >= 5 ? (raw * n + 1) / (n - 3) : raw;
  return Math.min(0.95, Math.max(0, corrected));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7; error below 1e-13). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  ) / a;
  const tiny = 1e-300;
  let f = 1, c = 1, d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = Math.floor(i / 2);
    const numerator = i === 0
      ? 1
      : i % 2 === 0
      ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m))
      : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + numerator * d;
    d = Math.abs(d) < tiny ? tiny : d;
    d = 1 / d;
    c = 1 + numerator / c;
    c = Math.abs(c) < tiny ? tiny : c;
    const cd = c * d;
    f *= cd;
    if (Math.abs(1 - cd) < 1e-14) break;
  }
  return front * (f - 1);
}

/**
 * The Student t distribution function with `df` (> 0, not necessarily whole) degrees of freedom.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studentCdf } from "./serial.ts";
 * assert.equal(studentCdf(0, 3), 0.5);
 * assert.ok(Math.abs(studentCdf(12.706204736, 1) - 0.975) < 1e-9);
 * ```
 */
export function studentCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The `p`-quantile (0 < p < 1) of the Student t distribution with `df` degrees of freedom.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studentQuantile } from "./serial.ts";
 * assert.equal(studentQuantile(0.975, 4).toFixed(3), "2.776");
 * assert.equal(studentQuantile(0.975, 1e6).toFixed(3), "1.960");
 * ```
 */
export function studentQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile ${p} is outside (0, 1)`);
  if (p < 0.5) return -studentQuantile(1 - p, df);
  let low = 0, high = 1;
  while (studentCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 100 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (studentCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * A confidence interval of the median of serially dependent values ({@link SERIAL_MEDIAN_CI}),
 * `values` in measured order. When the ranks it needs run past the sample, it is `[min, max]` and
 * `level` is the lower coverage that reaches under the same model.
 *
 * @throws {RangeError} when `values` is empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serialMedianInterval } from "./serial.ts";
 * import { medianInterval } from "./statistics.ts";
 * // Slow and fast trials in blocks of six, as a VM that changes state gives them...
 * const blocks = Array.from({ length: 60 }, (_, i) => 100 + (Math.floor(i / 6) % 2) * 10 + (i % 3));
 * // ...and the same values in an order where neighbours are unrelated.
 * const mixed = blocks.map((_, i) => blocks[(i * 7) % 60]);
 * assert.deepEqual(serialMedianInterval(mixed), { low: 102, high: 110, level: 0.95 });
 * assert.deepEqual(serialMedianInterval(blocks), { low: 100, high: 112, level: 0.95 });
 * // Unrelated neighbours: as wide as the independent-case interval.
 * assert.deepEqual([medianInterval(mixed).low, medianInterval(mixed).high], [102, 110]);
 * ```
 */
export function serialMedianInterval(values: readonly number[], level = 0.95): Interval {
  const n = values.length;
  if (n === 0) throw new RangeError("median interval of no values");
  const sorted = Float64Array.from(values).sort();
  const rho = dependence(values);
  const factor = (1 + rho) / (1 - rho);
  const df = Math.max(1, (n * (1 - rho)) / (1 + rho) - 1);
  const spread = Math.sqrt(n * factor) / 2; // ranks: one standard deviation of the median's rank
  const half = studentQuantile(0.5 + level / 2, df) * spread;
  const low = Math.floor(n / 2 - half - 0.5);
  const high = Math.ceil(n / 2 + half - 0.5);
  if (low >= 0 && high <= n - 1) return { low: sorted[low], high: sorted[high], level };
  const reach = Math.max(0, n / 2 - 0.5) / spread;
  return { low: sorted[0], high: sorted[n - 1], level: 2 * studentCdf(reach, df) - 1 };
}

/** Two series compared: the estimate, its interval, and how it was made. */
export interface RatioEstimate {
  /** The median of the per-round ratios, or the ratio of medians when unpaired. */
  estimate: number;
  /** Its confidence interval. */
  interval: Interval;
  /** Rounds paired (0: the series did not share rounds, and the ratio is of medians). */
  pairs: number;
  /** Lag-1 autocorrelation of the log ratios in measured order (null when unpaired). */
  lag1: number | null;
}

/**
 * The median of per-round ratios `numerator[i] / denominator[i]` with the serial-dependence
 * interval ({@link PAIRED_RATIO_CI}). The two arrays must hold one value per round, in measured
 * order, and be equally long.
 *
 * @throws {RangeError} when the arrays are empty or of different lengths.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pairedRatio } from "./serial.ts";
 * // The machine flips between two states; in each round both series feel it, so the
 * // per-round ratio stays near 80 while the ratio of the medians does not.
 * const ring = [6, 6, 30, 30, 30, 6, 6, 6, 30, 6, 6, 30, 30, 6, 6, 6];
 * const pipe = ring.map((ns, i) => ns * (80 + (i % 3)));
 * const { estimate, interval, pairs } = pairedRatio(pipe, ring);
 * assert.equal(estimate, 81);
 * assert.equal(pairs, 16);
 * assert.ok(interval.low >= 80 && interval.high <= 82);
 * ```
 */
export function pairedRatio(
  numerator: readonly number[],
  denominator: readonly number[],
): RatioEstimate {
  if (numerator.length === 0) throw new RangeError("paired ratio of no rounds");
  if (numerator.length !== denominator.length) {
    throw new RangeError(
      `paired ratio of ${numerator.length} and ${denominator.length} rounds: they must match`,
    );
  }
  const ratios = numerator.map((v, i) => v / denominator[i]);
  return {
    estimate: medianOfSorted(Float64Array.from(ratios).sort()),
    interval: serialMedianInterval(ratios),
    pairs: ratios.length,
    lag1: logLag1(ratios),
  };
}

/**
 * The ratio of the medians of two independent runs' trials with an interval from each median's
 * serial-dependence interval, combined in log terms (each side's half-widths added in
 * quadrature): what one run against another can say without replicates. Level: the lower of
 * the two.
 *
 * @throws {RangeError} when either side is empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unpairedRatio } from "./serial.ts";
 * const a = [100, 102, 98, 101, 99, 100, 103, 97, 100, 101, 99, 100];
 * const { estimate, interval, pairs } = unpairedRatio(a.map((v) => v * 1.5), a);
 * assert.equal(estimate, 1.5);
 * assert.equal(pairs, 0);
 * assert.ok(interval.low > 1.4 && interval.high < 1.6);
 * ```
 */
export function unpairedRatio(
  numerator: readonly number[],
  denominator: readonly number[],
): RatioEstimate {
  if (numerator.length === 0 || denominator.length === 0) {
    throw new RangeError("ratio of medians of no values");
  }
  const [m1, m2] = [numerator, denominator].map((v) => medianOfSorted(Float64Array.from(v).sort()));
  const [i1, i2] = [serialMedianInterval(numerator), serialMedianInterval(denominator)];
  const ratio = m1 / m2;
  const down = Math.hypot(Math.log(m1 / i1.low), Math.log(i2.high / m2));
  const up = Math.hypot(Math.log(i1.high / m1), Math.log(m2 / i2.low));
  return {
    estimate: ratio,
    interval: {
      low: ratio * Math.exp(-down),
      high: ratio * Math.exp(up),
      level: Math.min(i1.level, i2.level),
    },
    pairs: 0,
    lag1: null,
  };
}
