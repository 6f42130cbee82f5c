/**
 * The plan of a run: every series to measure, each with the transport object
 * that runs it, and what follows from a series for its waits. Naming a series
 * (its key, its label) is `./series.ts`, which the read side uses without the
 * transports.
 *
 * @module
 */

import type { Engine, Mode, PlacementKind, WaitPolicy } from "../base/names.ts";
import type { UringSetup } from "../base/measured.ts";
import type { Transport } from "../transports/mod.ts";
import { DEFAULT_LATENCY_EVERY, DEFAULT_SPIN_NS } from "./series.ts";

/** One combination to measure. */
export interface Series {
  /** Which code runs the loops (default `native`). */
  engine?: Engine;
  /** The transport. */
  transport: Transport;
  /** Stream, ping-pong or file server. */
  mode: Mode;
  /** Bytes per message (per reply for the file server). */
  sizeBytes: number;
  /** Where the two processes ran. */
  placement: PlacementKind;
  /** Producer (client) and consumer (server) CPUs, or null when unpinned. */
  cpus: [number, number] | null;
  /** `--wait` for ring transports, or null for the transport's own way. */
  wait?: WaitPolicy | null;
  /** Ping-pong: ns between the starts of round trips (`--pace`), or 0. */
  paceNs?: number;
  /** File server: requests the client keeps in flight (`--depth`). */
  queueDepth?: number;
  /** Deno engine, ring transports: the sender publishes every this many items (`--publish-every`). */
  publishEvery?: number;
  /** `--variant` runs: the label of the build whose loops run this series (absent: the one build). */
  variant?: string;
  /** Futex and pipe waits: how long an idle side looks before it sleeps, ns (`--spin-before-sleep`). */
  spinBeforeSleepNs?: number;
  /** Ping-pong: the client times every this many round trips (`--latency-every`; 1: each). */
  latencyEvery?: number;
  /**
   * Ping-pong, native loops: what stamps the sampled round trips: the TSC where the machine allows
   * it, else (and absent) CLOCK_MONOTONIC.
   */
  latencyStamp?: "tsc" | "clock";
  /** io_uring transports, stream: messages submitted together, at most (`--uring-batch`). */
  uringBatch?: number;
  /** io_uring transports: how the rings are set up (filled in once the kernel was asked). */
  uring?: UringSetup;
}

/**
 * True when an idle side of this series may sleep (futex or pipe waits), so its spin-before-sleep
 * time shapes its figures.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleeps } from "./plan.ts";
 * import { ringFutex, shm } from "../transports/shm.ts";
 * const series = {
 *   transport: ringFutex, mode: "pingpong" as const, sizeBytes: 8, placement: "cross" as const,
 *   cpus: null,
 * };
 * assert.equal(sleeps(series), true);
 * assert.equal(sleeps({ ...series, transport: shm }), false);
 * ```
 */
export function sleeps(series: Series): boolean {
  const policy = waitPolicy(series);
  return policy === "futex" || policy === "pipe" || policy === "eventfd";
}

/**
 * How a side that finds nothing to do waits in this series: spinning, unless
 * both sides share one CPU, where a spinning side would only burn the time
 * slice its peer needs, so it yields instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { waitPolicy } from "./plan.ts";
 * import { shm } from "../transports/shm.ts";
 * const series = {
 *   transport: shm, mode: "stream" as const, sizeBytes: 8, placement: "cross" as const, cpus: null,
 * };
 * assert.equal(waitPolicy(series), "spin");
 * assert.equal(waitPolicy({ ...series, placement: "same" }), "yield"); // one CPU: give it away
 * ```
 */
export function waitPolicy(series: Series): WaitPolicy {
  if (series.transport.rings(series.mode) === 0) return "spin"; // it blocks in the kernel
  const asked = series.wait ?? series.transport.wait ?? "spin";
  return asked === "spin" && series.placement === "same" ? "yield" : asked;
}

/**
 * The series of a run: every mode, size, placement and transport, in that
 * nesting, so a report reads mode by mode and size by size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planSeries } from "./plan.ts";
 * import { seriesLabel } from "./series.ts";
 * import { shm } from "../transports/shm.ts";
 * import { pipe } from "../transports/pipe.ts";
 * const series = planSeries([shm, pipe], ["stream"], [8, 4096], [{ kind: "cross", cpus: [0, 1] }]);
 * assert.deepEqual(series.map((s) => seriesLabel({ ...s, transport: s.transport.name })), [
 *   "shm stream 8 B cross",
 *   "pipe stream 8 B cross",
 *   "shm stream 4 KiB cross",
 *   "pipe stream 4 KiB cross",
 * ]);
 * ```
 */
export function planSeries(
  transports: Transport[],
  modes: readonly Mode[],
  sizes: readonly number[],
  placements: { kind: PlacementKind; cpus: [number, number] | null }[],
  tuning: {
    wait?: WaitPolicy | null;
    paceNs?: number;
    depths?: number[];
    engines?: Engine[];
    publishEvery?: number[];
    spinBeforeSleepNs?: number;
    latencyEvery?: number;
    uringBatch?: number;
    latencyStamp?: "tsc" | "clock";
    /** `--variant` labels: every series once per build, the builds side by side. */
    variants?: string[];
  } = {},
): Series[] {
  const all: Series[] = [];
  for (const mode of modes) {
    for (const sizeBytes of sizes) {
      for (const placement of placements) {
        for (const engine of tuning.engines ?? ["native"]) {
          for (const transport of transports) {
            const base: Series = {
              engine,
              transport,
              mode,
              sizeBytes,
              placement: placement.kind,
              cpus: placement.cpus,
              wait: tuning.wait ?? null,
              paceNs: mode === "pingpong" ? tuning.paceNs ?? 0 : 0,
              spinBeforeSleepNs: tuning.spinBeforeSleepNs ?? DEFAULT_SPIN_NS,
              ...(transport.uringSetup && tuning.uringBatch !== undefined
                ? { uringBatch: tuning.uringBatch }
                : {}),
              ...(mode === "pingpong"
                ? {
                  latencyEvery: tuning.latencyEvery ?? DEFAULT_LATENCY_EVERY,
                  // The deno engine's client reads CLOCK_MONOTONIC through the shim.
                  latencyStamp: engine === "native" ? tuning.latencyStamp ?? "clock" : "clock",
                }
                : {}),
            };
            const each = tuning.variants === undefined
              ? [base]
              : tuning.variants.map((variant) => ({ ...base, variant }));
            for (const one of each) {
              if (mode === "fileserver") {
                for (const queueDepth of tuning.depths ?? [1]) all.push({ ...one, queueDepth });
              } else if (engine === "deno" && transport.rings(mode) > 0 && mode === "stream") {
                // Each publication cadence is its own series, so one report shows its effect.
                for (const publishEvery of tuning.publishEvery ?? [1]) {
                  all.push({ ...one, publishEvery });
                }
              } else {
                all.push(one);
              }
            }
          }
        }
      }
    }
  }
  return all;
}
