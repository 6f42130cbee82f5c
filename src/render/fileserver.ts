/**
 * The file-server scenario's part of a report: per size, `pread()` against
 * the ring and pipe servers (latency, throughput and CPU per request, each as
 * a multiple of the null system call), and a few sentences written from the
 * figures on what they say about the essay's claim (see `src/run/fileserver.ts`
 * for what is measured).
 *
 * @module
 */

import { formatTime } from "../base/format.ts";
import { markdownTable } from "../base/tables.ts";
import type { Report, ResultEntry } from "../report/report.ts";
import { formatSize } from "../plan/series.ts";
import { FILE_BYTES } from "../run/fileserver.ts";

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
