/**
 * Comparing two reports: for every series present in both, the ratio B/A of
 * the medians with a bootstrap CI from the per-trial figures, a Mann-Whitney
 * U p-value, and a verdict that only calls a change real when the whole CI
 * lies outside a threshold (and outside either run's own A/A noise band).
 *
 * @module
 */

import { formatNs, formatPercent, textTable } from "./format.ts";
import { markdownTable } from "./markdown.ts";
import type { Report, ResultEntry } from "./report.ts";
import { formatSize, transportLabel } from "./series.ts";
import { bootstrapRatio, mannWhitney } from "./statistics.ts";
import type { Interval } from "./statistics.ts";

/** What a comparison decided for one series. */
export type Verdict = "faster" | "slower" | "within noise";

/** One series compared. */
export interface ComparisonRow {
  /** The transport's name. */
  transport: string;
  /** Which code ran the loops (`native`). */
  engine: string;
  /** Deno engine rings: the publication cadence. */
  publishEvery?: number;
  /** Stream, ping-pong or file server. */
  mode: string;
  /** Bytes per message (per reply for the file server). */
  sizeBytes: number;
  /** Where the two processes ran. */
  placement: string;
  /** Medians (ns per message or round trip) in A and B. */
  a: number;
  /** B's median, ns per message, round trip or request. */
  b: number;
  /** Timed trials in A. */
  trialsA: number;
  /** Timed trials in B. */
  trialsB: number;
  /** B's median over A's: below 1 is faster. */
  ratio: number;
  /** Its 95% bootstrap confidence interval. */
  ci: Interval;
  /** Two-sided Mann-Whitney U p-value of the per-trial figures. */
  p: number;
  /** The threshold this row was judged against: the asked one, or a wider A/A band. */
  threshold: number;
  /** Faster, slower or within noise. */
  verdict: Verdict;
}

/** Fewer timed trials than this on either side earn a warning. */
export const MIN_COMPARABLE_TRIALS = 9;

const key = (
  r: Pick<
    ResultEntry,
    "transport" | "engine" | "publishEvery" | "mode" | "sizeBytes" | "placement"
  >,
) => `${transportLabel(r)} ${r.mode} ${r.sizeBytes} ${r.placement}`;

/** The A/A distance of a series in a report (how far from 1 its half/half CI reached), or 0. */
function noiseOf(report: Report, r: ResultEntry): number {
  const s = report.noise.series.find((n) =>
    transportLabel(n) === transportLabel(r) && n.mode === r.mode &&
    n.sizeBytes === r.sizeBytes && n.placement === r.placement
  );
  return s === undefined ? 0 : Math.max(Math.abs(s.ci.low - 1), Math.abs(s.ci.high - 1));
}

/**
 * The verdict for a ratio's CI against a threshold.
 *
 * @example
 * ```ts
 * import { verdictFor } from "./compare.ts";
 * console.log(verdictFor({ low: 0.80, high: 0.90, level: 0.95 }, 0.05)); // "faster"
 * console.log(verdictFor({ low: 0.97, high: 1.04, level: 0.95 }, 0.05)); // "within noise"
 * ```
 */
export function verdictFor(ci: Interval, threshold: number): Verdict {
  if (ci.high < 1 - threshold) return "faster";
  if (ci.low > 1 + threshold) return "slower";
  return "within noise";
}

/**
 * Compares every series present in both reports; `threshold` is a fraction (0.05 for ±5%).
 *
 * @example
 * ```ts ignore
 * import { compareReports } from "./compare.ts";
 * const { rows, warnings } = compareReports(previous, latest, 0.05);
 * ```
 */
