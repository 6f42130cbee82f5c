/**
 * `deno task compare A B`: for every series in both reports, B against A, the
 * change in percent and a verdict (faster, slower, within noise, not
 * comparable) taken against the noise between runs of the same code where the
 * archive holds replicates, and against the two runs' own trials otherwise
 * (see `src/report/compare.ts`; the tables are `src/render/compare.ts`).
 *
 * @module
 */

import { parseThreshold, taskCommandLine, userPath } from "../src/base/cli.ts";
import { archiveMachine, machineDir } from "../src/archive/archive.ts";
import { listReports } from "../src/archive/catalog.ts";
import { compareReports, replicatesOf, sameParameters } from "../src/report/compare.ts";
import { compareControls } from "../src/report/compare_controls.ts";
import { renderComparison, renderControlComparison } from "../src/render/compare.ts";
import { EXIT_FAILURE, runMain, UsageError } from "../src/base/errors.ts";
import { currentMachine } from "../src/context/machine.ts";
import type { Report } from "../src/report/report.ts";
import { loadReport, ReportError } from "../src/report/schema.ts";
import { MIN_REPLICATE_PAIRS, REPLICATE_METHOD } from "../src/stats/statistics.ts";

const HELP = `Usage: deno task compare A B [options]

A and B are report files (.json, relative to where you stand), or latest and
previous: this machine's newest report in the archive, and the newest earlier
one with the same parameters as the other report. For every series in both,
prints B's median against A's (change, B/A with a 95% interval from the two
runs' trials) and a verdict, symmetric in log terms (faster below 1/(1+t),
slower above 1+t); not comparable when a parameter that changes what a trial
measures differs. Ping-pong and file-server series also get their p99 and
p99.9 compared.

Replicates: the other runs in B's folder of A's commit or of B's (from a clean
checkout, with B's parameters and hardware; A and B left out). With at least
${MIN_REPLICATE_PAIRS} pairs of them, B/A is judged against their band, ${REPLICATE_METHOD}.
Without, the whole 95% interval of B/A must lie beyond the threshold, and the
output says that run-to-run drift was not known.

  --threshold P         the change that counts, as 5% or 0.05 (default 5%)
  --markdown            print Markdown tables
  --no-evidence         judge on the two runs' own trials, not the replicates
  --same-as-a FILE      a run of the same code as A, whatever its commit (a
                        checkout with changes, say); repeat for more
  --same-as-b FILE      likewise for B; each side's runs are compared only
                        with each other
  --fail-on-regression  exit 1 when any series is slower
  --out DIR             the archive, for latest and previous (default results)
  --machine NAME        the machine folder for latest and previous (default:
                        this machine's, or RINGPIPE_MACHINE)
  -h, --help            this text`;

/** A report file read back, with where it is. */
interface Loaded {
  path: string;
  report: Report;
}

function archiveOf(dir: string): string[] {
  const root = dir.slice(0, dir.lastIndexOf("/")) || ".";
  return listReports(root).archived.filter((p) => p.startsWith(`${dir}/`));
}

/** Resolves A and B: paths as given, `latest` and `previous` from the machine's folder. */
async function resolvePair(
  names: [string, string],
  root: string,
  machine: string | undefined,
): Promise<[Loaded, Loaded]> {
  const special = (n: string) => n === "latest" || n === "previous";
  let dir: string | null = null;
  let mine: string[] = [];
  if (names.some(special)) {
    dir = machineDir(root, (await archiveMachine(root, await currentMachine(machine))).id);
    mine = archiveOf(dir);
    if (mine.length === 0) {
      throw new UsageError(
        `${
          names.find(special)
        }: ${dir} holds 0 report(s) for this machine; run deno task bench first`,
      );
    }
  }
  const loaded: (Loaded | null)[] = [null, null];
  // Paths and latest first: previous is found relative to the other report.
  for (const [i, name] of names.entries()) {
    if (name === "previous") continue;
    const path = name === "latest" ? mine.at(-1)! : userPath(name);
    loaded[i] = { path, report: await loadReport(path) };
  }
  for (const [i, name] of names.entries()) {
    if (name !== "previous") continue;
    const other = loaded[1 - i] ?? { path: mine.at(-1)!, report: await loadReport(mine.at(-1)!) };
    const earlier = mine.filter((p) => p < other.path).reverse();
    let found: Loaded | null = null;
    for (const path of earlier) {
      const report = await loadReport(path).catch(() => null);
      if (report !== null && sameParameters(report, other.report)) {
        found = { path, report };
        break;
      }
    }
    if (found === null) {
      throw new UsageError(
        `previous: ${dir} holds no report before ${other.path} with the same parameters; ` +
          "run deno task bench again with them, or name the file",
      );
    }
    loaded[i] = found;
  }
  return loaded as [Loaded, Loaded];
}

