/**
 * Two builds of the loops in one run (`--variant`): B over A for every
 * series, and what it says at the run's equivalence margin.
 *
 * The builds ran in the same rounds, a trial of each per round, so each round
 * gives one ratio B/A measured in one machine state; the figure is the median
 * of those ratios and its interval allows for rounds that depend on their
 * neighbours (`../stats/serial.ts`). The verdict is symmetric in log terms:
 * "the same" when the whole interval lies within a factor of 1 + margin of
 * 1 either way, "faster" or "slower" when it excludes 1 and is not all
 * inside that band, "inconclusive" otherwise.
 *
 * @module
 */

import { DEFAULTS } from "../plan/defaults.ts";
import { formatSize } from "../plan/series.ts";
import type { Interval } from "../stats/statistics.ts";
import type { Comparison, Report } from "./report.ts";

/** What an interval of B/A says at a margin. */
export type BuildVerdict = "faster" | "slower" | "the same" | "inconclusive";

/**
 * The verdict on an interval of B/A at an equivalence margin (a fraction): the same within
 * ±margin when the interval lies in [1/(1+margin), 1+margin]; faster (slower) when it lies
 * below (above) 1 and not all within that band; inconclusive when it holds 1 and reaches past
 * the band, or is not a 95% interval.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildVerdict } from "./variants.ts";
 * const ci = (low: number, high: number) => ({ low, high, level: 0.95 });
 * assert.equal(buildVerdict(ci(0.99, 1.01), 0.02), "the same");
 * assert.equal(buildVerdict(ci(0.985, 0.995), 0.02), "the same"); // a difference, but within 2%
 * assert.equal(buildVerdict(ci(0.90, 0.97), 0.02), "faster");
 * assert.equal(buildVerdict(ci(1.05, 1.30), 0.02), "slower");
 * assert.equal(buildVerdict(ci(0.97, 1.04), 0.02), "inconclusive");
 * // Symmetric in log terms: 1/1.02 is inside the band exactly as 1.02 is.
 * assert.equal(buildVerdict(ci(1 / 1.02, 1.02), 0.02), "the same");
 * ```
 */
export function buildVerdict(ci: Interval, margin: number): BuildVerdict {
  if (ci.level < 0.95) return "inconclusive";
  const tolerance = 1e-12; // a band edge computed as 1/(1+m) must count as inside
  if (ci.low >= 1 / (1 + margin) - tolerance && ci.high <= 1 + margin + tolerance) {
    return "the same";
  }
  if (ci.high < 1) return "faster";
  if (ci.low > 1) return "slower";
  return "inconclusive";
}

/** One comparison of two builds, with its verdict and its sentence. */
export interface VariantLine {
  /** B over A. */
  comparison: Comparison;
  /** What its interval says at the run's margin. */
  verdict: BuildVerdict;
  /**
   * `shm stream 8 B cross: clang over gcc 0.973x (95% CI 0.951-0.990), paired over 12 rounds:
   * faster`.
   */
  line: string;
}

/** A factor of two builds, to three decimals: `0.973`. */
const factor = (x: number) => x.toFixed(3);

/**
 * The comparisons of a `--variant` run's builds, each against the first, with their verdicts at
 * the run's margin (`parameters.margin`, default 2%): one per series and later build.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { variantLines } from "./variants.ts";
 * import { loadReport } from "./schema.ts";
 * // A run of one build has none.
 * assert.deepEqual(variantLines(await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname)), []);
 * ```
 */
export function variantLines(report: Report): VariantLine[] {
  const margin = report.parameters.margin ?? DEFAULTS.margin;
  return report.comparisons.filter((c) => c.variants !== undefined).map((comparison) => {
    const [b, a] = comparison.variants!;
    const { ratio, ci, pairs } = comparison;
    const verdict = buildVerdict(ci, margin);
    const interval = ci.level < 0.95
      ? "no 95% interval yet"
      : `95% CI ${factor(ci.low)}-${factor(ci.high)}`;
    const where = `${comparison.denominator.replace(/ \[[^\]]*\]$/, "")} ${comparison.mode}${
      comparison.queueDepth === undefined ? "" : ` depth ${comparison.queueDepth}`
    } ${formatSize(comparison.sizeBytes)} ${comparison.placement}`;
    return {
      comparison,
      verdict,
      line: `${where}: ${b} over ${a} ${factor(ratio)}x (${interval}), paired over ${pairs} ` +
        `rounds: ${verdict === "the same" ? `the same within ±${marginText(margin)}` : verdict}`,
    };
  });
}

/** A margin as people write it: `2%`, `0.5%`. */
export function marginText(margin: number): string {
  return `${Number((margin * 100).toPrecision(3))}%`;
}
