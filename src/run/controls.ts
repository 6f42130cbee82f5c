/**
 * Measuring the controls planned in `../plan/controls.ts`: one round of a
 * control is one measurement of the same length as its series' trial, taken
 * right beside that trial (before it in one round, after it in the next).
 *
 * - `pipe-loop`: `rp_yardstick_pipe`, a plain C loop over `pipe(2)` run from
 *   the supervisor (a forked reader, one `write()` and one `read()` of 8 bytes
 *   per item, every item checked), on the series' two CPUs.
 * - `unstamped`: a trial of the series itself, whose client stamps only its
 *   first round trip.
 *
 * @module
 */

import type { Shim } from "../../ffi/library.ts";
import { NICE_UNKNOWN } from "../../ffi/symbols.ts";
import { UNSTAMPED_EVERY } from "../plan/controls.ts";
import type { ControlKind, ControlPlan } from "../plan/controls.ts";
import type { TrialPlan, TrialResult } from "./trial.ts";

/** How each kind of control is measured, in words, for the report. */
export const CONTROL_METHODS: Record<ControlKind, string> = {
  "pipe-loop": "the supervisor forks a reader and writes as many 8-byte sequence numbers as a " +
    "trial of the series sends, one write() and one read() each, the reader checking every one, " +
    "timed from the first write to the reader's one-byte answer; a round beside each of the " +
    "series' trials, on its CPUs and at its loops' nice",
  "unstamped": "a trial of the series whose client stamps only its first round trip, one beside " +
    "each of the series' trials; the ratio is what stamping round trips for the percentiles " +
    "costs the loop's mean round trip",
};

/**
 * Measures one round of `control`: ns per item (per 8-byte item, or per round trip).
 *
 * @example
 * ```ts ignore
 * import { measureControl } from "./controls.ts";
 * console.log(await measureControl(shim, control, plan, (p) => runTrial(context, p, "c1")));
 * ```
 * @throws {ShimError} when the pipe loop fails (fork, pipe, or data that does not check out).
 * @throws {RunError} when the unstamped trial fails, as any trial does.
 */
export async function measureControl(
  shim: Shim,
  control: ControlPlan,
  plan: TrialPlan,
  trial: (plan: TrialPlan) => Promise<TrialResult>,
): Promise<number> {
  if (control.kind === "unstamped") {
    const series = { ...plan.series, latencyEvery: UNSTAMPED_EVERY };
    return (await trial({ ...plan, series })).nsPerItem;
  }
  const cpus = plan.series.cpus;
  // At the workers' nice: this thread's, which the forked reader inherits; put back after.
  const before = shim.symbols.rp_nice_get();
  if (plan.nice !== null) shim.symbols.rp_nice_set(plan.nice);
  try {
    const ns = Number(
      shim.symbols.rp_yardstick_pipe(BigInt(plan.iterations), cpus?.[0] ?? -1, cpus?.[1] ?? -1),
    );
    shim.check(ns, "the pipe(2) yardstick");
    return ns / plan.iterations;
  } finally {
    if (plan.nice !== null && before !== NICE_UNKNOWN) shim.symbols.rp_nice_set(before);
  }
}
