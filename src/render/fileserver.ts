/**
 * The file-server scenario's part of a report: per size, `pread()` against
 * the ring and pipe servers (latency, throughput and CPU per request, each as
 * a multiple of the null system call), and a few sentences written from the
 * figures on what they say about the essay's claim (see `src/run/yardsticks.ts` and `src/plan/controls.ts`
 * for what is measured).
 *
 * @module
 */

import { formatTime } from "../base/format.ts";
import { markdownTable } from "../base/tables.ts";
import type { Report, ResultEntry } from "../report/report.ts";
import { FILE_BYTES, formatSize, transportLabel } from "../plan/series.ts";
import { controlFigures, controlSeries, intervalText } from "../report/control_figures.ts";
import type { ControlKind } from "../plan/control_kinds.ts";

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
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/fileserver.json", import.meta.url).pathname);
 * import { fileServerSentences } from "./fileserver.ts";
 * const [first] = fileServerSentences(report);
 * assert.match(first, /^On this machine a 64 B read served by another process over the spinning ring took /);
 * assert.match(first, /× a null system call \(\d/);
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
    // Means with means: the yardsticks are means per call, so the served read is its mean too.
    const rtt = ring.nsPerItem.median;
    const verdict = rtt < p0
      ? `faster than the kernel's own pread() (${formatTime(p0)})`
      : `${(rtt / p0).toFixed(1)} times the kernel's own pread() (${formatTime(p0)})`;
    sentences.push(
      `On this machine a ${
        formatSize(smallest!)
      } read served by another process over the spinning ring took ` +
        `${formatTime(rtt)} on average (means per read throughout), ${
          times(rtt, y.nullSyscallNs)
        } a null system call ` +
        `(${formatTime(y.nullSyscallNs)}) and ${verdict}` +
        (pipe ? `; over a pipe it took ${formatTime(pipe.nsPerItem.median)}.` : "."),
    );
  }
  if (smallest !== undefined) {
    const paired = pairedBaselines(report, smallest);
    if (paired !== null) sentences.push(paired);
  }
  const ringBig = largest === undefined ? undefined : find(report, "shm", largest, 1);
  const pBig = largest === undefined ? undefined : pread(largest);
  if (ringBig && pBig !== undefined && largest !== smallest) {
    const rtt = ringBig.nsPerItem.median;
    sentences.push(
      `At ${formatSize(largest!)} copying dominates: the ring server took ${
        formatTime(rtt)
      } against ` +
        `pread()'s ${formatTime(pBig)} (${(rtt / pBig).toFixed(1)}×).`,
    );
  }
  if (smallest !== undefined) sentences.push(...uringSentences(report, smallest));
  const futex = smallest === undefined ? undefined : find(report, "ring-futex", smallest, 1);
  if (ring) {
    sentences.push(
      `The spinning ring's figure costs a dedicated core (${
        formatTime(ring.cpuNsPerItem.median)
      } of CPU ` +
        `per request for both processes)` +
        (futex
          ? `; the futex ring, which sleeps when idle, took ${formatTime(futex.nsPerItem.median)}`
          : "") +
        `. What this cannot show: hardware rings would add protection and atomicity that plain shared ` +
        `memory lacks, and pread() here is the monolithic kernel's page cache, not a microkernel's ` +
        `file system; the server holds its file in memory.`,
    );
  }
  return sentences;
}

/** The baselines, in words, as a ring server's read is set beside each. */
const BASELINE_WORDS: Partial<Record<ControlKind, string>> = {
  "pread": "pread()",
  "null-syscall": "a null system call",
  "uring-read": "an io_uring read",
};

/**
 * The ring server's read at `size` against the baselines measured beside each of its trials
 * (controls), as paired ratios of means with their intervals; null when the run had none (reports
 * from before they were paired).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/fileserver.json", import.meta.url).pathname);
 * import { pairedBaselines } from "./fileserver.ts";
 * assert.match(pairedBaselines(report, 64)!, /^Measured beside each of its trials \(\d+ rounds, .*the ring server's 64 B read took [\d.]+× pread\(\)/);
 * assert.equal(pairedBaselines(report, 4096), null); // no control beside that size
 * ```
 */
export function pairedBaselines(report: Report, size: number): string | null {
  const ring = find(report, "shm", size, 1);
  if (ring === undefined) return null;
  const parts = (report.controls ?? []).flatMap((control) => {
    const words = BASELINE_WORDS[control.kind];
    if (words === undefined || control.beside.length === 0) return [];
    if (controlSeries([ring], control) === undefined) return [];
    const f = controlFigures(control, ring.nsPerItem.median);
    const ci = f.ci === null ? "" : ` (${intervalText(f.ci)})`;
    return [`${f.ratio.toFixed(2)}× ${words}${ci}`];
  });
  if (parts.length === 0) return null;
  const pairs = (report.controls ?? []).find((c) => controlSeries([ring], c) !== undefined)
    ?.beside.length;
  return `Measured beside each of its trials (${pairs} rounds, the median of the per-round ratios ` +
    `of means): the ring server's ${formatSize(size)} read took ${parts.join(", ")}.`;
}

