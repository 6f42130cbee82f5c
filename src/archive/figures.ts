/**
 * Figures that README.md and docs/ cite, each tied to the committed report it
 * comes from: a pattern finds the figure in the text, and the kit computes it
 * again from the report with its own code and rounding. `deno task docs:check`
 * fails naming the file and line of every figure that differs, so a figure
 * cannot drift from its report, and a report cannot be re-read under new
 * methods without the docs that cite it following. The figures themselves are
 * listed in `./cited.ts`; {@link strayFigures} finds a measurement a document
 * prints outside every cited one.
 *
 * @module
 */

import type { Report } from "../report/report.ts";
import { loadReport } from "../report/schema.ts";
import { loadMicro, type MicroFile } from "../report/micro.ts";
import { replicateSet } from "./audit.ts";
import { listReports } from "./catalog.ts";

/** What every cited figure has: where it is, and how the document prints it. */
interface CitedBase {
  /** The document, relative to the project root. */
  file: string;
  /** What the figure is, for the message. */
  what: string;
  /** Finds the figure: its first group is the figure as the document prints it. */
  pattern: RegExp;
  /** A Markdown table row's cells: compared trimmed, since `deno fmt` pads them. */
  cells?: boolean;
  /** Markdown tables among the text: compared cell by cell, rulers by alignment only. */
  table?: boolean;
}

/** A figure computed from bench reports. */
export interface CitedFromReports extends CitedBase {
  /**
   * The committed report(s) it comes from (`results/<machine>/<stem>.json`), or a machine
   * folder of replicate runs.
   */
  source: string | readonly string[];
  /** The figure as the kit computes and rounds it from the source's reports, in order. */
  value: (reports: Report[]) => string;
}

/** A figure computed from a committed `deno task bench:micro` file. */
export interface CitedFromMicro extends CitedBase {
  /** The committed `.micro.json`. */
  source: `${string}.micro.json`;
  /** Marks the kind. */
  micro: true;
  /** The figure as the kit computes it from the file. */
  value: (file: MicroFile) => string;
}

/** A figure the kit computes from no run: the coverage of its intervals on simulated trials. */
export interface CitedFromSimulation extends CitedBase {
  /** The command that prints it, for the message. */
  source: string;
  /** Marks the kind. */
  simulation: true;
  /** The figure as the kit computes it. */
  value: () => string;
}

/** One figure a document cites. */
export type CitedFigure = CitedFromReports | CitedFromMicro | CitedFromSimulation;

/** What stands between `<!-- NAME:begin -->` and `<!-- NAME:end -->`, trimmed: the first group. */
const blockPattern = (name: string) =>
  new RegExp(`<!-- ${name}:begin -->\\s*(\\S[^]*?)\\s*<!-- ${name}:end -->`);

/** Where a found figure starts in its document: its pattern's first group. */
const figureAt = (match: RegExpExecArray) => match.index + match[0].indexOf(match[1]);

/**
 * A cited block: everything between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in `file`,
 * written whole by `value` (tables compared cell by cell).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { citedBlock } from "./figures.ts";
 * const figure = citedBlock("docs/x.md", "table", "a table", "results/m/r.json", () => "| a |");
 * assert.equal(figure.pattern.exec("<!-- table:begin -->\n| a |\n<!-- table:end -->")![1], "| a |");
 * ```
 */
export function citedBlock(
  file: string,
  name: string,
  what: string,
  source: string | readonly string[],
  value: (reports: Report[]) => string,
): CitedFromReports {
  return {
    file,
    what,
    source,
    pattern: blockPattern(name),
    table: true,
    value,
  };
}

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

/** Where a figure's sources are loaded, once per check. */
type Loaded = Map<string, Promise<Report[] | MicroFile>>;

/** Every cited figure of `figures`, found in its document and computed from its report. */
async function findFigures(
  root: string,
  figures: readonly CitedFigure[],
  read: (file: string) => Promise<string>,
  loaded: Loaded = new Map(),
): Promise<FoundFigure[]> {
  const load = (source: string) => {
    if (!loaded.has(source)) {
      loaded.set(
        source,
        source.endsWith(".micro.json")
          ? loadMicro(`${root}/${source}`)
          : source.endsWith(".json")
          ? loadReport(`${root}/${source}`).then((r) => [r])
          : replicateRuns(`${root}/${source}`),
      );
    }
    return loaded.get(source)!;
  };
  const texts = new Map<string, Promise<string>>();
  const found: FoundFigure[] = [];
  for (const figure of figures) {
    if (!texts.has(figure.file)) texts.set(figure.file, read(figure.file));
    const text = await texts.get(figure.file)!;
    const match = figure.pattern.exec(text);
    let expected: string;
    if ("simulation" in figure) {
      expected = figure.value();
    } else if ("micro" in figure) {
      expected = figure.value(await load(figure.source) as MicroFile);
    } else {
      const sources = typeof figure.source === "string" ? [figure.source] : figure.source;
      const reports = await Promise.all(sources.map((s) => load(s) as Promise<Report[]>));
      expected = figure.value(reports.flat());
    }
    found.push({ figure, text, match, expected });
  }
  return found;
}

/** A Markdown table's line as compared: cells trimmed, a ruler's dashes by alignment only. */
const tableLine = (line: string) =>
  line.trimStart().startsWith("|")
    ? line.trim().split("|").map((c) => c.trim().replace(/^(:?)-+(:?)$/, "$1---$2")).join(" | ")
    : line;

/** A figure as compared: line breaks and padding are the formatter's, so single spaces. */
const compared = (text: string, figure: Pick<CitedBase, "cells" | "table">) =>
  (figure.cells
    ? text.split("|").map((c) => c.trim()).join(" | ")
    : figure.table
    ? text.split("\n").map(tableLine).join("\n")
    : text).replace(/\s+/g, " ");

