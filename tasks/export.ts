/**
 * `deno task export REPORT --format bmf|gab [--out FILE]`: a report in the
 * format of a continuous-benchmarking service (`src/render/export.ts`):
 * Bencher Metric Format, or github-action-benchmark's customSmallerIsBetter.
 * Written to FILE, or printed.
 *
 * @module
 */

import { taskCommandLine, userPath } from "../src/base/cli.ts";
import { runMain, UsageError } from "../src/base/errors.ts";
import { exportReport } from "../src/render/export.ts";
import type { ExportFormat } from "../src/render/export.ts";
import { loadReport } from "../src/report/schema.ts";

const HELP = `Usage: deno task export REPORT --format bmf|gab [--out FILE]

Writes REPORT (a report's .json, relative to where you stand) in the format of
a continuous-benchmarking service, one entry per series, its median ns per
item with the 95% interval as bounds:

  --format bmf   Bencher Metric Format (the latency measure, ns)
  --format gab   github-action-benchmark, tool customSmallerIsBetter
  --out FILE     write it there (default: print it)
  -h, --help     this text`;

async function main(): Promise<void> {
  const parsed = taskCommandLine(HELP, {
    args: Deno.args,
    allowPositionals: true,
    options: {
      format: { type: "string" },
      out: { type: "string" },
    },
  });
  if (parsed === null) return;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(`export takes one report, got ${positionals.length}`);
  }
  const format = values.format;
  if (format !== "bmf" && format !== "gab") {
    throw new UsageError(`--format must be bmf or gab, got ${format ?? "none"}`);
  }
  const text = exportReport(await loadReport(userPath(positionals[0])), format as ExportFormat);
  if (values.out === undefined) {
    console.log(text.trimEnd());
  } else {
    await Deno.writeTextFile(userPath(values.out), text);
  }
}

if (import.meta.main) await runMain("export", main);
