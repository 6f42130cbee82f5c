/**
 * The defaults of a full run, apart from the option table (`./options.ts`),
 * which knows every transport: the archive's index tells a default run by
 * them, and reading reports should not load the transports.
 *
 * @module
 */

import type { Mode, PlacementRequest } from "../base/names.ts";

/**
 * The defaults of a full run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULTS } from "./defaults.ts";
 * assert.deepEqual(DEFAULTS.transports, ["shm", "pipe"]);
 * ```
 */
export const DEFAULTS = {
  modes: ["stream", "pingpong"] as Mode[],
  sizes: [8, 64, 512, 4096, 65536, 1 << 20],
  placement: "cross" as PlacementRequest,
  minTrials: 10,
  targetCi: 0.02,
  /** `--variant` runs: builds within this factor of each other (either way) are called the same. */
  margin: 0.02,
  budgetSeconds: 60,
  trialSeconds: 0.05,
  transports: ["shm", "pipe"],
  nice: -20,
  ringSlots: 4096,
  out: "results",
} as const;
