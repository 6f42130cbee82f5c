/**
 * Collects the samples of a bench run: sizes each transport's runs (by
 * calibration unless the user fixed `--iterations`), warms each up once, then
 * runs the timed trials interleaved, so slow drift of the machine hits every
 * transport alike.
 *
 * @module
 */

import { runTrial } from "./trial.ts";
import type { TrialContext, TrialResult } from "./trial.ts";
import type { Transport } from "./transports/mod.ts";

/** What to sample. */
export interface SamplingPlan {
  transports: Transport[];
  /** Items per run for every transport, or null to calibrate each to `runSeconds`. */
  iterations: number | null;
  /** Timed runs per transport. */
  runs: number;
  /** Target length of a calibrated run. */
  runSeconds: number;
  /** Nice value the workers request. */
  nice: number | null;
  /** Ring capacity in items. */
  ringSlots: number;
}

/** A trial with its position among all the trials of the run, from 1. */
export interface MeasuredTrial extends TrialResult {
  order: number;
}

/** Every trial of one transport, in the order each was measured. */
export interface TransportSamples {
  transport: Transport;
  /** Items per timed run. */
  iterations: number;
  /** Calibration and warm-up trials: measured, kept apart, never summarised. */
  warmup: MeasuredTrial[];
  /** The timed trials. */
  runs: MeasuredTrial[];
}

/** One finished trial, for progress display; `order` counts every trial of the run from 1. */
export interface TrialEvent {
  order: number;
  kind: "warm-up" | "run";
  transport: string;
  /** 1-based index of this kind for this transport, and how many there will be (runs only). */
  index: number;
  of: number | null;
  result: MeasuredTrial;
}

/** Calibration starts here and grows tenfold while a trial is shorter than this fraction of the target. */
const CALIBRATION_START = 10_000;
const CALIBRATION_MIN_FRACTION = 0.05;
/** Bounds of a calibrated run. */
const MIN_ITERATIONS = 1_000;
const MAX_ITERATIONS = 1e11;
/** A trial may take this many times its expected length, plus the fixed allowance, before it is killed. */
const TIMEOUT_FACTOR = 20;
const TIMEOUT_ALLOWANCE_MS = 30_000;

/**
 * Runs every trial of the plan: warm-ups (with calibration) first, then the
 * timed runs in rounds that alternate the transport order (A B, B A, A B, ...).
 *
 * @example
 * ```ts ignore
 * import { collectSamples } from "./sampling.ts";
 * const samples = await collectSamples(context, {
 *   transports: [shm, pipe], iterations: null, runs: 10, runSeconds: 0.5, nice: -20, ringSlots: 4096,
 * });
 * console.log(samples.map((s) => `${s.transport.name}: ${s.runs.length} runs`));
 * ```
 */
export async function collectSamples(
  context: TrialContext,
  plan: SamplingPlan,
  onTrial: (event: TrialEvent) => void = () => {},
): Promise<TransportSamples[]> {
  let order = 0;
  const trial = async (
    transport: Transport,
    iterations: number,
    expectedNs: number,
    kind: TrialEvent["kind"],
    index: number,
    of: number | null,
  ): Promise<MeasuredTrial> => {
    order++;
    const timeoutMs = TIMEOUT_ALLOWANCE_MS + (TIMEOUT_FACTOR * expectedNs) / 1e6;
    const id = `${transport.name}-${kind === "run" ? "r" : "w"}${index}`;
    const result = await runTrial(context, {
      transport,
      iterations,
      nice: plan.nice,
      ringSlots: plan.ringSlots,
      timeoutMs,
    }, id);
    const measured = { ...result, order };
    onTrial({ order, kind, transport: transport.name, index, of, result: measured });
    return measured;
  };

  const targetNs = plan.runSeconds * 1e9;
  const samples: TransportSamples[] = [];
  for (const transport of plan.transports) {
    const warmup: MeasuredTrial[] = [];
    let iterations = plan.iterations ?? CALIBRATION_START;
    for (;;) {
      const result = await trial(
        transport,
        iterations,
        targetNs,
        "warm-up",
        warmup.length + 1,
        null,
      );
      warmup.push(result);
      if (plan.iterations !== null) break;
      if (result.elapsedNs >= targetNs * CALIBRATION_MIN_FRACTION || iterations >= MAX_ITERATIONS) {
        iterations = roundIterations(targetNs / result.nsPerItem);
        break;
      }
      iterations *= 10;
    }
    samples.push({ transport, iterations, warmup, runs: [] });
  }

  for (let round = 0; round < plan.runs; round++) {
    const ordered = round % 2 === 0 ? samples : [...samples].reverse();
    for (const sample of ordered) {
      const expectedNs = (sample.warmup.at(-1)?.nsPerItem ?? 0) * sample.iterations;
      sample.runs.push(
        await trial(sample.transport, sample.iterations, expectedNs, "run", round + 1, plan.runs),
      );
    }
  }
  return samples;
}

/**
 * Rounds a calibrated item count to two significant digits, within bounds.
 *
 * @example
 * ```ts
 * import { roundIterations } from "./sampling.ts";
 * console.log(roundIterations(123_456_789)); // 120000000
 * ```
 */
export function roundIterations(value: number): number {
  const clamped = Math.min(MAX_ITERATIONS, Math.max(MIN_ITERATIONS, value));
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(clamped)) - 1);
  return Math.round(clamped / scale) * scale;
}
