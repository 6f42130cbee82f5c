/**
 * What a transport is: the one piece a new way of moving items between two
 * processes has to provide. The supervisor prepares it, each worker runs one
 * side of it, and everything else (scheduling, statistics, reports) is shared.
 *
 * @module
 */

import type { Shim } from "../../ffi/library.ts";
import type { Segment } from "../segment.ts";

/** Which side of a trial a worker plays. */
export type Role = "producer" | "consumer";

/** The two roles, in the order the C shim numbers them. */
export const ROLES: readonly Role[] = ["producer", "consumer"];

/**
 * Plain values the supervisor hands to both workers (JSON-safe), such as a FIFO path.
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
  /** Items to move. */
  iterations: number;
  /** The result array the C loop fills (`ResultField` slots). */
  out: BigUint64Array<ArrayBuffer>;
}

/**
 * A way of moving items from a producer process to a consumer process.
 *
 * @example
 * ```ts ignore
 * import type { Transport } from "./types.ts";
 * export const carrierPigeon: Transport = {
 *   name: "pigeon",
 *   description: "a bird per item",
 *   segmentBytes: () => 0,
 *   prepare: () => ({}),
 *   runSide: () => 0,
 * };
 * ```
 */
export interface Transport {
  /** The name on the command line and in reports. */
  readonly name: string;
  /** The label the original experiment printed for it, if it was in the original. */
  readonly originalLabel?: string;
  /** One line on what it is, for `--help` and the reports. */
  readonly description: string;
  /** Bytes it keeps in the trial segment after the control block (the ring), or 0. */
  segmentBytes(shim: Shim, ringSlots: number): number;
  /** Supervisor, before the workers start: creates what both sides open. */
  prepare(context: PrepareContext): Endpoint | Promise<Endpoint>;
  /**
   * Worker: opens its end, runs the C loop once (one FFI call), closes.
   * Returns the loop's status: 0, a positive `Status`, or `-errno`.
   */
  runSide(context: SideContext): number;
}
