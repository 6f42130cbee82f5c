/**
 * The kit's vocabulary: the names every layer uses for what a series is
 * (mode, engine, placement, how an idle side waits) and for what a run asks
 * for (pinning, placement). Plain names only, so that anything may import
 * them: the codes the C shim uses for them are in `ffi/symbols.ts`.
 *
 * @module
 */

/**
 * `stream`: messages flow one way. `pingpong`: each request waits for its reply
 * of the same size. `fileserver`: 16-byte read requests, replies of the size
 * (see `src/run/yardsticks.ts`).
 */
export type Mode = "stream" | "pingpong" | "fileserver";

/** The modes of the matrix, in report order (the file server is a scenario of its own). */
export const MODES: readonly Mode[] = ["stream", "pingpong"];

/** `cross`: two distinct CPUs; `same`: one CPU for both; `unpinned`: the scheduler decides. */
export type PlacementKind = "cross" | "same" | "unpinned";

/** How a side with nothing to do waits: spin, give the CPU away, or (rings) sleep on a futex. */
export type WaitPolicy = "spin" | "yield" | "futex" | "pipe" | "eventfd";

/** What `--wait` may ask of ring transports (a pipe wake-up is a transport's own way, not a request). */
export type WaitRequest = "spin" | "yield" | "futex";

/** Which code runs the loops: C in the shim, or TypeScript in the worker. */
export type Engine = "native" | "deno";

/** Where the two loops run: chosen by the kit, left to the scheduler, or two given CPUs. */
export type PinRequest = "auto" | "none" | [number, number];

/** Where the pair runs: two CPUs, one CPU, or both in turn. */
export type PlacementRequest = "cross" | "same" | "both";
