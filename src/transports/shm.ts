/**
 * `shm`: single-producer single-consumer rings of message-sized slots in the
 * trial's shared segment (one ring for a stream, a second for ping-pong
 * replies); both sides spin, nothing enters the kernel. The C side is
 * `ffi/ring.c`.
 *
 * @module
 */

import { Mode } from "../../ffi/symbols.ts";
import type { Transport } from "./types.ts";

/**
 * The shared-memory ring, as in the original experiment's "SHMEM" build.
 *
 * @example
 * ```ts
 * import { shm } from "./shm.ts";
 * console.log(shm.name, shm.originalLabel, shm.rings("pingpong")); // "shm" "SHMEM" 2
 * ```
 */
export const shm: Transport = {
  name: "shm",
  originalLabel: "SHMEM",
  description: "SPSC ring in shared memory, cached indices, spinning on both sides",
  spins: true,
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