/**
 * What the io_uring reads say, at the smallest size: whether the monolithic
 * kernel's own ring closes the gap to the ring server, and at what CPU cost.
 */
function uringSentences(report: Report, size: number): string[] {
  const y = report.yardsticks!;
  const reads = (y.uring ?? []).filter((r) => r.sizeBytes === size);
  const one = reads.find((r) => r.depth === 1 && !r.sqpoll);
  const polled = reads.find((r) => r.depth === 1 && r.sqpoll);
  if (one === undefined && polled === undefined) return [];
  const ring = find(report, "shm", size, 1);
  const pread = y.pread.find((p) => p.sizeBytes === size)?.ns;
  const parts: string[] = [];
  if (one !== undefined) {
    parts.push(
      `one at a time through io_uring a ${formatSize(size)} read took ${formatTime(one.ns)}` +
        (pread === undefined ? "" : ` (pread(): ${formatTime(pread)})`),
    );
  }
  if (polled !== undefined) {
    parts.push(
      `with a polling kernel thread (SQPOLL) ${formatTime(polled.ns)}, for ` +
        `${formatTime(polled.cpuNs)} of CPU per read of which the kernel thread's was ` +
        formatTime(polled.kernelThreadCpuNs),
    );
  }
  const deepest = reads.filter((r) => !r.sqpoll).sort((a, b) => b.depth - a.depth)[0];
  if (deepest !== undefined && deepest.depth > 1) {
    parts.push(`${deepest.depth} in flight, ${formatTime(deepest.ns)} per read`);
  }
  const sentences = [`The monolithic kernel's own ring: ${parts.join("; ")}.`];
  const best = Math.min(...reads.filter((r) => r.depth === 1).map((r) => r.ns));
  if (ring !== undefined) {
    const rtt = ring.nsPerItem.median;
    sentences.push(
      best <= rtt
        ? `So a read through io_uring (${formatTime(best)}) is as fast as the ring server's ${
          formatTime(rtt)
        } or faster: ` +
          `on this machine the monolithic kernel that uses rings closes the gap the essay found.`
        : `So even through io_uring a read (${formatTime(best)}) took ${
          (best / rtt).toFixed(1)
        }× ` +
          `the ring server's ${formatTime(rtt)}: rings at the kernel's boundary do not close the ` +
          `gap the essay found on this machine.`,
    );
  }
  return sentences;
}

/** One line of the file-server table: a way of reading, at one size and depth. */
export interface FileServerRow {
  /** Bytes per read. */
  sizeBytes: number;
  /** `kernel`: pread() or io_uring in this process; `rpc`: a server process over a transport. */
  kind: "kernel" | "rpc";
  /** `pread()`, `io_uring read`, `io_uring read, SQPOLL`, or the series' transport label. */
  how: string;
  /** Requests in flight (null for pread()). */
  depth: number | null;
  /**
   * One request's mean latency at depth 1: the yardstick's mean per call for a kernel read, the
   * median trial's mean per request for a served series; what every ratio of the table uses.
   */
  meanNs: number | null;
  /** A served series' p50 request latency (its histogram), at any depth; null for kernel reads. */
  p50Ns: number | null;
  /** Wall time per request at this depth (throughput), where measured. */
  perRequestNs: number | null;
  /** CPU per request, kernel threads included, where measured. */
  cpuNs: number | null;
}

/**
 * The rows of the file-server table, the one source for the terminal and the
 * Markdown: per size, pread(), io_uring reads, then the served series.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/fileserver.json", import.meta.url).pathname);
 * import { fileServerRows } from "./fileserver.ts";
 * const rows = fileServerRows(report);
 * assert.deepEqual(rows.map((r) => `${r.how} ${r.depth ?? "-"}`), [
 *   "pread() -", "io_uring read 1", "io_uring read 8", "io_uring read, SQPOLL 1",
 *   "io_uring read, SQPOLL 8", "shm 1", "shm 8", "pipe 1", "pipe 8",
 * ]);
 * // A served series at depth 1 has a mean and a p50; at depth 8 only its p50 and throughput.
 * assert.ok(rows[5].meanNs! > 0 && rows[5].p50Ns! > 0 && rows[6].meanNs === null);
 * ```
 */
