/**
 * The short summary a bench run prints: the original experiment's lines, the
 * ratio with its CI, one table per mode, how the sampling ended, and the
 * warnings.
 *
 * @module
 */

import { fileServerRows, fileServerSentences } from "./fileserver.ts";
import { textTable } from "../base/tables.ts";
import { controlLines, headline, originalLines } from "../report/headline.ts";
import { controlRoundsText } from "../report/control_figures.ts";
import { type Colors, formatNs, formatRate, formatRatio } from "../base/format.ts";
import { stopText } from "./markdown.ts";
import { ORIGINAL } from "../report/original.ts";
import { ringComparison } from "../report/derived.ts";
import type { Report, ResultEntry } from "../report/report.ts";
import { supportedPercentile, TOO_FEW } from "../stats/histogram.ts";
import { formatSize, transportLabel } from "../plan/series.ts";
import { variantTerminalLines } from "./variants.ts";

/** A round-trip percentile for a table: its value, or {@link TOO_FEW} beyond what n carries. */
function percentileCell(r: ResultEntry, key: "p50" | "p99" | "p999"): string {
  if (r.latency === null) return formatNs(NaN);
  const value = supportedPercentile(r.latency.roundTrip, key);
  return value === null ? TOO_FEW : formatNs(value);
}

/**
 * The terminal summary of a report.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { renderSummary } from "./terminal.ts";
 * import { colorsFor } from "../base/format.ts";
 * const text = renderSummary(report, colorsFor({ isTerminal: () => false }));
 * assert.match(text, /^SHMEM Time: {2}0\.\d{18}\nKERNEL Time: 0\.\d{18}\nThe ring was [\d.]+x faster than the pipe/);
 * ```
 */
export function renderSummary(report: Report, c: Colors): string {
  const out: string[] = [];
  out.push(...originalLines(report));
  const { ratio } = headline(report);
  if (ratio !== undefined) {
    out.push(
      c.bold(`The ring was ${formatRatio(ratio.ratio)}x faster than the pipe`) +
        ` (95% CI ${formatRatio(ratio.ci.low)}-${formatRatio(ratio.ci.high)}x` +
        (ratio.pairs > 0 ? `, median of ${ratio.pairs} per-round ratios; ` : "; ") +
        c.dim(
          `the essay: ${ORIGINAL.ratioRange[0]}-${ORIGINAL.ratioRange[1]}x on ${ORIGINAL.machine})`,
        ),
    );
  }
  const showPlacement = new Set(report.results.map((r) => r.placement)).size > 1;
  const versus = (r: ResultEntry) => {
    const x = ringComparison(report, r);
    return x === undefined ? "" : `${formatRatio(x.ratio)}x`;
  };
  const ci = (r: ResultEntry) => {
    const { low, high, level } = r.nsPerItem.medianCi;
    return level < 0.95 ? "n/a" : `${formatNs(low)}-${formatNs(high)}`;
  };
  // The stream and ping-pong tables: the same first and last columns, their own in between.
  const table = (rows: ResultEntry[], own: [string, (r: ResultEntry) => string][]) =>
    textTable(
      [
        "size",
        "transport",
        ...(showPlacement ? ["placement"] : []),
        "trials",
        "median ns",
        "95% CI",
        ...own.map(([header]) => header),
        "CPU ns",
        "x shm",
      ],
      rows.map((r) => [
        formatSize(r.sizeBytes),
        transportLabel(r),
        ...(showPlacement ? [r.placement] : []),
        String(r.samples.length),
        formatNs(r.nsPerItem.median),
        ci(r),
        ...own.map(([, cell]) => cell(r)),
        formatNs(r.cpuNsPerItem.median),
        versus(r),
      ]),
      [true, false, ...(showPlacement ? [false] : []), true, true, true, ...own.map(() => true)]
        .concat([true, true]),
    );
  const stream = report.results.filter((r) => r.mode === "stream");
  if (stream.length > 0) {
    out.push("", c.bold("stream: one way, ns per message"));
    out.push(table(stream, [["throughput", (r) => formatRate(r.throughput.bytesPerSecond)]]));
  }
  out.push(...controlLines(report, "pipe-loop").map(({ line }) => line));
  const engineRatios = report.comparisons.filter((x) => x.name === "deno/native");
  if (engineRatios.length > 0) {
    out.push(
      "deno/native: " +
        engineRatios.map((x) =>
          `${x.numerator} ${formatSize(x.sizeBytes)} ${formatRatio(x.ratio)}x ` +
          `(95% CI ${formatRatio(x.ci.low)}-${formatRatio(x.ci.high)}x)`
        ).join(", "),
    );
  }
  const pingpong = report.results.filter((r) => r.mode === "pingpong");
  if (pingpong.length > 0) {
    out.push("", c.bold("ping-pong: request and reply of the same size, ns per round trip"));
    out.push(table(pingpong, [
      ["p50", (r) => percentileCell(r, "p50")],
      ["p99", (r) => percentileCell(r, "p99")],
      ["p99.9", (r) => percentileCell(r, "p999")],
    ]));
    out.push(...controlLines(report, "unstamped").map(({ line }) => line));
  }
  const builds = variantTerminalLines(report);
  if (builds.length > 0) out.push("", ...builds);
  const polled = report.results.find((r) => r.uring?.sqThread !== undefined)?.uring?.sqThread;
  if (polled !== undefined) {
    out.push(c.dim(
      `SQPOLL threads on CPUs ${polled.cpus.map((cpu) => cpu ?? "any").join(" and ")}, sharing ` +
        `with ${polled.shares}; their CPU time is in "CPU ns"`,
    ));
  }
  const y = report.yardsticks;
  const fileRows = fileServerRows(report);
  if (fileRows.length > 0 && y !== undefined) {
    out.push(
      "",
      c.bold(
        `file server: a read served by another process, against pread()${
          y.uring === undefined ? "" : " and io_uring"
        }`,
      ),
    );
    const blank = (ns: number | null, show: (ns: number) => string) => ns === null ? "" : show(ns);
    const rows = fileRows.map((row) => [
      formatSize(row.sizeBytes),
      row.how,
      row.depth === null ? "" : String(row.depth),
      blank(row.meanNs, formatNs),
      blank(row.meanNs, (ns) => (ns / y.nullSyscallNs).toFixed(1)),
      blank(row.p50Ns, formatNs),
      blank(row.perRequestNs, formatNs),
      blank(row.cpuNs, formatNs),
    ]);
    out.push(
      textTable(
        ["size", "how", "depth", "mean ns", "x syscall", "p50 ns", "ns/request", "CPU ns"],
        rows,
        [true, false, true, true, true, true, true, true],
      ),
      c.dim(`null system call: ${formatNs(y.nullSyscallNs)} ns`),
      "",
      ...fileServerSentences(report),
    );
  }
  const s = report.sampling;
  out.push(
    "",
    c.dim(
      `${s.timedTrials} timed trials${
        controlRoundsText(report.controls)
      } after ${s.warmupTrials} warm-ups` +
        (s.elapsedSeconds === null ? "" : ` in ${s.elapsedSeconds.toFixed(1)} s`) +
        `; ${stopText(report).replaceAll("**", "")}`,
    ),
  );
  if (report.warnings.length > 0) {
    out.push("");
    for (const warning of report.warnings) out.push(c.yellow(`warning: ${warning}`));
  }
  return out.join("\n");
}
