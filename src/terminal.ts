/**
 * The short summary a bench run prints: the original experiment's lines, the
 * ratio, one table, and the warnings.
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
import { ORIGINAL } from "./original.ts";
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
        c.dim(
          ` (the essay: ${ORIGINAL.ratioRange[0]}-${
            ORIGINAL.ratioRange[1]
          }x on ${ORIGINAL.machine})`,
        ),
    );
  }
  out.push("");
  const rows = report.results.map((r) => [
    r.transport,
    formatCount(r.iterations),
    String(r.samples.length),
    formatNs(r.nsPerItem.median),
    formatNs(r.nsPerItem.min),
    formatNs(r.nsPerItem.max),
    formatPercent(r.nsPerItem.cv),
    formatNs(r.cpuNsPerItem.median),
  ]);
  out.push(
    textTable(
      ["transport", "items/run", "runs", "median ns/item", "min", "max", "CV", "CPU ns/item"],
      rows,
      [false, true, true, true, true, true, true, true],
    ),
  );
  if (report.warnings.length > 0) {
    out.push("");
    for (const warning of report.warnings) out.push(c.yellow(`warning: ${warning}`));
  }
  return out.join("\n");
}
