/**
 * How often a "95%" interval of a median really covers it, on simulated trials
 * shaped like this VM's: log-normal noise that is independent, AR(1) with
 * ρ 0.5 and 0.75 (a drifting pipe), and a two-state Markov mixture (a ring
 * that flips between about 6 and 30 ns in blocks of about ten trials). Each
 * shape's true median is known in closed form, so coverage is a plain count
 * over seeded repetitions, with its Wilson interval. `deno task
 * stats:coverage` prints the table `docs/statistics.md` shows; a test checks
 * that the two agree.
 *
 * @module
 */

import { medianInterval, mulberry32 } from "./statistics.ts";
import { serialMedianInterval } from "./serial.ts";
import type { Interval } from "./serial.ts";
import { rate } from "./proportion.ts";
import type { Rate } from "./proportion.ts";

/** One simulated shape of trial times. */
export interface Shape {
  /** Its name in the table. */
  name: string;
  /** `n` trial times in measured order, drawn with `next` (uniform in [0, 1)). */
  draw(n: number, next: () => number): number[];
  /** The median of its stationary distribution: what an interval should cover. */
  median: number;
}

/** Standard normal draws from a uniform generator (Box-Muller, one of each pair). */
function gaussian(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** The standard normal distribution function (erf by Abramowitz and Stegun 7.1.26). */
function phi(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const erf = 1 - t * (0.254829592 +
        t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
      Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Log-normal trial times around `centre` ns whose logs are an AR(1) process with lag-1
 * correlation `rho` and marginal standard deviation `sigma`, started in its stationary state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ar1Shape } from "./coverage.ts";
 * import { mulberry32 } from "./statistics.ts";
 * const shape = ar1Shape(0.5);
 * assert.equal(shape.median, 6);
 * assert.equal(shape.draw(26, mulberry32(1)).length, 26);
 * ```
 */
export function ar1Shape(rho: number, sigma = 0.1, centre = 6): Shape {
  return {
    name: rho === 0 ? "independent" : `AR(1), ρ ${rho}`,
    median: centre,
    draw(n, next) {
      const z = gaussian(next);
      let x = z();
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        out.push(centre * Math.exp(sigma * x));
        x = rho * x + Math.sqrt(1 - rho * rho) * z();
      }
      return out;
    },
  };
}

/**
 * A machine that flips between a fast state (`fast` ns) and a slow one (`slow` ns), a Markov
 * chain that stays slow for `slowBlock` trials on average and is slow for `slowShare` of the
 * time, with log-normal noise of `sigma` in each state, started in its stationary state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { twoStateShape } from "./coverage.ts";
 * import { mulberry32 } from "./statistics.ts";
 * const shape = twoStateShape(0.3);
 * assert.ok(shape.median > 6 && shape.median < 6.3); // within the fast state, above its middle
 * const trials = shape.draw(1000, mulberry32(2));
 * const slow = trials.filter((ns) => ns > 15).length;
 * assert.ok(slow > 200 && slow < 400);
 * ```
 */
export function twoStateShape(
  slowShare: number,
  slowBlock = 10,
  fast = 6,
  slow = 30,
  sigma = 0.05,
): Shape {
  const leaveSlow = 1 / slowBlock;
  const leaveFast = (leaveSlow * slowShare) / (1 - slowShare);
  // The mixture's distribution function is monotone: bisect for its median on the log scale.
  const cdf = (m: number) =>
    (1 - slowShare) * phi(Math.log(m / fast) / sigma) + slowShare * phi(Math.log(m / slow) / sigma);
  let [low, high] = [Math.log(fast) - 10 * sigma, Math.log(slow) + 10 * sigma];
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (cdf(Math.exp(mid)) < 0.5) low = mid;
    else high = mid;
  }
  return {
    name: `two states ${fast}/${slow} ns, ${
      Math.round(slowShare * 100)
    }% slow, blocks ~${slowBlock}`,
    median: Math.exp((low + high) / 2),
    draw(n, next) {
      const z = gaussian(next);
      let isSlow = next() < slowShare;
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        out.push((isSlow ? slow : fast) * Math.exp(sigma * z()));
        if (next() < (isSlow ? leaveSlow : leaveFast)) isSlow = !isSlow;
      }
      return out;
    },
  };
}

/** The shapes `docs/statistics.md` reports on. */
export const VM_SHAPES: readonly Shape[] = [
  ar1Shape(0),
  ar1Shape(0.5),
  ar1Shape(0.75),
  twoStateShape(0.2),
  twoStateShape(0.3),
];

/** An interval method under test: values in measured order to a 95% interval of their median. */
export type IntervalMethod = (values: readonly number[]) => Interval;

/** The two methods the table sets side by side. */
export const INTERVAL_METHODS: Readonly<Record<string, IntervalMethod>> = {
  "independent trials (order statistics)": medianInterval,
  "serial dependence (the kit's)": serialMedianInterval,
};

/**
 * How often `method` covers `shape`'s median over `repetitions` runs of `n` trials (seeded).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ar1Shape, coverage } from "./coverage.ts";
 * import { medianInterval } from "./statistics.ts";
 * import { serialMedianInterval } from "./serial.ts";
 * const drifting = ar1Shape(0.75);
 * assert.ok(coverage(drifting, 26, medianInterval, 400, 1).rate < 0.8);
 * assert.ok(coverage(drifting, 26, serialMedianInterval, 400, 1).rate > 0.93);
 * ```
 */
export function coverage(
  shape: Shape,
  n: number,
  method: IntervalMethod,
  repetitions: number,
  seed: number,
): Rate {
  const next = mulberry32(seed);
  let hits = 0;
  for (let r = 0; r < repetitions; r++) {
    const { low, high } = method(shape.draw(n, next));
    if (low <= shape.median && shape.median <= high) hits++;
  }
  return rate(hits, repetitions);
}

/** One line of the coverage table. */
export interface CoverageRow {
  /** The shape's name. */
  shape: string;
  /** Trials per simulated run. */
  n: number;
  /** Coverage of each method, by the method's name. */
  coverage: Record<string, Rate>;
}

/** The table's defaults: run lengths and repetitions. */
export const COVERAGE_DEFAULTS = { sizes: [16, 26, 50, 100], repetitions: 2000, seed: 1 } as const;

/**
 * The coverage table: every shape at every run length, each method on the same simulated runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { coverageTable, VM_SHAPES } from "./coverage.ts";
 * const rows = coverageTable({ sizes: [26], repetitions: 50, shapes: VM_SHAPES.slice(0, 1) });
 * assert.equal(rows.length, 1);
 * assert.equal(Object.keys(rows[0].coverage).length, 2);
 * ```
 */
export function coverageTable(
  options: {
    sizes?: readonly number[];
    repetitions?: number;
    seed?: number;
    shapes?: readonly Shape[];
  } = {},
): CoverageRow[] {
  const {
    sizes = COVERAGE_DEFAULTS.sizes,
    repetitions = COVERAGE_DEFAULTS.repetitions,
    seed = COVERAGE_DEFAULTS.seed,
    shapes = VM_SHAPES,
  } = options;
  return shapes.flatMap((shape, s) =>
    sizes.map((n) => ({
      shape: shape.name,
      n,
      coverage: Object.fromEntries(
        Object.entries(INTERVAL_METHODS).map((
          [name, method],
        ) => [name, coverage(shape, n, method, repetitions, seed + 1000 * s + n)]),
      ),
    }))
  );
}