/** The replicates in B's folder for comparing A with B (see `replicatesOf`). */
async function evidenceFor(
  a: Loaded,
  b: Loaded,
): Promise<{ reports: Report[]; unreadable: number }> {
  const dir = b.path.slice(0, b.path.lastIndexOf("/")) || ".";
  const real = (path: string) => Deno.realPathSync(path);
  const [realA, realB] = [real(a.path), real(b.path)];
  const candidates: { path: string; report: Report }[] = [];
  let unreadable = 0;
  for (const path of archiveOf(dir)) {
    if (real(path) === realA || real(path) === realB) continue;
    try {
      candidates.push({ path, report: await loadReport(path) });
    } catch (error) {
      if (!(error instanceof ReportError)) throw error;
      unreadable++;
    }
  }
  const reports = replicatesOf(a.report, b.report, candidates.map((c) => c.report));
  return { reports, unreadable };
}

async function main(): Promise<void> {
  const parsed = taskCommandLine(HELP, {
    args: Deno.args,
    allowPositionals: true,
    options: {
      threshold: { type: "string" },
      markdown: { type: "boolean" },
      "no-evidence": { type: "boolean" },
      "fail-on-regression": { type: "boolean" },
      out: { type: "string" },
      machine: { type: "string" },
      "same-as-a": { type: "string", multiple: true },
      "same-as-b": { type: "string", multiple: true },
    },
  });
  if (parsed === null) return;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) {
    throw new UsageError(
      `compare takes two reports (paths, latest or previous), got ${positionals.length}`,
    );
  }
  const root = values.out === undefined ? "results" : userPath(values.out);
  const limit = values.threshold === undefined ? 0.05 : parseThreshold(values.threshold);
  const [a, b] = await resolvePair([positionals[0], positionals[1]], root, values.machine);
  const evidence = values["no-evidence"] ? { reports: [], unreadable: 0 } : await evidenceFor(a, b);
  const marked = {
    a: await Promise.all((values["same-as-a"] ?? []).map((p) => loadReport(userPath(p)))),
    b: await Promise.all((values["same-as-b"] ?? []).map((p) => loadReport(userPath(p)))),
  };
  const { rows, warnings } = compareReports(a.report, b.report, limit, {
    evidence: evidence.reports,
    marked,
  });
  const markdown = values.markdown ?? false;
  const describe = (label: string, { path, report: r }: Loaded) =>
    `${label}: ${path} (${r.createdAt}, ${r.machine.id}, ${
      r.kit.commit?.slice(0, 7) ?? "no commit"
    })`;
  console.log(`${markdown ? "- " : ""}${describe("A", a)}`);
  console.log(`${markdown ? "- " : ""}${describe("B", b)}`);
  console.log(
    `${markdown ? "- " : ""}noise: ${
      values["no-evidence"]
        ? "the two runs' own trials (--no-evidence)"
        : `${evidence.reports.length} replicate run(s) of A's or B's commit in B's folder`
    }${
      marked.a.length + marked.b.length > 0
        ? `; marked by hand: ${marked.a.length} as A's code, ${marked.b.length} as B's`
        : ""
    }\n`,
  );
  console.log(renderComparison(rows, markdown ? "markdown" : "plain"));
  const controls = renderControlComparison(
    compareControls(a.report, b.report),
    markdown ? "markdown" : "plain",
  );
  if (controls !== "") console.log(`\n${controls}`);
  const count = (v: string) => rows.filter((r) => r.verdict === v).length;
  console.log(
    `\n${count("faster")} faster, ${count("slower")} slower, ${
      count("within noise")
    } within noise` +
      (count("not comparable") > 0 ? `, ${count("not comparable")} not comparable` : ""),
  );
  if (evidence.unreadable > 0) {
    warnings.push(
      `${evidence.unreadable} unreadable report(s) in B's folder were not used as evidence`,
    );
  }
  for (const warning of warnings) console.log(`${markdown ? "- " : ""}warning: ${warning}`);
  if (values["fail-on-regression"] && count("slower") > 0) Deno.exit(EXIT_FAILURE);
}

if (import.meta.main) await runMain("compare", main);
