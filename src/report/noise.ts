/**
 * A run's own noise: each series' timed trials split into neighbouring pairs
 * (an A/A comparison of the run with itself), and the band in log terms that
 * a change must clear before this run alone can tell it from noise.
 *
 * @module
 */

import { NOISE_METHOD } from "./methods.ts";
import { seriesFields } from "./report.ts";
import type { NoiseBand, ResultEntry } from "./report.ts";
import { pairedRatio } from "../stats/serial.ts";
import type { Interval } from "../stats/serial.ts";

/**
 * The A/A check of one series: its timed trials paired with their neighbours (1st with 2nd, 3rd
 * with 4th, ...), the median of the ratios with its interval; null below 4 trials. The band is
 * symmetric in log terms: a CI reaching down to 0.8 is as far from 1 as one reaching up to 1.25.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { withinRunNoise } from "./noise.ts";
 * const aa = withinRunNoise(report.results[0])!; // the ring stream, its trials split in pairs
 * assert.ok(aa.ci.low <= aa.ratio && aa.ratio <= aa.ci.high);
 * assert.ok(aa.band >= Math.abs(Math.log(aa.ci.low)) - 1e-9); // changes under the band are noise
 * assert.equal(withinRunNoise({ samples: report.results[0].samples.slice(0, 3) }), null);
 * ```
 */
export function withinRunNoise(
  r: Pick<ResultEntry, "samples">,
): { ratio: number; ci: Interval; band: number } | null {
  const values = r.samples.map((s) => s.nsPerItem);
  if (values.length < 4) return null;
  const pairs = Math.floor(values.length / 2);
  const even = values.filter((_, i) => i % 2 === 0).slice(0, pairs);
  const odd = values.filter((_, i) => i % 2 === 1).slice(0, pairs);
  const { estimate, interval } = pairedRatio(even, odd);
  return { ratio: estimate, ci: interval, band: logBand(interval) };
}

/**
 * The A/A noise band of a set of results.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { noiseBand } from "./noise.ts";
 * const noise = noiseBand(report.results);
 * assert.equal(noise.series.length, 4);
 * assert.equal(noise.band, Math.max(...noise.series.map((s) => Math.exp(Math.max(-Math.log(s.ci.low), Math.log(s.ci.high))) - 1)));
 * ```
 */
export function noiseBand(results: ResultEntry[]): NoiseBand {
  const series: NoiseBand["series"] = [];
  for (const r of results) {
    const aa = withinRunNoise(r);
    if (aa === null) continue;
    series.push({
      ...seriesFields(r),
      ratio: aa.ratio,
      ci: aa.ci,
    });
  }
  const band = series.length === 0 ? null : Math.max(...series.map((s) => logBand(s.ci)));
  return { method: NOISE_METHOD, band, series };
}

/**
 * How far an interval of a ratio reaches from 1, symmetric in log terms: the `t` with
 * `[1/(1+t), 1+t]` just holding the interval.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logBand } from "./noise.ts";
 * assert.equal(logBand({ low: 0.8, high: 1.1, level: 0.95 }).toFixed(3), "0.250");
 * assert.equal(logBand({ low: 0.95, high: 1.2, level: 0.95 }).toFixed(3), "0.200");
 * ```
 */
export function logBand(ci: Interval): number {
  return Math.exp(Math.max(Math.abs(Math.log(ci.low)), Math.abs(Math.log(ci.high)))) - 1;
}
