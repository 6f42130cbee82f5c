/**
 * The essay's own question: could a microkernel whose servers talk through
 * rings beat a monolithic kernel? `--scenario fileserver` runs a server
 * process that holds a file in its own memory and answers read requests
 * `{offset, length}` over a transport, and sets that beside the kernel's own
 * `pread()` of the same bytes from the page cache and a null system call.
 * This module measures the two yardsticks before the run; the report's
 * section and its sentences are written in `src/render/fileserver.ts`.
 *
 * @module
 */

import { cString } from "../../ffi/library.ts";
import type { Shim } from "../../ffi/library.ts";
import { segmentName } from "../memory/segment.ts";
import { formatSize } from "../plan/series.ts";

/** The size of the file the server holds (and the yardstick reads): 4 MiB, in the page cache. */
export const FILE_BYTES = 4 * 1024 * 1024;

/** The kernel's own costs, measured in this process. */
export interface Yardsticks {
  /** One `syscall(SYS_getppid)` (not a vDSO call), ns. */
  nullSyscallNs: number;
  /** One `pread()` of each size from a 4 MiB file in /dev/shm, every word checked, ns. */
  pread: { sizeBytes: number; ns: number }[];
  /** How it is computed, in words. */
  method: string;
}

/** How the yardsticks are measured, for the report. */
export const YARDSTICK_METHOD =
  "in the supervisor, median of 5 rounds: 200,000 syscall(SYS_getppid); 20,000 pread() of each " +
  "size from a 4 MiB file in /dev/shm (in the page cache), at the file server client's offsets, " +
  "every word checked as the client checks its replies";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)] + sorted[Math.ceil(mid)]) / 2;
}

/**
 * Measures the null system call and `pread()` of each size.
 *
 * @example
 * ```ts ignore
 * import { measureYardsticks } from "./fileserver.ts";
 * console.log(measureYardsticks(shim, [64, 4096]).nullSyscallNs);
 * ```
 */
export function measureYardsticks(shim: Shim, sizes: number[]): Yardsticks {
  const calls = 200_000;
  const reads = 20_000;
  const nullSyscallNs = median(
    Array.from(
      { length: 5 },
      () => Number(shim.symbols.rp_yardstick_syscall(BigInt(calls))) / calls,
    ),
  );
  const pread = sizes.map((sizeBytes) => {
    const rounds = Array.from({ length: 5 }, () => {
      const path = `/dev/shm/${segmentName().slice(1)}`;
      const ns = Number(
        shim.symbols.rp_yardstick_pread(
          cString(path),
          BigInt(FILE_BYTES),
          BigInt(sizeBytes),
          BigInt(reads),
        ),
      );
      shim.check(ns, `pread yardstick (${formatSize(sizeBytes)})`);
      return ns / reads;
    });
    return { sizeBytes, ns: median(rounds) };
  });
  return { nullSyscallNs, pread, method: YARDSTICK_METHOD };
}
