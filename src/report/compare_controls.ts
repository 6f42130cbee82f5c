/**
 * Two reports' controls set side by side: for each kind both measured beside
 * the same series, how much of the series' figure was the harness in each run
 * (`compare` prints it under its table).
 *
 * @module
 */

import type { Report } from "./report.ts";
import { controlFigures, controlSeries } from "./control_figures.ts";
import type { ControlEntry, ControlFigures } from "./control_figures.ts";
import type { ControlKind } from "../plan/control_kinds.ts";

/** One control found in both reports, with what its rounds gave in each. */
export interface ControlComparison {
  /** What the control takes away. */
  kind: ControlKind;
  /** The key of the series it was measured beside. */
  series: string;
  /** In A. */
  a: ControlFigures;
  /** In B. */
  b: ControlFigures;
}

/**
 * The controls both reports measured (same kind, same series), each with A's and B's figures: how
 * much of the series' figure was the harness in each run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { compareControls } from "./compare_controls.ts";
 * const both = compareControls(report, report);
 * assert.deepEqual(both.map((c) => c.kind), ["pipe-loop", "unstamped"]);
 * assert.ok(both.every((c) => c.a.ratio === c.b.ratio));
 * ```
 */
export function compareControls(a: Report, b: Report): ControlComparison[] {
  const figures = (r: Report, c: ControlEntry) => {
    const result = controlSeries(r.results, c);
    return result === undefined ? undefined : controlFigures(c, result.nsPerItem.median);
  };
  return (a.controls ?? []).flatMap((ca) => {
    const cb = b.controls?.find((c) => c.kind === ca.kind && c.series === ca.series);
    const [fa, fb] = [figures(a, ca), cb && figures(b, cb)];
    return fa === undefined || fb === undefined ? [] : [{
      kind: ca.kind,
      series: ca.series,
      a: fa,
      b: fb,
    }];
  });
}
