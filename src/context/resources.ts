/**
 * Refuses, before anything is allocated, a run whose shared memory would not
 * fit: in `/dev/shm` (a tmpfs, usually half of RAM) or in available memory.
 *
 * @module
 */

import { cString } from "../../ffi/library.ts";
import type { Shim } from "../../ffi/library.ts";
import { UsageError } from "../base/errors.ts";

/** What the machine has room for, in bytes (null when unknown). */
export interface MemoryRoom {
  /** Free bytes in /dev/shm. */
  shmFree: number | null;
  /** `MemAvailable` in bytes. */
  memAvailable: number | null;
}

const MiB = 1024 * 1024;

/**
 * Reads the free space of `/dev/shm` (statvfs) and `MemAvailable` from `/proc/meminfo`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildShim } from "../../ffi/build.ts";
 * import { Shim } from "../../ffi/library.ts";
 * using shim = Shim.open((await buildShim()).libraryPath);
 * import { readMemoryRoom } from "./resources.ts";
 * const room = readMemoryRoom(shim); // e.g. { shmFree: 25769803776, memAvailable: 24986525696 }
 * assert.ok(room.shmFree === null || room.shmFree > 0);
 * assert.ok(room.memAvailable === null || room.memAvailable > 0);
 * ```
 */
export function readMemoryRoom(shim: Shim): MemoryRoom {
  const shmFree = Number(shim.symbols.rp_fs_available(cString("/dev/shm")));
  let memAvailable: number | null = null;
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(Deno.readTextFileSync("/proc/meminfo"));
    if (match) memAvailable = Number(match[1]) * 1024;
  } catch {
    // not Linux-like /proc; leave unknown
  }
  return { shmFree: shmFree > 0 ? shmFree : null, memAvailable };
}

/**
 * Throws {@link UsageError} when a segment of `bytes` would not fit; `what` names the option to change.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkSharedMemory } from "./resources.ts";
 * checkSharedMemory(1 << 20, { shmFree: 1 << 30, memAvailable: 1 << 30 }, "--ring-slots 131072");
 * assert.throws(
 *   () => checkSharedMemory(1 << 30, { shmFree: 1 << 20, memAvailable: 1 << 30 }, "--sizes 1M"),
 *   /--sizes 1M/,
 * );
 * ```
 */
export function checkSharedMemory(bytes: number, room: MemoryRoom, what: string): void {
  const need = `${what} needs ${(bytes / MiB).toFixed(1)} MiB of shared memory`;
  if (room.shmFree !== null && bytes > room.shmFree) {
    throw new UsageError(
      `${need}, but /dev/shm has only ${(room.shmFree / MiB).toFixed(1)} MiB free (a tmpfs: ` +
        `remount it larger, or ask for less)`,
    );
  }
  if (room.memAvailable !== null && bytes > room.memAvailable / 2) {
    throw new UsageError(
      `${need}, more than half of the ${
        (room.memAvailable / MiB).toFixed(0)
      } MiB of memory available`,
    );
  }
}
