/**
 * Every figure README.md and docs/ cite from a committed report, with how the
 * kit computes it again (see `./figures.ts` for how they are found and
 * compared). A figure that comes from a run is listed here, or is not printed.
 *
 * @module
 */

import { colorsFor, formatNs, formatPercent, formatRate, formatTime } from "../base/format.ts";
import { markdownTable } from "../base/tables.ts";
import { formatSize } from "../plan/series.ts";
import { fileServerRows, fileServerSentences, fileServerTable } from "../render/fileserver.ts";
import { stopText } from "../render/markdown.ts";
import { renderSummary } from "../render/terminal.ts";
import { controlFigures, controlSeries } from "../report/control_figures.ts";
import { controlLines, originalLines } from "../report/headline.ts";
import type { MicroFile } from "../report/micro.ts";
import { variantLines } from "../report/variants.ts";
import type { Report, ResultEntry } from "../report/report.ts";
import type { Rate } from "../stats/proportion.ts";
import { type CoverageRow, coverageTable } from "../stats/coverage.ts";
import { renderCoverage } from "../render/coverage.ts";
import { auditCompare } from "./audit.ts";
import { citedBlock, type CitedFigure, type StrayCheck } from "./figures.ts";

/** The default run the README cites. */
const DEFAULT_RUN = "results/vm-00745d78/2026-11-28T12-48-06Z_2e138bd.json";
/** The run the README's io_uring table comes from. */
const URING_RUN = "results/vm-00745d78/2026-11-28T11-11-27Z_535bea9.json";
/** The full default run of the first development VM that `docs/results.md` tabulates. */
const FULL_RUN = "results/vm-d215170e/2026-11-27T16-50-12Z_1fe1de6.json";
/** The `--engine both` stream run `docs/deno-engine.md` (and the README) cite. */
const ENGINE_RUN = "results/vm-00745d78/2026-11-28T11-44-51Z_e20d0e4.json";
/** The paced `--engine both` ping-pong run `docs/deno-engine.md` cites. */
const PACED_ENGINE_RUN = "results/vm-00745d78/2026-11-28T11-45-54Z_e20d0e4.json";
/** The Channel's round trips beside C's, back to back and paced, that the README cites. */
const TRIPS_RUN = "results/vm-d092e051/2026-12-05T00-07-24Z_cdffa75.json";
const PACED_TRIPS_RUN = "results/vm-d092e051/2026-12-05T00-08-28Z_cdffa75.json";
/** The `--variant` run `docs/running.md` cites: gcc -O3 against clang -O3 -flto. */
const VARIANT_RUN = "results/vm-d092e051/2026-12-04T19-48-19Z_98e1202.json";
/** The same command hours earlier, each trial between a fresh pair of processes. */
const EARLIER_VARIANT_RUN = "results/vm-d092e051/2026-12-04T15-40-48Z_8c0bdce.json";
/** The A/A run `docs/running.md` cites: the same build as two variants. */
const SAME_BUILD_RUN = "results/vm-d092e051/2026-12-04T19-45-59Z_98e1202.json";
/** The two back-to-back 8-byte stream runs `docs/results.md` sets side by side. */
const NOISE_RUNS = [
  "results/vm-d215170e/2026-11-27T16-11-49Z_f08a1d0.json",
  "results/vm-d215170e/2026-11-27T16-12-49Z_f08a1d0.json",
] as const;
/** `--transports all --sizes 8,64K`, then the paced ping-pong of the sleeping transports. */
const TRANSPORT_RUNS = [
  "results/vm-d215170e/2026-11-27T17-09-35Z_80a197b.json",
  "results/vm-d215170e/2026-11-27T17-10-33Z_80a197b.json",
] as const;
/** The file-server runs of `docs/fileserver.md`: PTI on, then the later host. */
const FILESERVER_RUN = "results/vm-d215170e/2026-11-27T17-18-41Z_de3cb9c.json";
const URING_FILESERVER_RUN = "results/vm-00745d78/2026-11-28T11-12-41Z_535bea9.json";
/** The `deno task bench:micro` run `docs/deno-engine.md` cites. */
const MICRO_RUN = "results/vm-d092e051/2026-12-04T23-46-24Z_58e9709.micro.json";
/** An earlier paced run whose Unix socket `docs/results.md` sets beside the later one's. */
const EARLIER_PACED_RUN = "results/vm-d215170e/2026-11-27T17-05-05Z_635b502.json";
/** The replicate set `docs/archive.md` audits. */
const REPLICATES = "results/devvm-replicates";

