/**
 * The seed experiment's published figures, shown beside ours as a labelled
 * reference, never mixed into our statistics.
 *
 * @module
 */

/**
 * What the essay's C test printed (seconds per iteration, 8-byte items) and how it was run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ORIGINAL } from "./original.ts";
 * assert.equal((ORIGINAL.pipeNsPerItem / ORIGINAL.shmNsPerItem).toFixed(1), "62.2");
 * ```
 */
export const ORIGINAL = {
  shmNsPerItem: 7.089606793,
  pipeNsPerItem: 441.069553283,
  /** The essay's range over its runs; the printed pair above gives about 62. */
  ratioRange: [50, 64] as const,
  machine: "x86_64 Gentoo",
  build: 'CC=clang CFLAGS="-flto -O3 -DNDEBUG" make && sudo make run',
  lines: [
    "SHMEM Time:  0.000000007089606793",
    "KERNEL Time: 0.000000441069553283",
  ] as const,
} as const;

/**
 * The label the essay printed for each of its two transports, by the kit's transport name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ORIGINAL_LABELS } from "./original.ts";
 * assert.equal(ORIGINAL_LABELS.pipe, "KERNEL");
 * assert.equal(ORIGINAL_LABELS.fifo, undefined);
 * ```
 */
export const ORIGINAL_LABELS: Readonly<Record<string, "SHMEM" | "KERNEL" | undefined>> = {
  shm: "SHMEM",
  pipe: "KERNEL",
};
