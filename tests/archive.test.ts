import assert from "node:assert/strict";
import { ensureWritableDir, reportStem, saveReport } from "../src/archive.ts";
import { UsageError } from "../src/errors.ts";
import { renderMarkdown } from "../src/markdown.ts";
import { fakeReport } from "./fixtures.ts";

Deno.test("report names: UTC timestamp and a file-safe hostname", () => {
  assert.equal(reportStem("2026-11-27T15:46:17.123Z", "box"), "2026-11-27T15-46-17Z_box");
  assert.equal(reportStem("2026-11-27T15:46:17.123Z", "a b/c"), "2026-11-27T15-46-17Z_a-b-c");
  assert.equal(
    reportStem("2026-11-27T15:46:17.123Z", "../.."),
    "2026-11-27T15-46-17Z_unknown-host",
  );
});

Deno.test("saves JSON and Markdown, never overwrites, leaves no partial files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const report = fakeReport();
    const first = await saveReport(report, `${dir}/results`);
    const second = await saveReport(report, `${dir}/results`);
    assert.equal(first.jsonPath, `${dir}/results/2026-11-27T15-46-17Z_test-host.json`);
    assert.equal(second.jsonPath, `${dir}/results/2026-11-27T15-46-17Z_test-host-2.json`);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(first.jsonPath)), report);
    assert.equal(await Deno.readTextFile(second.markdownPath), renderMarkdown(report));
    const names = [];
    for await (const entry of Deno.readDir(`${dir}/results`)) names.push(entry.name);
    assert.deepEqual(names.sort(), [
      "2026-11-27T15-46-17Z_test-host-2.json",
      "2026-11-27T15-46-17Z_test-host-2.md",
      "2026-11-27T15-46-17Z_test-host.json",
      "2026-11-27T15-46-17Z_test-host.md",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
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
