/**
 * `deno task compare A B`: for every series in both reports, B against A with
 * a bootstrap CI and a Mann-Whitney U p-value, and a verdict (faster, slower,
 * within noise) that respects a threshold and each run's own noise band.
 *
 * @module
 */

import { parseCommandLine } from "../src/cli.ts";
import { machineDir } from "../src/archive.ts";
import { listReports } from "../src/catalog.ts";
import { compareReports, renderComparison } from "../src/compare.ts";
import { EXIT_FAILURE, runMain, UsageError } from "../src/errors.ts";
import { currentMachine } from "../src/machine.ts";
import { loadReport } from "../src/schema.ts";

const HELP = `Usage: deno task compare A B [options]

A and B are report files (.json), or latest / previous: this machine's newest
and second newest reports in the archive. For every series in both, prints B's
median over A's with a 95% bootstrap CI, a Mann-Whitney U p-value and a verdict:
faster or slower only when the whole CI lies outside the threshold (and outside
either run's own A/A noise band), within noise otherwise.

  --threshold P         the change that counts, as 5% or 0.05 (default 5%)
  --markdown            print a Markdown table
  --fail-on-regression  exit 1 when any series is slower
  --out DIR             the archive, for latest and previous (default results)
  -h, --help            this text`;

async function resolve(which: string, root: string): Promise<string> {
  if (which !== "latest" && which !== "previous") return which;
  const machine = await currentMachine();
  const dir = machineDir(root, machine.id);
  const mine = listReports(root).archived.filter((p) => p.startsWith(`${dir}/`));
  const index = mine.length - (which === "latest" ? 1 : 2);
  if (index < 0) {
    throw new UsageError(
      `${which}: ${dir} holds ${mine.length} report(s) for this machine; run deno task bench ${
        which === "latest" ? "first" : "twice"
      }`,
    );
  }
  return mine[index];
}

function threshold(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = match === null ? NaN : Number(match[1]) / (match[2] === "%" ? 100 : 1);
  if (!(value >= 0 && value < 1)) {
    throw new UsageError(`--threshold must be a fraction such as 5% or 0.05, got '${text}'`);
  }
  return value;
}

async function main(): Promise<void> {
  const parsed = parseCommandLine({
    args: Deno.args,
    allowPositionals: true,
    options: {
      threshold: { type: "string" },
      markdown: { type: "boolean" },
      "fail-on-regression": { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (positionals.length !== 2) {
    throw new UsageError(
      `compare takes two reports (paths, latest or previous), got ${positionals.length}`,
    );
  }
  const root = values.out ?? "results";
  const limit = values.threshold === undefined ? 0.05 : threshold(values.threshold);
  const [pathA, pathB] = [await resolve(positionals[0], root), await resolve(positionals[1], root)];
  const [a, b] = [await loadReport(pathA), await loadReport(pathB)];
  const { rows, warnings } = compareReports(a, b, limit);
  const markdown = values.markdown ?? false;
  const describe = (label: string, path: string, r: typeof a) =>
    `${label}: ${path} (${r.createdAt}, ${r.machine.id}, ${
      r.kit.commit?.slice(0, 7) ?? "no commit"
    })`;
  console.log(`${markdown ? "- " : ""}${describe("A", pathA, a)}`);
  console.log(`${markdown ? "- " : ""}${describe("B", pathB, b)}\n`);
  console.log(renderComparison(rows, markdown ? "markdown" : "plain"));
  const count = (v: string) => rows.filter((r) => r.verdict === v).length;
  console.log(
    `\n${count("faster")} faster, ${count("slower")} slower, ${count("within noise")} within noise`,
  );
  for (const warning of warnings) console.log(`${markdown ? "- " : ""}warning: ${warning}`);
  if (values["fail-on-regression"] && count("slower") > 0) Deno.exit(EXIT_FAILURE);
}

if (import.meta.main) await runMain("compare", main);
