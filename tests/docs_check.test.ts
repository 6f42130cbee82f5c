/**
 * The figures README.md and docs/ cite agree with their committed reports, and the check says so
 * by file and line when one does not.
 */
import assert from "node:assert/strict";
import { checkCitedFigures } from "../src/archive/figures.ts";

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
