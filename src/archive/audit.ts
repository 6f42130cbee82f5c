/**
 * How far `compare` can be trusted on a machine: run over back-to-back runs of
 * the same code, every verdict of "faster" or "slower" is a false alarm; run
 * again with a known slowdown injected into B's trials, the share of series
 * called "slower" is the detection power. Both are measured with the noise
 * band from archived evidence (the other runs, the pair left out) and with
 * the runs' own A/A bands alone, so the README can say what each is worth.
 *
 * @module
 */

import { compareReports } from "./compare.ts";
import type { ComparisonRow } from "./compare.ts";
import { trialFigures } from "../report/report.ts";
import type { Report } from "../report/report.ts";

/** What one way of judging gave over every pair of consecutive runs. */
export interface AuditLine {
  /** `archive` (between-run bands from the other runs) or `within run` (A/A bands only). */
  noise: "archive" | "within run";
  /** Pairs of consecutive runs compared. */
  pairs: number;
  /** Series compared over all pairs. */
  rows: number;
  /** Rows called faster or slower between runs of the same code. */
  falseAlarms: number;
  /** Per injected slowdown (0.1 for 10%), the rows called slower. */
  detected: Record<string, number>;
  /** Median threshold the rows were judged against. */
  medianThreshold: number;
  /** The same counts per series, by series key. */
  series: Record<string, { rows: number; falseAlarms: number; detected: Record<string, number> }>;
}

/**
 * The report with every trial of every series made slower by `factor` (1.25: 25% slower),
 * and the figures derived from the trials computed again.
 *
 * @example
 * ```ts ignore
 * import { slowedDown } from "./audit.ts";
 * console.log(slowedDown(report, 1.1).results[0].nsPerItem.median / report.results[0].nsPerItem.median); // 1.1
 * ```
 */
export function slowedDown(report: Report, factor: number): Report {
  return {
    ...report,
    results: report.results.map((r) => {
      const samples = r.samples.map((s) => ({
        ...s,
        elapsedNs: s.elapsedNs * factor,
        nsPerItem: s.nsPerItem * factor,
      }));
      return { ...r, samples, ...trialFigures(samples, r.sizeBytes) };
    }),
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Audits `compare` over runs of the same code and parameters, in time order.
 *
 * @example
 * ```ts ignore
 * import { auditCompare } from "./audit.ts";
 * const lines = auditCompare(reports, 0.05, [0.1, 0.25, 0.5]);
 * ```
 */
export function auditCompare(
  runs: Report[],
  threshold: number,
  slowdowns: number[],
): AuditLine[] {
  const lines: AuditLine[] = [];
  for (const noise of ["archive", "within run"] as const) {
    const line: AuditLine = {
      noise,
      pairs: 0,
      rows: 0,
      falseAlarms: 0,
      detected: Object.fromEntries(slowdowns.map((s) => [String(s), 0])),
      medianThreshold: 0,
      series: {},
    };
    const tally = (rows: ComparisonRow[], field: "falseAlarms" | string) => {
      for (const r of rows) {
        const entry = line.series[r.key] ??= {
          rows: 0,
          falseAlarms: 0,
          detected: Object.fromEntries(slowdowns.map((s) => [String(s), 0])),
        };
        if (field === "rows") entry.rows++;
        else if (field === "falseAlarms") entry.falseAlarms++;
        else entry.detected[field]++;
      }
    };
    const thresholds: number[] = [];
    for (let i = 0; i + 1 < runs.length; i++) {
      const [a, b] = [runs[i], runs[i + 1]];
      const evidence = noise === "archive" ? runs.filter((_, k) => k !== i && k !== i + 1) : [];
      const judge = (other: Report): ComparisonRow[] =>
        compareReports(a, other, threshold, { evidence }).rows;
      const same = judge(b);
      const alarms = same.filter((r) => r.verdict === "faster" || r.verdict === "slower");
      line.pairs++;
      line.rows += same.length;
      line.falseAlarms += alarms.length;
      tally(same, "rows");
      tally(alarms, "falseAlarms");
      thresholds.push(...same.map((r) => r.threshold));
      for (const s of slowdowns) {
        const caught = judge(slowedDown(b, 1 + s)).filter((r) => r.verdict === "slower");
        line.detected[String(s)] += caught.length;
        tally(caught, String(s));
      }
    }
    line.medianThreshold = thresholds.length === 0 ? 0 : median(thresholds);
    lines.push(line);
  }
  return lines;
}