/** The coverage table's rows, simulated once per check (about 3 s). */
let simulated: CoverageRow[] | null = null;
const coverageRows = () => simulated ??= coverageTable();
/** The lowest and highest coverage of one method over some rows: `61.1-86.4%`. */
const coverageRange = (method: 0 | 1, rows: (row: CoverageRow) => boolean) => {
  const rates = coverageRows().filter(rows).map((row) => Object.values(row.coverage)[method].rate);
  const pct = (x: number) => (x * 100).toFixed(1);
  return `${pct(Math.min(...rates))}-${pct(Math.max(...rates))}%`;
};
/** A figure of `docs/statistics.md` computed from the coverage simulation. */
const simulatedFigure = (what: string, pattern: RegExp, value: () => string): CitedFigure => ({
  file: "docs/statistics.md",
  what,
  source: "deno task stats:coverage",
  simulation: true,
  pattern,
  value,
});
const twoStates = (row: CoverageRow) => row.shape.startsWith("two states");

/** A report's page, linked from a document in docs/. */
const pageLink = (label: string, source: string) =>
  `[${label}](../${source.replace(/\.json$/, ".md")})`;
/** `wall / CPU` of a series, ns. */
const wallCpu = (r: Report["results"][number] | undefined) =>
  r === undefined ? "—" : `${formatNs(r.nsPerItem.median)} / ${formatNs(r.cpuNsPerItem.median)}`;
/** The native series of a transport, mode and size in one report. */
const seriesOf = (r: Report, transport: string, mode: string, size: number) =>
  r.results.find((x) =>
    x.transport === transport && x.mode === mode && x.sizeBytes === size &&
    x.engine === "native" && !x.paceNs
  );
/** pipe/shm of one report's mode and size, bold with its interval. */
const pipeOverShm = (r: Report, mode: string, size: number) => {
  const c = r.comparisons.find((x) =>
    x.name === "pipe/shm" && x.mode === mode && x.sizeBytes === size
  )!;
  return `**${c.ratio.toFixed(1)}×** (${c.ci.low.toFixed(1)}-${c.ci.high.toFixed(1)})`;
};
/** The transports of `docs/results.md`'s table, as its rows name them. */
const TRANSPORT_ROWS = [
  ["`shm` (spins)", "shm"],
  ["`ring-futex`", "ring-futex"],
  ["`ring-pipewake`", "ring-pipewake"],
  ["`pipe`", "pipe"],
  ["`pipe-splice`", "pipe-splice"],
  ["`unix`", "unix"],
  ["`mq`", "mq"],
] as const;
/** A micro-benchmark's row of a `.micro.json`. */
const microRow = (file: MicroFile, name: string) => {
  const row = file.benchmarks.find((b) => b.name === name);
  if (row === undefined) throw new Error(`the micro-benchmarks have no row named "${name}"`);
  return row;
};
/** Three significant figures at most, with thousands separators: `5.5`, `72.4`, `1,231`. */
const microNs = (ns: number) =>
  ns >= 1000 ? Math.round(ns).toLocaleString("en-US") : trimZeros(ns.toPrecision(3));
/** A figure of `docs/deno-engine.md` from the micro-benchmarks. */
const microFigure = (
  what: string,
  pattern: RegExp,
  value: (file: MicroFile) => string,
): CitedFigure => ({
  file: "docs/deno-engine.md",
  what,
  source: MICRO_RUN,
  micro: true,
  pattern,
  value,
});
/** A micro-benchmark's mean, ns: `7.52 ns`. */
const microAvg = (file: MicroFile, name: string, per = 1) =>
  `${microNs(microRow(file, name).avgNs / per)} ns`;

const only = (reports: Report[]): Report => reports[0];
/** A median with its interval as the tables print it: `6.48 (4.93-37.14)`, its level when short of 95%. */
const medianText = (r: Report["results"][number]) => {
  const { low, high, level } = r.nsPerItem.medianCi;
  const short = level < 0.95 ? `, ${Math.floor(level * 1000) / 10}%` : "";
  return `${formatNs(r.nsPerItem.median)} (${formatNs(low)}-${formatNs(high)}${short})`;
};
/** The deno/native comparison of a transport in an `--engine both` report. */
const engineRatio = (r: Report, transport: string) =>
  r.comparisons.find((c) => c.name === "deno/native" && c.numerator.startsWith(`${transport} `))!;
/** A decimal without trailing zeros after its point: `29.0` is `29`, `290` stays. */
const trimZeros = (text: string) => text.includes(".") ? text.replace(/\.?0+$/, "") : text;
/** µs with three significant figures at most: `40.8 µs`, `793 µs`. */
const micros = (ns: number) =>
  ns >= 1e6
    ? `${trimZeros((ns / 1e6).toPrecision(3))} ms`
    : `${trimZeros((ns / 1000).toPrecision(3))} µs`;
