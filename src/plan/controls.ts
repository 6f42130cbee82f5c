/**
 * Controls: a measurement of the same thing as a series with one part of the
 * harness taken away, run beside that series' trial in every round, so that
 * what the part costs is a ratio of neighbours measured minutes, not hours,
 * apart. On a VM whose speed changes between states from one minute to the
 * next, a control measured before and after the trials can land in another
 * state than the trials it is set against; one measured in the same round
 * cannot drift far from its pair.
 *
 * Two kinds:
 * - `pipe-loop`, beside the 8-byte `pipe` stream: the essay's loop in plain C
 *   (one `write()` and one `read()` of 8 bytes per item, a forked reader), so
 *   the ratio says how much of the pipe's figure is the kit's workers, segment
 *   and checks.
 * - `unstamped`, beside the 8-byte `shm` round trip: the same trial with no
 *   clock read in its loop (only its first round trip is stamped), so the
 *   ratio says what stamping round trips for the percentiles costs the loop.
 *
 * @module
 */

import type { Series } from "./series.ts";

/** A kind of control, as the report names it. */
export type ControlKind = "pipe-loop" | "unstamped";

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
 * The control a series gets, or null: `pipe-loop` for a native 8-byte `pipe` stream,
 * `unstamped` for a native, unpaced 8-byte `shm` ping-pong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { controlKindOf } from "./controls.ts";
 * const shm = { name: "shm" }, pipe = { name: "pipe" };
 * assert.equal(controlKindOf({ transport: pipe, mode: "stream", sizeBytes: 8 }), "pipe-loop");
 * assert.equal(controlKindOf({ transport: shm, mode: "pingpong", sizeBytes: 8 }), "unstamped");
 * assert.equal(controlKindOf({ transport: shm, mode: "pingpong", sizeBytes: 8, paceNs: 1e5 }), null);
 * assert.equal(controlKindOf({ transport: shm, mode: "pingpong", sizeBytes: 8, engine: "deno" }), null);
 * assert.equal(controlKindOf({ transport: pipe, mode: "stream", sizeBytes: 64 }), null);
 * ```
 */
export function controlKindOf(
  series: Pick<Series, "mode" | "sizeBytes" | "engine" | "paceNs"> & {
    transport: { name: string };
  },
): ControlKind | null {
  if ((series.engine ?? "native") !== "native" || series.sizeBytes !== 8) return null;
  if (series.transport.name === "pipe" && series.mode === "stream") return "pipe-loop";
  if (series.transport.name === "shm" && series.mode === "pingpong" && !series.paceNs) {
    return "unstamped";
  }
  return null;
}

/**
 * The controls of a run: one for every series that has a kind of control, in the series' order.
 *
 * @example
 * ```ts ignore
 * import { plannedControls } from "./controls.ts";
 * console.log(plannedControls(series).map((c) => c.kind)); // ["pipe-loop", "unstamped"]
 * ```
 */
export function plannedControls(series: readonly Series[]): ControlPlan[] {
  return series.flatMap((s) => {
    const kind = controlKindOf(s);
    return kind === null ? [] : [{ kind, series: s }];
  });
}
