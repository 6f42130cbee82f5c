/**
 * `deno task compare:audit DIR`: how far `deno task compare` can be trusted on
 * this machine, from replicate runs of one commit in DIR (see
 * `src/archive/audit.ts`): false alarms over every pair, power against changes
 * injected both ways, and the same with half the folder carrying the change.
 * Every rate with its 95% Wilson interval.
 *
 * @module
 */

import { markdownTable } from "../src/base/tables.ts";
import { textTable } from "../src/base/tables.ts";
import { auditCompare, replicateSet } from "../src/archive/audit.ts";
import { listReports } from "../src/archive/catalog.ts";
import { parseThreshold, taskCommandLine, userPath } from "../src/base/cli.ts";
import { runMain, UsageError } from "../src/base/errors.ts";
import { formatPercent } from "../src/base/format.ts";
import { rateText } from "../src/stats/proportion.ts";
import type { Report } from "../src/report/report.ts";
import { loadReport, ReportError } from "../src/report/schema.ts";

const CHANGES = [0.1, 0.25, 0.5];

const HELP = `Usage: deno task compare:audit DIR [--threshold P] [--markdown]

DIR is a machine folder holding replicate runs: runs of one commit with the
same parameters (for example ten runs of deno task bench --quick). Runs of
other commits, from checkouts with changes, or on other hardware than the
newest run are left out. Prints, for compare's verdicts over every pair of
runs: the false-alarm rate (faster or slower between runs of the same code);
the power against a change of ${
  CHANGES.map((c) => `${c * 100}%`).join(", ")
} injected into B's trials,
both slower (1+c) and faster (1/(1+c)), rows already flagged left out; and the
same changes when half the folder carries them under another commit. Once
with the other runs as replicates, once with the two runs' trials alone.
Every rate has its 95% Wilson interval.

  --threshold P   the change that counts, as 5% or 0.05 (default 5%)
  --markdown      print Markdown tables
  -h, --help      this text`;

async function main(): Promise<void> {
  const parsed = taskCommandLine(HELP, {
    args: Deno.args,
    allowPositionals: true,
    options: {
      threshold: { type: "string" },
      markdown: { type: "boolean" },
    },
  });
  if (parsed === null) return;
  const { values, positionals } = parsed;
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
  const runs = replicateSet(reports);
  const newest = runs.at(-1);
  if (runs.length < 4) {
    throw new UsageError(
      `${dir} holds ${runs.length} clean run(s) of the newest run's commit and parameters; ` +
        "the audit needs at least 4",
    );
  }
  const threshold = values.threshold === undefined ? 0.05 : parseThreshold(values.threshold);
  const audit = auditCompare(runs, threshold, CHANGES);
  const table = values.markdown ? markdownTable : textTable;
  console.log(
    `${audit.runs} runs of ${newest!.kit.commit?.slice(0, 7)} (${runs[0].createdAt} to ${
      newest!.createdAt
    }), ${audit.lines[0].pairs} pairs, threshold ${formatPercent(threshold)}` +
      (audit.otherHardware > 0
        ? `; ${audit.otherHardware} run(s) on other hardware left out`
        : "") +
      "\n",
  );
  console.log(table(
    ["noise", "median band", "false alarms", ...CHANGES.map((c) => `${c * 100}% slower caught`)],
    audit.lines.map((l) => [
      l.noise,
      formatPercent(l.medianThreshold),
      rateText(l.falseAlarms),
      ...l.power.map((p) => rateText(p.slower)),
    ]),
    [false, true, true, true, true, true],
  ));
  console.log("");
  console.log(table(
    ["noise", ...CHANGES.map((c) => `${c * 100}% faster caught`)],
    audit.lines.map((l) => [l.noise, ...l.power.map((p) => rateText(p.faster))]),
    [false, true, true, true],
  ));
  console.log("\nwith half the folder carrying the change (its runs under another commit):\n");
  console.log(table(
    [
      "noise",
      ...CHANGES.flatMap((c) => [`${c * 100}% slower caught`, `${c * 100}% faster caught`]),
    ],
    audit.lines.map((l) => [
      l.noise,
      ...l.bothSides.flatMap((b) => [rateText(b.slower), rateText(b.faster)]),
    ]),
    [false, true, true, true, true, true, true],
  ));
  for (const l of audit.lines) {
    console.log(`\nfalse alarms per series, noise: ${l.noise}\n`);
    console.log(table(
      ["series", "false alarms"],
      Object.entries(l.series).map(([key, r]) => [key, rateText(r)]),
      [false, true],
    ));
  }
}

if (import.meta.main) await runMain("compare:audit", main);
