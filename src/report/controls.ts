/**
 * The controls of a report (see `../plan/controls.ts`): how each is recorded
 * and what its pairs give (the sentence printed for it is in `./headline.ts`).
 *
 * A control is read as the median of its paired ratios (the series' trial over
 * the control round beside it) with a distribution-free 95% interval, not as a
 * ratio of two medians: pairing cancels whatever state the machine was in
 * during that round. Reports written before controls were paired (their file's
 * `pipeLoop`: five rounds before the trials and five after) have no pairs; for
 * them the ratio is of medians and no interval is given, as it was printed then.
 *
 * @module
 */

import { seriesKey } from "../plan/series.ts";
import type { SeriesIdentity } from "../plan/series.ts";
import type { ControlKind } from "../plan/controls.ts";
import { median, medianInterval } from "../stats/statistics.ts";
import type { Interval } from "../stats/statistics.ts";
import type { ControlSamples } from "../run/sampling.ts";
import { CONTROL_METHODS } from "../run/controls.ts";

/** One control as the report records it. */
export interface ControlEntry {
  /** What it takes away: `pipe-loop` (the kit's workers and checks), `unstamped` (the stamps). */
  kind: ControlKind;
  /** The key of the series it was measured beside (as `seriesKey` of its entry in `results`). */
  series: string;
  /** How it was measured, in words. */
  method: string;
  /** The CPUs it ran on (writer and reader, or client and server), or null when unpinned. */
  cpus: [number, number] | null;
  /** Its ns per item (per 8-byte item, or per round trip), one per round, in measured order. */
  rounds: number[];
  /**
   * The series' own trial of the same round, ns per item (same index as `rounds`); empty in
   * reports whose pipe loop ran before and after the trials instead of beside them.
   */
  beside: number[];
}

/** What a control's rounds give. */
export interface ControlFigures {
  /** The control's median, ns per item. */
  controlNs: number;
  /** The series' median, ns per item. */
  seriesNs: number;
  /** The series over the control: the median of the paired ratios (of the medians when unpaired). */
  ratio: number;
  /** The interval of that median, or null when unpaired. */
  ci: Interval | null;
  /** Rounds paired with a trial of the series. */
  pairs: number;
}

/**
 * The entries of the controls a run measured, each keyed by its series' result.
 *
 * @example
 * ```ts ignore
 * import { controlEntries } from "./controls.ts";
 * console.log(controlEntries(outcome.controls, outcome.samples, results).map((c) => c.series));
 * ```
 */
export function controlEntries(
  controls: readonly ControlSamples[],
  seriesOrder: readonly { series: unknown }[],
  results: readonly SeriesIdentity[],
): ControlEntry[] {
  return controls.map((c) => {
    const result = results[seriesOrder.findIndex((s) => s.series === c.control.series)];
    return {
      kind: c.control.kind,
      series: seriesKey(result),
      method: CONTROL_METHODS[c.control.kind],
      cpus: c.control.series.cpus,
      rounds: c.rounds,
      beside: c.beside,
    };
  });
}

/**
 * What a control's rounds give, beside the median of its series.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { controlFigures } from "./controls.ts";
 * const control = {
 *   kind: "unstamped" as const, series: "shm pingpong 8 B cross spin", method: "", cpus: null,
 *   rounds: [100, 200, 100, 100, 100, 100], beside: [102, 204, 101, 103, 102, 104],
 * };
 * const figures = controlFigures(control, 102.5);
 * assert.equal(figures.ratio, 1.02);
 * assert.equal(figures.controlNs, 100);
 * assert.equal(figures.pairs, 6);
 * assert.deepEqual([figures.ci?.low, figures.ci?.high], [1.01, 1.04]);
 * assert.equal(controlFigures({ ...control, beside: [] }, 102.5).ratio, 1.025);
 * ```
 */
export function controlFigures(control: ControlEntry, seriesMedianNs: number): ControlFigures {
  const controlNs = median(control.rounds);
  const ratios = control.beside.map((ns, i) => ns / control.rounds[i]);
  return ratios.length === 0
    ? { controlNs, seriesNs: seriesMedianNs, ratio: seriesMedianNs / controlNs, ci: null, pairs: 0 }
    : {
      controlNs,
      seriesNs: seriesMedianNs,
      ratio: median(ratios),
      ci: medianInterval(ratios),
      pairs: ratios.length,
    };
}
