/**
 * Golden files: archived reports of every schema version render to the bytes
 * recorded when they were archived. A refactoring that changes a page shows up
 * here; a deliberate change of the pages regenerates them (`deno task report
 * --rerender`, and this test's files from its own output).
 */
import assert from "node:assert/strict";
import { listReports } from "../src/archive/catalog.ts";
import { colorsFor } from "../src/base/format.ts";
import { renderMarkdown } from "../src/render/markdown.ts";
import { loadReport } from "../src/report/schema.ts";
import { renderSummary } from "../src/render/terminal.ts";
import { renderedFiles } from "../src/archive/archive.ts";

const here = (path: string) => new URL(path, import.meta.url).pathname;

for (const version of [1, 2, 3, 4]) {
  Deno.test(`a schema ${version} report renders its golden Markdown and terminal summary`, async () => {
    const report = await loadReport(here(`./data/report-v${version}.json`));
    assert.equal(
      renderMarkdown(report),
      await Deno.readTextFile(here(`./data/golden/report-v${version}.md`)),
    );
    assert.equal(
      `${renderSummary(report, colorsFor({ isTerminal: () => false }))}\n`,
      await Deno.readTextFile(here(`./data/golden/report-v${version}.txt`)),
    );
  });
}

Deno.test("every report archived in results/ renders the pages committed beside it", async () => {
  const root = here("../results");
  const { archived } = listReports(root);
  assert.ok(archived.length > 0);
  for (const path of archived) {
    const report = await loadReport(path);
    const dir = path.slice(0, path.lastIndexOf("/"));
    const stem = path.slice(dir.length + 1, -".json".length);
    for (const [file, text] of renderedFiles(report, dir, stem)) {
      assert.equal(text, await Deno.readTextFile(file), file);
    }
  }
});
