import assert from "node:assert/strict";
import {
  ensureWritableDir,
  renderedFiles,
  reportStem,
  saveReport,
} from "../src/archive/archive.ts";
import { listReports, migrateFlatReports, renderIndex } from "../src/archive/catalog.ts";
import { UsageError } from "../src/base/errors.ts";
import { renderMarkdown } from "../src/render/markdown.ts";
import { loadReport } from "../src/report/schema.ts";
import { fakeReport } from "./fixtures.ts";
import { SCHEMA_VERSION } from "../src/report/report.ts";
import type { Report } from "../src/report/report.ts";
import { runTask } from "./run_task.ts";

const data = (name: string) => new URL(`./data/${name}`, import.meta.url).pathname;
const task = (name: string, args: string[]) => runTask(name, args);

Deno.test("report names: UTC timestamp and short commit", () => {
  assert.equal(
    reportStem("2026-11-27T15:46:17.123Z", "0123456789abcdef"),
    "2026-11-27T15-46-17Z_0123456",
  );
  assert.equal(reportStem("2026-11-27T15:46:17.123Z", null), "2026-11-27T15-46-17Z_nocommit");
});

Deno.test("saves into the machine's folder: machine.json, JSON, Markdown, charts; never overwrites", async () => {
  const root = await Deno.makeTempDir();
  try {
    const report = fakeReport({ pingpong: true });
    const first = await saveReport(report, root);
    const second = await saveReport(report, root);
    const dir = `${root}/test-host-0badcafe`;
    assert.equal(first.jsonPath, `${dir}/2026-11-27T15-46-17Z_0123456.json`);
    assert.equal(second.jsonPath, `${dir}/2026-11-27T15-46-17Z_0123456-2.json`);
    assert.deepEqual(await loadReport(first.jsonPath), report);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/machine.json`)), {
      id: report.machine.id,
      fingerprint: report.machine.fingerprint,
    });
    assert.equal(
      await Deno.readTextFile(second.markdownPath),
      renderMarkdown(report, { latency: "2026-11-27T15-46-17Z_0123456-2.latency.svg" }),
    );
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, [
      "2026-11-27T15-46-17Z_0123456-2.json",
      "2026-11-27T15-46-17Z_0123456-2.latency.svg",
      "2026-11-27T15-46-17Z_0123456-2.md",
      "2026-11-27T15-46-17Z_0123456.json",
      "2026-11-27T15-46-17Z_0123456.latency.svg",
      "2026-11-27T15-46-17Z_0123456.md",
      "machine.json",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an unwritable results folder is refused up front with one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/not-a-dir`;
    await Deno.writeTextFile(file, "");
    await assert.rejects(() => ensureWritableDir(`${file}/results`), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /^cannot write reports into .*not-a-dir\/results: /);
      assert.ok(!error.message.includes("\n"));
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("migration moves flat-layout reports into machine folders, unchanged", async () => {
  const root = await Deno.makeTempDir();
  try {
    const v1 = await Deno.readTextFile(data("report-v1.json"));
    await Deno.writeTextFile(`${root}/2026-11-27T15-59-45Z_vm.json`, v1);
    await Deno.writeTextFile(`${root}/2026-11-27T15-59-45Z_vm.md`, "old markdown");
    const moves = await migrateFlatReports(root);
    assert.deepEqual(moves, [{
      from: `${root}/2026-11-27T15-59-45Z_vm.json`,
      to: `${root}/vm-d215170e/2026-11-27T15-59-45Z_67b78f2.json`,
    }]);
    assert.equal(await Deno.readTextFile(moves[0].to), v1, "the JSON itself is never rewritten");
    assert.deepEqual(listReports(root), { archived: [moves[0].to], flat: [] });
    assert.deepEqual([...Deno.readDirSync(root)].map((e) => e.name), ["vm-d215170e"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the index and every rendered file are deterministic", async () => {
  const reports = await Promise.all(
    [1, 2, 3].map(async (v) => ({
      path: `results/m/r${v}.json`,
      report: await loadReport(data(`report-v${v}.json`)),
    })),
  );
  const first = renderIndex(reports, "results");
  assert.deepEqual(
    renderIndex(reports.toReversed(), "results"),
    first,
    "the order given does not matter",
  );
  assert.match(first.markdown, /^3 runs on 1 machine, oldest first\./m);
  assert.match(
    first.markdown,
    /^\| the essay \(reference\) \| — \| x86_64 Gentoo \| — \| -20 \(sudo\) \| 7\.09 \| 441\.1 \| \*\*62\.2×\*\* \(50 to 64 over its runs\) \|$/m,
  );
  assert.match(first.markdown, /\]\(m\/r1\.md\)/);
  assert.ok(first.chart?.startsWith("<svg"));
  for (const { report } of reports) {
    assert.deepEqual(
      renderedFiles(report, "d", "s"),
      renderedFiles(structuredClone(report), "d", "s"),
    );
  }
});

Deno.test("deno task report and deno task compare on an archive, for real", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/vm-d215170e`);
    for (const v of [2, 3]) {
      await Deno.copyFile(
        data(`report-v${v}.json`),
        `${root}/vm-d215170e/2026-11-27T16-0${v}-00Z_abcdef${v}.json`,
      );
    }
    const report = await task("report", ["--out", root]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /^2 reports read; \d+ file\(s\) written; index: .*\/README\.md$/m);
    assert.match(await Deno.readTextFile(`${root}/README.md`), /^# ringpipe results$/m);
    const again = await task("report", ["--out", root]);
    assert.match(
      again.stdout,
      /^2 reports read; 0 file\(s\) written/m,
      "the same JSON gives the same bytes",
    );

    const [a, b] = [2, 3].map((v) => `${root}/vm-d215170e/2026-11-27T16-0${v}-00Z_abcdef${v}.json`);
    const compare = await task("compare", [a, b, "--markdown"]);
    assert.equal(compare.code, 0, compare.stderr);
    assert.match(compare.stdout, /^\| stream \| 8 B \| shm \| cross \|/m);
    assert.match(compare.stdout, /^\| stream \| 8 B \| pipe \| cross \|/m);
    assert.match(
      compare.stdout,
      /^\d+ faster, \d+ slower, \d+ within noise(, \d+ not comparable)?$/m,
    );

    const failing = await task("compare", [b, a, "--threshold", "0", "--fail-on-regression"]);
    const slower = /(\d+) slower/.exec(failing.stdout)![1];
    assert.equal(failing.code, slower === "0" ? 0 : 1);

    const bad = `${root}/vm-d215170e/broken.json`;
    await Deno.writeTextFile(bad, '{"schemaVersion": 4, "kit": ');
    const broken = await task("compare", [a, bad]);
    assert.equal(broken.code, 2);
    assert.match(
      broken.stderr,
      /^ringpipe compare: .*broken\.json: not valid JSON \(.*\); is the file truncated\?\n$/,
    );
    // A bad file in the archive is named and left out; the rest is still rendered.
    await Deno.remove(`${root}/README.md`);
    const reportBroken = await task("report", ["--out", root]);
    assert.equal(reportBroken.code, 1);
    assert.match(reportBroken.stderr, /^ringpipe report: .*broken\.json: not valid JSON/m);
    assert.match(reportBroken.stderr, /^ringpipe report: 1 report\(s\) could not be read/m);
    assert.match(reportBroken.stdout, /^2 reports read; 1 file\(s\) written/m);
    assert.ok(!reportBroken.stderr.includes("    at "), "no stack trace");
    await Deno.remove(bad);

    const usage = await task("compare", ["latest", "previous", "--out", `${root}/empty`]);
    assert.equal(usage.code, 2);
    assert.match(
      usage.stderr,
      /^ringpipe compare: latest: .* holds 0 report\(s\) for this machine; run deno task bench first\n$/,
    );
    assert.equal((await task("compare", [a])).code, 2);
    assert.equal((await task("compare", [a, b, "--threshold", "lots"])).code, 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** A report as schema 5 wrote it: trials as rows with process ids, the machine as five facts. */
function asVersion5(report: Report): string {
  const side = (s: object, pid: number) => ({ pid, tid: pid, ...s });
  const rows = (samples: Report["results"][0]["samples"]) =>
    samples.map((s, i) => ({
      ...s,
      producer: side(s.producer, 100 + i),
      consumer: side(s.consumer, 200 + i),
    }));
  const { fingerprint: f } = report.machine;
  return JSON.stringify(
    {
      ...report,
      schemaVersion: 5,
      machine: {
        id: report.machine.id,
        facts: { hostname: f.hostname, cpuModel: f.cpuModel, cpuCount: 2, arch: f.arch, os: f.os },
      },
      results: report.results.map((r) => ({
        ...r,
        samples: rows(r.samples),
        warmup: rows(r.warmup),
      })),
      // Version 5 wrote its comparisons, as ratios of medians.
      comparisons: report.comparisons.map(({ ratio, pairs: _p, lag1: _l, ...c }) => ({
        ...c,
        ratioOfMedians: ratio,
      })),
    },
    null,
    2,
  );
}

Deno.test("report --migrate rewrites every older schema into the current one: smaller, and the same tables", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = `${root}/vm-d215170e`;
    await Deno.mkdir(dir);
    const files: string[] = [];
    for (const v of [1, 2, 3, 4]) {
      files.push(`${dir}/2026-11-27T16-0${v}-00Z_abcdef${v}.json`);
      await Deno.copyFile(data(`report-v${v}.json`), files.at(-1)!);
    }
    files.push(`${dir}/2026-11-27T16-05-00Z_abcdef5.json`);
    const v5 = fakeReport({ pingpong: true }, {}, ["--runs", "10", "--keep-warmup"]);
    await Deno.writeTextFile(
      files.at(-1)!,
      asVersion5({ ...v5, machine: { ...v5.machine, id: "vm-d215170e" } }),
    );
    await Deno.writeTextFile(
      `${dir}/machine.json`,
      JSON.stringify({ id: "vm-d215170e", facts: {} }),
    );
    const before = await Promise.all(files.map(async (f) => renderMarkdown(await loadReport(f))));
    const sizesBefore = await Promise.all(files.map(async (f) => (await Deno.stat(f)).size));

    const migrate = await task("report", ["--migrate", "--out", root]);
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.match(migrate.stdout, /^5 reports read, 5 migrated;/m);
    for (const [i, f] of files.entries()) {
      const text = await Deno.readTextFile(f);
      assert.equal(JSON.parse(text).schemaVersion, SCHEMA_VERSION, f);
      assert.ok(text.length < sizesBefore[i], `${f} got smaller`);
      const after = await loadReport(f);
      assert.equal(renderMarkdown(after), before[i], `${f}: the same tables before and after`);
      assert.ok(after.results.every((r) => r.warmup.length === 0), "warm-ups are counted only");
      assert.equal(
        await Deno.readTextFile(f.replace(/\.json$/, ".md")),
        renderMarkdown(after, chartNames(after, f)),
      );
    }
    assert.ok(JSON.parse(await Deno.readTextFile(`${dir}/machine.json`)).fingerprint);
    const again = await task("report", ["--migrate", "--out", root]);
    assert.match(again.stdout, /^5 reports read, 0 migrated; 0 file\(s\) written/m);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** The chart files `renderedFiles` names next to report `path`, as the Markdown links them. */
function chartNames(report: Report, path: string): Record<string, string> {
  const stem = path.slice(path.lastIndexOf("/") + 1, -".json".length);
  return Object.fromEntries(
    renderedFiles(report, "d", stem).slice(1).map(([file]) => {
      const name = file.slice(2);
      return [name.slice(stem.length + 1, -".svg".length), name];
    }),
  );
}

Deno.test("the ratio-over-time chart keeps default full runs only, with their CIs", () => {
  const full = fakeReport({}, {}, ["--iterations", "1000", "--runs", "10"]);
  full.parameters = { ...full.parameters, iterations: null };
  const quick = fakeReport({}, {}, ["--quick", "--runs", "10"]);
  const paced = structuredClone(full);
  paced.parameters.paceNs = 50_000;
  const at = (report: Report, day: number) => ({
    path: `results/m/r${day}.json`,
    report: { ...report, createdAt: `2026-11-0${day}T00:00:00.000Z` },
  });
  const { markdown, chart } = renderIndex(
    [at(full, 1), at(quick, 2), at(paced, 3), at(full, 4)],
    "results",
  );
  assert.match(markdown, /^4 runs on 1 machine/m, "every run is in the table");
  // Two points, so two error bars and one line between them.
  assert.equal([...chart!.matchAll(/ stroke-width="1\.5"\/>/g)].length, 2);
  assert.equal([...chart!.matchAll(/<circle /g)].length, 2);
});