const control = (r: Report, kind: "pipe-loop" | "unstamped") => {
  const entry = (r.controls ?? []).find((c) => c.kind === kind)!;
  return controlFigures(entry, controlSeries(r.results, entry)!.nsPerItem.median);
};
const percentText = (r: Rate) =>
  `${r.count}/${r.of} = ${(r.rate * 100).toFixed(1)}% (${(r.ci.low * 100).toFixed(1)}-${
    (r.ci.high * 100).toFixed(1)
  }%)`;

/** The audit of the replicate set, computed once per check. */
let audited: { reports: Report[]; audit: ReturnType<typeof auditCompare> } | null = null;
function audit(reports: Report[]) {
  if (audited?.reports !== reports) {
    audited = { reports, audit: auditCompare(reports, 0.05, [0.1, 0.25, 0.5]) };
  }
  return audited.audit;
}
const line = (reports: Report[], noise: "replicates" | "within run") =>
  audit(reports).lines.find((l) => l.noise === noise)!;

/** Every figure the docs cite that a committed report carries. */
export const CITED: readonly CitedFigure[] = [
  {
    ...simulatedFigure(
      "the coverage table",
      /<!-- coverage:begin -->\s*(\S[^]*?)\s*<!-- coverage:end -->/,
      () => renderCoverage(coverageRows()),
    ),
    table: true,
  },
  simulatedFigure(
    "the independent-trials interval's coverage on dependent trials",
    /covers ([\d.]+-[\d.]+%)\s+of\s+the\s+time\s+on\s+dependent/,
    () => coverageRange(0, (row) => row.shape !== "independent"),
  ),
  simulatedFigure(
    "the kit's coverage for AR(1) dependence",
    /holds ([\d.]+-[\d.]+%)\s+for\s+AR\(1\)/,
    () => coverageRange(1, (row) => row.shape.startsWith("AR(1)")),
  ),
  simulatedFigure(
    "the kit's coverage for two states at 100 trials",
    /from\s+about\s+100\s+trials\s+\(([\d.]+%\s+and\s+[\d.]+%)\)/,
    () =>
      coverageRows().filter((row) => twoStates(row) && row.n === 100)
        .map((row) => `${(Object.values(row.coverage)[1].rate * 100).toFixed(1)}%`).join(" and "),
  ),
  simulatedFigure(
    "the kit's coverage for two states below 100 trials",
    /but only ([\d.]+-[\d.]+%)\s+below that/,
    () => coverageRange(1, (row) => twoStates(row) && row.n < 100),
  ),
  citedBlock(
    "docs/reading-the-output.md",
    "terminal",
    "the terminal output of the full default run",
    FULL_RUN,
    (r) => "```\n" + renderSummary(only(r), colorsFor({ isTerminal: () => false })) + "\n```",
  ),
  citedBlock(
    "docs/reading-the-output.md",
    "controls",
    "the control lines of the run the README cites",
    DEFAULT_RUN,
    (r) =>
      "```\n" +
      [...controlLines(only(r), "pipe-loop"), ...controlLines(only(r), "unstamped")]
        .map(({ line }) => line).join("\n") +
      "\n```",
  ),
  {
    ...microFigure(
      "the micro-benchmarks' table",
      /<!-- micro:begin -->\s*(\S[^]*?)\s*<!-- micro:end -->/,
      (file) =>
        markdownTable(
          ["benchmark", "mean", "p50", "p99"],
          file.benchmarks.map((
            b,
          ) => [b.name, microNs(b.avgNs), microNs(b.p50Ns), microNs(b.p99Ns)]),
          [false, true, true, true],
        ),
    ),
    table: true,
  },
  microFigure(
    "a TypeScript ring pair",
    /A ring pair costs (\S+ ns) in TypeScript/,
    (f) => microAvg(f, "TypeScript: Channel.send + receiveInto"),
  ),
  microFigure(
    "a C ring pair",
    /in TypeScript against\s+(\S+ ns) in C/,
    (f) =>
      microAvg(f, "C, the bench's own ring code: 1,000 pairs in one FFI call (per call)", 1000),
  ),
  microFigure(
    "an Atomics store and load",
    /a store with\s+a load costs\s+(\S+ ns) against/,
    (f) => microAvg(f, "Atomics.store + load, mapped memory"),
  ),
  microFigure(
    "a plain store and load",
    /a store with\s+a load costs\s+\S+ ns against\s+(\S+ ns) for plain/,
    (f) => microAvg(f, "plain store + load, typed array"),
  ),
  microFigure(
    "a Channel round trip between two threads",
    /with a Worker echoing it, took\s+(\S+\s+ns\s+on\s+average\s+\(p50\s+\S+\s+ns\))/,
    (f) => {
      const row = microRow(
        f,
        "TypeScript: Channel round trip, 8-byte record, zero-copy (a Worker echoes)",
      );
      return `${microNs(row.avgNs)} ns on average (p50 ${microNs(row.p50Ns)} ns)`;
    },
  ),
  microFigure(
    "an FFI call",
    /An FFI call costs\s+(\S+ ns)/,
    (f) => microAvg(f, "FFI call, no work"),
  ),
  microFigure(
    "Deno.FsFile over libc for a pipe pair",
    /through `Deno.FsFile` costs\s+(\S+×) the same/,
    (f) =>
      `${
        (microRow(f, "Deno.FsFile writeSync + readSync").avgNs /
          microRow(f, "write() + read() through FFI (libc)").avgNs).toFixed(1)
      }×`,
  ),
  ...([
    [
      "PTI on",
      FILESERVER_RUN,
      /timed by the file-server run of the same host,\s+\S+\)\s+took\s+(\S+ ns)/,
    ],
    ["no PTI", URING_FILESERVER_RUN, /A null system call costs\s+(\S+\s+ns)\s+here/],
  ] as const).map(([host, source, pattern]): CitedFigure => ({
    file: "docs/results.md",
    what: `a null system call (${host})`,
    source,
    pattern,
    value: (r) => formatTime(only(r).yardsticks!.nullSyscallNs),
  })),
  {
    file: "docs/results.md",
    what: "context switches per 1,000 pipe messages in the two back-to-back runs",
    source: NOISE_RUNS,
    pattern: /few context switches:\s+(\S+\s+and\s+\S+)\s+per\s+1,000/,
    value: (reports) =>
      reports.map((r) => (seriesOf(r, "pipe", "stream", 8)!.switchesPerItem * 1000).toFixed(2))
        .join(" and "),
  },
  {
    file: "docs/results.md",
    what: "the pipe's 8-byte round trip in the full default run",
    source: FULL_RUN,
    pattern: /sleeping process on another vCPU:\s+(\S+\s+µs)\s+in the full/,
    value: (r) => formatTime(seriesOf(only(r), "pipe", "pingpong", 8)!.nsPerItem.median),
  },
  {
    file: "docs/results.md",
    what: "the ring's 8-byte item in the full default run",
    source: FULL_RUN,
    pattern: /On this host that cost\s+(\S+\s+ns)\s+per 8-byte/,
    value: (r) => formatTime(seriesOf(only(r), "shm", "stream", 8)!.nsPerItem.median),
  },
  {
    file: "docs/results.md",
    what: "the ring's 8-byte item in the README's run",
    source: DEFAULT_RUN,
    pattern: /on a later host gave\s+(\S+\s+ns)\s+\(the README/,
    value: (r) => formatTime(seriesOf(only(r), "shm", "stream", 8)!.nsPerItem.median),
  },
  {
    file: "docs/results.md",
    what: "the Unix socket's paced p50 in the earlier run",
    source: EARLIER_PACED_RUN,
    pattern: /gave it a p50 of\s+(\S+\s+µs)/,
    value: (r) =>
      micros(
        only(r).results.find((x) => x.transport === "unix" && x.sizeBytes === 8)!
          .latency!.roundTrip.p50,
      ),
  },
  citedBlock(
    "docs/results.md",
    "noise",
    "the two back-to-back runs' table",
    NOISE_RUNS,
    (reports) =>
      markdownTable(
        [
          "run",
          "transport",
          "median ns/item",
          "95% CI",
          "CV",
          "CPU ns/item",
          "pipe/shm (95% CI)",
          "stopped",
        ],
        reports.flatMap((r, i) =>
          (["shm", "pipe"] as const).map((t) => {
            const x = seriesOf(r, t, "stream", 8)!;
            const first = t === "shm";
            return [
              first ? pageLink(r.createdAt.slice(11, 16), NOISE_RUNS[i]) : "",
              `\`${t}\``,
              `**${formatNs(x.nsPerItem.median)}**`,
              `${formatNs(x.nsPerItem.medianCi.low)} to ${formatNs(x.nsPerItem.medianCi.high)}`,
              formatPercent(x.nsPerItem.cv),
              formatNs(x.cpuNsPerItem.median),
              first ? pipeOverShm(r, "stream", 8) : "",
              first ? `${stopText(r).replaceAll("**", "")}, ${x.nsPerItem.count} trials each` : "",
            ];
          })
        ),
        [false, false, true, true, true, true, true, false],
      ),
  ),
  citedBlock(
    "docs/results.md",
    "transports",
    "the table of transports",
    TRANSPORT_RUNS,
    ([all, paced]) =>
      markdownTable(
        [
          "transport",
          "8 B stream",
          "8 B ping-pong (mean)",
          "8 B ping-pong paced 100 µs (p50)",
          "64 KiB stream",
          "64 KiB ping-pong p50",
        ],
        TRANSPORT_ROWS.map(([label, t]) => {
          const big = seriesOf(all, t, "stream", 65536);
          const bigTrip = seriesOf(all, t, "pingpong", 65536);
          const pacedTrip = paced.results.find((x) => x.transport === t && x.sizeBytes === 8);
          return [
            label,
            wallCpu(seriesOf(all, t, "stream", 8)),
            wallCpu(seriesOf(all, t, "pingpong", 8)),
            pacedTrip === undefined
              ? "—"
              : `${formatNs(pacedTrip.latency!.roundTrip.p50)} / ${
                formatNs(pacedTrip.cpuNsPerItem.median)
              }`,
            big === undefined ? "—" : formatNs(big.nsPerItem.median),
            bigTrip === undefined ? "—" : formatNs(bigTrip.latency!.roundTrip.p50),
          ];
        }),
        [false, true, true, true, true, true],
      ),
  ),
  citedBlock(
    "docs/results.md",
    "uring",
    "the io_uring table",
    URING_RUN,
    (reports) =>
      markdownTable(
        ["transport", "8 B stream", "8 B ping-pong (mean)", "p50 round trip", "p99 round trip"],
        ["shm", "ring-futex", "pipe", "pipe-uring", "pipe-uring-sqpoll"].map((t) => {
          const trip = seriesOf(only(reports), t, "pingpong", 8)!;
          return [
            `\`${t}\``,
            wallCpu(seriesOf(only(reports), t, "stream", 8)),
            wallCpu(trip),
            formatNs(trip.latency!.roundTrip.p50),
            formatNs(trip.latency!.roundTrip.p99),
          ];
        }),
        [false, true, true, true, true],
      ),
  ),
  ...([["", FILESERVER_RUN], ["uring-", URING_FILESERVER_RUN]] as const).flatMap((
    [prefix, run],
  ) => [
    citedBlock(
      "docs/fileserver.md",
      `${prefix}table`,
      `the file server's table (${run})`,
      run,
      (r) => fileServerTable(only(r)),
    ),
    citedBlock(
      "docs/fileserver.md",
      `${prefix}sentences`,
      `what the kit writes of the file server (${run})`,
      run,
      (r) => `_${fileServerSentences(only(r)).join(" ")}_`,
    ),
  ]),
  {
    file: "docs/running.md",
    what: "the builds' comparisons of the --variant run",
    source: VARIANT_RUN,
    pattern: /<!-- variants:begin -->\s*(\S[^]*?)\s*<!-- variants:end -->/,
    value: (r) => variantLines(only(r)).map(({ line }) => `- ${line}`).join("\n"),
  },
  {
    file: "docs/running.md",
    what: "the earlier run's clang-lto over gcc for the ring's stream",
    source: EARLIER_VARIANT_RUN,
    pattern: /four hours earlier, with `--budget 120`, gave ([\d.]+x)/,
    value: (r) => {
      const ring = variantLines(only(r)).find(({ comparison }) =>
        comparison.mode === "stream" && comparison.denominator.startsWith("shm ")
      );
      return / over \S+ ([\d.]+x) /.exec(ring?.line ?? "")?.[1] ?? "(no such comparison)";
    },
  },
  {
    file: "docs/running.md",
    what: "the same build's comparisons, run as two variants",
    source: SAME_BUILD_RUN,
    pattern: /<!-- same-build:begin -->\s*(\S[^]*?)\s*<!-- same-build:end -->/,
    value: (r) => variantLines(only(r)).map(({ line }) => `- ${line}`).join("\n"),
  },
  {
    file: "README.md",
    what: "the original's SHMEM line",
    source: DEFAULT_RUN,
    pattern: /printed:\n\n {4}(SHMEM Time: .*)$/m,
    value: (r) => originalLines(only(r))[0],
  },
  {
    file: "README.md",
    what: "the original's KERNEL line",
    source: DEFAULT_RUN,
    pattern: /printed:\n\n {4}SHMEM Time: .*\n {4}(KERNEL Time: .*)$/m,
    value: (r) => originalLines(only(r))[1],
  },
  {
    file: "README.md",
    what: "the headline as the terminal prints it",
    source: DEFAULT_RUN,
    pattern: /^ {4}(The ring was .*)$/m,
    value: (r) => renderSummary(only(r), colorsFor({ isTerminal: () => false })).split("\n")[2],
  },
  {
    file: "README.md",
    what: "the headline as printed at the time, a ratio of medians",
    source: DEFAULT_RUN,
    pattern: /Printed at the time as ([\d.]+x), a ratio of the two medians/,
    value: (reports) => {
      const r = only(reports);
      const stream = (t: string) => seriesOf(r, t, "stream", 8)!.nsPerItem.median;
      return `${(stream("pipe") / stream("shm")).toFixed(1)}x`;
    },
  },
  {
    file: "README.md",
    what: "a 64-byte read through io_uring and from the ring server",
    source: URING_FILESERVER_RUN,
    pattern: /a 64-byte read took (\S+ \S+ through io_uring against\s+\S+ \S+) from a ring server/,
    value: (reports) => {
      const rows = fileServerRows(only(reports)).filter((x) => x.sizeBytes === 64);
      const uring = rows.find((x) => x.how === "io_uring read" && x.depth === 1)!;
      const ring = rows.find((x) => x.how === "shm" && x.depth === 1)!;
      return `${formatTime(uring.meanNs!)} through io_uring against ${formatTime(ring.meanNs!)}`;
    },
  },
  {
    file: "README.md",
    what: "timed trials of the cited run",
    source: DEFAULT_RUN,
    pattern: /\((\d+) timed trials in \d+ s;/,
    value: (r) => String(only(r).sampling.timedTrials),
  },
  {
    file: "README.md",
    what: "seconds of the cited run",
    source: DEFAULT_RUN,
    pattern: /timed trials in (\d+) s;/,
    value: (r) => String(Math.round(only(r).sampling.elapsedSeconds!)),
  },
  {
    file: "README.md",
    what: "the plain C pipe loop, ns per item",
    source: DEFAULT_RUN,
    pattern: /pipe's trials, took (\d+) ns per\s+item/,
    value: (r) => String(Math.round(control(only(r), "pipe-loop").controlNs)),
  },
  {
    file: "README.md",
    what: "the kit's pipe over the C loop, with its interval",
    source: DEFAULT_RUN,
    pattern:
      /the kit's pipe (\d\.\d\d× that \(median of \d+ paired ratios,\s+95% CI [\d.]+-[\d.]+\))/,
    value: (r) => {
      const f = control(only(r), "pipe-loop");
      return `${f.ratio.toFixed(2)}× that (median of ${f.pairs} paired ratios, 95% CI ${
        f.ci!.low.toFixed(2)
      }-${f.ci!.high.toFixed(2)})`;
    },
  },
  {
    file: "README.md",
    what: "the ring's 8-byte round trip, ns",
    source: DEFAULT_RUN,
    pattern: /request and reply took (\d+) ns through the ring/,
    value: (r) => String(Math.round(seriesOf(only(r), "shm", "pingpong", 8)!.nsPerItem.median)),
  },
  {
    file: "README.md",
    what: "the pipe's 8-byte round trip, µs",
    source: DEFAULT_RUN,
    pattern: /through the ring and ([\d.]+) µs through a pair of pipes/,
    value: (r) => (seriesOf(only(r), "pipe", "pingpong", 8)!.nsPerItem.median / 1000).toFixed(1),
  },
  {
    file: "README.md",
    what: "stamped over unstamped round trips, with its interval",
    source: DEFAULT_RUN,
    pattern: /percentiles cost (\d\.\d{3}× \(CI [\d.]+-[\d.]+\))/,
    value: (r) => {
      const f = control(only(r), "unstamped");
      return `${f.ratio.toFixed(3)}× (CI ${f.ci!.low.toFixed(2)}-${f.ci!.high.toFixed(2)})`;
    },
  },
  {
    file: "docs/results.md",
    what: "pipe/shm at 64 KiB and 1 MiB on the later host",
    source: DEFAULT_RUN,
    pattern:
      /to ([\d.]+×\s+and\s+[\d.]+×\s+in\s+streams\s+and\s+[\d.]+×\s+and\s+[\d.]+×\s+in\s+ping-pong)\s+\(the\s+cited/,
    value: (reports) => {
      const ratio = (mode: string, size: number) =>
        only(reports).comparisons.find((c) =>
          c.name === "pipe/shm" && c.mode === mode && c.sizeBytes === size
        )!.ratio.toFixed(1);
      return `${ratio("stream", 65536)}× and ${ratio("stream", 1 << 20)}× in streams and ${
        ratio("pingpong", 65536)
      }× and ${ratio("pingpong", 1 << 20)}× in ping-pong`;
    },
  },
  ...([["ring (C: every item; deno: 64)", "shm"], ["pipe", "pipe"]] as const).map((
    [row, transport],
  ): CitedFigure => ({
    file: "docs/deno-engine.md",
    what: `the engine table's row for ${transport}`,
    source: ENGINE_RUN,
    pattern: new RegExp(`^\\| ${row.replace(/[()]/g, "\\$&")} +\\|(.*)\\|$`, "m"),
    cells: true,
    value: (reports) => {
      const r = only(reports);
      const of = (engine: string) =>
        r.results.find((x) => x.transport === transport && x.engine === engine)!;
      const c = engineRatio(r, transport);
      return [
        medianText(of("native")),
        medianText(of("deno")),
        `${c.ratio.toFixed(1)}× (${c.ci.low.toFixed(1)}-${c.ci.high.toFixed(1)})`,
      ].join(" | ");
    },
  })),
  {
    file: "README.md",
    what: "the deno ring's stream over the C ring's",
    source: ENGINE_RUN,
    pattern: /moved 8-byte records\s+at ([\d.]+)× the C ring's time/,
    value: (r) => engineRatio(only(r), "shm").ratio.toFixed(1),
  },
  {
    file: "README.md",
    what: "the Channel's round trip beside the C ring's",
    source: TRIPS_RUN,
    pattern: /an 8-byte round trip took\s+(.*?\)), and paced/s,
    value: (reports) => {
      const r = only(reports);
      const trip = (engine: string) =>
        r.results.find((x) => x.transport === "shm" && x.engine === engine)!.nsPerItem.median;
      const c = engineRatio(r, "shm");
      return `${formatNs(trip("deno"))} ns against the C ring's ${formatNs(trip("native"))} ns (${
        c.ratio.toFixed(1)
      }× as the median of per-round ratios, ${c.ci.low.toFixed(1)}-${c.ci.high.toFixed(1)})`;
    },
  },
  {
    file: "README.md",
    what: "the Channel's paced p99, p99.9 and CPU beside C's",
    source: PACED_TRIPS_RUN,
    pattern: /the\s+sleeping\s+ring's\s+p99\s+was\s+(.*?µs)\s+\(\[back/s,
    value: (reports) => {
      const ring = (engine: string) =>
        only(reports).results.find((x) => x.transport === "ring-futex" && x.engine === engine)!;
      const both = (figure: (r: ResultEntry) => number) =>
        `${micros(figure(ring("deno")))} against ${micros(figure(ring("native")))}`;
      return `${both((r) => r.latency!.roundTrip.p99)} in C, its p99.9 ${
        both((r) => r.latency!.roundTrip.p999)
      }, and its CPU per round trip ${both((r) => r.cpuNsPerItem.median)}`;
    },
  },
  ...([
    ["`ring-futex` (C)", "ring-futex", "native"],
    ["`ring-futex` (deno, `readableAsync`/`reserveAsync`)", "ring-futex", "deno"],
    ["`pipe` (C)", "pipe", "native"],
    ["`pipe` (deno)", "pipe", "deno"],
  ] as const).map(([row, transport, engine]): CitedFigure => ({
    file: "docs/deno-engine.md",
    what: `the paced table's row for ${transport} (${engine})`,
    source: PACED_ENGINE_RUN,
    pattern: new RegExp(`^\\| ${row.replace(/[()`/]/g, "\\$&")} +\\|(.*)\\|$`, "m"),
    cells: true,
    value: (reports) => {
      const r = only(reports).results.find((x) =>
        x.transport === transport && x.engine === engine
      )!;
      return [
        micros(r.latency!.roundTrip.p50),
        micros(r.latency!.roundTrip.p99),
        micros(r.cpuNsPerItem.median),
      ].join(" | ");
    },
  })),
  ...["shm", "pipe", "pipe-uring", "pipe-uring-sqpoll"].map((transport): CitedFigure => ({
    file: "README.md",
    what: `the io_uring table's row for ${transport}`,
    source: URING_RUN,
    pattern: new RegExp(`^\\| \`${transport}\` +\\|(.*)\\|$`, "m"),
    cells: true,
    value: (reports) => {
      const r = only(reports);
      const [stream, trip] = [
        seriesOf(r, transport, "stream", 8)!,
        seriesOf(r, transport, "pingpong", 8)!,
      ];
      return [
        `${formatNs(stream.nsPerItem.median)} / ${formatNs(stream.cpuNsPerItem.median)}`,
        formatNs(trip.nsPerItem.median),
        formatNs(trip.latency!.roundTrip.p50),
        formatNs(trip.cpuNsPerItem.median),
      ].join(" | ");
    },
  })),
  {
    file: "README.md",
    what: "SQPOLL's round trip over the pipe's",
    source: URING_RUN,
    pattern: /SQPOLL (\w+) the mean\s+round trip/,
    value: (reports) => {
      const trip = (t: string) => seriesOf(only(reports), t, "pingpong", 8)!.nsPerItem.median;
      const ratio = trip("pipe-uring-sqpoll") / trip("pipe");
      return ratio < 0.4 ? "cuts" : ratio < 0.6 ? "halves" : "trims";
    },
  },
  ...[8, 64, 512, 4096, 65536, 1 << 20].map((size): CitedFigure => ({
    file: "docs/results.md",
    what: `the results table's row for ${formatSize(size)}`,
    source: FULL_RUN,
    pattern: new RegExp(`^\\| +${formatSize(size)} +\\|(.*)\\|$`, "m"),
    cells: true,
    value: (reports) => {
      const r = only(reports);
      const of = (transport: string, mode: string) => seriesOf(r, transport, mode, size)!;
      const ratio = (mode: string) => pipeOverShm(r, mode, size);
      const stream = (t: string) =>
        `${formatNs(of(t, "stream").nsPerItem.median)} (${
          formatRate(of(t, "stream").throughput.bytesPerSecond)
        })`;
      const trip = (t: string) => {
        const x = of(t, "pingpong");
        return `${formatNs(x.nsPerItem.median)} (p99 ${formatNs(x.latency!.roundTrip.p99)})`;
      };
      return [
        stream("shm"),
        stream("pipe"),
        ratio("stream"),
        trip("shm"),
        trip("pipe"),
        ratio("pingpong"),
      ]
        .join(" | ");
    },
  })),
  ...(["replicates", "within run"] as const).map((noise): CitedFigure => ({
    file: "docs/archive.md",
    what: `the audit's row for ${noise}`,
    source: REPLICATES,
    pattern: new RegExp(`^ *\\| ${noise} +\\|(.*)\\|$`, "m"),
    cells: true,
    value: (reports) => {
      const l = line(reports, noise);
      return [
        formatPercent(l.medianThreshold),
        percentText(l.falseAlarms),
        percentText(l.power[1].slower),
        percentText(l.power[1].faster),
        percentText(l.power[2].slower),
        percentText(l.power[2].faster),
      ].join(" | ");
    },
  })),
];

