/**
 * The results archive: `results/<machine id>/machine.json` (the machine's
 * stable facts) and, per run, an immutable `<UTC timestamp>_<short commit>`
 * report (`.json`, its `.md` and `.svg` charts). Each file appears whole or
 * not at all (written aside, then hard-linked into place), an existing report
 * is never overwritten, and under sudo the files go back to the invoking user.
 *
 * @module
 */

import { UsageError } from "../base/errors.ts";
import { renderCharts } from "../render/charts.ts";
import type { Charts } from "../render/charts.ts";
import { renderMarkdown } from "../render/markdown.ts";
import { chownToInvokingUser } from "../base/ownership.ts";
import type { Report } from "../report/report.ts";
import { compactJson, encodeReport } from "../report/encoding.ts";
import { hardwareDifferences, sameHardware } from "../context/machine.ts";
import type { Fingerprint, Machine } from "../context/machine.ts";

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
 * import assert from "node:assert/strict";
 * import { reportStem } from "./archive.ts";
 * assert.deepEqual(reportStem("2026-11-27T15:46:17.123Z", "0123456789abcdef"), "2026-11-27T15-46-17Z_0123456");
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
 * import assert from "node:assert/strict";
 * import { machineDir } from "./archive.ts";
 * assert.deepEqual(machineDir("results", "vm-d215170e"), "results/vm-d215170e");
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
 * import assert from "node:assert/strict";
 * import { ensureWritableDir } from "./archive.ts";
 * const dir = await Deno.makeTempDir();
 * await ensureWritableDir(`${dir}/results`); // made, and writable
 * assert.ok((await Deno.stat(`${dir}/results`)).isDirectory);
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
 * The fingerprint a machine folder's `machine.json` describes, or null when it has none. Files of
 * schema 5 and before held five facts (`facts`); what they did not record stays null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { folderFingerprint } from "./archive.ts";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await folderFingerprint(dir), null); // no machine.json yet
 * await Deno.writeTextFile(`${dir}/machine.json`, JSON.stringify({ id: "box", fingerprint: { cpuFamily: "25" } }));
 * assert.equal((await folderFingerprint(dir))?.cpuFamily, "25");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function folderFingerprint(dir: string): Promise<Fingerprint | null> {
  let value: { fingerprint?: Fingerprint; facts?: Record<string, unknown> };
  try {
    value = JSON.parse(await Deno.readTextFile(`${dir}/machine.json`));
  } catch {
    return null;
  }
  if (value?.fingerprint !== undefined) return value.fingerprint;
  const f = value?.facts;
  if (typeof f !== "object" || f === null) return null;
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    hostname: text(f.hostname) ?? "",
    arch: text(f.arch) ?? "",
    os: text(f.os) ?? "",
    cpuModel: text(f.cpuModel),
    cpuVendor: null,
    cpuFamily: null,
    cpuModelNumber: null,
    cpuStepping: null,
    microcode: null,
    cpusOnline: null,
    caches: null,
    memoryGiB: null,
    clockSource: null,
    mitigations: null,
  };
}

/**
 * The warning a report gets when its machine's fingerprint is not the one its folder describes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { folderMismatch } from "./archive.ts";
 * const mine = report.machine.fingerprint;
 * assert.equal(folderMismatch("results/x", mine, mine), null);
 * assert.match(folderMismatch("results/x", { ...mine, cpuModel: "another" }, mine)!, /^this machine is not the one results\/x\/machine\.json describes/);
 * ```
 */
export function folderMismatch(dir: string, folder: Fingerprint, mine: Fingerprint): string | null {
  const differences = hardwareDifferences(folder, mine);
  return differences.length === 0
    ? null
    : `this machine is not the one ${dir}/machine.json describes (${differences.join("; ")}): ` +
      "its figures may not compare with the folder's other reports";
}

/**
 * Saves the report as JSON, Markdown and charts under a fresh stem in its
 * machine's folder. When the folder's `machine.json` describes other hardware,
 * the report gets a warning first. Nothing is left half written: on any error
 * the files placed so far are taken back and the error is rethrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { saveReport } from "./archive.ts";
 * const root = await Deno.makeTempDir();
 * const { jsonPath, markdownPath } = await saveReport(report, root);
 * assert.ok(jsonPath.startsWith(`${root}/${report.machine.id}/`) && markdownPath.endsWith(".md"));
 * assert.deepEqual((await loadReport(jsonPath)).results, report.results);
 * await Deno.remove(root, { recursive: true });
 * ```
 * @throws {Deno.errors.NotFound | Error} whatever the file system said, after taking back what was written.
 */
