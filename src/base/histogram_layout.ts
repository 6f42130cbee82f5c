/**
 * The latency histogram's layout, which the C shim and TypeScript share
 * (`RP_HIST_SUB_BITS` and `rp_hist_buckets()` in `ffi/ringpipe.h` must
 * agree; the shim's ABI check on load compares them). It lives at the bottom
 * of the tree so that reading a report needs nothing of `ffi/`.
 *
 * @module
 */

/** log2 of the one-nanosecond buckets at the bottom of the latency histogram (`RP_HIST_SUB_BITS`). */
export const SUB_BITS = 8;

/**
 * Buckets in a latency histogram (`rp_hist_buckets()` must agree): 256 one-nanosecond buckets,
 * then 128 for each of 33 powers of two (see `src/stats/histogram.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HISTOGRAM_BUCKETS } from "./histogram_layout.ts";
 * assert.equal(HISTOGRAM_BUCKETS, 256 + 33 * 128);
 * ```
 */
export const HISTOGRAM_BUCKETS: number = (1 << SUB_BITS) + 33 * (1 << (SUB_BITS - 1));
