/**
 * Collects the samples of a bench run. Each series (transport, mode, message
 * size, placement) is sized by calibration
 * (unless `--iterations` fixes it; the builds of a `--variant` run take the
 * first build's count, so they do the same work) and warmed up; then the timed trials run in
 * rounds, one trial per series, alternating the order (A B, B A, ...) so
 * slow drift of the machine hits every series alike. Rounds go on until
 * every median is known well enough, or the time budget is spent, but never
 * stop before the minimum count.
 *
 * @module
 */

import { median, relativeHalfWidth } from "../stats/statistics.ts";
import { serialMedianInterval } from "../stats/serial.ts";
import { runTrial } from "./trial.ts";
import type { TrialContext, TrialPlan, TrialResult } from "./trial.ts";
import { measureControl } from "./control_rounds.ts";
import type { ControlPlan } from "../plan/controls.ts";
import { seriesLabel } from "../plan/series.ts";
import type { Series } from "../plan/plan.ts";
import type { BenchOptions } from "../plan/options.ts";
import type { StopReason } from "../base/measured.ts";
export type { StopReason };

/**
 * What to sample: the series, and the bench options that say how (trial length or count, the
 * stopping rule, nice, ring size, timeout), taken from {@link BenchOptions} as they are.
 */
export type SamplingPlan =
  & Pick<
    BenchOptions,
    | "iterations"
    | "trialSeconds"
    | "runs"
    | "minTrials"
    | "targetCi"
    | "budgetSeconds"
    | "nice"
    | "ringSlots"
    | "timeoutSeconds"
  >
  & {
    /** Every combination to measure; trials of all of them are interleaved. */
    series: Series[];
    /** Controls, each measured beside its series' trial in every round (none when absent). */
    controls?: ControlPlan[];
  };

/** What runs one trial: {@link runTrial} for real, a fake in the tests of calibration and stopping. */
export type TrialRunner = typeof runTrial;

/** A trial with its position among all the trials of the run, from 1. */
export interface MeasuredTrial extends TrialResult {
  /** Position among all trials of the run, from 1. */
  order: number;
}

/** Every trial of one series, in the order each was measured. */
export interface SeriesSamples {
  /** What was measured. */
  series: Series;
  /** Messages (or round trips) per timed trial. */
  iterations: number;
  /** Calibration and warm-up trials: measured, kept apart, never summarised. */
  warmup: MeasuredTrial[];
  /** The timed trials. */
  runs: MeasuredTrial[];
}

/** Every round of one control, with its series' trial of the same round. */
export interface ControlSamples {
  /** What was measured, beside which series. */
  control: ControlPlan;
  /** The control's ns per item, one per round, in measured order. */
  rounds: number[];
  /** The series' own timed trial of the same round, ns per item (same index). */
  beside: number[];
}

/** The samples and how the sampling went. */
export interface SamplingOutcome {
  /** Every series' trials. */
  samples: SeriesSamples[];
  /** Every control's rounds, in the order of the plan's controls. */
  controls: ControlSamples[];
  /** Why the timed trials stopped. */
  stopReason: StopReason;
  /** Seconds from the first warm-up to the end of the last trial. */
  elapsedSeconds: number;
}

/** One finished trial, for progress display. */
export interface TrialEvent {
  /** Counts every trial of the run from 1. */
  order: number;
  /** A warm-up, a timed trial, or a trial of a control (see `../plan/controls.ts`). */
  kind: "warm-up" | "run" | "control";
  /** The series' label (`shm stream 8 B cross`). */
  series: string;
  /** 1-based index of this kind for this series. */
  index: number;
  /** The trial. */
  result: MeasuredTrial;
  /** Current relative CI half-width of each series' median (Infinity until known). */
  halfWidths: Record<string, number>;
  /** Seconds since the start, and the budget (null for a fixed count). */
  elapsedSeconds: number;
  /** The budget (null for a fixed count). */
  budgetSeconds: number | null;
}

/**
 * Calibration starts with about this many bytes' worth of messages (10,000
 * 8-byte messages) and grows tenfold while a trial is shorter than this
 * fraction of the target.
 */
const CALIBRATION_START_BYTES = 80_000;
const CALIBRATION_MIN_FRACTION = 0.05;
/** Bounds of a calibrated trial. */
const MIN_ITERATIONS = 10;
const MAX_ITERATIONS = 1e11;
/** No series gets more timed trials than this, whatever the budget. */
export const MAX_TRIALS = 10_000;
/** A trial may take this many times its expected length, plus the fixed allowance, before it is killed. */
const TIMEOUT_FACTOR = 20;
export const TIMEOUT_ALLOWANCE_MS = 30_000;

