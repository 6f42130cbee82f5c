/**
 * How a report's figures were measured, in words: the texts a report's
 * `methods` and `latency.clock` carry, kept apart from the code that computes
 * the figures so that readers and writers of reports share one wording.
 *
 * @module
 */

import { formatNs } from "../base/format.ts";

/** How ping-pong round trips were timed before `--latency-every` (every one, chained reads). */
export const LATENCY_CLOCK =
  "CLOCK_MONOTONIC, read once per round trip inside the timed loop (the end of one round trip " +
  "is the start of the next), so each round trip includes one clock read";

/**
 * How a run timed its round trips, for `latency.clock`: which round trips, and what the clock
 * costs the loop per round trip at the measured cost of one read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { latencyClock } from "./methods.ts";
 * assert.equal(
 *   latencyClock(16, 25),
 *   "CLOCK_MONOTONIC around every 16th round trip (two reads each, so a timed round trip includes " +
 *     "one read; 3.125 ns per round trip of the loop's time at 25 ns a read); the others are not timed",
 * );
 * ```
 */
export function latencyClock(
  every: number,
  readCostNs: number | null,
  tsc: { readCostNs?: number } | null = null,
): string {
  const cost = tsc === null ? readCostNs : tsc.readCostNs ?? null;
  const share = cost === null
    ? ""
    : `; ${formatNs((2 * cost) / every)} ns per round trip of the loop's time at ${
      formatNs(cost)
    } ns a read`;
  if (every <= 1) {
    return `${LATENCY_CLOCK}${readCostNs === null ? "" : ` (${formatNs(readCostNs)} ns)`}`;
  }
  return tsc === null
    ? `CLOCK_MONOTONIC around every ${every}th round trip (two reads each, so a timed round trip ` +
      `includes one read${share}); the others are not timed`
    : `the TSC (rdtsc) around every ${every}th round trip (two reads each, so a timed round trip ` +
      `includes one read${share}), turned into ns with each trial's own ratio of CLOCK_MONOTONIC ` +
      `to TSC ticks over its loop; the others are not timed`;
}

/** What the timed region held in the bench that wrote reports of schema 1 to 3 (and their upgrade). */
export const LEGACY_TIMING_METHOD =
  "from the producer's first message to the consumer's last (stream) or the client's last reply " +
  "(ping-pong), CLOCK_MONOTONIC; filling every message with its pattern and checking every byte at " +
  "the receiver are inside the timed region, as a real program would do them";

/** What the timed region holds, for the report. */
export const TIMING_METHOD =
  "from the producer's first message to the consumer's last (stream), or the client's first " +
  "request to its last reply (ping-pong, file server), CLOCK_MONOTONIC; filling every message with " +
  "its pattern and checking every byte at the receiver are inside the timed region, as a real " +
  "program would do them; a paced series' figure per round trip is its mean round trip (the " +
  "service time), not the pace";

/**
 * How the native loops wait while they spin, for the report: both choices were
 * measured against the alternative on the development VM (issue 13).
 */
export const SPIN_WAIT_METHOD =
  `native spinning waits run the CPU's spin-wait hint (${
    Deno.build.arch === "aarch64" ? "yield on arm64" : "pause on x86-64"
  }) between looks at the other side's index, and a ring's head and tail sit 128 bytes apart; ` +
  "measured against no hint, the 8-byte ring round trip was 13 to 21% faster and the stream no " +
  "slower; 128 against 64 bytes apart was a tie, kept because adjacent-line prefetch fetches " +
  "lines in pairs";

/** How the trials' worker processes were run, for the report (absent: a fresh pair per trial). */
export const WORKERS_METHOD =
  "two worker processes (producer and consumer) kept for the whole run, one pair per CPU " +
  "placement, every thread of each given its loop's nice and CPU (the deno engine's waits run " +
  "on pool threads), each trial sent to them as a spec on stdin and run with its own segment, " +
  "transport files, loop, clocks and counters; a pair that failed a trial was replaced";

/** How the A/A noise band is computed. */
export const NOISE_METHOD =
  "A/A: each series' timed trials paired in measured order (1st with 2nd, 3rd with 4th, ...); the " +
  "band is the largest distance from 1, in log terms, reached by the serial-dependence CI of the " +
  "median of those ratios";
