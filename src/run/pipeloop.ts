/**
 * The pipe yardstick: a plain C loop over `pipe(2)` (`rp_yardstick_pipe`: a
 * forked reader, one `write()` and one `read()` of 8 bytes per item, as the
 * essay's test), measured in the supervisor before the trials, on the same two
 * CPUs. The kit's `pipe` series goes through its workers, segment and checks;
 * set side by side, the two say how much of the pipe's figure is the harness.
 *
 * @module
 */

import type { Shim } from "../../ffi/library.ts";

/** What the yardstick measured. */
export interface PipeLoop {
  /** ns per 8-byte item, the median of the rounds. */
  nsPerItem: number;
  /** Every round's ns per item, in measured order (half before the trials, half after). */
  rounds: number[];
  /** Writer and reader CPUs, or null when unpinned. */
  cpus: [number, number] | null;
  /** How it is measured, in words. */
  method: string;
}

/** How the yardstick is measured, for the report. */
export const PIPE_LOOP_METHOD =
  "a plain C loop over pipe(2): the supervisor forks a reader and writes 200,000 8-byte sequence " +
  "numbers, one write() and one read() each, the reader checking every one; from the first write " +
  "to the reader's one-byte answer; 5 rounds before the trials and 5 after, the median of all";

/**
 * Runs `rounds` rounds of the pipe yardstick on `cpus` (writer, reader), or unpinned: ns per item.
 *
 * @example
 * ```ts ignore
 * import { pipeLoopRounds } from "./pipeloop.ts";
 * console.log(pipeLoopRounds(shim, [0, 1], 5)); // e.g. [331, 329, 340, 335, 330]
 * ```
 * @throws {ShimError} when the loop fails (fork, pipe, or data that does not check out).
 */
export function pipeLoopRounds(shim: Shim, cpus: [number, number] | null, rounds = 5): number[] {
  const items = 200_000;
  return Array.from({ length: rounds }, () => {
    const ns = Number(
      shim.symbols.rp_yardstick_pipe(BigInt(items), cpus?.[0] ?? -1, cpus?.[1] ?? -1),
    );
    shim.check(ns, "the pipe(2) yardstick");
    return ns / items;
  });
}

/**
 * The yardstick from rounds taken before and after the trials.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipeLoopOf } from "./pipeloop.ts";
 * assert.equal(pipeLoopOf([300, 320, 310], [400, 330], [0, 1]).nsPerItem, 320);
 * ```
 */
export function pipeLoopOf(
  before: number[],
  after: number[],
  cpus: [number, number] | null,
): PipeLoop {
  const rounds = [...before, ...after];
  const sorted = [...rounds].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const nsPerItem = sorted.length % 2 === 1
    ? sorted[Math.floor(mid)]
    : (sorted[mid - 1] + sorted[mid]) / 2;
  return { nsPerItem, rounds, cpus, method: PIPE_LOOP_METHOD };
}