/**
 * The documents whose measured figures must all be cited, and what in them holds a number without
 * being a measurement of a run: a confidence level, an option's value or default, a threshold the
 * kit applies, the essay's own figures.
 */
export const STRAY_CHECK: StrayCheck = {
  files: [
    "README.md",
    "docs/archive.md",
    "docs/deno-engine.md",
    "docs/design.md",
    "docs/fileserver.md",
    "docs/json-format.md",
    "docs/reading-the-output.md",
    "docs/results.md",
    "docs/running.md",
    "docs/statistics.md",
  ],
  // tests/options.test.ts checks the help against the bench's.
  checkedBlocks: ["help"],
  notMeasured: [
    // Confidence levels, targets and thresholds the kit applies.
    "95%",
    "75% one",
    "within ±2%",
    "(default 2%)",
    "add up to 10%",
    "CV above 5%",
    "further from its series than 10%",
    "(the pipe and its C loop) or 5%",
    // Option values and fixed settings; the audit's injected changes and goal.
    "(default 5%)",
    "threshold 5%",
    "10%, 25% and 50% slower",
    "25% slower caught",
    "25% faster caught",
    "50% slower caught",
    "50% faster caught",
    "a 25% change",
    "80% power at 25%",
    "every 100 µs",
    "at 100 µs",
    "paced 100 µs",
    "the goal of 3×",
    "stretch goal, 2×",
    "for 50 ms",
    "null after 1 s",
    "(10 µs)",
    "their 10 µs of looking",
    "its 10 µs of looking",
    "(10 µs by default)",
    "reached ±2%",
    "every 100 ms",
    "every 20 ms",
    "about 0.05 s",
    "the 60 s budget",
    "looks for 10 µs",
    "a 100 ms",
    // The histogram's layout; the simulated shapes.
    "σ 0.1 around 6 ns",
    "6 and 30 ns with σ 0.05",
    "slow 20% or 30% of",
    "the 30%-slow shape",
    "1 ns buckets below 256",
    "wider than 0.8% of",
  ],
};
