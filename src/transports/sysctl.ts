/**
 * Reads a kernel tunable from `/proc/sys`, for the transports whose limits
 * and capacities the kernel sets (message queue sizes, socket buffers).
 *
 * @module
 */

/**
 * The positive integer in `/proc/sys/<path>`, or `fallback` when it cannot be
 * read (no `/proc`, no permission) or is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sysctl } from "./sysctl.ts";
 * assert.equal(sysctl("no/such/tunable", 10), 10); // the fallback
 * assert.ok(sysctl("fs/pipe-max-size", 0) >= 4096 || sysctl("fs/pipe-max-size", 0) === 0);
 * ```
 */
export function sysctl(path: string, fallback: number): number {
  try {
    const value = Number(Deno.readTextFileSync(`/proc/sys/${path}`).trim());
    return Number.isSafeInteger(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}
