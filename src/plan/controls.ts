/**
 * Controls: a measurement of the same thing as a series with one part of the
 * harness taken away, run beside that series' trial in every round, so that
 * what the part costs is a ratio of neighbours measured minutes, not hours,
 * apart. On a VM whose speed changes between states from one minute to the
 * next, a control measured before and after the trials can land in another
 * state than the trials it is set against; one measured in the same round
 * cannot drift far from its pair.
 *
 * Two kinds take a part of the harness away:
 * - `pipe-loop`, beside the 8-byte `pipe` stream: the essay's loop in plain C
 *   (one `write()` and one `read()` of 8 bytes per item, a forked reader), so
 *   the ratio says how much of the pipe's figure is the kit's workers, segment
 *   and checks.
 * - `unstamped`, beside the 8-byte `shm` round trip: the same trial with no
 *   clock read in its loop (only its first round trip is stamped), so the
 *   ratio says what stamping round trips for the percentiles costs the loop.
 *
 * Three are the file server's baselines, the monolithic kernel doing the same
 * read, beside every trial of the ring server (`shm`, native, depth 1), so the
 * essay's comparison is a paired ratio with an interval, not a ratio against a
 * figure measured once before the run:
 * - `pread`, at the series' size: `pread()` of the same offsets, every word
 *   checked;
 * - `uring-read`, at the series' size: the same reads through io_uring, one in
 *   flight (where io_uring is available);
 * - `null-syscall`, beside the smallest size only: `syscall(SYS_getppid)`.
 *
 * @module
 */

import type { Series } from "./plan.ts";
import type { ControlKind } from "./control_kinds.ts";

/** One control of a run: what it is, and the series it is measured beside. */
export interface ControlPlan {
  /** What the control takes away. */
  kind: ControlKind;
  /** The series whose trials it is paired with, round by round. */
  series: Series;
}

/**
 * The client of an `unstamped` control times its round trips this seldom: once per trial, the
 * first (see `ffi/ringpipe.h`).
 */
export const UNSTAMPED_EVERY = Number.MAX_SAFE_INTEGER;

/**
 * The controls a series gets: `pipe-loop` for a native 8-byte `pipe` stream, `unstamped` for a
 * native, unpaced 8-byte `shm` ping-pong, `pread` (and `uring-read` where io_uring reads work) for
 * the native ring server at depth 1; none for the rest. (`null-syscall` is planned once per run,
 * by {@link plannedControls}.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { controlKindsOf } from "./controls.ts";
 * const shm = { name: "shm" }, pipe = { name: "pipe" };
 * assert.deepEqual(controlKindsOf({ transport: pipe, mode: "stream", sizeBytes: 8 }), ["pipe-loop"]);
 * assert.deepEqual(controlKindsOf({ transport: shm, mode: "pingpong", sizeBytes: 8 }), ["unstamped"]);
 * assert.deepEqual(controlKindsOf({ transport: shm, mode: "pingpong", sizeBytes: 8, paceNs: 1e5 }), []);
 * assert.deepEqual(controlKindsOf({ transport: shm, mode: "pingpong", sizeBytes: 8, engine: "deno" }), []);
 * assert.deepEqual(controlKindsOf({ transport: pipe, mode: "stream", sizeBytes: 64 }), []);
 * const server = { transport: shm, mode: "fileserver" as const, sizeBytes: 4096, queueDepth: 1 };
 * assert.deepEqual(controlKindsOf(server), ["pread"]);
 * assert.deepEqual(controlKindsOf(server, { uringReads: true }), ["pread", "uring-read"]);
 * assert.deepEqual(controlKindsOf({ ...server, queueDepth: 8 }), []);
 * assert.deepEqual(controlKindsOf({ ...server, transport: pipe }), []);
 * ```
 */
export function controlKindsOf(
  series: Pick<Series, "mode" | "sizeBytes" | "engine" | "paceNs" | "queueDepth"> & {
    transport: { name: string };
  },
  options: { uringReads?: boolean } = {},
): ControlKind[] {
  if ((series.engine ?? "native") !== "native") return [];
  if (series.mode === "fileserver") {
    if (series.transport.name !== "shm" || (series.queueDepth ?? 1) !== 1) return [];
    return options.uringReads ? ["pread", "uring-read"] : ["pread"];
  }
  if (series.sizeBytes !== 8) return [];
  if (series.transport.name === "pipe" && series.mode === "stream") return ["pipe-loop"];
  if (series.transport.name === "shm" && series.mode === "pingpong" && !series.paceNs) {
    return ["unstamped"];
  }
  return [];
}

/**
 * The controls of a run, in the series' order: each series' kinds ({@link controlKindsOf}), and
 * one `null-syscall` beside the smallest ring server at depth 1. `uringReads`: io_uring reads
 * work here (the caller asked the shim).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plannedControls } from "./controls.ts";
 * import { planSeries } from "./plan.ts";
 * import { shm } from "../transports/shm.ts";
 * import { pipe } from "../transports/pipe.ts";
 * const series = planSeries([shm, pipe], ["stream", "pingpong"], [8, 64], [{ kind: "cross", cpus: [0, 1] }]);
 * assert.deepEqual(plannedControls(series).map((c) => c.kind), ["pipe-loop", "unstamped"]);
 * ```
 */
export function plannedControls(
  series: readonly Series[],
  options: { uringReads?: boolean } = {},
): ControlPlan[] {
  const servers = series.filter((s) => controlKindsOf(s).includes("pread"));
  const smallest = servers.reduce<Series | undefined>(
    (best, s) => best === undefined || s.sizeBytes < best.sizeBytes ? s : best,
    undefined,
  );
  return series.flatMap((s) => [
    ...controlKindsOf(s, options).map((kind) => ({ kind, series: s })),
    ...(s === smallest ? [{ kind: "null-syscall" as const, series: s }] : []),
  ]);
}
