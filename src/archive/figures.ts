/**
 * Figures that README.md and docs/ cite, each tied to the committed report it
 * comes from: a pattern finds the figure in the text, and the kit computes it
 * again from the report with its own code and rounding. `deno task docs:check`
 * fails naming the file and line of every figure that differs, so a figure
 * cannot drift from its report, and a report cannot be re-read under new
 * methods without the docs that cite it following.
 *
 * @module
 */

import { colorsFor, formatNs, formatPercent, formatRate } from "../base/format.ts";
import { formatSize } from "../plan/series.ts";
import { renderSummary } from "../render/terminal.ts";
import { controlFigures, controlSeries } from "../report/control_figures.ts";
import { originalLines } from "../report/headline.ts";
import { variantLines } from "../report/variants.ts";
import type { Report } from "../report/report.ts";
import { loadReport } from "../report/schema.ts";
import type { Rate } from "../stats/proportion.ts";
import { auditCompare, replicateSet } from "./audit.ts";
import { listReports } from "./catalog.ts";

/** One figure a document cites. */
export interface CitedFigure {
  /** The document, relative to the project root. */
  file: string;
  /** What the figure is, for the message. */
  what: string;
  /** The committed report it comes from, or a machine folder of replicate runs. */
  source: string;
  /** Finds the figure: its first group is the figure as the document prints it. */
  pattern: RegExp;
  /** The figure as the kit computes and rounds it from the source's reports. */
  value: (reports: Report[]) => string;
  /** A Markdown table row's cells: compared trimmed, since `deno fmt` pads them. */
  cells?: boolean;
}

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
const TRIPS_RUN = "results/vm-d092e051/2026-12-04T16-45-52Z_4424ebc.json";
const PACED_TRIPS_RUN = "results/vm-d092e051/2026-12-04T16-46-51Z_4424ebc.json";
/** The `--variant` run `docs/running.md` cites: gcc -O3 against clang -O3 -flto. */
const VARIANT_RUN = "results/vm-d092e051/2026-12-04T15-40-48Z_8c0bdce.json";
/** The replicate set `docs/archive.md` audits. */
const REPLICATES = "results/devvm-replicates";

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
/** µs with three significant figures at most: `40.8 µs`, `793 µs`. */
const micros = (ns: number) => `${(ns / 1000).toPrecision(3).replace(/\.?0+$/, "")} µs`;
const control = (r: Report, kind: "pipe-loop" | "unstamped") => {
  const entry = (r.controls ?? []).find((c) => c.kind === kind)!;
  return controlFigures(entry, controlSeries(r.results, entry)!.nsPerItem.median);
};
const pingpong8 = (r: Report, transport: string) =>
  r.results.find((x) =>
    x.mode === "pingpong" && x.sizeBytes === 8 && x.transport === transport &&
    x.engine === "native"
  )!;
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
    file: "docs/running.md",
    what: "the builds' comparisons of the --variant run",
    source: VARIANT_RUN,
    pattern: /<!-- variants:begin -->\s*(\S[^]*?)\s*<!-- variants:end -->/,
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
    value: (r) => String(Math.round(pingpong8(only(r), "shm").nsPerItem.median)),
  },
  {
    file: "README.md",
    what: "the pipe's 8-byte round trip, µs",
    source: DEFAULT_RUN,
    pattern: /through the ring and ([\d.]+) µs through a pair of pipes/,
    value: (r) => (pingpong8(only(r), "pipe").nsPerItem.median / 1000).toFixed(1),
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
      /to ([\d.]+×\s+and [\d.]+× in streams and [\d.]+× and [\d.]+× in ping-pong) \(the cited/,
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
    what: "the Channel's paced p99 beside C's",
    source: PACED_TRIPS_RUN,
    pattern: /the sleeping ring's p99 was\s+(.*?\s+in C)/s,
    value: (reports) => {
      const p99 = (engine: string) =>
        only(reports).results.find((x) => x.transport === "ring-futex" && x.engine === engine)!
          .latency!.roundTrip.p99;
      return `${micros(p99("deno"))} against ${micros(p99("native"))} in C`;
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
      const of = (mode: string) =>
        r.results.find((x) => x.transport === transport && x.mode === mode && x.sizeBytes === 8)!;
      const [stream, trip] = [of("stream"), of("pingpong")];
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
      const trip = (t: string) =>
        only(reports).results.find((x) =>
          x.transport === t && x.mode === "pingpong" && x.sizeBytes === 8
        )!.nsPerItem.median;
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
      const of = (transport: string, mode: string) =>
        r.results.find((x) =>
          x.transport === transport && x.mode === mode && x.sizeBytes === size
        )!;
      const ratio = (mode: string) => {
        const c = r.comparisons.find((x) =>
          x.name === "pipe/shm" && x.mode === mode && x.sizeBytes === size
        )!;
        return `**${c.ratio.toFixed(1)}×** (${c.ci.low.toFixed(1)}-${c.ci.high.toFixed(1)})`;
      };
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

/** The replicate runs of a machine folder, as `compare:audit` takes them ({@link replicateSet}). */
async function replicateRuns(dir: string): Promise<Report[]> {
  const root = dir.slice(0, dir.lastIndexOf("/")) || ".";
  const paths = listReports(root).archived.filter((p) => p.startsWith(`${dir}/`));
  return replicateSet(await Promise.all(paths.map((p) => loadReport(p))));
}

/** One cited figure found in its document, beside what its report gives. */
interface FoundFigure {
  /** The figure. */
  figure: CitedFigure;
  /** Its document's text. */
  text: string;
  /** Where the pattern found it, or null. */
  match: RegExpExecArray | null;
  /** The figure as the kit computes it from the report (line breaks as the value writes them). */
  expected: string;
}

/** Every cited figure of `figures`, found in its document and computed from its report. */
async function findFigures(
  root: string,
  figures: readonly CitedFigure[],
  read: (file: string) => Promise<string>,
  sources: Map<string, Promise<Report[]>> = new Map(),
): Promise<FoundFigure[]> {
  const reportsOf = (source: string) => {
    if (!sources.has(source)) {
      sources.set(
        source,
        source.endsWith(".json")
          ? loadReport(`${root}/${source}`).then((r) => [r])
          : replicateRuns(`${root}/${source}`),
      );
    }
    return sources.get(source)!;
  };
  const texts = new Map<string, Promise<string>>();
  const found: FoundFigure[] = [];
  for (const figure of figures) {
    if (!texts.has(figure.file)) texts.set(figure.file, read(figure.file));
    const text = await texts.get(figure.file)!;
    const match = figure.pattern.exec(text);
    found.push({ figure, text, match, expected: figure.value(await reportsOf(figure.source)) });
  }
  return found;
}

/** A figure as compared: line breaks and padding are the formatter's, so single spaces. */
const compared = (text: string, cells: boolean | undefined) =>
  (cells ? text.split("|").map((c) => c.trim()).join(" | ") : text).replace(/\s+/g, " ");

/**
 * Every cited figure that differs from what its report gives, as `file:line: ...` (empty when
 * all agree); a pattern that finds nothing is a problem too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkCitedFigures } from "./figures.ts";
 * const root = new URL("../..", import.meta.url).pathname;
 * assert.deepEqual(await checkCitedFigures(root), []);
 * ```
 */
export async function checkCitedFigures(
  root: string,
  figures: readonly CitedFigure[] = CITED,
  read: (file: string) => Promise<string> = (file) => Deno.readTextFile(`${root}/${file}`),
): Promise<string[]> {
  const problems: string[] = [];
  for (const { figure, text, match, expected } of await findFigures(root, figures, read)) {
    if (match === null) {
      problems.push(`${figure.file}: ${figure.what} is not where it was (${figure.pattern})`);
      continue;
    }
    const found = compared(match[1], figure.cells);
    const wanted = compared(expected, false);
    if (found !== wanted) {
      const lineNumber = text.slice(0, match.index).split("\n").length;
      problems.push(
        `${figure.file}:${lineNumber}: ${figure.what} reads ${JSON.stringify(found)}, ` +
          `its report gives ${JSON.stringify(wanted)} (${figure.source})`,
      );
    }
  }
  return problems;
}

/**
 * Writes every cited figure that differs from its report into its document (a figure whose
 * pattern finds nothing is left for {@link checkCitedFigures} to name); returns the documents
 * changed, for the formatter to lay out again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeCitedFigures } from "./figures.ts";
 * const root = new URL("../..", import.meta.url).pathname;
 * const written = new Map<string, string>();
 * // Nothing differs in the checked-in docs: nothing to write.
 * assert.deepEqual(await writeCitedFigures(root, undefined, (file, text) => written.set(file, text)), []);
 * ```
 */
export async function writeCitedFigures(
  root: string,
  figures: readonly CitedFigure[] = CITED,
  write: (file: string, text: string) => void = (file, text) =>
    Deno.writeTextFileSync(`${root}/${file}`, text),
  read: (file: string) => Promise<string> = (file) => Deno.readTextFile(`${root}/${file}`),
): Promise<string[]> {
  const edited = new Map<string, string>();
  const sources = new Map<string, Promise<Report[]>>();
  // One figure at a time, each found again in the text as edited so far.
  for (const figure of figures) {
    const current = (file: string) =>
      edited.has(file) ? Promise.resolve(edited.get(file)!) : read(file);
    const [{ text, match, expected }] = await findFigures(root, [figure], current, sources);
    if (match === null) continue;
    if (compared(match[1], figure.cells) === compared(expected, false)) continue;
    const at = match.index + match[0].indexOf(match[1]);
    const value = figure.cells ? ` ${expected} ` : expected;
    edited.set(figure.file, text.slice(0, at) + value + text.slice(at + match[1].length));
  }
  for (const [file, text] of edited) write(file, text);
  return [...edited.keys()];
}