export function fileServerRows(report: Report): FileServerRow[] {
  const y = report.yardsticks;
  const served = report.results.filter((r) => r.mode === "fileserver" && r.latency !== null);
  if (y === undefined || served.length === 0) return [];
  const rows: FileServerRow[] = [];
  for (const sizeBytes of [...new Set(served.map((r) => r.sizeBytes))].sort((a, b) => a - b)) {
    const p = y.pread.find((x) => x.sizeBytes === sizeBytes);
    if (p !== undefined) {
      rows.push({
        sizeBytes,
        kind: "kernel",
        how: "pread()",
        depth: null,
        meanNs: p.ns,
        p50Ns: null,
        perRequestNs: null,
        cpuNs: null,
      });
    }
    for (const u of (y.uring ?? []).filter((x) => x.sizeBytes === sizeBytes)) {
      rows.push({
        sizeBytes,
        kind: "kernel",
        how: `io_uring read${u.sqpoll ? ", SQPOLL" : ""}`,
        depth: u.depth,
        meanNs: u.depth === 1 ? u.ns : null,
        p50Ns: null,
        perRequestNs: u.ns,
        cpuNs: u.cpuNs,
      });
    }
    for (const r of served.filter((x) => x.sizeBytes === sizeBytes)) {
      rows.push({
        sizeBytes,
        kind: "rpc",
        how: `${transportLabel(r)}${r.placement === "same" ? " (one CPU)" : ""}`,
        depth: r.queueDepth ?? 1,
        meanNs: (r.queueDepth ?? 1) === 1 ? r.nsPerItem.median : null,
        p50Ns: r.latency!.roundTrip.p50,
        perRequestNs: r.nsPerItem.median,
        cpuNs: r.cpuNsPerItem.median,
      });
    }
  }
  return rows;
}

/**
 * The file-server table as Markdown, the one the report's page prints: per size, pread() and
 * io_uring against ring and pipe RPC, mean and p50 latency, time and CPU per request (empty when
 * the report has no file server).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/fileserver.json", import.meta.url).pathname);
 * import { fileServerTable } from "./fileserver.ts";
 * const lines = fileServerTable(report).split("\n");
 * assert.equal(lines.length, 2 + 9); // header, ruler, one row per way of reading
 * assert.match(lines[2], /^\| 64 B \| `pread\(\)` \(monolithic\) \| — \| [\d.]+ ns \|/);
 * ```
 */
export function fileServerTable(report: Report): string {
  const y = report.yardsticks;
  const table = fileServerRows(report);
  if (y === undefined || table.length === 0) return "";
  const dash = (ns: number | null, show: (ns: number) => string) => ns === null ? "—" : show(ns);
  const rows = table.map((row) => [
    formatSize(row.sizeBytes),
    row.kind === "kernel" ? `\`${row.how}\` (monolithic)` : `\`${row.how}\` RPC`,
    row.depth === null ? "—" : String(row.depth),
    dash(row.meanNs, formatTime),
    dash(row.meanNs, (ns) => times(ns, y.nullSyscallNs)),
    dash(row.p50Ns, formatTime),
    dash(row.perRequestNs, formatTime),
    dash(row.cpuNs, formatTime),
  ]);
  return markdownTable(
    [
      "size",
      "how",
      "depth",
      "mean latency (depth 1)",
      "× null syscall (means)",
      "p50 latency (served)",
      "per request (throughput)",
      "CPU per request",
    ],
    rows,
    [true, false, true, true, true, true, true, true],
  );
}

/**
 * The report's file-server section: per size, pread() and io_uring against
 * ring and pipe RPC (wall and CPU per request, latency as a multiple of the
 * null system call).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/fileserver.json", import.meta.url).pathname);
 * import { fileServerSection } from "./fileserver.ts";
 * assert.match(fileServerSection(report), /^## File server: a microkernel-style read against the kernel's own\n/);
 * ```
 */
export function fileServerSection(report: Report): string {
  const y = report.yardsticks;
  const table = fileServerTable(report);
  if (y === undefined || table === "") return "";
  return `## File server: a microkernel-style read against the kernel's own

A server process holds a ${formatSize(FILE_BYTES)} file in its own memory and answers requests ` +
    `{offset, length} with the bytes; the client checks every word. Yardsticks, in this process: a ` +
    `null system call took **${
      formatTime(y.nullSyscallNs)
    }**; \`pread()\` of the same offsets from a ` +
    `file in the page cache is in the table${
      y.uring === undefined ? "" : ", and the same reads through io_uring"
    }. Depth is the number of requests in flight.

${table}

${fileServerSentences(report).join(" ")}

Yardsticks: ${y.method}.${
      y.uringMethod === undefined
        ? ""
        : ` io_uring reads (CPU includes the SQPOLL thread's): ${y.uringMethod}.`
    }${
      y.uringUnavailable === undefined
        ? ""
        : ` Not measured through io_uring: ${y.uringUnavailable}.`
    }`;
}
