/**
 * The archive as a whole: finding every report under the results folder,
 * moving reports of the earlier flat layout into per-machine folders, and the
 * index (`results/README.md`) with one row per run across all machines.
 *
 * @module
 */

import { markdownTable } from "../base/tables.ts";
import { machineDir, reportStem, writeIfChanged } from "./archive.ts";
import { compactJson, encodeReport } from "../report/encoding.ts";
import { renderMarkdown } from "../render/markdown.ts";
import { ratioOverTimeChart } from "../render/charts.ts";
import { formatNs, formatRatio } from "../base/format.ts";
import { ORIGINAL } from "../report/original.ts";
import type { Report } from "../report/report.ts";
import { SCHEMA_VERSION } from "../report/report.ts";
import { headline } from "../report/headline.ts";
import { environmentDifferences } from "../context/machine.ts";
import { DEFAULTS } from "../plan/defaults.ts";
import { loadReport, parseReport, ReportError } from "../report/schema.ts";

/** A report and where it lives. */
export interface ArchivedReport {
  /** Where the report's JSON file is. */
  path: string;
  /** The report, upgraded to the current schema. */
  report: Report;
}

/** Report files under an archive root: in machine folders, and left in the old flat layout. */
export interface ArchiveListing {
  /** Report files in machine folders. */
  archived: string[];
  /** Report files left in the earlier flat layout. */
  flat: string[];
}

const isReportFile = (name: string) =>
  name.endsWith(".json") && name !== "machine.json" && !name.endsWith(".micro.json");

/**
 * Lists the report files under `root`, sorted by name (so by time within a machine).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listReports } from "./catalog.ts";
 * const { archived, flat } = listReports(new URL("../../results", import.meta.url).pathname);
 * assert.ok(archived.every((p) => /\/[\w.-]+\/[^/]+\.json$/.test(p) && !p.endsWith("machine.json")));
 * assert.deepEqual(flat, []);
 * ```
 */
export function listReports(root: string): ArchiveListing {
  const archived: string[] = [];
  const flat: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(root)];
  } catch {
    return { archived, flat };
  }
  for (const entry of entries) {
    if (entry.isFile && isReportFile(entry.name)) flat.push(`${root}/${entry.name}`);
    if (!entry.isDirectory) continue;
    for (const inner of Deno.readDirSync(`${root}/${entry.name}`)) {
      if (inner.isFile && isReportFile(inner.name)) {
        archived.push(`${root}/${entry.name}/${inner.name}`);
      }
    }
  }
  return { archived: archived.sort(), flat: flat.sort() };
}

/**
 * Moves reports of the flat layout (`results/<stamp>_<host>.json`) to
 * `results/<machine id>/<stamp>_<commit>.json`, unchanged, and removes their
 * old Markdown and charts (they are rendered again from the JSON). Returns the moves.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { migrateFlatReports } from "./catalog.ts";
 * import { encodeReport } from "../report/encoding.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${root}/run.json`, encodeReport(report)); // the earlier flat layout
 * const [move] = await migrateFlatReports(root);
 * assert.equal(move.from, `${root}/run.json`);
 * // Into the machine's folder, named by its time and commit.
 * assert.equal(move.to, `${root}/${report.machine.id}/2026-12-04T13-35-13Z_14ad224.json`);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function migrateFlatReports(root: string): Promise<{ from: string; to: string }[]> {
  const moves: { from: string; to: string }[] = [];
  for (const from of listReports(root).flat) {
    const report = await loadReport(from);
    const dir = machineDir(root, report.machine.id);
    await Deno.mkdir(dir, { recursive: true });
    try {
      await Deno.writeTextFile(
        `${dir}/machine.json`,
        `${compactJson({ id: report.machine.id, fingerprint: report.machine.fingerprint })}\n`,
        { createNew: true },
      );
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const base = reportStem(report.createdAt, report.kit.commit);
    let to = `${dir}/${base}.json`;
    for (let n = 2;; n++) {
      try {
        await Deno.link(from, to); // never overwrites
        break;
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
        to = `${dir}/${base}-${n}.json`;
      }
    }
    await Deno.remove(from);
    const oldStem = from.slice(0, -".json".length);
    for (const suffix of [".md", ".throughput.svg", ".ratio.svg", ".latency.svg"]) {
      await Deno.remove(`${oldStem}${suffix}`).catch(() => {});
    }
    moves.push({ from, to });
  }
  return moves;
}

/**
 * Rewrites an archived report of an older schema version in the current one,
 * without its warm-up trials, and gives its machine folder a `machine.json`
 * with a fingerprint if it has the older kind. Before anything is replaced the
 * new text is read back: it must render the same Markdown and encode to the
 * same bytes, so no figure is lost. True when the file was rewritten.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrateReport } from "./catalog.ts";
 * import { loadReport } from "../report/schema.ts";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.copyFile(new URL("../../docs/examples/report.json", import.meta.url), path);
 * assert.equal(await migrateReport(path, await loadReport(path)), false); // current already
 * await Deno.remove(path);
 * ```
 * @throws {ReportError} when the rewritten report would not show what the old one did.
 */
export async function migrateReport(path: string, report: Report): Promise<boolean> {
  const onDisk = JSON.parse(await Deno.readTextFile(path)) as { schemaVersion: number };
  const warm = report.results.some((r) => r.warmup.length > 0);
  if (onDisk.schemaVersion === SCHEMA_VERSION && !warm) return false;
  const kept: Report = { ...report, results: report.results.map((r) => ({ ...r, warmup: [] })) };
  const text = encodeReport(kept);
  const back = await parseReport(text, path);
  if (renderMarkdown(back) !== renderMarkdown(report) || encodeReport(back) !== text) {
    throw new ReportError(path, "rewriting it would change what it shows; left as it is");
  }
  await writeIfChanged(path, text);
  const dir = path.slice(0, path.lastIndexOf("/"));
  const hasFingerprint = await Deno.readTextFile(`${dir}/machine.json`).then(JSON.parse)
    .then((m) => m?.fingerprint !== undefined).catch(() => false);
  if (!hasFingerprint) {
    await writeIfChanged(
      `${dir}/machine.json`,
      `${compactJson({ id: report.machine.id, fingerprint: report.machine.fingerprint })}\n`,
    );
  }
  return true;
}

