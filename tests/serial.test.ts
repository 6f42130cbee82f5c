import assert from "node:assert/strict";
import { seriesRatio } from "../src/report/derived.ts";
import { ar1Shape, coverage, twoStateShape } from "../src/stats/coverage.ts";
import { pairedRatio, serialMedianInterval, unpairedRatio } from "../src/stats/serial.ts";
import { medianInterval, mulberry32 } from "../src/stats/statistics.ts";

const trials = (ns: number[]) => ({ samples: ns.map((nsPerItem) => ({ nsPerItem })) });

Deno.test("paired ratios cancel the machine's state; a ratio of medians does not", () => {
  // Constructed: the ring flips between 6 and 30 ns and the pipe feels the same state in its
  // round (x80), except in a few rounds where the pipe trial lands in the other state.
  const ring = [6, 6, 30, 30, 30, 6, 6, 6, 30, 6, 6, 30, 30, 6, 6, 6, 6, 30, 30, 6];
  const pipe = ring.map((ns) => ns * 80);
  pipe[2] = 6 * 80; // this round's pipe trial ran in the fast state
  const paired = seriesRatio(trials(pipe), trials(ring));
  assert.equal(paired.ratio, 80);
  assert.equal(paired.pairs, 20);
  assert.ok(paired.ci.low <= 80 && paired.ci.high >= 80);
  // The unpaired ratio of medians answers another question and moves with the mix of states.
  const unpaired = seriesRatio(trials(pipe), trials(ring.slice(1)));
  assert.equal(unpaired.pairs, 0);
  assert.equal(unpaired.lag1, null);
  // Per round, order matters: the i-th of each.
  const swapped = pairedRatio([2, 4], [1, 2]);
  assert.equal(swapped.estimate, 2);
  assert.throws(() => pairedRatio([1, 2, 3], [1, 2]), /must match/);
  assert.throws(() => pairedRatio([], []), RangeError);
});

Deno.test("the serial interval is wider for dependent trials and never narrower than independence", () => {
  const next = mulberry32(3);
  for (const shape of [ar1Shape(0), ar1Shape(0.75), twoStateShape(0.3)]) {
    for (let k = 0; k < 50; k++) {
      const values = shape.draw(40, next);
      const serial = serialMedianInterval(values);
      const iid = medianInterval(values);
      assert.ok(serial.low <= iid.low && serial.high >= iid.high, shape.name);
    }
  }
  // Too few values for 95%: the range, with the level it reaches said.
  const few = serialMedianInterval([5, 1, 3]);
  assert.deepEqual([few.low, few.high], [1, 5]);
  assert.ok(few.level < 0.95 && few.level > 0);
  assert.throws(() => serialMedianInterval([]), RangeError);
});

Deno.test("the simulation is what it says: AR(1) drifts, the old interval under-covers it", () => {
  const drifting = ar1Shape(0.75);
  const old = coverage(drifting, 26, medianInterval, 500, 9);
  const kit = coverage(drifting, 26, serialMedianInterval, 500, 9);
  assert.ok(old.ci.high < 0.85, `old ${old.rate}`);
  assert.ok(kit.ci.low > 0.93, `kit ${kit.rate}`);
});

Deno.test("an unpaired ratio's interval holds both sides' uncertainty", () => {
  const a = [100, 101, 99, 100, 102, 98, 100, 101, 99, 100, 100, 101];
  const steady = unpairedRatio(a.map((v) => v * 2), a);
  assert.equal(steady.estimate, 2);
  const wide = unpairedRatio(a.map((v, i) => v * (i % 2 ? 1.5 : 2.5)), a);
  assert.ok(wide.interval.high - wide.interval.low > steady.interval.high - steady.interval.low);
  assert.throws(() => unpairedRatio([], a), RangeError);
});
