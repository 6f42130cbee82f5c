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
import { PRIVATE_DIR_PREFIX } from "../memory/stale.ts";
import { FILE_BYTES, formatSize } from "../plan/series.ts";
import { median } from "../stats/statistics.ts";
import { settingsArray, SQ_THREAD_IDLE_MS, uringSupport } from "../transports/uring.ts";
import type { RingSupport } from "../transports/uring.ts";
import type { UringRead, Yardsticks } from "../base/measured.ts";
export type { UringRead, Yardsticks };

/** How the yardsticks are measured, for the report, with where their file lived. */
export function yardstickMethod(where: string): string {
  return "in the supervisor, median of 5 rounds: 200,000 syscall(SYS_getppid); 20,000 pread() " +
    `of each size from a 4 MiB file in ${where} (in the page cache), at the file server ` +
    "client's offsets, every word checked as the client checks its replies";
}

/**
 * The file system type that holds `path` (the longest mount point above it in
 * /proc/self/mounts), or "unknown". It matters: on tmpfs io_uring hands reads
 * to a worker thread instead of doing them inline.
 */
function fileSystemOf(path: string): string {
  try {
    let best = { point: "", type: "unknown" };
    for (const line of Deno.readTextFileSync("/proc/self/mounts").split("\n")) {
      const [, point, type] = line.split(" ");
      if (point === undefined || type === undefined) continue;
      const inside = path === point || path.startsWith(point.endsWith("/") ? point : `${point}/`);
      if (inside && point.length >= best.point.length) best = { point, type };
    }
    return best.type;
  } catch {
    return "unknown";
  }
}

/** Where and how the io_uring reads run: the client loop's CPU pair, the spin before sleeping. */
export interface UringPlace {
  /** Requests in flight to measure (depth 1 is always measured). */
  depths: number[];
  /** The loops' CPUs: the reader runs on the first, the SQPOLL thread on the second. */
  cpus: [number, number] | null;
  /** How long the SQPOLL reader looks at its completions before it sleeps, ns. */
  spinBeforeSleepNs: number;
}

/**
 * Measures the null system call and `pread()` of each size, and (given
 * `uring`) the same reads through io_uring at each depth, plain and SQPOLL.
 *
 * @example
 * ```ts ignore
 * import { measureYardsticks } from "./yardsticks.ts";
 * console.log(measureYardsticks(shim, [64, 4096]).nullSyscallNs);
 * ```
 */
export function measureYardsticks(shim: Shim, sizes: number[], uring?: UringPlace): Yardsticks {
  // A directory named like the bench's private one, so a crashed run's is found and removed.
  const dir = Deno.makeTempDirSync({ prefix: `${PRIVATE_DIR_PREFIX}${Deno.pid}-` });
  try {
    return measureIn(dir, shim, sizes, uring);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

function measureIn(dir: string, shim: Shim, sizes: number[], uring?: UringPlace): Yardsticks {
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
      const path = `${dir}/file`;
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
  return {
    nullSyscallNs,
    pread,
    method: yardstickMethod(`${dir.slice(0, dir.lastIndexOf("/")) || "/"} (${fileSystemOf(dir)})`),
    ...(uring === undefined ? {} : measureUringReads(dir, shim, sizes, uring)),
  };
}

/** Reads per round of the io_uring yardstick. */
const URING_READS = 20_000;

function measureUringReads(
  dir: string,
  shim: Shim,
  sizes: number[],
  place: UringPlace,
): Pick<Yardsticks, "uring" | "uringMethod" | "uringUnavailable"> {
  const support = uringSupport(shim);
  const depths = [...new Set([1, ...place.depths])].sort((a, b) => a - b);
  const reads: UringRead[] = [];
  const unavailable: string[] = [];
  const kinds = [false, true].filter((sqpoll) => {
    const ring = sqpoll ? support.sqpoll : support.plain;
    if (!("unavailable" in ring)) return true;
    // SQPOLL is named apart only when plain rings work, or when it fails for a reason of its own.
    const plain = "unavailable" in support.plain ? support.plain.unavailable : null;
    if (!sqpoll) unavailable.push(ring.unavailable);
    else if (ring.unavailable !== plain) unavailable.push(`SQPOLL: ${ring.unavailable}`);
    return false;
  });
  const [readerCpu, threadCpu] = place.cpus ?? [-1, -1];
  for (const sqpoll of kinds) {
    const ring = (sqpoll ? support.sqpoll : support.plain) as { flags: number };
    const setup = settingsArray({
      flags: ring.flags,
      sqCpu: sqpoll ? threadCpu : -1,
      idleMs: SQ_THREAD_IDLE_MS,
      batch: 1,
      spinNs: sqpoll && threadCpu !== readerCpu ? place.spinBeforeSleepNs : 0,
    });
    for (const sizeBytes of sizes) {
      for (const depth of depths) {
        const out = new BigUint64Array(3);
        const rounds = Array.from({ length: 5 }, () => {
          const path = `${dir}/file`;
          shim.check(
            shim.symbols.rp_yardstick_uring(
              cString(path),
              BigInt(FILE_BYTES),
              BigInt(sizeBytes),
              BigInt(URING_READS),
              depth,
              setup,
              readerCpu,
              out,
            ),
            `io_uring yardstick (${formatSize(sizeBytes)}, depth ${depth}${
              sqpoll ? ", SQPOLL" : ""
            })`,
          );
          return [...out].map((v) => Number(v) / URING_READS);
        });
        const byWall = [...rounds].sort((a, b) => a[0] - b[0]);
        const [ns, threadNs, kernelNs] = byWall[Math.floor(byWall.length / 2)];
        reads.push({
          sizeBytes,
          depth,
          sqpoll,
          ns,
          cpuNs: threadNs + kernelNs,
          kernelThreadCpuNs: kernelNs,
        });
      }
    }
  }
  const names = (r: RingSupport) => "names" in r && r.names.length > 0 ? r.names.join("|") : "none";
  return {
    ...(reads.length === 0 ? {} : {
      uring: reads,
      uringMethod: `${URING_READS.toLocaleString("en-US")} reads per round, the round with the ` +
        `median wall time of 5, every word checked; one ring in this process (flags ` +
        `${names(support.plain)}, SQPOLL: ${names(support.sqpoll)}), reads not linked, ` +
        `up to the depth in flight, each completion checked against its own offset` +
        (place.cpus === null
          ? "; unpinned"
          : `; the reader on CPU ${readerCpu}, the SQPOLL thread on CPU ${threadCpu} (as the ` +
            `ring server runs on the other CPU), idle after ${SQ_THREAD_IDLE_MS} ms; the SQPOLL ` +
            `reader looks at its completions for ${place.spinBeforeSleepNs} ns before it sleeps`),
    }),
    ...(unavailable.length === 0 ? {} : { uringUnavailable: unavailable.join("; ") }),
  };
}
