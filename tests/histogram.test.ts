import assert from "node:assert/strict";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import {
  bucketBounds,
  bucketIndex,
  HISTOGRAM_BUCKETS,
  histogramOf,
  histogramPercentile,
  latencySummary,
  mergeHistograms,
  toSparse,
} from "../src/stats/histogram.ts";

Deno.test("buckets: exact below 256 ns, then 128 per power of two", () => {
  assert.equal(bucketIndex(0), 0);
  assert.equal(bucketIndex(255), 255);
  assert.equal(bucketIndex(256), 256);
  assert.equal(bucketIndex(257), 256); // [256, 258) is one bucket
  assert.equal(bucketIndex(258), 257);
  assert.equal(bucketIndex(511), 383);
  assert.equal(bucketIndex(512), 384);
  assert.equal(bucketIndex(2 ** 41 - 1), HISTOGRAM_BUCKETS - 1);
  assert.equal(bucketIndex(2 ** 50), HISTOGRAM_BUCKETS - 1, "longer values are clamped");
  assert.deepEqual(bucketBounds(100), { low: 100, high: 101 });
  assert.deepEqual(bucketBounds(256), { low: 256, high: 258 });
  assert.deepEqual(bucketBounds(384), { low: 512, high: 516 });
});

Deno.test("every bucket holds the values that map to it, and is at most 1/128 of them wide", () => {
  for (let index = 0; index < HISTOGRAM_BUCKETS; index += 7) {
    const { low, high } = bucketBounds(index);
    assert.equal(bucketIndex(low), index);
    assert.equal(bucketIndex(high - 1), index);
    // Fractions too, on both sides of 2^32 ns, where bucketIndex leaves integer arithmetic.
    assert.equal(bucketIndex(high - 0.5), index);
    if (low >= 256) assert.ok((high - low) / low <= 1 / 128);
  }
});

Deno.test("the shim's C bucket function agrees with this one", async () => {
  using shim = Shim.open((await buildShim()).libraryPath);
  assert.equal(shim.symbols.rp_hist_buckets(), HISTOGRAM_BUCKETS);
  const values = [
    0,
    1,
    255,
    256,
    257,
    511,
    512,
    1000,
    65_535,
    65_536,
    1e6,
    123_456_789,
    2 ** 40,
    2 ** 41 - 1,
    2 ** 45,
  ];
  for (let v = 1; v < 2 ** 42; v = Math.floor(v * 1.37) + 1) values.push(v, v - 1);
  for (const v of values) {
    assert.equal(shim.symbols.rp_hist_index(BigInt(v)), bucketIndex(v), `value ${v}`);
  }
});

Deno.test("recording and merging known data", () => {
  const a = histogramOf([5, 5, 300]);
  assert.deepEqual(a, [[5, 2], [278, 1]]);
  const b = histogramOf([5, 1000]);
  assert.deepEqual(mergeHistograms(a, b), [[5, 3], [278, 1], [bucketIndex(1000), 1]]);
  assert.deepEqual(mergeHistograms(), []);
  const dense = new BigUint64Array(HISTOGRAM_BUCKETS);
  dense[5] = 2n;
  dense[278] = 1n;
  assert.deepEqual(toSparse(dense), a);
});

Deno.test("percentiles by nearest rank, as bucket midpoints clamped to the exact extremes", () => {
  // 1..100 ns: every value has its own bucket, so percentiles are exact.
  const hundred = histogramOf(Array.from({ length: 100 }, (_, i) => i + 1));
  assert.equal(histogramPercentile(hundred, 50), 50);
  assert.equal(histogramPercentile(hundred, 90), 90);
  assert.equal(histogramPercentile(hundred, 99), 99);
  assert.equal(histogramPercentile(hundred, 99.9), 100);
  assert.equal(histogramPercentile(hundred, 0), 1);
  // Above 256 ns a bucket's midpoint stands for its values.
  const wide = histogramOf([1000, 1001, 1002, 5000]);
  assert.equal(histogramPercentile(wide, 50), 1001.5); // bucket [1000, 1004)
  assert.equal(histogramPercentile(wide, 100, { min: 1000, max: 5000 }), 5000); // [4992, 5024) has midpoint 5007.5, clamped to the exact max
  assert.throws(() => histogramPercentile([], 50), RangeError);
});

Deno.test("a latency summary of a heavy tail", () => {
  const values = [...Array(9990).fill(200), ...Array(10).fill(20_000)];
  const summary = latencySummary(histogramOf(values), {
    min: 200,
    max: 20_000,
    sum: values.reduce((a, b) => a + b, 0),
  });
  assert.equal(summary.count, 10_000);
  assert.equal(summary.min, 200);
  assert.equal(summary.p50, 200);
  assert.equal(summary.p99, 200);
  assert.equal(summary.p999, 200); // rank 9990 is the last fast one
  assert.ok(Math.abs(summary.p9999 - 20_000) / 20_000 < 1 / 128);
  assert.equal(summary.max, 20_000);
  assert.equal(summary.mean, (9990 * 200 + 10 * 20_000) / 10_000);
});

Deno.test("TSC ticks become ns with the trial's ratio: extremes and sum exactly, each bucket by its middle", async () => {
  const { ResultField, HISTOGRAM_BUCKETS } = await import("../ffi/symbols.ts");
  using shim = Shim.open((await buildShim()).libraryPath);
  for (const nsPerTick of [1 / 2.6, 2]) {
    const out = new BigUint64Array(ResultField.FIELDS);
    const hist = new BigUint64Array(HISTOGRAM_BUCKETS);
    const ticks = [100, 2_600, 2_600, 26_000, 260_000];
    for (const t of ticks) hist[bucketIndex(t)]++;
    out[ResultField.LAT_MIN] = 100n;
    out[ResultField.LAT_MAX] = 260_000n;
    out[ResultField.LAT_SUM] = BigInt(ticks.reduce((a, b) => a + b, 0));
    shim.symbols.rp_ticks_to_ns_test(out, hist, nsPerTick);
    assert.equal(out[ResultField.LAT_MIN], BigInt(Math.round(100 * nsPerTick)));
    assert.equal(out[ResultField.LAT_MAX], BigInt(Math.round(260_000 * nsPerTick)));
    assert.equal(out[ResultField.LAT_SUM], BigInt(Math.round(291_300 * nsPerTick)));
    const counts = new Map<number, number>();
    hist.forEach((c, b) => {
      if (c > 0n) counts.set(b, Number(c));
    });
    assert.equal([...counts.values()].reduce((a, b) => a + b, 0), 5, "no count lost or doubled");
    for (const t of ticks) {
      // Each lands within a bucket's width (0.8%) of its value in ns.
      const ns = t * nsPerTick;
      const near = [...counts.keys()].some((b) =>
        Math.abs(bucketBounds(b).low - ns) <= ns * 0.01 + 1
      );
      assert.ok(near, `${t} ticks (${ns} ns) not found in ${[...counts.keys()]}`);
    }
  }
});
