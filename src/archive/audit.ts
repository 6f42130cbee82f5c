/**
 * How far `compare` can be trusted on a machine, measured on replicate runs
 * of one commit (back-to-back runs of the same code and parameters):
 *
 * - **false alarms**: every pair of runs compared; any "faster" or "slower" is
 *   one, since the code is the same;
 * - **power**, both ways: B's trials made `1 + c` times slower, and `1/(1 + c)`
 *   times (as fast again), and compared again; the share of rows called slower
 *   (faster) is the power. Rows already called faster or slower before the
 *   change, or not comparable, are left out of it, so a false alarm is never
 *   counted as a catch;
 * - **both sides in the folder**: half the runs given the change and another
 *   commit, then every run of one half compared with every run of the other
 *   with the whole folder as evidence, as it is once a change has landed and
 *   been run a few times.
 *
 * Replicates for a pair are the other runs (never the pair itself, nor the
 * run a change was injected into); with `within run` none are used. Runs on
 * other hardware than the newest are left out. Every rate comes with its
 * Wilson interval; rows of one pair share its runs, so the rows are not quite
 * independent and the intervals are, if anything, narrow.
 *
 * @module
 */

import { compareReports, replicatesOf, sameParameters } from "../report/compare.ts";
import type { ComparisonRow } from "../report/compare.ts";
import { fingerprintDifferences } from "../context/machine.ts";
import { trialFigures } from "../report/derived.ts";
import type { Report } from "../report/report.ts";
import { median } from "../stats/statistics.ts";
import { rate } from "../stats/proportion.ts";
import type { Rate } from "../stats/proportion.ts";

/** What one way of judging gave over every pair of replicate runs. */
export interface AuditLine {
  /** `replicates` (the other runs as evidence) or `within run` (the two runs' trials alone). */
  noise: "replicates" | "within run";
  /** Pairs of runs compared. */
  pairs: number;
  /** Rows called faster or slower between runs of the same code, out of all rows. */
  falseAlarms: Rate;
  /** Per injected change (0.25 for 25%): rows called slower at `1 + c`, faster at `1/(1 + c)`. */
  power: { change: number; slower: Rate; faster: Rate }[];
  /**
   * Per injected change: rows called slower (faster) when half the folder holds the change under
   * another commit, every run of one half compared with every run of the other.
   */
  bothSides: { change: number; slower: Rate; faster: Rate }[];
  /** Median threshold the rows of the same-code pairs were judged against. */
  medianThreshold: number;
  /** False alarms per series, by series key. */
  series: Record<string, Rate>;
}

/** The whole audit: the runs used, and one line per way of judging. */
export interface Audit {
  /** Runs audited (same hardware as the newest). */
  runs: number;
  /** Runs left out because their hardware differs from the newest run's. */
  otherHardware: number;
  /** One line each for `replicates` and `within run`. */
  lines: AuditLine[];
}

/**
 * The report with every trial of every series made slower by `factor` (1.25: 25% slower; below 1,
 * faster), and the figures derived from the trials computed again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slowedDown } from "./audit.ts";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const slower = slowedDown(report, 1.1);
 * assert.equal(slower.results[0].nsPerItem.median, report.results[0].nsPerItem.median * 1.1);
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

/**
 * The replicate runs of a folder's reports, as the audit takes them: the clean runs of the newest
 * run's commit and parameters, oldest first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicateSet } from "./audit.ts";
 * import { loadReport } from "../report/schema.ts";
 * const run = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const later = { ...run, createdAt: "2030-01-01T00:00:00.000Z" };
 * const dirty = { ...run, kit: { ...run.kit, dirty: true } };
 * const other = { ...run, parameters: { ...run.parameters, ringSlots: 64 } };
 * assert.deepEqual(replicateSet([later, dirty, other, run]), [run, later]);
 * ```
 */
export function replicateSet(reports: readonly Report[]): Report[] {
  const sorted = [...reports].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const newest = sorted.at(-1);
  return newest === undefined
    ? []
    : sorted.filter((r) =>
      sameParameters(r, newest) && r.kit.dirty === false && r.kit.commit === newest.kit.commit
    );
}

/** The same report filed under another commit: a change as the archive would see it. */
function asCommit(report: Report, commit: string): Report {
  return { ...report, kit: { ...report.kit, commit, dirty: false } };
}

const called = (rows: ComparisonRow[], verdict: "faster" | "slower") =>
  rows.filter((r) => r.verdict === verdict);