export async function saveReport(report: Report, root: string): Promise<SavedReport> {
  const dir = machineDir(root, report.machine.id);
  await ensureWritableDir(root);
  await ensureWritableDir(dir);
  const folder = await folderFingerprint(dir);
  const mismatch = folder === null ? null : folderMismatch(dir, folder, report.machine.fingerprint);
  if (mismatch !== null && !report.warnings.includes(mismatch)) report.warnings.push(mismatch);
  const placed: string[] = [];
  try {
    if (folder === null) {
      const machine = { id: report.machine.id, fingerprint: report.machine.fingerprint };
      if (await placeNew(`${dir}/machine.json`, compactJson(machine) + "\n")) {
        placed.push(`${dir}/machine.json`);
      }
    }
    const json = encodeReport(report);
    const base = reportStem(report.createdAt, report.kit.commit);
    for (let attempt = 1;; attempt++) {
      const stem = attempt === 1 ? base : `${base}-${attempt}`;
      const files = renderedFiles(report, dir, stem);
      const mine: string[] = [];
      for (const [path, text] of [[`${dir}/${stem}.json`, json], ...files]) {
        if (!await placeNew(path, text)) break;
        mine.push(path);
        placed.push(path);
      }
      if (mine.length === files.length + 1) {
        return { jsonPath: mine[0], markdownPath: mine[1], chartPaths: mine.slice(2) };
      }
      // Another report has this stem: take back what was placed and try the next one.
      for (const path of mine) await Deno.remove(path);
      placed.splice(placed.length - mine.length);
    }
  } catch (error) {
    for (const path of placed) await Deno.remove(path).catch(() => {});
    throw error;
  }
}

/**
 * Keeps a report whose archive could not be written: in a new file in the
 * system's temporary folder, or, when that fails too, nowhere (null).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { keepAside } from "./archive.ts";
 * const path = (await keepAside(report))!; // "/tmp/ringpipe-report-a1b2c3.json"
 * assert.match(path, /ringpipe-report-.*\.json$/);
 * assert.equal((await loadReport(path)).createdAt, report.createdAt);
 * await Deno.remove(path);
 * ```
 */
export async function keepAside(report: Report): Promise<string | null> {
  let path: string | null = null;
  try {
    path = await Deno.makeTempFile({ prefix: "ringpipe-report-", suffix: ".json" });
    await Deno.writeTextFile(path, encodeReport(report));
    await chownToInvokingUser(path);
    return path;
  } catch {
    if (path !== null) await Deno.remove(path).catch(() => {});
    return null;
  }
}

/**
 * What is rendered from a report's JSON, next to it: the Markdown (first) and the SVG charts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { renderedFiles } from "./archive.ts";
 * const files = renderedFiles(report, "results/box", "run");
 * assert.deepEqual(files.map(([path]) => path), ["results/box/run.md", "results/box/run.latency.svg"]);
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
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeIfChanged } from "./archive.ts";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await writeIfChanged(`${dir}/README.md`, "# runs\n"), true);
 * assert.equal(await writeIfChanged(`${dir}/README.md`, "# runs\n"), false); // the same bytes: untouched
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeIfChanged(path: string, text: string): Promise<boolean> {
  try {
    if (await Deno.readTextFile(path) === text) return false;
  } catch {
    // not there yet
  }
  const aside = `${path}.${Deno.pid}.partial`;
  try {
    await Deno.writeTextFile(aside, text, { mode: 0o644 });
    await chownToInvokingUser(aside);
    await Deno.rename(aside, path);
  } catch (error) {
    await Deno.remove(aside).catch(() => {});
    throw error;
  }
  return true;
}

/** Writes `text` to `path` atomically; false (and nothing written) when `path` already exists. */
async function placeNew(path: string, text: string): Promise<boolean> {
  const aside = `${path}.${Deno.pid}.partial`;
  try {
    await Deno.writeTextFile(aside, text, { mode: 0o644 });
    await chownToInvokingUser(aside);
    await Deno.link(aside, path); // fails if path exists: never overwrites
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw error;
  } finally {
    await Deno.remove(aside).catch(() => {});
  }
}

/**
 * The folder of `root` this machine's reports belong in: when the machine was not named, an
 * existing folder whose `machine.json` describes the same hardware ({@link sameHardware}: a
 * kernel update, new microcode or another clock source keep a machine's folder), else the id its
 * fingerprint derives. When several do, the one named by that id, else the first by name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { archiveMachine } from "./archive.ts";
 * import { currentMachine } from "../context/machine.ts";
 * const root = await Deno.makeTempDir();
 * const machine = { ...await currentMachine(), named: false };
 * assert.equal((await archiveMachine(root, machine)).id, machine.id); // an empty archive
 * // The same hardware filed earlier under another id (say, before a kernel update):
 * await Deno.mkdir(`${root}/vm-0000abcd`);
 * const earlier = { ...machine.fingerprint, microcode: "0x1", mitigations: { tsa: "Vulnerable" } };
 * await Deno.writeTextFile(`${root}/vm-0000abcd/machine.json`, JSON.stringify({ id: "vm-0000abcd", fingerprint: earlier }));
 * assert.equal((await archiveMachine(root, machine)).id, "vm-0000abcd");
 * assert.equal((await archiveMachine(root, { ...machine, id: "lab", named: true })).id, "lab");
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function archiveMachine(root: string, machine: Machine): Promise<Machine> {
  if (machine.named) return machine;
  let names: string[];
  try {
    names = [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  } catch {
    return machine; // no archive yet
  }
  // Its own id's folder first: another folder of the same hardware may be a named set (replicate
  // runs filed with --machine) that unnamed runs must not join.
  for (const name of [...names.filter((n) => n === machine.id), ...names]) {
    const folder = await folderFingerprint(machineDir(root, name));
    if (folder !== null && sameHardware(folder, machine.fingerprint)) {
      return { ...machine, id: name };
    }
  }
  return machine;
}
