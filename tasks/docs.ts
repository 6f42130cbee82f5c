/**
 * `deno task docs`: writes every figure README.md and docs/ cite from a
 * committed report, computed again from that report (`src/archive/figures.ts`),
 * and lays the changed documents out again with `deno fmt`; then checks them
 * as `deno task docs:check` does. Run it after a change to how figures are
 * computed or rounded, and read the diff.
 *
 * @module
 */

import { CITED } from "../src/archive/cited.ts";
import { checkCitedFigures, writeCitedFigures } from "../src/archive/figures.ts";
import { EXIT_FAILURE, runMain } from "../src/base/errors.ts";

async function main(): Promise<void> {
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const changed = await writeCitedFigures(root, CITED);
  if (changed.length > 0) {
    await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--quiet", ...changed.map((file) => `${root}/${file}`)],
    }).output();
    console.log(`rewrote figures in ${changed.join(", ")}`);
  }
  const problems = await checkCitedFigures(root, CITED);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) Deno.exit(EXIT_FAILURE);
  console.log(`${CITED.length} cited figures written from their reports`);
}

if (import.meta.main) await runMain("docs", main);
