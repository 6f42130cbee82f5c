/**
 * The controls of a report (see `../plan/controls.ts`): how each is recorded
 * and what its pairs give (the sentence printed for it is in `./headline.ts`).
 *
 * A control is read as the median of its paired ratios (the series' trial over
 * the control round beside it) with a 95% interval widened for serial dependence
 * (`../stats/serial.ts`), not as a
 * ratio of two medians: pairing cancels whatever state the machine was in
 * during that round. Reports written before controls were paired (their file's
 * `pipeLoop`: five rounds before the trials and five after) have no pairs; for
 * them the ratio is of medians and no interval is given, as it was printed then.
 *
 * @module
 */

import { seriesKey } from "../plan/series.ts";
import type { SeriesIdentity } from "../plan/series.ts";
import type { ControlKind } from "../plan/control_kinds.ts";
import { median } from "../stats/statistics.ts";
import { pairedRatio } from "../stats/serial.ts";
import type { Interval } from "../stats/statistics.ts";

/** One control as the report records it. */
export interface ControlEntry {
  /**
   * What it takes away: `pipe-loop` (the kit's workers and checks), `unstamped` (the stamps); or
   * the file server's baseline it measures: `pread`, `uring-read`, `null-syscall`.
   */
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
 * The result a control was measured beside (by its series key), or undefined when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { controlSeries } from "./control_figures.ts";
 * const pipe = { transport: "pipe", mode: "stream", sizeBytes: 8, placement: "cross" };
 * const control = { series: "pipe stream 8 B cross spin" };
 * assert.equal(controlSeries([pipe], control), pipe);
 * assert.equal(controlSeries([{ ...pipe, sizeBytes: 64 }], control), undefined);
 * ```
 */
export function controlSeries<R extends SeriesIdentity>(
  results: readonly R[],
  control: Pick<ControlEntry, "series">,
): R | undefined {
  return results.find((r) => seriesKey(r) === control.series);
}

/**
 * What a control's rounds give, beside the median of its series.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { controlFigures } from "./control_figures.ts";
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
  if (control.beside.length === 0) {
    return {
      controlNs,
      seriesNs: seriesMedianNs,
      ratio: seriesMedianNs / controlNs,
      ci: null,
      pairs: 0,
    };
  }
  const { estimate, interval, pairs } = pairedRatio(control.beside, control.rounds);
  return { controlNs, seriesNs: seriesMedianNs, ratio: estimate, ci: interval, pairs };
}

/**
 * How far apart a series and its control may be before the report warns: the kit's pipe within
 * 10% of the plain C loop, stamped round trips within 5% of unstamped ones.
 */
export const CONTROL_TOLERANCE: Partial<Record<ControlKind, number>> = {
  "pipe-loop": 0.10,
  "unstamped": 0.05,
};

/**
 * A warning when a control and its series are surely further apart than
 * {@link CONTROL_TOLERANCE} (the whole 95% interval of the paired ratios outside it), else null;
 * never for controls without pairs or with too few for 95%.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { controlWarning } from "./control_figures.ts";
 * const stamps = {
 *   kind: "unstamped" as const, series: "shm pingpong 8 B cross spin", method: "", cpus: null,
 *   rounds: Array(12).fill(100), beside: [108, 109, 110, 108, 107, 112, 109, 108, 110, 111, 108, 109],
 * };
 * assert.match(controlWarning(stamps, 108.5, "shm pingpong 8 B cross")!, /by more than 5%/);
 * const near = [101, 109, 104, 102, 99, 103, 100, 104, 101, 102, 103, 100];
 * assert.equal(controlWarning({ ...stamps, beside: near }, 102.5, ""), null);
 * // Six rounds are too few for 95%: no warning, however far apart.
 * assert.equal(controlWarning({ ...stamps, rounds: Array(6).fill(100), beside: [120, 121, 122, 120, 121, 122] }, 121, ""), null);
 * ```
 */
export function controlWarning(
  control: ControlEntry,
  seriesMedianNs: number,
  label: string,
): string | null {
  const { ratio, ci } = controlFigures(control, seriesMedianNs);
  const tolerance = CONTROL_TOLERANCE[control.kind];
  // The file server's baselines are what the server is compared with, not a part of the harness.
  if (tolerance === undefined || ci === null || ci.level < 0.95) return null;
  if (ci.low <= 1 + tolerance && ci.high >= 1 / (1 + tolerance)) return null;
  const spread = `${ratio.toFixed(3)}× (${intervalText(ci)})`;
  const percent = `${Math.round(tolerance * 100)}%`;
  return control.kind === "pipe-loop"
    ? `${label} and the plain C pipe(2) loop beside it were more than ${percent} apart (the kit's ` +
      `pipe ${spread} the loop): part of the pipe's figure is not the pipe's`
    : `stamping round trips for the percentiles moved ${label}'s round trip by more than ` +
      `${percent} (${spread} the unstamped trials beside it): try a larger --latency-every`;
}

/**
 * An interval of ratios in words: `95% CI 0.981-1.056×` (the level as it is when below 95%).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { intervalText } from "./control_figures.ts";
 * assert.equal(intervalText({ low: 0.9814, high: 1.0561, level: 0.979 }), "95% CI 0.981-1.056×");
 * assert.equal(intervalText({ low: 1, high: 2, level: 0.75 }), "75.0% CI 1.000-2.000×");
 * ```
 */
export function intervalText(ci: Interval): string {
  return `${ci.level >= 0.95 ? "95" : (ci.level * 100).toFixed(1)}% CI ${ci.low.toFixed(3)}-` +
    `${ci.high.toFixed(3)}×`;
}

/**
 * Rounds of the controls measured beside the timed trials (those with pairs), in words, or "" when
 * there were none: `" and 52 control rounds"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { controlRoundsText } from "./control_figures.ts";
 * const c = { kind: "unstamped" as const, series: "", method: "", cpus: null, rounds: [1, 1], beside: [1, 1] };
 * assert.equal(controlRoundsText([c, { ...c, kind: "pipe-loop" }]), " and 4 control rounds");
 * assert.equal(controlRoundsText([{ ...c, beside: [] }]), "");
 * assert.equal(controlRoundsText(undefined), "");
 * ```
 */
export function controlRoundsText(controls: readonly ControlEntry[] | undefined): string {
  const rounds = (controls ?? []).reduce(
    (n, c) => n + (c.beside.length > 0 ? c.rounds.length : 0),
    0,
  );
  return rounds === 0 ? "" : ` and ${rounds} control round${rounds === 1 ? "" : "s"}`;
}
