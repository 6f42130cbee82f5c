/**
 * The figures README.md and docs/ cite agree with their committed reports, and the check says so
 * by file and line when one does not.
 */
import assert from "node:assert/strict";
import { checkCitedFigures, writeCitedFigures } from "../src/archive/figures.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("every cited figure agrees with its report", async () => {
  assert.deepEqual(await checkCitedFigures(ROOT), []);
});

Deno.test("a figure changed in its last digit is named by file and line; a figure moved away too", async () => {
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const line = readme.slice(0, readme.indexOf("The ring was ")).split("\n").length;
  const edited = readme.replace(
    /The ring was ([\d.]+)\dx faster/,
    (_m, head) => `The ring was ${head}0x faster`,
  );
  assert.notEqual(edited, readme);
  const read = (file: string) =>
    file === "README.md" ? Promise.resolve(edited) : Deno.readTextFile(`${ROOT}/${file}`);
  const problems = await checkCitedFigures(ROOT, undefined, read);
  assert.equal(problems.length, 1, problems.join("\n"));
  assert.match(
    problems[0],
    new RegExp(`^README\\.md:${line}: the headline as the terminal prints it reads "The ring was `),
  );
  const gone = (file: string) =>
    file === "README.md" ? Promise.resolve("") : Deno.readTextFile(`${ROOT}/${file}`);
  assert.ok(
    (await checkCitedFigures(ROOT, undefined, gone)).every((p) => /is not where it was/.test(p)),
  );
});

Deno.test("deno task docs writes a figure back from its report, a table cell and a list alike", async () => {
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const running = await Deno.readTextFile(`${ROOT}/docs/running.md`);
  const tampered: Record<string, string> = {
    "README.md": readme.replace(/^(\| `pipe-uring` *\|[^|]*\|)[^|]*\|/m, "$1 99.9 |"),
    "docs/running.md": running.replace(/over gcc 1\.256x/, "over gcc 1.266x"),
  };
  for (const [file, text] of Object.entries(tampered)) {
    assert.notEqual(text, file === "README.md" ? readme : running);
  }
  const read = (file: string) =>
    file in tampered ? Promise.resolve(tampered[file]) : Deno.readTextFile(`${ROOT}/${file}`);
  const written = new Map<string, string>();
  const changed = await writeCitedFigures(
    ROOT,
    undefined,
    (file, text) => written.set(file, text),
    read,
  );
  assert.deepEqual(changed.sort(), ["README.md", "docs/running.md"]);
  // What was written checks out (padding aside, which deno fmt restores).
  const again = (file: string) =>
    written.has(file) ? Promise.resolve(written.get(file)!) : Deno.readTextFile(`${ROOT}/${file}`);
  assert.deepEqual(await checkCitedFigures(ROOT, undefined, again), []);
  const collapse = (text: string) => text.replace(/\s+/g, " ");
  assert.equal(collapse(written.get("docs/running.md")!), collapse(running));
});