/** What the stopping rule looks at after each round. */
export interface StoppingState {
  /** Timed trials each series has (rounds completed). */
  trials: number;
  /** A fixed trial count, or null. */
  runs: number | null;
  /** The minimum per series. */
  minTrials: number;
  /** The target relative CI half-width. */
  targetCi: number;
  /** Each series' relative CI half-width of the median (Infinity when below 95% coverage). */
  halfWidths: number[];
  /** Time since the start. */
  elapsedMs: number;
  /** How long the next round is expected to take. */
  nextRoundMs: number;
  /** The budget. */
  budgetMs: number;
}

/**
 * The stopping rule: a reason to stop after this round, or null to run another.
 * A fixed count stops at that count; otherwise the minimum comes first, then
 * the target, then the budget.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stoppingDecision } from "./sampling.ts";
 * const state = {
 *   trials: 12, runs: null, minTrials: 10, targetCi: 0.02, halfWidths: [0.01, 0.015],
 *   elapsedMs: 5_000, nextRoundMs: 500, budgetMs: 60_000,
 * };
 * assert.equal(stoppingDecision(state), "target-reached");
 * assert.equal(stoppingDecision({ ...state, halfWidths: [0.01, 0.03] }), null); // time left
 * assert.equal(stoppingDecision({ ...state, halfWidths: [0.01, 0.03], elapsedMs: 59_800 }), "budget-spent");
 * ```
 */
export function stoppingDecision(state: StoppingState): StopReason | null {
  if (state.runs !== null) return state.trials >= state.runs ? "fixed-count" : null;
  if (state.trials >= MAX_TRIALS) return "trial-limit";
  if (state.trials < state.minTrials) return null;
  if (state.halfWidths.every((w) => w <= state.targetCi)) return "target-reached";
  if (state.elapsedMs + state.nextRoundMs > state.budgetMs) return "budget-spent";
  return null;
}

/**
 * The relative half-width of the 95% CI of the median of `values` (in measured order, the
 * interval widened for serial dependence); Infinity while there are too few values for 95%
 * coverage.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { medianHalfWidth } from "./sampling.ts";
 * // Ten trials with unrelated neighbours: the interval is [98, 102] around 100, ±2%.
 * assert.equal(medianHalfWidth([100, 101, 99, 100, 102, 98, 100, 101, 99, 100]), 0.02);
 * assert.equal(medianHalfWidth([100, 101]), Infinity); // too few for 95%
 * ```
 */
export function medianHalfWidth(values: readonly number[]): number {
  if (values.length === 0) return Infinity;
  const interval = serialMedianInterval(values);
  return interval.level < 0.95 ? Infinity : relativeHalfWidth(interval, median(values));
}

/**
 * Runs every trial of the plan: warm-ups (with calibration) first, then the
 * timed rounds until the stopping rule says enough. A series' controls are
 * warmed up once after its warm-ups, and in every round measured right beside
 * its trial: before it in one round, after it in the next.
 *
 * @example
 * ```ts ignore
 * import { collectSamples } from "./sampling.ts";
 * const { samples, stopReason } = await collectSamples(context, plan);
 * console.log(stopReason, samples.map((s) => `${seriesLabel(s.series)}: ${s.runs.length} trials`));
 * ```
 */
