/**
 * The results archive: `results/<machine id>/machine.json` (the machine's
 * stable facts) and, per run, an immutable `<UTC timestamp>_<short commit>`
 * report (`.json`, its `.md` and `.svg` charts). Each file appears whole or
 * not at all (written aside, then hard-linked into place), an existing report
 * is never overwritten, and under sudo the files go back to the invoking user.
 *
 * @module
 */

import { UsageError } from "./errors.ts";
import { renderCharts } from "./charts.ts";
import type { Charts } from "./charts.ts";
import { renderMarkdown } from "./markdown.ts";
import { chownToInvokingUser } from "./ownership.ts";
import type { Report } from "./report.ts";

/** Where a saved report went. */
export interface SavedReport {
  /** The JSON report. */
  jsonPath: string;
  /** The Markdown rendered from it. */
  markdownPath: string;
  /** The SVG charts written next to them. */
  chartPaths: string[];
}

/**
 * The file stem of a report: `<UTC timestamp>_<short commit>` (`nocommit` outside git).
 *
 * @example
 * ```ts
 * import { reportStem } from "./archive.ts";
 * console.log(reportStem("2026-11-27T15:46:17.123Z", "0123456789abcdef")); // "2026-11-27T15-46-17Z_0123456"
 * ```
 */
export function reportStem(createdAt: string, commit: string | null): string {
  const stamp = createdAt.replace(/\.\d+Z$/, "Z").replaceAll(":", "-");
  return `${stamp}_${commit === null ? "nocommit" : commit.slice(0, 7)}`;
}

/**
 * The folder of a machine's reports under the archive root.
 *
 * @example
 * ```ts
 * import { machineDir } from "./archive.ts";
 * console.log(machineDir("results", "vm-d215170e")); // "results/vm-d215170e"
 * ```
 */
export function machineDir(root: string, machineId: string): string {
  return `${root}/${machineId}`;
}

/**
 * Makes sure reports can be written into `dir` (creating it), before a long run starts.
 *
 * @example
 * ```ts
 * import { ensureWritableDir } from "./archive.ts";
 * const dir = await Deno.makeTempDir();
 * await ensureWritableDir(`${dir}/results`);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
    const probe = await Deno.makeTempFile({ dir, prefix: ".ringpipe-write-check-" });
    await Deno.remove(probe);
  } catch (error) {
    const why = error instanceof Error ? error.message.split(":")[0] : String(error);
    throw new UsageError(`cannot write reports into ${dir}: ${why}`, { cause: error });
  }
  await chownToInvokingUser(dir);
}

/**
 * Saves the report as JSON and Markdown under a fresh stem in `dir`.
 *
 * @example
 * ```ts ignore
 * import { saveReport } from "./archive.ts";
 * const { jsonPath, markdownPath } = await saveReport(report, "results");
 * ```
 */
export async function saveReport(report: Report, root: string): Promise<SavedReport> {
  const dir = machineDir(root, report.machine.id);
  await ensureWritableDir(root);
  await ensureWritableDir(dir);
  await placeNew(`${dir}/machine.json`, `${JSON.stringify(report.machine, null, 2)}\n`);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const base = reportStem(report.createdAt, report.kit.commit);
  for (let attempt = 1;; attempt++) {
    const stem = attempt === 1 ? base : `${base}-${attempt}`;
    const files = renderedFiles(report, dir, stem);
    const placed: string[] = [];
    for (const [path, text] of [[`${dir}/${stem}.json`, json], ...files]) {
      if (!await placeNew(path, text)) break;
      placed.push(path);
    }
    if (placed.length === files.length + 1) {
      return { jsonPath: placed[0], markdownPath: placed[1], chartPaths: placed.slice(2) };
    }
    // Another report has this stem: take back what was placed and try the next one.
    for (const path of placed) await Deno.remove(path);
  }
}

/**
 * What is rendered from a report's JSON, next to it: the Markdown (first) and the SVG charts.
 *
 * @example
 * ```ts ignore
 * import { renderedFiles } from "./archive.ts";
 * for (const [path, text] of renderedFiles(report, "results/vm-d215170e", stem)) console.log(path);
 * ```
 */
export function renderedFiles(report: Report, dir: string, stem: string): [string, string][] {
  const charts = Object.entries(renderCharts(report)).filter((e): e is [keyof Charts, string] =>
    e[1] !== null
  );
  const chartFiles = Object.fromEntries(charts.map(([name]) => [name, `${stem}.${name}.svg`]));
  return [
    [`${dir}/${stem}.md`, renderMarkdown(report, chartFiles)],
    ...charts.map(([name, svg]): [string, string] => [`${dir}/${chartFiles[name]}`, svg]),
  ];
}

/**
 * Writes `text` to `path` atomically unless the file already holds exactly that; true when written.
 *
 * @example
 * ```ts ignore
 * import { writeIfChanged } from "./archive.ts";
 * await writeIfChanged("results/README.md", markdown);
 * ```
 */
export async function writeIfChanged(path: string, text: string): Promise<boolean> {
  try {
    if (await Deno.readTextFile(path) === text) return false;
  } catch {
    // not there yet
  }
  const aside = `${path}.${Deno.pid}.partial`;
  await Deno.writeTextFile(aside, text, { mode: 0o644 });
  await chownToInvokingUser(aside);
  await Deno.rename(aside, path);
  return true;
}

/** Writes `text` to `path` atomically; false (and nothing written) when `path` already exists. */
async function placeNew(path: string, text: string): Promise<boolean> {
  const aside = `${path}.${Deno.pid}.partial`;
  await Deno.writeTextFile(aside, text, { mode: 0o644 });
  try {
    await chownToInvokingUser(aside);
    await Deno.link(aside, path); // fails if path exists: never overwrites
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw error;
  } finally {
    await Deno.remove(aside);
  }
}