/**
 * True for a full run with the default parameters of what the headline
 * measures (trial length, calibrated trials, ring size, nice, no pace, each
 * transport's own wait): the runs whose headline ratios may share a line in
 * the ratio-over-time chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isDefaultRun } from "./catalog.ts";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * assert.equal(isDefaultRun(report), !report.parameters.quick && report.parameters.trialSeconds === 0.05);
 * assert.equal(isDefaultRun({ ...report, parameters: { ...report.parameters, quick: true } }), false);
 * ```
 */
export function isDefaultRun(report: Report): boolean {
  const p = report.parameters;
  return !p.quick && p.iterations === null && p.trialSeconds === DEFAULTS.trialSeconds &&
    p.ringSlots === DEFAULTS.ringSlots && p.nice === DEFAULTS.nice && !p.paceNs &&
    p.wait === undefined && p.placement !== "same";
}

/**
 * The index of the archive: `results/README.md` (one row per run, oldest first,
 * the essay's figures as a labelled reference row) and the ratio-over-time chart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "../report/schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { renderIndex } from "./catalog.ts";
 * const { markdown, chart } = renderIndex([{ path: "results/box/run.json", report }], "results");
 * assert.match(markdown, /run\.md/);
 * assert.equal(chart, null); // a --quick run is no default run: nothing to chart over time
 * ```
 */
export function renderIndex(
  reports: ArchivedReport[],
  root: string,
): { markdown: string; chart: string | null } {
  const sorted = [...reports].sort((a, b) =>
    a.report.createdAt.localeCompare(b.report.createdAt) || a.path.localeCompare(b.path)
  );
  const rows = sorted.map(({ path, report }) => {
    const { ring, pipe, ratio } = headline(report);
    const producer = report.processes.find((p) => p.role === "producer");
    const relative = path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
    return [
      `[${report.createdAt.slice(0, 16).replace("T", " ")}](${
        encodeURI(relative.replace(/\.json$/, ".md"))
      })`,
      `\`${report.machine.id}\``,
      report.environment.cpu.model ?? "unknown",
      report.environment.kernel,
      producer?.niceAchieved === null || producer === undefined
        ? "—"
        : String(producer.niceAchieved),
      ring === undefined ? "—" : formatNs(ring.nsPerItem.median),
      pipe === undefined ? "—" : formatNs(pipe.nsPerItem.median),
      ratio === undefined
        ? "—"
        : `**${formatRatio(ratio.ratio)}×** (${formatRatio(ratio.ci.low)} to ${
          formatRatio(ratio.ci.high)
        })`,
    ];
  });
  rows.push([
    "the essay (reference)",
    "—",
    ORIGINAL.machine,
    "—",
    "-20 (sudo)",
    formatNs(ORIGINAL.shmNsPerItem),
    formatNs(ORIGINAL.pipeNsPerItem),
    `**${formatRatio(ORIGINAL.pipeNsPerItem / ORIGINAL.shmNsPerItem)}×** (${
      ORIGINAL.ratioRange[0]
    } to ${ORIGINAL.ratioRange[1]} over its runs)`,
  ]);
  // Each machine's charted runs in time order, to mark where its environment changed.
  const previous = new Map<string, Report>();
  const points = sorted.filter(({ report }) => isDefaultRun(report)).flatMap(({ report }) => {
    const { ratio } = headline(report);
    if (ratio === undefined) return [];
    const before = previous.get(report.machine.id);
    previous.set(report.machine.id, report);
    const changed = before === undefined
      ? []
      : environmentDifferences(before.machine.fingerprint, report.machine.fingerprint);
    return [{
      machine: report.machine.id,
      time: Date.parse(report.createdAt),
      ratio: ratio.ratio,
      low: ratio.ci.low,
      high: ratio.ci.high,
      ...(changed.length === 0 ? {} : { changed }),
    }];
  });
  const chart = ratioOverTimeChart(points);
  const machines = new Set(sorted.map((r) => r.report.machine.id)).size;
  const markdown = `# ringpipe results

${sorted.length} runs on ${machines} machine${
    machines === 1 ? "" : "s"
  }, oldest first. Each row is the ` +
    `8-byte stream of one run (the original experiment): median ns per item of the ring (\`shm\`) ` +
    `and the pipe, and how many times faster the ring was: the median of the per-round ratios, with ` +
    `its 95% CI. Every report ` +
    `has its own page; this index is written by \`deno task report\` from the JSON files alone.

${
      markdownTable(
        [
          "run (UTC)",
          "machine",
          "CPU",
          "kernel",
          "nice",
          "ring ns/item",
          "pipe ns/item",
          "pipe/shm",
        ],
        rows,
        [false, false, false, false, true, true, true, true],
      )
    }
${
      chart === null
        ? ""
        : "\nThe chart below keeps the full runs with default parameters (not `--quick`, default trial " +
          "length, ring size, nice and waits), one line per machine, each point with its 95% CI; a " +
          "dashed line marks a run whose environment (microcode, clock source, mitigations) " +
          "differs from the machine's previous charted run.\n\n" +
          "![pipe/shm over time](ratio-over-time.svg)\n"
    }`;
  return { markdown, chart };
}
