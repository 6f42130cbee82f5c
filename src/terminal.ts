/**
 * The short summary a bench run prints: the original experiment's lines, the
 * ratio with its CI, one table, how the sampling ended, and the warnings.
 *
 * @module
 */

import {
  type Colors,
  formatCount,
  formatNs,
  formatPercent,
  formatRatio,
  originalLines,
  textTable,
} from "./format.ts";
import { stopText } from "./markdown.ts";
import { ORIGINAL } from "./original.ts";
import { halfWidth } from "./report.ts";
import type { Report } from "./report.ts";

/**
 * The terminal summary of a report.
 *
 * @example
 * ```ts ignore
 * import { renderSummary } from "./terminal.ts";
 * import { colorsFor } from "./format.ts";
 * console.log(renderSummary(report, colorsFor(Deno.stdout)));
 * ```
 */
export function renderSummary(report: Report, c: Colors): string {
  const out: string[] = [];
  out.push(...originalLines(report));
  const ratio = report.comparisons.find((x) => x.name === "pipe/shm");
  if (ratio !== undefined) {
    out.push(
      c.bold(`The ring was ${formatRatio(ratio.ratioOfMedians)}x faster than the pipe`) +
        ` (95% CI ${formatRatio(ratio.ci.low)}-${formatRatio(ratio.ci.high)}x; ` +
        c.dim(
          `the essay: ${ORIGINAL.ratioRange[0]}-${ORIGINAL.ratioRange[1]}x on ${ORIGINAL.machine})`,
        ),
    );
  }
  out.push("");
  const rows = report.results.map((r) => {
    const w = halfWidth(r);
    return [
      r.transport,
      formatCount(r.iterations),
      String(r.samples.length),
      formatNs(r.nsPerItem.median),
      Number.isFinite(w) ? `±${formatPercent(w)}` : "n/a",
      formatPercent(r.nsPerItem.cv),
      formatNs(r.cpuNsPerItem.median),
    ];
  });
  out.push(
    textTable(
      ["transport", "items/trial", "trials", "median ns/item", "95% CI", "CV", "CPU ns/item"],
      rows,
      [false, true, true, true, true, true, true],
    ),
  );
  const s = report.sampling;
  out.push(
    c.dim(
      `${s.timedTrials} timed trials after ${s.warmupTrials} warm-ups in ${
        s.elapsedSeconds.toFixed(1)
      } s; ` +
        stopText(report).replaceAll("**", ""),
    ),
  );
  if (report.warnings.length > 0) {
    out.push("");
    for (const warning of report.warnings) out.push(c.yellow(`warning: ${warning}`));
  }
  return out.join("\n");
}
