/**
 * What a transport is: the one piece a new way of moving messages between two
 * processes has to provide. The supervisor prepares it, each worker runs one
 * side of it, and everything else (modes, sizes, scheduling, statistics,
 * reports) is shared.
 *
 * @module
 */

import type { Engine, Mode } from "../base/names.ts";
import type { Shim } from "../../ffi/library.ts";
import type { Segment } from "../memory/segment.ts";
import type { Capacity, Role, UringSetup } from "../base/measured.ts";
export type { Capacity, Role, UringSetup };

/** The two roles, in the order the C shim numbers them. */
export const ROLES: readonly Role[] = ["producer", "consumer"];

/**
 * A role as the C shim numbers it: 0 for the producer (client), 1 for the consumer (server).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roleIndex, ROLES } from "./types.ts";
 * assert.deepEqual(ROLES.map(roleIndex), [0, 1]);
 * ```
 */
export function roleIndex(role: Role): 0 | 1 {
  return role === "producer" ? 0 : 1;
}

/**
 * Plain values the supervisor hands to both workers (JSON-safe), such as FIFO paths.
 */
export type Endpoint = Readonly<Record<string, string | number>>;

/** What the supervisor gives a transport when it prepares a trial. */
export interface PrepareContext {
  /** The loaded shim. */
  shim: Shim;
  /** A private (mode 0700) directory for this bench run's files; removed at the end. */
  privateDir: string;
  /** A name unique within the run, for files of this trial. */
  trialId: string;
  /** Stream, ping-pong or file server. */
  mode: Mode;
  /** Bytes per message (per reply for the file server). */
  sizeBytes: number;
  /** Which code will run the loops. */
  engine: Engine;
  /** The producer's and the consumer's CPU, or null when unpinned. */
  cpus: [number, number] | null;
  /** Slots of a ring for this series' messages (`--ring-slots`, fewer for large messages). */
  ringSlots: number;
  /** How long an idle side that may sleep looks first, ns (`--spin-before-sleep`). */
  spinBeforeSleepNs: number;
  /** io_uring transports: the series' rings, as recorded (absent: the transport works it out). */
  uring?: UringSetup;
}

/** What a worker gives a transport when it runs one side. */
export interface SideContext {
  /** The loaded shim. */
  shim: Shim;
  /** The trial's segment, mapped in this worker. */
  segment: Segment;
  /** Which side to run. */
  role: Role;
  /** What `prepare` returned. */
  endpoint: Endpoint;
  /** Stream, ping-pong or file server. */
  mode: Mode;
  /** Bytes per message, a multiple of 8. */
  sizeBytes: number;
  /** Messages (stream) or round trips (ping-pong). */
  iterations: number;
  /** The result array the C loop fills (`ResultField` slots). */
  out: BigUint64Array<ArrayBuffer>;
  /** The latency histogram the ping-pong client fills (`HISTOGRAM_BUCKETS` slots). */
  hist: BigUint64Array<ArrayBuffer>;
  /** The deno engine's publication cadence (`--publish-every`). */
  publishEvery: number;
  /** Deno engine, ping-pong: ns between the starts of round trips (0: back to back). */
  paceNs: number;
  /** Deno engine, ping-pong: the client times every this many round trips (0 or 1: each). */
  latencyEvery: number;
}

/**
 * A way of moving messages from one process to another.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Transport } from "./types.ts";
 * export const carrierPigeon: Transport = {
 *   name: "pigeon",
 *   description: "a bird per message",
 *   spins: false,
 *   rings: () => 0,
 *   prepare: () => ({}),
 *   runSide: () => 0,
 * };
 * assert.equal(carrierPigeon.rings("stream"), 0); // no ring in the segment: the bird carries it
 * ```
 */
export interface Transport {
  /** The name on the command line and in reports. */
  readonly name: string;
  /** One line on what it is, for `--help` and the reports. */
  readonly description: string;
  /** True when a waiting side spins: on a shared CPU it must yield instead. */
  readonly spins: boolean;
  /** False when it cannot serve files (its messages have one size each way). */
  readonly fileServer?: false;
  /** Its own way of waiting, for ring transports (`futex`, `pipe`), when not spinning. */
  readonly wait?: "futex" | "pipe" | "eventfd";
  /** Rings it keeps in the trial segment for this mode (0: none). */
  rings(mode: Mode): number;
  /**
   * Supervisor, before anything runs: why this machine cannot run it (null or absent: it can).
   * Named on the command line it is refused with that line; under `--transports all`, skipped.
   */
  unavailable?(shim: Shim): string | null;
  /** Supervisor, io_uring transports: how a series' rings will be set up, for the report. */
  uringSetup?(
    shim: Shim,
    series: {
      mode: Mode;
      cpus: [number, number] | null;
      spinBeforeSleepNs?: number;
      uringBatch?: number;
    },
  ): UringSetup | null;
  /** Supervisor, before the workers start: creates what both sides open. */
  prepare(context: PrepareContext): Endpoint | Promise<Endpoint>;
  /** Why it cannot run with both loops on one CPU (`--placement same`), when it cannot. */
  readonly notOnOneCpu?: string;
  /** The message sizes it carries here (bytes, inclusive), and why, when it has limits of its own. */
  messageLimits?(): { min?: number; max?: number; why: string } | null;
  /**
   * How many messages of `sizeBytes` it holds before a sender must wait with `engine`'s loops, and
   * what sets that; null (or absent) for a native ring, which holds its slots.
   */
  capacity?(sizeBytes: number, engine: Engine): Capacity | null;
  /** Supervisor, after the trial (and on an interrupt): removes what `prepare` made outside the private directory. */
  cleanup?(shim: Shim, endpoint: Endpoint): void;
  /**
   * Worker, deno engine (8-byte streams): the same, with the loop in TypeScript;
   * absent where the transport has no TypeScript loop.
   */
  runSideDeno?(context: SideContext): number | Promise<number>;
  /**
   * Worker: opens its ends, runs the C loop once (one FFI call), closes.
   * Returns the loop's status: 0, a positive `Status`, or `-errno`.
   */
  runSide(context: SideContext): number;
}