/**
 * Audits `compare` over replicate runs of one commit, at `threshold`, with changes of `changes`
 * (0.25 for 25%) injected both ways.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { auditCompare, slowedDown } from "./audit.ts";
 * import { loadReport } from "../report/schema.ts";
 * const run = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const runs = [1, 1.01, 0.99, 1.02].map((f, i) => ({
 *   ...slowedDown(run, f),
 *   createdAt: `2026-01-0${i + 1}`,
 * }));
 * const { lines } = auditCompare(runs, 0.05, [0.1, 1]);
 * assert.deepEqual(lines.map((l) => l.noise), ["replicates", "within run"]);
 * assert.equal(lines[0].pairs, 6);
 * assert.equal(lines[0].falseAlarms.count, 0); // runs within 3% of each other: no alarm at 5%
 * const [small, large] = lines[0].power;
 * assert.equal(small.slower.rate, 0); // 10% is inside the replicates' spread
 * // Twice as slow (or fast): every row with an interval that reaches 95% (three of the four series).
 * assert.deepEqual([large.slower.rate, large.faster.rate], [0.75, 0.75]);
 * assert.ok(large.slower.ci.low > 0.5); // a rate, with its interval
 * ```
 */
export function auditCompare(
  runs: readonly Report[],
  threshold: number,
  changes: readonly number[],
): Audit {
  const newest = [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
  const same = runs.filter((r) =>
    newest !== undefined &&
    fingerprintDifferences(r.machine.fingerprint, newest.machine.fingerprint).length === 0
  );
  const lines = (["replicates", "within run"] as const).map((noise) =>
    auditLine(same, threshold, changes, noise)
  );
  return { runs: same.length, otherHardware: runs.length - same.length, lines };
}

function auditLine(
  runs: readonly Report[],
  threshold: number,
  changes: readonly number[],
  noise: AuditLine["noise"],
): AuditLine {
  // One commit for all: the runs are replicates of one code, whatever their files say.
  const base = runs.map((r) => asCommit(r, "replicate"));
  const judge = (a: Report, b: Report, exclude: Report[]): ComparisonRow[] =>
    compareReports(a, b, threshold, {
      evidence: noise === "within run"
        ? []
        : replicatesOf(a, b, base, (c) => c === a || exclude.includes(c)),
    }).rows;
  let rows = 0, alarms = 0, pairs = 0;
  const thresholds: number[] = [];
  const perSeries = new Map<string, { rows: number; alarms: number }>();
  const caught = changes.map(() => ({ slower: [0, 0], faster: [0, 0] }));
  for (let i = 0; i < base.length; i++) {
    for (let j = i + 1; j < base.length; j++) {
      const [a, b] = [base[i], base[j]];
      const plain = judge(a, b, [b]);
      pairs++;
      rows += plain.length;
      const flagged = new Set(
        plain.filter((r) => r.verdict !== "within noise").map((r) => r.key),
      );
      alarms += called(plain, "faster").length + called(plain, "slower").length;
      thresholds.push(...plain.map((r) => r.threshold));
      for (const r of plain) {
        const entry = perSeries.get(r.key) ?? { rows: 0, alarms: 0 };
        entry.rows++;
        if (r.verdict === "faster" || r.verdict === "slower") entry.alarms++;
        perSeries.set(r.key, entry);
      }
      changes.forEach((c, k) => {
        for (const [way, factor] of [["slower", 1 + c], ["faster", 1 / (1 + c)]] as const) {
          const changed = asCommit(slowedDown(b, factor), "injected");
          const judged = judge(a, changed, [b]).filter((r) => !flagged.has(r.key));
          caught[k][way][0] += called(judged, way).length;
          caught[k][way][1] += judged.length;
        }
      });
    }
  }
  return {
    noise,
    pairs,
    falseAlarms: rate(alarms, rows),
    power: changes.map((change, k) => ({
      change,
      slower: rate(caught[k].slower[0], caught[k].slower[1]),
      faster: rate(caught[k].faster[0], caught[k].faster[1]),
    })),
    bothSides: changes.map((change) => bothSides(base, threshold, change, noise)),
    medianThreshold: thresholds.length === 0 ? 0 : median(thresholds),
    series: Object.fromEntries(
      [...perSeries].map(([key, e]) => [key, rate(e.alarms, e.rows)]),
    ),
  };
}

/** The folder after a change has landed: the later half of the runs carry it, under commit "after". */
function bothSides(
  runs: readonly Report[],
  threshold: number,
  change: number,
  noise: AuditLine["noise"],
): { change: number; slower: Rate; faster: Rate } {
  const half = Math.floor(runs.length / 2);
  const result = { change, slower: rate(0, 0), faster: rate(0, 0) };
  if (half < 2) return result;
  for (const [way, factor] of [["slower", 1 + change], ["faster", 1 / (1 + change)]] as const) {
    const before = runs.slice(0, half).map((r) => asCommit(r, "before"));
    const after = runs.slice(half).map((r) => asCommit(slowedDown(r, factor), "after"));
    const folder = [...before, ...after];
    let hits = 0, total = 0;
    for (const a of before) {
      for (const b of after) {
        const evidence = noise === "within run" ? [] : replicatesOf(a, b, folder);
        const rows = compareReports(a, b, threshold, { evidence }).rows;
        hits += called(rows, way).length;
        total += rows.length;
      }
    }
    result[way] = rate(hits, total);
  }
  return result;
}
