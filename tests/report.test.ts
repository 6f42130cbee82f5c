import assert from "node:assert/strict";
import { renderMarkdown } from "../src/markdown.ts";
import { SCHEMA_VERSION } from "../src/report.ts";
import { renderSummary } from "../src/terminal.ts";
import { colorsFor } from "../src/format.ts";
import { fakeReport } from "./fixtures.ts";

Deno.test("the report has every documented field", () => {
  const report = fakeReport();
  assert.equal(report.schemaVersion, SCHEMA_VERSION);
  assert.equal(report.kit.name, "ringpipe");
  assert.match(report.kit.version, /^\d+\.\d+\.\d+/);
  assert.equal(report.createdAt, "2026-11-27T15:46:17.123Z");
  assert.equal(report.environment.cpu.model, "Test CPU @ 3.0GHz");
  assert.deepEqual(report.processes.map((p) => p.role), ["supervisor", "producer", "consumer"]);
  assert.equal(report.parameters.runs, 5);
  for (const result of report.results) {
    assert.equal(result.verified, true);
    assert.equal(result.engine, "native");
    assert.equal(result.mode, "stream");
    assert.equal(result.sizeBytes, 8);
    assert.equal(result.samples.length, 5);
    assert.equal(result.warmup.length, 1);
  }
});

Deno.test("medians, raw figures in measured order, and the ratio", () => {
  const report = fakeReport();
  const [shm, pipe] = report.results;
  assert.equal(shm.transport, "shm");
  assert.equal(shm.nsPerItem.median, 3.2);
  assert.equal(shm.nsPerItem.min, 3.0);
  assert.equal(shm.nsPerItem.max, 3.6);
  assert.deepEqual(shm.samples.map((s) => s.nsPerItem), [3.1, 3.3, 3.2, 3.6, 3.0]);
  assert.deepEqual(shm.samples.map((s) => s.order), [3, 5, 7, 9, 11]);
  assert.equal(pipe.nsPerItem.median, 405);
  // Both sides burn nsPerItem each: CPU ns per item is twice the wall figure.
  assert.equal(pipe.cpuNsPerItem.median, 810);
  assert.deepEqual(report.comparisons, [{
    name: "pipe/shm",
    numerator: "pipe",
    denominator: "shm",
    ratioOfMedians: 405 / 3.2,
  }]);
});

Deno.test("a nice that was not achieved becomes a warning with its reason", () => {
  const report = fakeReport(0);
  const producer = report.processes.find((p) => p.role === "producer")!;
  assert.equal(producer.niceRequested, -20);
  assert.equal(producer.niceAchieved, 0);
  assert.equal(producer.niceError, "Permission denied");
  assert.ok(report.warnings.some((w) => /producer asked for nice -20 and ran at 0/.test(w)));
  assert.equal(fakeReport(-20).warnings.length, 0);
});

Deno.test("markdown is deterministic and carries the essentials", () => {
  const report = fakeReport();
  const markdown = renderMarkdown(report);
  assert.equal(markdown, renderMarkdown(structuredClone(report)));
  assert.equal(renderMarkdown(JSON.parse(JSON.stringify(report))), markdown);
  assert.ok(markdown.includes("SHMEM Time:  0.000000003200000000"));
  assert.ok(markdown.includes("KERNEL Time: 0.000000405000000000"));
  assert.ok(markdown.includes("**126.6×** faster"));
  assert.ok(markdown.includes("deno task bench --runs 5"));
  assert.ok(markdown.includes("Test CPU @ 3.0GHz"));
  // "|" in a cell is escaped so the table keeps its columns.
  assert.ok(markdown.includes("test\\|host"));
  assert.ok(markdown.endsWith("</details>\n"));
  // Every table row has the same number of cells as its header.
  const tables = markdown.split("\n\n").filter((block) => block.startsWith("| "));
  for (const table of tables) {
    const widths = table.split("\n").map((row) => row.replaceAll("\\|", "").split("|").length);
    assert.ok(widths.every((w) => w === widths[0]), table);
  }
});

Deno.test("terminal summary: the original lines first, then ratio and table", () => {
  const plain = { isTerminal: () => false };
  const lines = renderSummary(fakeReport(), colorsFor(plain)).split("\n");
  assert.equal(lines[0], "SHMEM Time:  0.000000003200000000");
  assert.equal(lines[1], "KERNEL Time: 0.000000405000000000");
  assert.match(lines[2], /^The ring was 126\.6x faster than the pipe/);
  assert.ok(lines.some((l) => /^shm\s+1,000\s+5\s+3\.2\s/.test(l)));
  assert.ok(!lines.join("\n").includes("\x1b["), "no colour when not a terminal");
});
