import assert from "node:assert/strict";
import { ensureWritableDir, renderedFiles, reportStem, saveReport } from "../src/archive.ts";
import { listReports, migrateFlatReports, renderIndex } from "../src/catalog.ts";
import { UsageError } from "../src/errors.ts";
import { renderMarkdown } from "../src/markdown.ts";
import { loadReport } from "../src/schema.ts";
import { fakeReport } from "./fixtures.ts";
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
    assert.deepEqual(JSON.parse(await Deno.readTextFile(first.jsonPath)), report);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/machine.json`)), report.machine);
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
    assert.match(compare.stdout, /^\d+ faster, \d+ slower, \d+ within noise$/m);

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
    const reportBroken = await task("report", ["--out", root]);
    assert.equal(reportBroken.code, 2);
    assert.match(reportBroken.stderr, /broken\.json: not valid JSON/);

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
