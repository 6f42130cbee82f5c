/**
 * `deno task compare`'s tables: the rows of a comparison (`../report/compare.ts`)
 * as plain text or Markdown, with the tail latencies and the controls both runs
 * measured in tables of their own.
 *
 * @module
 */

import { markdownTable, textTable } from "../base/tables.ts";
import { formatTime } from "../base/format.ts";
import { intervalText } from "../report/control_figures.ts";
import type { ControlFigures } from "../report/control_figures.ts";
import type { ComparisonRow } from "../report/compare.ts";
import type { ControlComparison } from "../report/compare_controls.ts";
import type { ControlKind } from "../plan/control_kinds.ts";
import { formatSize, transportLabel } from "../plan/series.ts";
import { TOO_FEW } from "../stats/histogram.ts";

/**
 * The comparison as a plain-text table, or a Markdown one; ping-pong and
 * file-server series get a second table with their tail latencies.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderComparison } from "./compare.ts";
 * import { compareReports } from "../report/compare.ts";
 * import { loadReport } from "../report/schema.ts";
 * const a = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const table = renderComparison(compareReports(a, a, 0.05).rows, "markdown");
 * assert.match(table, /^\| stream \| 8 B \| shm \| cross \| .* \| \+0\.0% \| 1\.000 \|/m);
 * ```
 */
export function renderComparison(rows: ComparisonRow[], format: "plain" | "markdown"): string {
  const table = format === "markdown" ? markdownTable : textTable;
  const name = (r: ComparisonRow) =>
    `${transportLabel(r)}${r.queueDepth === undefined ? "" : ` depth ${r.queueDepth}`}`;
  const change = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)}%`;
  // Symmetric in log terms: a 25% band is 0.800-1.250.
  const noise = (r: ComparisonRow) =>
    `${(1 / (1 + r.threshold)).toFixed(3)}-${(1 + r.threshold).toFixed(3)} ` +
    (r.noise.source === "replicates" ? `(${r.noise.runs} replicates)` : "(within run)");
  const main = table(
    [
      "mode",
      "size",
      "transport",
      "placement",
      "A",
      "B",
      "change",
      "B/A",
      "95% CI (within run)",
      "noise band",
      "verdict",
    ],
    rows.map((r) => [
      r.mode,
      formatSize(r.sizeBytes),
      name(r),
      r.placement,
      formatTime(r.a),
      formatTime(r.b),
      change(r.ratio),
      r.ratio.toFixed(3),
      `${r.ci.low.toFixed(3)}-${r.ci.high.toFixed(3)}`,
      noise(r),
      r.verdict,
    ]),
    [false, true, false, false, true, true, true, true, true, true, false],
  );
  const tails = rows.filter((r) => r.tail !== null);
  if (tails.length === 0) return main;
  const tailTable = table(
    [
      "mode",
      "size",
      "transport",
      "placement",
      "A p99",
      "B p99",
      "change",
      "A p99.9",
      "B p99.9",
      "change",
    ],
    tails.map((r) => {
      const t = r.tail!;
      const value = (ns: number | null) => ns === null ? TOO_FEW : formatTime(ns);
      const moved = ([a, b]: [number | null, number | null]) =>
        a === null || b === null ? "" : change(b / a);
      return [
        r.mode,
        formatSize(r.sizeBytes),
        name(r),
        r.placement,
        value(t.p99[0]),
        value(t.p99[1]),
        moved(t.p99),
        value(t.p999[0]),
        value(t.p999[1]),
        moved(t.p999),
      ];
    }),
    [false, true, false, false, true, true, true, true, true, true],
  );
  return `${main}\n\nTail latency (round trips of every timed trial, one merged histogram per run: no CI, ` +
    `so no verdict):\n\n${tailTable}`;
}

/**
 * The controls of both runs as a table: the series over its control in A and in B (the median of
 * the paired ratios and its interval; a ratio of medians, without one, for reports from before the
 * pairs), or "" when the runs share none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { renderControlComparison } from "./compare.ts";
 * import { compareControls } from "../report/compare_controls.ts";
 * const table = renderControlComparison(compareControls(report, report), "plain");
 * assert.match(table, /^pipe stream 8 B cross spin +over a plain C pipe\(2\) loop /m);
 * assert.equal(renderControlComparison([], "plain"), "");
 * ```
 */
export function renderControlComparison(
  list: ControlComparison[],
  format: "plain" | "markdown",
): string {
  if (list.length === 0) return "";
  const table = format === "markdown" ? markdownTable : textTable;
  const what: Record<ControlKind, string> = {
    "pipe-loop": "over a plain C pipe(2) loop",
    unstamped: "stamped over unstamped",
    pread: "over pread() (means)",
    "uring-read": "over an io_uring read (means)",
    "null-syscall": "over a null system call (means)",
  };
  const cell = (f: ControlFigures) =>
    `${f.ratio.toFixed(3)}×` + (f.ci === null ? "" : ` (${intervalText(f.ci)})`);
  return `Controls (the series over the same thing with part of the harness taken away, measured ` +
    `beside each of its trials):\n\n` +
    table(
      ["series", "control", "A", "B"],
      list.map((c) => [c.series, what[c.kind], cell(c.a), cell(c.b)]),
      [false, false, true, true],
    );
}