export function compareReports(a: Report, b: Report, threshold: number): {
  rows: ComparisonRow[];
  warnings: string[];
} {
  const rows: ComparisonRow[] = [];
  const warnings: string[] = [];
  for (const ra of a.results) {
    const rb = b.results.find((r) => key(r) === key(ra));
    if (rb === undefined) continue;
    const va = ra.samples.map((s) => s.nsPerItem);
    const vb = rb.samples.map((s) => s.nsPerItem);
    const { estimate, interval } = bootstrapRatio(vb, va);
    const t = Math.max(threshold, noiseOf(a, ra), noiseOf(b, rb));
    rows.push({
      transport: ra.transport,
      engine: ra.engine,
      ...(ra.publishEvery === undefined ? {} : { publishEvery: ra.publishEvery }),
      mode: ra.mode,
      sizeBytes: ra.sizeBytes,
      placement: ra.placement,
      a: ra.nsPerItem.median,
      b: rb.nsPerItem.median,
      trialsA: va.length,
      trialsB: vb.length,
      ratio: estimate,
      ci: interval,
      p: mannWhitney(va, vb).p,
      threshold: t,
      verdict: verdictFor(interval, t),
    });
  }
  if (rows.length === 0) warnings.push("the two reports have no series in common");
  const few = rows.filter((r) => Math.min(r.trialsA, r.trialsB) < MIN_COMPARABLE_TRIALS);
  if (few.length > 0) {
    warnings.push(
      `fewer than ${MIN_COMPARABLE_TRIALS} trials on a side in ${few.length} series: CIs are wide or below 95% coverage`,
    );
  }
  if (a.machine.id !== b.machine.id) {
    warnings.push(`different machines: ${a.machine.id} and ${b.machine.id}`);
  }
  const compiler = (r: Report) =>
    `${r.environment.compiler.command} (${r.environment.compiler.version}) ${
      r.environment.compiler.arguments.join(" ")
    }`;
  if (compiler(a) !== compiler(b)) {
    warnings.push(`different compilers or flags: ${compiler(a)} and ${compiler(b)}`);
  }
  const nice = (r: Report) => r.processes.find((p) => p.role === "producer")?.niceAchieved ?? null;
  if (nice(a) !== nice(b)) warnings.push(`different nice achieved: ${nice(a)} and ${nice(b)}`);
  // Options that change what a series of the same name measures: say so, since
  // comparing across them is how their effect is shown (e.g. --publish-every 1 vs 64).
  const tuning = (r: Report) => ({
    "--publish-every": (r.parameters.publishEvery ?? [1]).join(","),
    "--wait": r.parameters.wait ?? "own",
    "--pace": r.parameters.paceNs ?? 0,
    "--ring-slots": r.parameters.ringSlots,
  });
  const [tuningA, tuningB] = [tuning(a), tuning(b)];
  for (const [option, value] of Object.entries(tuningA)) {
    const other = tuningB[option as keyof typeof tuningB];
    if (value !== other) warnings.push(`different ${option}: ${value} and ${other}`);
  }
  const widened = rows.filter((r) => r.threshold > threshold);
  if (widened.length > 0) {
    warnings.push(
      `${widened.length} series judged against their wider A/A noise band instead of ±${
        formatPercent(threshold)
      }`,
    );
  }
  return { rows, warnings };
}

/**
 * The comparison as a plain-text table, or a Markdown one.
 *
 * @example
 * ```ts ignore
 * import { renderComparison } from "./compare.ts";
 * console.log(renderComparison(rows, "plain"));
 * ```
 */
export function renderComparison(rows: ComparisonRow[], format: "plain" | "markdown"): string {
  const header = [
    "mode",
    "size",
    "transport",
    "placement",
    "A ns",
    "B ns",
    "B/A",
    "95% CI",
    "p",
    "threshold",
    "verdict",
  ];
  const body = rows.map((r) => [
    r.mode,
    formatSize(r.sizeBytes),
    transportLabel(r),
    r.placement,
    formatNs(r.a),
    formatNs(r.b),
    r.ratio.toFixed(3),
    `${r.ci.low.toFixed(3)} to ${r.ci.high.toFixed(3)}`,
    r.p < 0.001 ? "<0.001" : r.p.toFixed(3),
    `±${formatPercent(r.threshold)}`,
    r.verdict,
  ]);
  const right = [false, true, false, false, true, true, true, true, true, true, false];
  return format === "markdown"
    ? markdownTable(header, body, right)
    : textTable(header, body, right);
}
