/**
 * The figures a report derives from its trials, on write and again on read:
 * a result's summaries and interval width, and the comparisons within one
 * report (each transport over the ring, deno over native, build B over build
 * A), paired per round where the series share rounds.
 *
 * @module
 */

import { cellKey, seriesKey, transportLabel } from "../plan/series.ts";
import { bootstrapRatio, relativeHalfWidth, summarize } from "../stats/statistics.ts";
import { pairedRatio } from "../stats/serial.ts";
import type { Comparison, Report, ResultEntry, Sample } from "./report.ts";

/**
 * The relative half-width of a result's median CI (Infinity below 95% coverage).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { halfWidth } from "./derived.ts";
 * const { median, medianCi } = report.results[0].nsPerItem;
 * assert.equal(halfWidth(report.results[0]), medianCi.level < 0.95 ? Infinity : (medianCi.high - medianCi.low) / 2 / median);
 * ```
 */
export function halfWidth(result: ResultEntry): number {
  const ci = result.nsPerItem.medianCi;
  return ci.level < 0.95 ? Infinity : relativeHalfWidth(ci, result.nsPerItem.median);
}

/**
 * The figures a result entry derives from its timed trials: summaries of wall
 * and CPU time, context switches and throughput. Reports of every schema
 * version keep their trials, so these can always be computed again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { trialFigures } from "./derived.ts";
 * const entry = report.results[1]; // the pipe stream
 * const figures = trialFigures(entry.samples, entry.sizeBytes);
 * assert.deepEqual(figures.nsPerItem, entry.nsPerItem); // what a reader computes is what was written
 * assert.equal(figures.throughput.perSecond, 1e9 / entry.nsPerItem.median);
 * ```
 */
export function trialFigures(
  samples: Sample[],
  sizeBytes: number,
): Pick<ResultEntry, "nsPerItem" | "cpuNsPerItem" | "switchesPerItem" | "throughput"> {
  const switches = samples.map((s) =>
    (s.producer.voluntarySwitches + s.producer.involuntarySwitches +
      s.consumer.voluntarySwitches + s.consumer.involuntarySwitches) / s.iterations
  );
  const nsPerItem = summarize(samples.map((s) => s.nsPerItem));
  return {
    nsPerItem,
    cpuNsPerItem: summarize(samples.map((s) => s.cpuNsPerItem)),
    switchesPerItem: summarize(switches).median,
    throughput: {
      perSecond: 1e9 / nsPerItem.median,
      bytesPerSecond: (1e9 / nsPerItem.median) * sizeBytes,
    },
  };
}

/**
 * A result's comparison with the ring of its cell (`pipe/shm` for the pipe), or undefined for the
 * ring itself; with several deno ring cadences, the first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { ringComparison } from "./derived.ts";
 * const [ring, pipe] = report.results;
 * assert.equal(ringComparison(report, pipe)?.name, "pipe/shm");
 * assert.equal(ringComparison(report, ring), undefined); // the ring itself
 * ```
 */
export function ringComparison(report: Report, r: ResultEntry): Comparison | undefined {
  return report.comparisons.find((c) =>
    c.name !== "deno/native" && c.variants === undefined && c.numerator === r.transport &&
    cellKey(c) === cellKey(r)
  );
}

/** Where a comparison sits: mode, size, placement, depth (file server) and engine (not native). */
function cellOf(
  r: ResultEntry,
): Pick<Comparison, "mode" | "sizeBytes" | "placement" | "queueDepth" | "engine"> {
  return {
    mode: r.mode,
    sizeBytes: r.sizeBytes,
    placement: r.placement,
    ...(r.queueDepth === undefined ? {} : { queueDepth: r.queueDepth }),
    ...(r.engine === "native" ? {} : { engine: r.engine }),
  };
}

/**
 * Every transport against `shm` in the same mode, size and placement, and the deno engine against
 * the native loops: per-round ratios where the series share rounds ({@link seriesRatio}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { compareWithRing } from "./derived.ts";
 * const comparisons = compareWithRing(report.results);
 * assert.deepEqual(comparisons.map((c) => [c.name, c.mode, c.pairs]), [
 *   ["pipe/shm", "stream", 15],
 *   ["pipe/shm", "pingpong", 15],
 * ]);
 * ```
 */
