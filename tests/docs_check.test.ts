/**
 * The figures README.md and docs/ cite agree with their committed reports, and the check says so
 * by file and line when one does not.
 */
import assert from "node:assert/strict";
import { CITED, STRAY_CHECK } from "../src/archive/cited.ts";
import { checkCitedFigures, strayFigures, writeCitedFigures } from "../src/archive/figures.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("every cited figure agrees with its report", async () => {
  assert.deepEqual(await checkCitedFigures(ROOT, CITED), []);
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
  const problems = await checkCitedFigures(ROOT, CITED, read);
  assert.equal(problems.length, 1, problems.join("\n"));
  assert.match(
    problems[0],
    new RegExp(`^README\\.md:${line}: the headline as the terminal prints it reads "The ring was `),
  );
  const gone = (file: string) =>
    file === "README.md" ? Promise.resolve("") : Deno.readTextFile(`${ROOT}/${file}`);
  assert.ok(
    (await checkCitedFigures(ROOT, CITED, gone)).every((p) => /is not where it was/.test(p)),
  );
});

Deno.test("deno task docs writes a figure back from its report, a table cell and a list alike", async () => {
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const running = await Deno.readTextFile(`${ROOT}/docs/running.md`);
  const results = await Deno.readTextFile(`${ROOT}/docs/results.md`);
  const original: Record<string, string> = {
    "README.md": readme,
    "docs/running.md": running,
    "docs/results.md": results,
  };
  const tampered: Record<string, string> = {
    "README.md": readme.replace(/^(\| `pipe-uring` *\|[^|]*\|)[^|]*\|/m, "$1 99.9 |"),
    "docs/running.md": running.replace(/over gcc [\d.]+x/, "over gcc 9.999x"),
    // A cell of a table written whole from two reports.
    "docs/results.md": results.replace(/^(\| `ring-futex` *\|)[^|]*\|/m, "$1 1 / 2 |"),
  };
  for (const [file, text] of Object.entries(tampered)) assert.notEqual(text, original[file]);
  const read = (file: string) =>
    file in tampered ? Promise.resolve(tampered[file]) : Deno.readTextFile(`${ROOT}/${file}`);
  const written = new Map<string, string>();
  const changed = await writeCitedFigures(
    ROOT,
    CITED,
    (file, text) => written.set(file, text),
    read,
  );
  assert.deepEqual(changed.sort(), ["README.md", "docs/results.md", "docs/running.md"]);
  // What was written checks out (padding aside, which deno fmt restores).
  const again = (file: string) =>
    written.has(file) ? Promise.resolve(written.get(file)!) : Deno.readTextFile(`${ROOT}/${file}`);
  assert.deepEqual(await checkCitedFigures(ROOT, CITED, again), []);
  const collapse = (text: string) => text.replace(/\s+/g, " ");
  assert.equal(collapse(written.get("docs/running.md")!), collapse(running));
});

Deno.test("a measured figure no cited figure covers is named by file and line; settings are not", async () => {
  assert.deepEqual(await strayFigures(ROOT, CITED, STRAY_CHECK), []);
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const at = readme.indexOf("## Set-up");
  const edited = `${readme.slice(0, at)}A quick run gave 12.5 ns and 3.1x, at 95% confidence.\n\n${
    readme.slice(at)
  }`;
  const line = edited.slice(0, at).split("\n").length;
  const read = (file: string) =>
    file === "README.md" ? Promise.resolve(edited) : Deno.readTextFile(`${ROOT}/${file}`);
  assert.deepEqual(await strayFigures(ROOT, CITED, STRAY_CHECK, read), [
    { file: "README.md", line, figure: "12.5 ns" },
    { file: "README.md", line, figure: "3.1x" },
  ]);
});

Deno.test("deno task docs:check passes on the committed docs and says how many figures it checked", async () => {
  const run = (args: string[]) =>
    new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stdout: "piped", stderr: "piped" })
      .output();
  const ok = await run(["run", "-A", "tasks/docs_check.ts"]);
  assert.equal(ok.code, 0, new TextDecoder().decode(ok.stderr));
  assert.match(
    new TextDecoder().decode(ok.stdout),
    /^\d+ cited figures agree with their reports$/m,
  );
});
