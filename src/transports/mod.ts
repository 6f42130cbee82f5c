/**
 * The registry of transports: adding one is a new file here and one line below.
 *
 * @module
 */

import { mq } from "./mq.ts";
import { fifo, pipe, pipeSplice } from "./pipe.ts";
import { ringEventfd, ringFutex, ringPipewake, shm, shmCopy } from "./shm.ts";
import { unix } from "./unix.ts";
import { pipeUring, pipeUringSqpoll } from "./uring.ts";
import type { Transport } from "./types.ts";

export type {
  Capacity,
  Endpoint,
  PrepareContext,
  Role,
  SideContext,
  Transport,
  UringSetup,
} from "./types.ts";
export { ROLES } from "./types.ts";

/**
 * Every transport the kit knows, by CLI name, in the order reports list them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TRANSPORTS } from "./mod.ts";
 * assert.deepEqual(Object.keys(TRANSPORTS), ["shm", "shm-copy", "ring-futex", "ring-pipewake", "ring-eventfd", "pipe", "fifo", "pipe-splice", "pipe-uring", "pipe-uring-sqpoll", "unix", "mq"]);
 * ```
 */
export const TRANSPORTS: Readonly<Record<string, Transport>> = {
  shm,
  "shm-copy": shmCopy,
  "ring-futex": ringFutex,
  "ring-pipewake": ringPipewake,
  "ring-eventfd": ringEventfd,
  pipe,
  fifo,
  "pipe-splice": pipeSplice,
  "pipe-uring": pipeUring,
  "pipe-uring-sqpoll": pipeUringSqpoll,
  unix,
  mq,
};

/**
 * Looks a transport up by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transportNamed } from "./mod.ts";
 * assert.equal(transportNamed("pipe")?.name, "pipe");
 * assert.equal(transportNamed("carrier-pigeon"), undefined);
 * ```
 */
export function transportNamed(name: string): Transport | undefined {
  return Object.hasOwn(TRANSPORTS, name) ? TRANSPORTS[name] : undefined;
}
