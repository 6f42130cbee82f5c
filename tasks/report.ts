/**
 * `deno task report`: reads every report in the archive (strictly; older
 * schema versions upgraded on read), renders each one's Markdown and charts
 * again from its JSON, and writes the index `results/README.md` with the
 * ratio-over-time chart. `--migrate` first moves reports of the earlier flat
 * layout into per-machine folders.
 *
 * @module
 */

import { parseCommandLine } from "../src/cli.ts";
import { renderedFiles, writeIfChanged } from "../src/archive.ts";
import { listReports, migrateFlatReports, renderIndex } from "../src/catalog.ts";
import type { ArchivedReport } from "../src/catalog.ts";
import { runMain } from "../src/errors.ts";
import { loadReport } from "../src/schema.ts";

const HELP = `Usage: deno task report [--migrate] [--out DIR]

Renders every report's Markdown and SVG charts again from its JSON (the same
JSON always gives the same bytes) and writes DIR/README.md, an index of every
run on every machine, with DIR/ratio-over-time.svg.

  --migrate   first move reports of the earlier flat layout (DIR/*.json) into
              DIR/<machine id>/<timestamp>_<commit>.json
  --out DIR   the archive (default results)
  -h, --help  this text`;

async function main(): Promise<void> {
  const { values } = parseCommandLine({
    args: Deno.args,
    allowPositionals: false,
    options: {
      migrate: { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const root = values.out ?? "results";
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
  for (const path of archived) reports.push({ path, report: await loadReport(path) });
  let written = 0;
  for (const { path, report } of reports) {
    const dir = path.slice(0, path.lastIndexOf("/"));
    const stem = path.slice(dir.length + 1, -".json".length);
    for (const [file, text] of renderedFiles(report, dir, stem)) {
      if (await writeIfChanged(file, text)) written++;
    }
  }
  const { markdown, chart } = renderIndex(reports, root);
  if (await writeIfChanged(`${root}/README.md`, markdown)) written++;
  if (chart !== null && await writeIfChanged(`${root}/ratio-over-time.svg`, chart)) written++;
  console.log(
    `${reports.length} reports read; ${written} file(s) written; index: ${root}/README.md`,
  );
}

if (import.meta.main) await runMain("report", main);