export function compareWithRing(results: ResultEntry[]): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const ring of results.filter((r) => r.transport === "shm")) {
    const peers = results.filter((r) =>
      r.transport !== ring.transport && cellKey(r) === cellKey(ring)
    );
    for (const r of peers) {
      comparisons.push({
        name: `${r.transport}/${ring.transport}`,
        numerator: r.transport,
        denominator: transportLabel(ring),
        ...cellOf(r),
        ...(r.variant === undefined ? {} : { variant: r.variant }),
        ...seriesRatio(r, ring),
      });
    }
  }
  comparisons.push(...compareVariants(results));
  // The deno engine against the native loops, transport by transport.
  for (const deno of results.filter((r) => r.engine === "deno")) {
    const native = results.find((r) =>
      r.engine === "native" && r.transport === deno.transport &&
      cellKey(r) === cellKey({ ...deno, engine: "native" })
    );
    if (native === undefined) continue;
    comparisons.push({
      name: "deno/native",
      numerator: transportLabel(deno),
      denominator: `${native.transport} (native)`,
      mode: deno.mode,
      sizeBytes: deno.sizeBytes,
      placement: deno.placement,
      ...(deno.variant === undefined ? {} : { variant: deno.variant }),
      ...seriesRatio(deno, native),
    });
  }
  return comparisons;
}

/**
 * Every build of a `--variant` run against the first (A), series by series: B over A as the
 * median of their per-round ratios, with the interval of {@link pairedRatio} (the builds ran in
 * the same rounds, one trial each).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareVariants } from "./derived.ts";
 * const trials = (ns: number[]) => ns.map((nsPerItem) => ({ nsPerItem }));
 * const series = { transport: "shm", engine: "native" as const, mode: "stream" as const, sizeBytes: 8, placement: "cross" as const };
 * // The machine flips between 6 and 30 ns; b is 10% slower in every round.
 * const a = { ...series, variant: "a", samples: trials([6, 30, 6, 6, 30, 30, 6, 6, 30, 6]) };
 * const b = { ...series, variant: "b", samples: trials([6.6, 33, 6.6, 6.6, 33, 33, 6.6, 6.6, 33, 6.6]) };
 * const [c] = compareVariants([a, b] as Parameters<typeof compareVariants>[0]);
 * assert.deepEqual([c.name, c.numerator, c.denominator, c.pairs], ["b/a", "shm [b]", "shm [a]", 10]);
 * assert.ok(Math.abs(c.ratio - 1.1) < 1e-9 && c.ci.low <= 1.1 && c.ci.high >= 1.1);
 * ```
 */
export function compareVariants(results: ResultEntry[]): Comparison[] {
  const labels = [...new Set(results.map((r) => r.variant).filter((v) => v !== undefined))];
  if (labels.length < 2) return [];
  const [first] = labels;
  const comparisons: Comparison[] = [];
  for (const a of results.filter((r) => r.variant === first)) {
    const sameSeries = seriesKey({ ...a, variant: undefined });
    for (const b of results) {
      if (b.variant === undefined || b.variant === first) continue;
      if (seriesKey({ ...b, variant: undefined }) !== sameSeries) continue;
      comparisons.push({
        name: `${b.variant}/${first}`,
        numerator: transportLabel(b),
        denominator: transportLabel(a),
        ...cellOf(a),
        variants: [b.variant, first],
        ...seriesRatio(b, a),
      });
    }
  }
  return comparisons;
}

/**
 * One series over another, per round where they share rounds ({@link pairedRatio}), else the
 * ratio of their medians with a bootstrap interval of both sides.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesRatio } from "./derived.ts";
 * const trials = (ns: number[]) => ({ samples: ns.map((nsPerItem) => ({ nsPerItem })) });
 * const ring = trials([6, 30, 6, 30, 6, 6, 30, 6]);
 * const pipe = trials([480, 2400, 480, 2400, 480, 480, 2400, 480]);
 * assert.deepEqual([seriesRatio(pipe, ring).ratio, seriesRatio(pipe, ring).pairs], [80, 8]);
 * assert.equal(seriesRatio(trials([480, 480]), ring).pairs, 0); // not the same rounds
 * ```
 */
export function seriesRatio(
  numerator: { samples: readonly { nsPerItem: number }[] },
  denominator: { samples: readonly { nsPerItem: number }[] },
): Pick<Comparison, "ratio" | "ci" | "pairs" | "lag1"> {
  const a = numerator.samples.map((s) => s.nsPerItem);
  const b = denominator.samples.map((s) => s.nsPerItem);
  if (a.length === b.length && a.length > 0) {
    const { estimate, interval, pairs, lag1 } = pairedRatio(a, b);
    return { ratio: estimate, ci: interval, pairs, lag1 };
  }
  const { estimate, interval } = bootstrapRatio(a, b);
  return { ratio: estimate, ci: interval, pairs: 0, lag1: null };
}
