/**
 * Writes a report (`.json`, `.md` and its `.svg` charts) into the results folder: each file
 * appears whole or not at all (written aside, then hard-linked into place), an
 * existing report is never overwritten, and under sudo the files go back to
 * the invoking user.
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
  jsonPath: string;
  markdownPath: string;
  /** The SVG charts written next to them. */
  chartPaths: string[];
}

/**
 * The file stem of a report: `<UTC timestamp>_<hostname>`, safe on every file system.
 *
 * @example
 * ```ts
 * import { reportStem } from "./archive.ts";
 * console.log(reportStem("2026-11-27T15:46:17.123Z", "my box")); // "2026-11-27T15-46-17Z_my-box"
 * ```
 */
export function reportStem(createdAt: string, hostname: string): string {
  const stamp = createdAt.replace(/\.\d+Z$/, "Z").replaceAll(":", "-");
  const host = hostname.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+/, "") || "unknown-host";
  return `${stamp}_${host}`;
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
export async function saveReport(report: Report, dir: string): Promise<SavedReport> {
  await ensureWritableDir(dir);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const charts = Object.entries(renderCharts(report)).filter((e): e is [keyof Charts, string] =>
    e[1] !== null
  );
  const base = reportStem(report.createdAt, report.environment.hostname);
  for (let attempt = 1;; attempt++) {
    const stem = attempt === 1 ? base : `${base}-${attempt}`;
    const chartFiles = Object.fromEntries(charts.map(([name]) => [name, `${stem}.${name}.svg`]));
    const files: [string, string][] = [
      [`${dir}/${stem}.json`, json],
      [`${dir}/${stem}.md`, renderMarkdown(report, chartFiles)],
      ...charts.map(([name, svg]): [string, string] => [`${dir}/${chartFiles[name]}`, svg]),
    ];
    const placed: string[] = [];
    for (const [path, text] of files) {
      if (!await placeNew(path, text)) break;
      placed.push(path);
    }
    if (placed.length === files.length) {
      return { jsonPath: placed[0], markdownPath: placed[1], chartPaths: placed.slice(2) };
    }
    // Another report has this stem: take back what was placed and try the next one.
    for (const path of placed) await Deno.remove(path);
  }
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
