/**
 * `deno task docs:check`: every figure README.md and docs/ cite from a
 * committed report, computed again from that report (`src/archive/figures.ts`).
 * Prints each one that differs as `file:line: ...` and exits 1; silent and 0
 * when all agree.
 *
 * @module
 */

import { CITED, STRAY_CHECK } from "../src/archive/cited.ts";
import { checkCitedFigures, strayFigures } from "../src/archive/figures.ts";
import { EXIT_FAILURE, runMain } from "../src/base/errors.ts";

async function main(): Promise<void> {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const problems = await checkCitedFigures(root, CITED);
  for (const { file, line, figure } of await strayFigures(root, CITED, STRAY_CHECK)) {
    problems.push(`${file}:${line}: ${figure} is cited from no report (src/archive/cited.ts)`);
  }
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) Deno.exit(EXIT_FAILURE);
  console.log(`${CITED.length} cited figures agree with their reports`);
}

if (import.meta.main) await runMain("docs:check", main);
