/**
 * `shm`: a single-producer single-consumer ring of 8-byte items in the
 * trial's shared segment; both sides spin, nothing enters the kernel.
 *
 * @module
 */

import type { Transport } from "./types.ts";

/**
 * The shared-memory ring, as in the original experiment's "SHMEM" build.
 *
 * @example
 * ```ts
 * import { shm } from "./shm.ts";
 * console.log(shm.name, shm.originalLabel); // "shm" "SHMEM"
 * ```
 */
export const shm: Transport = {
  name: "shm",
  originalLabel: "SHMEM",
  description: "SPSC ring in shared memory, cached indices, spinning on both sides",
  segmentBytes: (shim, ringSlots) => Number(shim.symbols.rp_ring_bytes(BigInt(ringSlots))),
  prepare: () => ({}),
  runSide: ({ shim, segment, role, iterations, out }) =>
    role === "producer"
      ? shim.symbols.rp_ring_send(segment.pointer, BigInt(iterations), out)
      : shim.symbols.rp_ring_recv(segment.pointer, BigInt(iterations), out),
};
