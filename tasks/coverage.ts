/**
 * `deno task stats:coverage`: how often the kit's 95% intervals of a median
 * cover it on simulated trials shaped like the development VM's (serially
 * dependent, or flipping between two states), beside the interval that
 * assumes independent trials. Prints the Markdown table `docs/statistics.md`
 * holds (seeded: the same table every time).
 *
 * @module
 */

import { runMain } from "../src/base/errors.ts";
import { coverageMarkdown } from "../src/render/coverage.ts";
import { COVERAGE_DEFAULTS } from "../src/stats/coverage.ts";

async function main(): Promise<void> {
  if (Deno.args.length > 0) {
    console.log("Usage: deno task stats:coverage (no options; the table is seeded)");
    return;
  }
  console.log(
    `${COVERAGE_DEFAULTS.repetitions} simulated runs per row, seed ${COVERAGE_DEFAULTS.seed}; ` +
      "coverage of the true median, with its 95% Wilson interval\n",
  );
  console.log(coverageMarkdown());
  await Promise.resolve();
}

if (import.meta.main) await runMain("stats:coverage", main);
