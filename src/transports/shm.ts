/**
 * The ring transports: single-producer single-consumer rings of
 * message-sized slots in the trial's shared segment (one ring for a stream, a
 * second for ping-pong replies); nothing enters the kernel while data flows.
 * `shm` spins when idle, as the original did; `ring-futex` spins briefly and
 * then sleeps on a futex, and the other side wakes it only when it sleeps.
 * The C side is `ffi/ring.c`.
 *
 * @module
 */

import { Mode } from "../../ffi/symbols.ts";
import type { Transport } from "./types.ts";

function ring(
  name: string,
  description: string,
  extra: Partial<Pick<Transport, "originalLabel" | "wait">> = {},
): Transport {
  return {
    name,
    description,
    spins: extra.wait === undefined,
    ...extra,
    rings: (mode) => (mode === "pingpong" ? 2 : 1),
    prepare: () => ({}),
    runSide: ({ shim, segment, role, mode, sizeBytes, iterations, out, hist }) =>
      shim.symbols.rp_ring_run(
        segment.pointer,
        role === "producer" ? 0 : 1,
        mode === "pingpong" ? Mode.PINGPONG : Mode.STREAM,
        BigInt(sizeBytes),
        BigInt(iterations),
        out,
        hist,
      ),
  };
}

/**
 * The shared-memory ring, as in the original experiment's "SHMEM" build.
 *
 * @example
 * ```ts
 * import { shm } from "./shm.ts";
 * console.log(shm.name, shm.originalLabel, shm.rings("pingpong")); // "shm" "SHMEM" 2
 * ```
 */
export const shm: Transport = ring(
  "shm",
  "SPSC ring in shared memory, cached indices, spinning on both sides",
  { originalLabel: "SHMEM" },
);

/**
 * The ring a real program would ship: spin briefly, then sleep on a futex.
 *
 * @example
 * ```ts
 * import { ringFutex } from "./shm.ts";
 * console.log(ringFutex.name, ringFutex.wait); // "ring-futex" "futex"
 * ```
 */
export const ringFutex: Transport = ring(
  "ring-futex",
  "the same ring; an idle side spins briefly, then sleeps on a futex until woken",
  { wait: "futex" },
);
