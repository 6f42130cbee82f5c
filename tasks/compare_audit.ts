/**
 * `deno task compare:audit DIR`: how far `deno task compare` can be trusted on
 * this machine. Over the reports in DIR with the newest one's parameters, in
 * time order, every consecutive pair is compared: a "faster" or "slower"
 * between runs of the same code is a false alarm. Then B's trials are made
 * 10%, 25% and 50% slower and compared again: the share called "slower" is
 * the detection power. Both with the noise band from the other runs in DIR
 * (the pair left out) and with the runs' own A/A bands alone.
 *
 * @module
 */

import { markdownTable } from "../src/base/tables.ts";
import { textTable } from "../src/base/tables.ts";
import { auditCompare } from "../src/archive/audit.ts";
import { listReports } from "../src/archive/catalog.ts";
import { parseCommandLine, parseThreshold, userPath } from "../src/base/cli.ts";
import { sameParameters } from "../src/archive/compare.ts";
import { runMain, UsageError } from "../src/base/errors.ts";
import { formatPercent } from "../src/base/format.ts";
import type { Report } from "../src/report/report.ts";
import { loadReport, ReportError } from "../src/report/schema.ts";

const SLOWDOWNS = [0.1, 0.25, 0.5];

const HELP = `Usage: deno task compare:audit DIR [--threshold P] [--markdown]

DIR is a machine folder holding back-to-back runs of the same code (for
example ten runs of deno task bench --quick --out DIR/.. --machine NAME).
Prints, for compare's verdicts over every consecutive pair: the false-alarm
rate (faster or slower between runs of the same code) and the detection
power for a slowdown of ${SLOWDOWNS.map((s) => `${s * 100}%`).join(", ")} injected into B's trials,
with the noise band from the other runs and with A/A bands alone.

  --threshold P   the change that counts, as 5% or 0.05 (default 5%)
  --markdown      print Markdown tables
  -h, --help      this text`;

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine({
    args: Deno.args,
    allowPositionals: true,
    options: {
      threshold: { type: "string" },
      markdown: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (positionals.length !== 1) throw new UsageError("compare:audit takes one machine folder");
  const dir = userPath(positionals[0]).replace(/\/+$/, "");
  const root = dir.slice(0, dir.lastIndexOf("/")) || ".";
  const paths = listReports(root).archived.filter((p) => p.startsWith(`${dir}/`));
  const reports: Report[] = [];
  for (const path of paths) {
    try {
      reports.push(await loadReport(path));
    } catch (error) {
      if (!(error instanceof ReportError)) throw error;
      console.error(`left out: ${error.message}`);
    }
  }
  reports.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const newest = reports.at(-1);
  const runs = newest === undefined ? [] : reports.filter((r) => sameParameters(r, newest));
  if (runs.length < 3) {
    throw new UsageError(
      `${dir} holds ${runs.length} run(s) with the same parameters; the audit needs at least 3`,
    );
  }
  const threshold = values.threshold === undefined ? 0.05 : parseThreshold(values.threshold);
  const lines = auditCompare(runs, threshold, SLOWDOWNS);
  const table = values.markdown ? markdownTable : textTable;
  const rate = (n: number, of: number) => `${formatPercent(n / of)} (${n}/${of})`;
  console.log(
    `${runs.length} runs (${runs[0].createdAt} to ${newest!.createdAt}), ${
      lines[0].pairs
    } consecutive pairs, ` +
      `threshold ±${formatPercent(threshold)}\n`,
  );
  console.log(table(
    [
      "noise band",
      "rows",
      "median band",
      "false alarms",
      ...SLOWDOWNS.map((s) => `${s * 100}% slower caught`),
    ],
    lines.map((l) => [
      l.noise,
      String(l.rows),
      `±${formatPercent(l.medianThreshold)}`,
      rate(l.falseAlarms, l.rows),
      ...SLOWDOWNS.map((s) => rate(l.detected[String(s)], l.rows)),
    ]),
    [false, true, true, true, true, true, true],
  ));
  for (const l of lines) {
    console.log(`\nper series, noise band: ${l.noise}\n`);
    console.log(table(
      ["series", "false alarms", ...SLOWDOWNS.map((s) => `${s * 100}% caught`)],
      Object.entries(l.series).map(([key, e]) => [
        key,
        rate(e.falseAlarms, e.rows),
        ...SLOWDOWNS.map((s) => rate(e.detected[String(s)], e.rows)),
      ]),
      [false, true, true, true, true],
    ));
  }
}

if (import.meta.main) await runMain("compare:audit", main);
