import assert from "node:assert/strict";
import { median, quantile, summarize } from "../src/statistics.ts";

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

Deno.test("quantile refuses empty input and a q outside 0..1", () => {
  assert.throws(() => quantile([], 0.5), RangeError);
  assert.throws(() => quantile([1], 1.5), RangeError);
  assert.throws(() => summarize([]), RangeError);
});

Deno.test("summary against hand-computed values", () => {
  // mean 5, squared deviations 9+1+1+9 = 20, sample variance 20/3
  const s = summarize([2, 4, 6, 8]);
  assert.equal(s.count, 4);
  assert.equal(s.median, 5);
  assert.equal(s.mean, 5);
  assert.equal(s.min, 2);
  assert.equal(s.max, 8);
  assert.equal(s.p25, 3.5);
  assert.equal(s.p75, 6.5);
  assert.ok(Math.abs(s.stddev - Math.sqrt(20 / 3)) < 1e-12);
  assert.ok(Math.abs(s.cv - Math.sqrt(20 / 3) / 5) < 1e-12);
});

Deno.test("a single sample has no spread", () => {
  const s = summarize([7]);
  assert.equal(s.stddev, 0);
  assert.equal(s.cv, 0);
  assert.equal(s.p25, 7);
});

Deno.test("input order does not matter and is not changed", () => {
  const values = [9, 1, 5];
  assert.equal(median(values), 5);
  assert.deepEqual(values, [9, 1, 5]);
});
