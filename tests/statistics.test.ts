import assert from "node:assert/strict";
import { medianHalfWidth, stoppingDecision } from "../src/run/sampling.ts";
import type { StoppingState } from "../src/run/sampling.ts";
import {
  bootstrapRatio,
  bootstrapRatios,
  median,
  medianInterval,
  mulberry32,
  quantile,
  relativeHalfWidth,
  summarize,
  tukeyOutliers,
  twoModes,
} from "../src/stats/statistics.ts";

Deno.test("median of odd and even counts", () => {
  assert.equal(median([5]), 5);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

Deno.test("quantiles interpolate between closest ranks (type 7)", () => {
  const values = [10, 20, 30, 40, 50];
  assert.equal(quantile(values, 0), 10);
  assert.equal(quantile(values, 1), 50);
  assert.equal(quantile(values, 0.25), 20);
  assert.equal(quantile(values, 0.1), 14); // position 0.4 between 10 and 20
  assert.equal(quantile([1, 2, 3, 4], 0.75), 3.25); // NumPy gives 3.25 too
});

Deno.test("empty input and a q outside 0..1 are refused", () => {
  assert.throws(() => quantile([], 0.5), RangeError);
  assert.throws(() => quantile([1], 1.5), RangeError);
  assert.throws(() => summarize([]), RangeError);
  assert.throws(() => medianInterval([]), RangeError);
  assert.throws(() => bootstrapRatios([], [1], 10, 1), RangeError);
});

Deno.test("summary against hand-computed values", () => {
  // mean 5, squared deviations 9+1+1+9 = 20, sample variance 20/3; |x - 5| = 3,1,1,3 so MAD 2
  const s = summarize([2, 4, 6, 8]);
  assert.equal(s.count, 4);
  assert.equal(s.median, 5);
  assert.equal(s.mean, 5);
  assert.equal(s.min, 2);
  assert.equal(s.max, 8);
  assert.equal(s.p25, 3.5);
  assert.equal(s.p75, 6.5);
  assert.ok(Math.abs(s.p5 - 2.3) < 1e-12); // position 0.15 between 2 and 4
  assert.ok(Math.abs(s.p95 - 7.7) < 1e-12);
  assert.equal(s.mad, 2);
  assert.ok(Math.abs(s.stddev - Math.sqrt(20 / 3)) < 1e-12);
  assert.ok(Math.abs(s.cv - Math.sqrt(20 / 3) / 5) < 1e-12);
});

Deno.test("a single sample has no spread", () => {
  const s = summarize([7]);
  assert.equal(s.stddev, 0);
  assert.equal(s.cv, 0);
  assert.equal(s.mad, 0);
  assert.deepEqual(s.medianCi, { low: 7, high: 7, level: 0 });
});

Deno.test("input order does not matter and is not changed", () => {
  const values = [9, 1, 5];
  assert.equal(median(values), 5);
  assert.deepEqual(values, [9, 1, 5]);
});

Deno.test("median CI from order statistics, with the coverage it really has", () => {
  const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  // n = 10: P(B <= 1) = 11/1024, so [x(2), x(9)] covers 1 - 22/1024 = 97.85%;
  // [x(3), x(8)] would cover only 1 - 2 * 56/1024 = 89.1%.
  assert.deepEqual(medianInterval(ten), { low: 2, high: 9, level: 1 - 22 / 1024 });
  // n = 20: P(B <= 5) = 21700/2^20, so [x(6), x(15)] covers 95.86%.
  const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
  assert.deepEqual(medianInterval(twenty), { low: 6, high: 15, level: 1 - 2 * 21700 / 2 ** 20 });
  // n = 5 cannot reach 95%: [min, max] covers 1 - 2/32.
  assert.deepEqual(medianInterval([5, 1, 4, 2, 3]), { low: 1, high: 5, level: 1 - 2 / 32 });
  // Large n does not underflow.
  const big = Array.from({ length: 5000 }, (_, i) => i);
  const ci = medianInterval(big);
  assert.ok(ci.level >= 0.95 && ci.level < 0.96, String(ci.level));
  assert.ok(ci.low > 2400 && ci.high < 2600, JSON.stringify(ci));
});

Deno.test("Tukey fences classify outliers and drop nothing", () => {
  // q1 = 11.25, q3 = 13.75, IQR 2.5: mild above 17.5, severe above 21.25.
  assert.deepEqual(tukeyOutliers([10, 11, 12, 13, 14, 30]), {
    lowSevere: 0,
    lowMild: 0,
    highMild: 0,
    highSevere: 1,
  });
  assert.deepEqual(tukeyOutliers([10, 11, 12, 13, 14, 19]), {
    lowSevere: 0,
    lowMild: 0,
    highMild: 1,
    highSevere: 0,
  });
  assert.deepEqual(
    tukeyOutliers([-20, 1, 11, 12, 13, 14]).lowSevere +
      tukeyOutliers([-20, 1, 11, 12, 13, 14]).lowMild,
    1,
  );
  assert.equal(summarize([10, 11, 12, 13, 14, 30]).count, 6);
});

Deno.test("mulberry32 matches its published first output for seed 1", () => {
  assert.equal(mulberry32(1)(), 0.6270739405881613);
});

Deno.test("bootstrap of a ratio of medians, computed by hand for seed 1", () => {
  // mulberry32(1) gives 0.627074, 0.002736, 0.527447, 0.981051, 0.968378,
  // 0.281104, 0.612839, 0.720743, 0.425797, 0.994823, ...
  // Resample 1: numerator indices floor(u * 3) = 1, 0, 1 -> [20, 10, 20], median 20;
  //             denominator indices floor(u * 2) = 1, 1 -> [2, 2], median 2; ratio 10.
  // Resample 2: numerator indices 0, 1, 2 -> [10, 20, 30], median 20;
  //             denominator indices 0, 1 -> [1, 2], median 1.5; ratio 13.333...
  assert.deepEqual([...bootstrapRatios([10, 20, 30], [1, 2], 2, 1)], [10, 20 / 1.5]);
  // Percentile interval of {10, 13.33} at 95%: type-7 quantiles at 0.025 and 0.975.
  const { estimate, interval } = bootstrapRatio([10, 20, 30], [1, 2], { resamples: 2, seed: 1 });
  assert.equal(estimate, 20 / 1.5);
  assert.ok(Math.abs(interval.low - (10 + 0.025 * (20 / 1.5 - 10))) < 1e-12);
  assert.ok(Math.abs(interval.high - (10 + 0.975 * (20 / 1.5 - 10))) < 1e-12);
});

Deno.test("bootstrap is reproducible and brackets the estimate", () => {
  const a = [400, 410, 390, 420, 405, 395, 415];
  const b = [3.1, 3.3, 3.2, 3.6, 3.0, 3.2, 3.25];
  const first = bootstrapRatio(a, b);
  assert.deepEqual(bootstrapRatio(a, b), first);
  assert.ok(first.interval.low <= first.estimate && first.estimate <= first.interval.high);
  assert.notDeepEqual(bootstrapRatio(a, b, { seed: 2 }).interval, first.interval);
  // Constant samples give a degenerate interval.
  assert.deepEqual(bootstrapRatio([4, 4, 4], [2, 2]).interval, { low: 2, high: 2, level: 0.95 });
});

Deno.test("two groups are found only when well separated and both sizeable", () => {
  assert.deepEqual(twoModes([2.4, 2.5, 2.6, 33, 34, 35, 36]), {
    low: { count: 3, median: 2.5 },
    high: { count: 4, median: 34.5 },
  });
  assert.equal(twoModes([10, 11, 12, 13, 14, 15]), null, "one group");
  assert.equal(
    twoModes([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100]),
    null,
    "one outlier is not a group",
  );
  assert.equal(twoModes([10, 11, 19]), null, "a ratio below 2 is not a gap");
});

Deno.test("relative half-width", () => {
  assert.equal(relativeHalfWidth({ low: 98, high: 102, level: 0.95 }, 100), 0.02);
  assert.equal(medianHalfWidth([1, 2, 3]), Infinity); // below 95% coverage
  assert.equal(medianHalfWidth([]), Infinity);
  // In an order with no lag-1 dependence, ranks 5 ± 3.58: [x(1), x(10)] around 5.5.
  assert.equal(medianHalfWidth([3, 8, 1, 6, 10, 2, 7, 4, 9, 5]), (10 - 1) / 2 / 5.5);
  // The same values in a trend: neighbours alike, too few effective trials for 95%.
  assert.equal(medianHalfWidth([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), Infinity);
});

const base: StoppingState = {
  trials: 10,
  runs: null,
  minTrials: 10,
  targetCi: 0.02,
  halfWidths: [0.01, 0.015],
  elapsedMs: 10_000,
  nextRoundMs: 1_000,
  budgetMs: 60_000,
};

Deno.test("stopping rule on synthetic states", () => {
  assert.equal(stoppingDecision(base), "target-reached");
  assert.equal(stoppingDecision({ ...base, trials: 9 }), null, "the minimum comes first");
  assert.equal(stoppingDecision({ ...base, trials: 9, elapsedMs: 100_000 }), null);
  assert.equal(
    stoppingDecision({ ...base, halfWidths: [0.01, 0.03] }),
    null,
    "one median not yet known",
  );
  assert.equal(stoppingDecision({ ...base, halfWidths: [0.01, Infinity] }), null);
  assert.equal(
    stoppingDecision({ ...base, halfWidths: [0.01, 0.03], elapsedMs: 59_500 }),
    "budget-spent",
    "the next round would end past the budget",
  );
  assert.equal(stoppingDecision({ ...base, halfWidths: [0.01, 0.03], elapsedMs: 58_000 }), null);
  assert.equal(stoppingDecision({ ...base, runs: 12 }), null, "a fixed count ignores the target");
  assert.equal(stoppingDecision({ ...base, runs: 10, halfWidths: [1, 1] }), "fixed-count");
  assert.equal(stoppingDecision({ ...base, trials: 10_000, halfWidths: [1, 1] }), "trial-limit");
});

Deno.test("stopping rule driven by synthetic samples: tight data stops, noisy data runs to the budget", () => {
  const tight = (n: number) => Array.from({ length: n }, (_, i) => 100 + (i % 3) * 0.5);
  const noisy = (n: number) => Array.from({ length: n }, (_, i) => 100 + ((i * 37) % 50));
  const decide = (n: number, series: (n: number) => number[], elapsedMs: number) =>
    stoppingDecision({ ...base, trials: n, halfWidths: [medianHalfWidth(series(n))], elapsedMs });
  assert.equal(decide(10, tight, 1_000), "target-reached");
  assert.equal(decide(10, noisy, 1_000), null);
  assert.equal(decide(40, noisy, 59_500), "budget-spent");
});