/**
 * Every cited figure that differs from what its report gives, as `file:line: ...` (empty when
 * all agree); a pattern that finds nothing is a problem too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CITED } from "./cited.ts";
 * import { checkCitedFigures } from "./figures.ts";
 * const root = new URL("../..", import.meta.url).pathname;
 * assert.deepEqual(await checkCitedFigures(root, CITED), []);
 * ```
 */
export async function checkCitedFigures(
  root: string,
  figures: readonly CitedFigure[],
  read: (file: string) => Promise<string> = (file) => Deno.readTextFile(`${root}/${file}`),
): Promise<string[]> {
  const problems: string[] = [];
  for (const { figure, text, match, expected } of await findFigures(root, figures, read)) {
    if (match === null) {
      problems.push(`${figure.file}: ${figure.what} is not where it was (${figure.pattern})`);
      continue;
    }
    const found = compared(match[1], figure);
    const wanted = compared(expected, { table: figure.table });
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
 * import { CITED } from "./cited.ts";
 * import { writeCitedFigures } from "./figures.ts";
 * const root = new URL("../..", import.meta.url).pathname;
 * const written = new Map<string, string>();
 * // Nothing differs in the checked-in docs: nothing to write.
 * assert.deepEqual(await writeCitedFigures(root, CITED, (file, text) => written.set(file, text)), []);
 * ```
 */
export async function writeCitedFigures(
  root: string,
  figures: readonly CitedFigure[],
  write: (file: string, text: string) => void = (file, text) =>
    Deno.writeTextFileSync(`${root}/${file}`, text),
  read: (file: string) => Promise<string> = (file) => Deno.readTextFile(`${root}/${file}`),
): Promise<string[]> {
  const edited = new Map<string, string>();
  const loaded: Loaded = new Map();
  // One figure at a time, each found again in the text as edited so far.
  for (const figure of figures) {
    const current = (file: string) =>
      edited.has(file) ? Promise.resolve(edited.get(file)!) : read(file);
    const [{ text, match, expected }] = await findFigures(root, [figure], current, loaded);
    if (match === null) continue;
    if (compared(match[1], figure) === compared(expected, { table: figure.table })) continue;
    const at = figureAt(match);
    const value = figure.cells ? ` ${expected} ` : expected;
    edited.set(figure.file, text.slice(0, at) + value + text.slice(at + match[1].length));
  }
  for (const [file, text] of edited) write(file, text);
  return [...edited.keys()];
}

/** What reads as a measured figure: a number with a unit of time, a multiple, a share or a rate. */
const MEASURED =
  /\d(?:[\d,.]*\d)?(?:-\d(?:[\d,.]*\d)?)?(?: ?(?:ns|µs|ms|s)\b|×|x\b|%| ?[KMG]?B\/s)/g;

/** One figure a document prints that no cited figure covers. */
export interface StrayFigure {
  /** The document, relative to the project root. */
  file: string;
  /** Its line, from 1. */
  line: number;
  /** The figure as printed. */
  figure: string;
}

/**
 * The documents whose every measured figure must come from a cited report; what else in them
 * looks like one is a setting, a definition or another's figure, and is listed in
 * {@link NOT_MEASURED} by its phrase.
 */
export interface StrayCheck {
  /** The documents, relative to the project root. */
  files: readonly string[];
  /**
   * Blocks checked elsewhere, by their marker names (`<!-- NAME:begin -->`), such as the
   * coverage table that a test computes again.
   */
  checkedBlocks: readonly string[];
  /** Phrases that hold a number but no measurement of a run: options, thresholds, the essay's. */
  notMeasured: readonly string[];
}

/**
 * Every figure the documents print that reads as a measurement but lies outside every cited
 * figure and every phrase listed as not measured: a figure nothing checks, which could drift
 * from whatever it came from unnoticed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strayFigures } from "./figures.ts";
 * const text = "The ring took 6.2 ns <!-- x:begin -->(41 ns)<!-- x:end -->, at 95% confidence.";
 * const check = { files: ["a.md"], checkedBlocks: ["x"], notMeasured: ["95% confidence"] };
 * const stray = await strayFigures(".", [], check, () => Promise.resolve(text));
 * assert.deepEqual(stray, [{ file: "a.md", line: 1, figure: "6.2 ns" }]);
 * ```
 */
export async function strayFigures(
  root: string,
  figures: readonly CitedFigure[],
  check: StrayCheck,
  read: (file: string) => Promise<string> = (file) => Deno.readTextFile(`${root}/${file}`),
): Promise<StrayFigure[]> {
  const found = await findFigures(root, figures.filter((f) => check.files.includes(f.file)), read);
  const stray: StrayFigure[] = [];
  for (const file of check.files) {
    const text = await read(file);
    const covered: [number, number][] = [];
    for (const { figure, match } of found) {
      if (figure.file === file && match !== null) {
        const at = figureAt(match);
        covered.push([at, at + match[1].length]);
      }
    }
    for (const name of check.checkedBlocks) {
      const block = blockPattern(name).exec(text);
      if (block !== null) covered.push([block.index, block.index + block[0].length]);
    }
    // A phrase is found across the formatter's line breaks and indentation too.
    for (const phrase of check.notMeasured) {
      const words = phrase.split(" ").map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      for (const m of text.matchAll(new RegExp(words.join("\\s+"), "g"))) {
        covered.push([m.index!, m.index! + m[0].length]);
      }
    }
    for (const m of text.matchAll(MEASURED)) {
      const at = m.index!;
      if (covered.some(([from, to]) => at >= from && at < to)) continue;
      stray.push({ file, line: text.slice(0, at).split("\n").length, figure: m[0] });
    }
  }
  return stray;
}