export async function collectSamples(
  context: TrialContext,
  plan: SamplingPlan,
  onTrial: (event: TrialEvent) => void = () => {},
  runner: TrialRunner = runTrial,
): Promise<SamplingOutcome> {
  const started = performance.now();
  const samples: SeriesSamples[] = [];
  const controls: ControlSamples[] = (plan.controls ?? []).map((control) => ({
    control,
    rounds: [],
    beside: [],
  }));
  let order = 0;
  const trialPlan = (series: Series, iterations: number, expectedNs: number): TrialPlan => ({
    series,
    iterations,
    nice: plan.nice,
    ringSlots: plan.ringSlots,
    timeoutMs: plan.timeoutSeconds !== null
      ? plan.timeoutSeconds * 1000
      : TIMEOUT_ALLOWANCE_MS + (TIMEOUT_FACTOR * expectedNs) / 1e6,
  });
  const halfWidths = () =>
    Object.fromEntries(
      samples.map((s) => [seriesLabel(s.series), medianHalfWidth(s.runs.map((r) => r.nsPerItem))]),
    );
  const trial = async (
    series: Series,
    iterations: number,
    expectedNs: number,
    kind: TrialEvent["kind"],
    index: number,
  ): Promise<MeasuredTrial> => {
    // Unique within the run (it names the trial's files); the label is for people.
    const id = `t${order + 1}`;
    const label = `${seriesLabel(series)} ${kind} ${index}`;
    const result = await runner(context, trialPlan(series, iterations, expectedNs), id, label);
    const measured = { ...result, order: ++order };
    const sample = samples.find((s) => s.series === series);
    if (sample !== undefined && kind === "run") sample.runs.push(measured);
    onTrial({
      order,
      kind,
      series: seriesLabel(series),
      index,
      result: measured,
      halfWidths: halfWidths(),
      elapsedSeconds: (performance.now() - started) / 1000,
      budgetSeconds: plan.runs === null ? plan.budgetSeconds : null,
    });
    return measured;
  };

  // One round of a control; its trial (unstamped) is reported as the series' warm-up or control.
  const control = (
    c: ControlSamples,
    iterations: number,
    expectedNs: number,
    kind: TrialEvent["kind"],
    index: number,
  ): Promise<number> =>
    measureControl(
      context,
      c.control,
      trialPlan(c.control.series, iterations, expectedNs),
      (p) => trial(p.series, p.iterations, expectedNs, kind, index),
    );

  const targetNs = plan.trialSeconds * 1e9;
  for (const series of plan.series) {
    const warmup: MeasuredTrial[] = [];
    // Builds of one series (`--variant`) do the same work: the first build's calibration holds.
    const sibling = series.variant === undefined
      ? undefined
      : samples.find((s) =>
        s.series.variant !== undefined &&
        seriesLabel({ ...s.series, variant: undefined }) ===
          seriesLabel({ ...series, variant: undefined })
      );
    let iterations = plan.iterations ?? sibling?.iterations ??
      Math.max(1, Math.ceil(CALIBRATION_START_BYTES / series.sizeBytes));
    for (;;) {
      const result = await trial(series, iterations, targetNs, "warm-up", warmup.length + 1);
      warmup.push(result);
      if (plan.iterations !== null || sibling !== undefined) break;
      if (result.elapsedNs >= targetNs * CALIBRATION_MIN_FRACTION || iterations >= MAX_ITERATIONS) {
        iterations = roundIterations(targetNs / result.nsPerItem);
        break;
      }
      iterations *= 10;
    }
    samples.push({ series, iterations, warmup, runs: [] });
    for (const c of controls.filter((c) => c.control.series === series)) {
      await control(
        c,
        iterations,
        warmup.at(-1)!.nsPerItem * iterations,
        "warm-up",
        warmup.length + 1,
      );
    }
  }

  let lastRoundMs = 0;
  for (let round = 0;; round++) {
    const stopReason = stoppingDecision({
      trials: round,
      runs: plan.runs,
      minTrials: plan.minTrials,
      targetCi: plan.targetCi,
      halfWidths: Object.values(halfWidths()),
      elapsedMs: performance.now() - started,
      nextRoundMs: lastRoundMs,
      budgetMs: plan.budgetSeconds * 1000,
    });
    if (stopReason !== null) {
      return {
        samples,
        controls,
        stopReason,
        elapsedSeconds: (performance.now() - started) / 1000,
      };
    }
    const roundStarted = performance.now();
    const ordered = round % 2 === 0 ? samples : [...samples].reverse();
    for (const sample of ordered) {
      const expectedNs = (sample.warmup.at(-1)?.nsPerItem ?? 0) * sample.iterations;
      const own = controls.filter((c) => c.control.series === sample.series);
      const measured = async () => {
        const result = await trial(sample.series, sample.iterations, expectedNs, "run", round + 1);
        own.forEach((c) => c.beside.push(result.nsPerItem));
      };
      if (round % 2 === 1) await measured();
      for (const c of own) {
        c.rounds.push(await control(c, sample.iterations, expectedNs, "control", round + 1));
      }
      if (round % 2 === 0) await measured();
    }
    lastRoundMs = performance.now() - roundStarted;
  }
}

/**
 * Rounds a calibrated item count to two significant digits, within bounds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roundIterations } from "./sampling.ts";
 * assert.deepEqual(roundIterations(123_456_789), 120000000);
 * ```
 */
export function roundIterations(value: number): number {
  const clamped = Math.min(MAX_ITERATIONS, Math.max(MIN_ITERATIONS, value));
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(clamped)) - 1);
  return Math.round(clamped / scale) * scale;
}
