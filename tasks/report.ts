/**
 * `deno task report`: reads every report in the archive (strictly; older
 * schema versions upgraded on read), renders the Markdown and charts of those
 * that have none, and writes the index `results/README.md` with the
 * ratio-over-time chart. Archived pages are left alone unless `--rerender`
 * asks for them, so a change of renderer does not rewrite history.
 * `--migrate` rewrites reports of older schema versions into the current one
 * (and moves reports of the earlier flat layout into machine folders).
 *
 * An unreadable report is named on stderr and left out; the rest are rendered
 * and the task exits 1.
 *
 * @module
 */

import { taskCommandLine, userPath } from "../src/base/cli.ts";
import { renderedFiles, writeIfChanged } from "../src/archive/archive.ts";
import {
  listReports,
  migrateFlatReports,
  migrateReport,
  renderIndex,
} from "../src/archive/catalog.ts";
import type { ArchivedReport } from "../src/archive/catalog.ts";
import { EXIT_FAILURE, runMain } from "../src/base/errors.ts";
import { loadReport, ReportError } from "../src/report/schema.ts";

const HELP = `Usage: deno task report [--rerender] [--migrate] [--out DIR]

Writes DIR/README.md, an index of every run on every machine, with
DIR/ratio-over-time.svg, and renders the Markdown and SVG charts of every report
that has none yet (the same JSON always gives the same bytes). A report that
cannot be read is named on stderr and left out; the task then exits 1.

  --rerender  render every report's Markdown and charts again, not only missing ones
  --migrate   rewrite reports of older schema versions into the current one
              (every figure kept; checked by rendering before and after), and
              move reports of the earlier flat layout into machine folders
  --out DIR   the archive (default results)
  -h, --help  this text`;

async function main(): Promise<void> {
  const parsed = taskCommandLine(HELP, {
    args: Deno.args,
    allowPositionals: false,
    options: {
      rerender: { type: "boolean" },
      migrate: { type: "boolean" },
      out: { type: "string" },
    },
  });
  if (parsed === null) return;
  const { values } = parsed;
  const root = values.out === undefined ? "results" : userPath(values.out);
  if (values.migrate) {
    for (const { from, to } of await migrateFlatReports(root)) {
      console.log(`moved ${from} -> ${to}`);
    }
  }
  const { archived, flat } = listReports(root);
  if (flat.length > 0) {
    console.error(
      `${flat.length} report(s) in the earlier flat layout were left out: run deno task report --migrate`,
    );
  }
  const reports: ArchivedReport[] = [];
  const unreadable: string[] = [];
  let written = 0;
  let migrated = 0;
  for (const path of archived) {
    try {
      const report = await loadReport(path);
      const changed = values.migrate === true && await migrateReport(path, report);
      if (changed) migrated++;
      reports.push({ path, report: changed ? await loadReport(path) : report });
    } catch (error) {
      if (!(error instanceof ReportError)) throw error;
      console.error(`ringpipe report: ${error.message}`);
      unreadable.push(path);
    }
  }
  const rerender = (values.rerender ?? false) || (values.migrate ?? false);
  for (const { path, report } of reports) {
    const dir = path.slice(0, path.lastIndexOf("/"));
    const stem = path.slice(dir.length + 1, -".json".length);
    const files = renderedFiles(report, dir, stem);
    const missing = files.some(([file]) => !exists(file));
    if (!rerender && !missing) continue;
    for (const [file, text] of files) {
      if (await writeIfChanged(file, text)) written++;
    }
  }
  const { markdown, chart } = renderIndex(reports, root);
  if (await writeIfChanged(`${root}/README.md`, markdown)) written++;
  if (chart !== null && await writeIfChanged(`${root}/ratio-over-time.svg`, chart)) written++;
  console.log(
    `${reports.length} reports read${values.migrate ? `, ${migrated} migrated` : ""}; ` +
      `${written} file(s) written; index: ${root}/README.md`,
  );
  if (unreadable.length > 0) {
    console.error(
      `ringpipe report: ${unreadable.length} report(s) could not be read and were left out`,
    );
    Deno.exit(EXIT_FAILURE);
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

if (import.meta.main) await runMain("report", main);
