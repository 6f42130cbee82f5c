/**
 * `--variant`: two builds of the loops in one run. The plan interleaves the builds in every round
 * (each build's workers given its own library), the report keeps each build and compares B with A
 * per round, and a revision whose shim speaks another ABI is refused before anything runs.
 */
import assert from "node:assert/strict";
import { runBench } from "../src/bench/run.ts";
import { buildVariants } from "../src/bench/variants.ts";
import { parseBenchOptions } from "../src/plan/options.ts";
import type { TrialRunner } from "../src/run/sampling.ts";
import { decodeReport, reportFile } from "../src/report/encoding.ts";
import { variantLines } from "../src/report/variants.ts";
import { renderSummary } from "../src/render/terminal.ts";
import { renderMarkdown } from "../src/render/markdown.ts";
import { colorsFor } from "../src/base/format.ts";
import { ABI_VERSION } from "../ffi/symbols.ts";
import { fakeTrial } from "./fixtures.ts";

Deno.test("the builds run in every round, each with its own library; B over A is per round", async () => {
  const trials: { label: string; library: string }[] = [];
  // Build b is 3% slower than a in every round, while the machine flips between 6 and 30 ns.
  const runner: TrialRunner = (context, plan, _id, label) => {
    const s = plan.series;
    trials.push({ label: label ?? "", library: context.libraries?.[s.variant!] ?? "" });
    const round = Number(/ (\d+)$/.exec(label ?? "")?.[1] ?? 0);
    const state = [6, 30, 30, 6, 6, 30, 6, 6, 30, 6, 30, 30][round % 12];
    const ns = (s.transport.name === "shm" ? state : 100 * state) * (s.variant === "b" ? 1.03 : 1);
    return Promise.resolve(
      fakeTrial(s.transport.name, ns, 0, -20, plan.iterations, s.mode, s.sizeBytes),
    );
  };
  const report = await runBench(
    [
      "--variant",
      "a=cc:-O2",
      "--variant",
      "b=cc:-O1",
      "--transports",
      "shm,pipe",
      "--mode",
      "stream",
      "--sizes",
      "8",
      "--iterations",
      "1000",
      "--runs",
      "12",
      "--no-save",
    ],
    { runner },
  );
  assert.ok(report !== null);
  assert.deepEqual(report.results.map((r) => `${r.transport} [${r.variant}]`), [
    "shm [a]",
    "shm [b]",
    "pipe [a]",
    "pipe [b]",
  ]);
  // Every round has one trial of every build of every series, in alternating order.
  const runs = trials.filter((t) => t.label.includes(" run "));
  for (let round = 1; round <= 12; round++) {
    const these = runs.filter((t) => t.label.endsWith(` run ${round}`)).map((t) => t.label);
    assert.deepEqual(these.map((l) => l.split(" ").slice(0, 2).join(" ")).sort(), [
      "pipe [a]",
      "pipe [b]",
      "shm [a]",
      "shm [b]",
    ]);
  }
  // Each build's workers get its own library.
  const libraryOf = (tag: string) =>
    new Set(runs.filter((t) => t.label.includes(tag)).map((t) => t.library));
  assert.equal(libraryOf("[a]").size, 1);
  assert.equal(libraryOf("[b]").size, 1);
  assert.notDeepEqual([...libraryOf("[a]")], [...libraryOf("[b]")]);
  // The report keeps each build, and keeps it through the file.
  const builds = report.environment.variants!;
  assert.deepEqual(builds.map((b) => [b.label, b.compiler.cflags, b.revision]), [
    ["a", ["-O2"], null],
    ["b", ["-O1"], null],
  ]);
  assert.deepEqual(decodeReport(reportFile(report)).environment.variants, builds);
  assert.deepEqual(report.parameters.variants, ["a=cc:-O2", "b=cc:-O1"]);
  // B over A is exactly 1.03 in every round, whatever state the machine was in.
  const lines = variantLines(report);
  assert.deepEqual(lines.map((l) => [l.comparison.name, l.comparison.pairs, l.verdict]), [
    ["b/a", 12, "slower"],
    ["b/a", 12, "slower"],
  ]);
  for (const { comparison } of lines) assert.ok(Math.abs(comparison.ratio - 1.03) < 1e-9);
  assert.match(
    lines[0].line,
    /^shm stream 8 B cross: b over a 1\.030x \(95% CI 1\.030-1\.030\), paired over 12 rounds: slower$/,
  );
  // The ring comparisons stay within a build: pipe [b] over shm [b].
  const ring = report.comparisons.filter((c) => c.name === "pipe/shm");
  assert.deepEqual(ring.map((c) => [c.variant, c.ratio]), [["a", 100], ["b", 100]]);
  // Both renderings say it.
  const text = renderSummary(report, colorsFor({ isTerminal: () => false }));
  assert.match(text, /^builds: a = cc -O2; b = cc -O1$/m);
  assert.ok(text.includes(lines[0].line));
  // One legend under the lines, whatever their verdicts, at the run's margin (here the default).
  assert.match(
    text,
    /slower\n\(the same: the interval within ±2% of 1; faster, slower: it excludes 1; inconclusive: neither\)$/m,
  );
  const page = renderMarkdown(report);
  assert.match(page, /## Builds side by side/);
  assert.ok(page.includes(`- ${lines[1].line}`));
});

Deno.test("a revision whose shim speaks another ABI is refused, naming both", async () => {
  const repo = await Deno.makeTempDir({ prefix: "ringpipe-variant-repo-" });
  const git = (...args: string[]) =>
    new Deno.Command("git", {
      args: ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args],
      stdout: "null",
      stderr: "null",
    }).outputSync();
  try {
    await Deno.mkdir(`${repo}/ffi`);
    for await (const entry of Deno.readDir(new URL("../ffi", import.meta.url))) {
      if (!/\.[ch]$/.test(entry.name)) continue;
      await Deno.copyFile(
        new URL(`../ffi/${entry.name}`, import.meta.url),
        `${repo}/ffi/${entry.name}`,
      );
    }
    const header = `${repo}/ffi/ringpipe.h`;
    const text = await Deno.readTextFile(header);
    await Deno.writeTextFile(
      header,
      text.replace(/#define RP_ABI_VERSION \d+u/, `#define RP_ABI_VERSION ${ABI_VERSION - 1}u`),
    );
    assert.ok(git("init", "-q").success && git("add", "ffi").success);
    assert.ok(git("commit", "-q", "-m", "older ABI").success);
    const { variants } = parseBenchOptions(["--variant", "old=@HEAD", "--variant", "now=cc"]);
    await assert.rejects(
      buildVariants(variants, repo),
      new RegExp(
        `^UsageError: --variant old=@HEAD: its shim speaks ABI ${
          ABI_VERSION - 1
        } \\([0-9a-f]{12}\\), ` +
          `this checkout's TypeScript ABI ${ABI_VERSION}; compare revisions of one ABI$`,
      ),
    );
    // The same sources at this ABI build, and the build records the revision.
    await Deno.writeTextFile(header, text);
    assert.ok(git("commit", "-q", "-am", "this ABI").success);
    const [old] = await buildVariants(variants.slice(0, 1), repo);
    assert.match(old.revision ?? "", /^[0-9a-f]{40}$/);
    await assert.rejects(
      buildVariants(
        parseBenchOptions(["--variant", "x=@nope", "--variant", "y=cc"]).variants,
        repo,
      ),
      /^UsageError: --variant x=@nope: /,
    );
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("--variant options: two builds or more, labels once, no deno engine, --margin with them", () => {
  const refused = (args: string[], pattern: RegExp) =>
    assert.throws(() => parseBenchOptions(args), pattern);
  refused(["--variant", "a=cc"], /give two builds or more/);
  refused(["--variant", "a=cc", "--variant", "a=gcc"], /the label 'a' twice/);
  refused(["--variant", "=cc", "--variant", "b=cc"], /write LABEL=CC\[:CFLAGS\] or LABEL=@REF/);
  refused(["--variant", "a=:-O3", "--variant", "b=cc"], /no compiler/);
  refused(["--variant", "a=cc", "--variant", "b=cc", "--engine", "deno"], /leave out --engine/);
  refused(["--margin", "1%"], /--margin goes with --variant/);
  const options = parseBenchOptions(["--variant", "a=cc", "--variant", "b=cc:", "--margin", "1%"]);
  assert.deepEqual(options.variants.map((v) => [v.cc, v.cflags]), [["cc", undefined], ["cc", ""]]);
  assert.equal(options.margin, 0.01);
});
