/**
 * The live progress line of a bench run on a terminal: which transport, how
 * many trials, how wide each median's CI is now, and the time left. Nothing of
 * it when stderr is not a terminal; the one warning about nice is printed either way.
 *
 * @module
 */

import { colorsFor } from "../base/format.ts";
import type { BenchOptions } from "../plan/options.ts";
import type { TrialEvent } from "../run/sampling.ts";

/** What the bench calls as trials finish, and once at the end. */
export interface ProgressReporter {
  /** Called after every trial. */
  onTrial(event: TrialEvent): void;
  /** Called once at the end: clears the live line. */
  clear(): void;
}

/**
 * A progress reporter writing to stderr.
 *
 * @example
 * ```ts ignore
 * import { progressReporter } from "./progress.ts";
 * const progress = progressReporter(options);
 * await collectSamples(context, plan, progress.onTrial);
 * progress.clear();
 * ```
 */
export function progressReporter(
  options: Pick<BenchOptions, "nice" | "targetCi">,
  stderr: { isTerminal(): boolean; writeSync(p: Uint8Array): number } = Deno.stderr,
): ProgressReporter {
  const live = stderr.isTerminal();
  const encoder = new TextEncoder();
  const c = colorsFor(stderr);
  let warnedNice = false;
  const write = (text: string) => stderr.writeSync(encoder.encode(text));
  return {
    onTrial(event) {
      const side = [event.result.producer, event.result.consumer].find((s) => s.niceError);
      if (side && !warnedNice) {
        warnedNice = true;
        if (live) write("\r\x1b[K");
        write(`${
          c.yellow(
            `warning: cannot set nice ${options.nice} (${side.niceError}); running at nice ` +
              `${side.niceAchieved}. Run under sudo to lower it.`,
          )
        }\n`);
      }
      if (!live) return;
      write(`\r\x1b[K${c.dim(progressLine(event, options.targetCi))}`);
    },
    clear() {
      if (live) write("\r\x1b[K");
    },
  };
}

/**
 * The text of the progress line for one event.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressLine } from "./progress.ts";
 * import type { TrialEvent } from "../run/sampling.ts";
 * const event = {
 *   order: 30, kind: "run", series: "pipe stream 8 B cross", index: 12,
 *   result: { nsPerItem: 1412 }, halfWidths: { a: 0.031, b: 0.012 },
 *   elapsedSeconds: 19.4, budgetSeconds: 60,
 * } as unknown as TrialEvent;
 * assert.equal(
 *   progressLine(event, 0.02),
 *   "pipe stream 8 B cross trial 12: 1412.00 ns | widest CI ±3.1% (target ±2.0%) | 41 s left",
 * );
 * const early = { ...event, halfWidths: { a: Infinity, b: 0.012 } };
 * assert.match(progressLine(early, 0.02), /\| CIs known for 1 of 2 series \|/);
 * ```
 */
export function progressLine(event: TrialEvent, targetCi: number): string {
  const what = `${event.kind === "run" ? "trial" : event.kind} ${event.index}`;
  const widths = Object.values(event.halfWidths);
  const known = widths.filter(Number.isFinite);
  const ci = widths.length === 0
    ? ""
    : known.length < widths.length
    ? ` | CIs known for ${known.length} of ${widths.length} series`
    : ` | widest CI ±${(Math.max(...known) * 100).toFixed(1)}% (target ±${
      (targetCi * 100).toFixed(1)
    }%)`;
  const left = event.budgetSeconds === null
    ? ""
    : ` | ${Math.max(0, Math.round(event.budgetSeconds - event.elapsedSeconds))} s left`;
  return `${event.series} ${what}: ${event.result.nsPerItem.toFixed(2)} ns${ci}${left}`;
}
