/**
 * The essay's own question: could a microkernel whose servers talk through
 * rings beat a monolithic kernel? `--scenario fileserver` runs a server
 * process that holds a file in its own memory and answers read requests
 * `{offset, length}` over a transport, and sets that beside the kernel's own
 * `pread()` of the same bytes from the page cache and a null system call.
 * This module measures the two yardsticks, and writes the report's section
 * and its sentences from the figures.
 *
 * @module
 */

import { cString } from "../ffi/library.ts";
import type { Shim } from "../ffi/library.ts";
import { formatTime } from "./format.ts";
import { markdownTable } from "./markdown.ts";
import type { Report, ResultEntry } from "./report.ts";
import { segmentName } from "./segment.ts";
import { formatSize } from "./series.ts";

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

const times = (ns: number, unit: number) => `${(ns / unit).toFixed(ns / unit < 10 ? 1 : 0)}×`;

function find(
  report: Report,
  transport: string,
  size: number,
  depth: number,
): ResultEntry | undefined {
  return report.results.find((r) =>
    r.mode === "fileserver" && r.transport === transport && r.sizeBytes === size &&
    r.queueDepth === depth && r.placement !== "same"
  );
}

/**
 * Two or three plain sentences on what the figures say about the essay's
 * claim, written from the report (never in advance), with what the
 * experiment cannot show.
 *
 * @example
 * ```ts ignore
 * import { fileServerSentences } from "./fileserver.ts";
 * for (const s of fileServerSentences(report)) console.log(s);
 * ```
 */
export function fileServerSentences(report: Report): string[] {
  const y = report.yardsticks;
  if (y === undefined) return [];
  const sizes = [
    ...new Set(report.results.filter((r) => r.mode === "fileserver").map((r) => r.sizeBytes)),
  ]
    .sort((a, b) => a - b);
  const sentences: string[] = [];
  const smallest = sizes[0];
  const largest = sizes.at(-1);
  const pread = (size: number) => y.pread.find((p) => p.sizeBytes === size)?.ns;
  const ring = smallest === undefined ? undefined : find(report, "shm", smallest, 1);
  const pipe = smallest === undefined ? undefined : find(report, "pipe", smallest, 1);
  const p0 = smallest === undefined ? undefined : pread(smallest);
  if (ring && p0 !== undefined) {
    const rtt = ring.latency!.roundTrip.p50;
    const verdict = rtt < p0
      ? `faster than the kernel's own pread() (${formatTime(p0)})`
      : `${(rtt / p0).toFixed(1)} times the kernel's own pread() (${formatTime(p0)})`;
    sentences.push(
      `On this machine a ${
        formatSize(smallest!)
      } read served by another process over the spinning ring took ` +
        `${formatTime(rtt)} at the median, ${times(rtt, y.nullSyscallNs)} a null system call ` +
        `(${formatTime(y.nullSyscallNs)}) and ${verdict}` +
        (pipe ? `; over a pipe it took ${formatTime(pipe.latency!.roundTrip.p50)}.` : "."),
    );
  }
  const ringBig = largest === undefined ? undefined : find(report, "shm", largest, 1);
  const pBig = largest === undefined ? undefined : pread(largest);
  if (ringBig && pBig !== undefined && largest !== smallest) {
    const rtt = ringBig.latency!.roundTrip.p50;
    sentences.push(
      `At ${formatSize(largest!)} copying dominates: the ring server took ${
        formatTime(rtt)
      } against ` +
        `pread()'s ${formatTime(pBig)} (${(rtt / pBig).toFixed(1)}×).`,
    );
  }
  const futex = smallest === undefined ? undefined : find(report, "ring-futex", smallest, 1);
  if (ring) {
    sentences.push(
      `The spinning ring's figure costs a dedicated core (${
        formatTime(ring.cpuNsPerItem.median)
      } of CPU ` +
        `per request for both processes)` +
        (futex
          ? `; the futex ring, which sleeps when idle, took ${
            formatTime(futex.latency!.roundTrip.p50)
          }`
          : "") +
        `. What this cannot show: hardware rings would add protection and atomicity that plain shared ` +
        `memory lacks, and pread() here is the monolithic kernel's page cache, not a microkernel's ` +
        `file system; the server holds its file in memory.`,
    );
  }
  return sentences;
}

/**
 * The report's file-server section: per size, pread() against ring and pipe
 * RPC (wall and CPU per request, each as a multiple of the null system call).
 *
 * @example
 * ```ts ignore
 * import { fileServerSection } from "./fileserver.ts";
 * console.log(fileServerSection(report));
 * ```
 */
export function fileServerSection(report: Report): string {
  const y = report.yardsticks;
  const served = report.results.filter((r) => r.mode === "fileserver" && r.latency !== null);
  if (y === undefined || served.length === 0) return "";
  const rows: string[][] = [];
  const sizes = [...new Set(served.map((r) => r.sizeBytes))].sort((a, b) => a - b);
  for (const size of sizes) {
    const p = y.pread.find((x) => x.sizeBytes === size);
    if (p !== undefined) {
      rows.push([
        formatSize(size),
        "`pread()` (monolithic)",
        "—",
        formatTime(p.ns),
        times(p.ns, y.nullSyscallNs),
        "—",
        "—",
      ]);
    }
    for (const r of served.filter((x) => x.sizeBytes === size)) {
      const wall = r.latency!.roundTrip.p50;
      rows.push([
        formatSize(size),
        `\`${r.transport}\` RPC${r.placement === "same" ? " (one CPU)" : ""}`,
        String(r.queueDepth ?? 1),
        formatTime(wall),
        times(wall, y.nullSyscallNs),
        formatTime(r.nsPerItem.median),
        formatTime(r.cpuNsPerItem.median),
      ]);
    }
  }
  return `## File server: a microkernel-style read against the kernel's own

A server process holds a ${formatSize(FILE_BYTES)} file in its own memory and answers requests ` +
    `{offset, length} with the bytes; the client checks every word. Yardsticks, in this process: a ` +
    `null system call took **${
      formatTime(y.nullSyscallNs)
    }**; \`pread()\` of the same offsets from a ` +
    `file in /dev/shm is in the table. Depth is the number of requests in flight.

${
      markdownTable(
        [
          "size",
          "how",
          "depth",
          "latency p50",
          "× null syscall",
          "per request (throughput)",
          "CPU per request",
        ],
        rows,
        [true, false, true, true, true, true, true],
      )
    }

${fileServerSentences(report).join(" ")}

Yardsticks: ${y.method}.`;
}
