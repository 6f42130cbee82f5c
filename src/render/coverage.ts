/**
 * The coverage table of `docs/statistics.md`, from `../stats/coverage.ts`: one
 * row per simulated shape and run length, each interval method's coverage
 * with its Wilson interval. `deno task stats:coverage` prints it; a test
 * checks that the docs hold exactly what it prints.
 *
 * @module
 */

import { markdownTable } from "../base/tables.ts";
import { coverageTable, INTERVAL_METHODS } from "../stats/coverage.ts";
import type { CoverageRow } from "../stats/coverage.ts";

/**
 * The coverage rows as a Markdown table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderCoverage } from "./coverage.ts";
 * import { rate } from "../stats/proportion.ts";
 * const row = { shape: "independent", n: 26, coverage: { a: rate(1943, 2000), b: rate(1964, 2000) } };
 * assert.match(renderCoverage([row]), /\| independent \| 26 \| 97\.2% \(96\.3-97\.8\) \| 98\.2% \(97\.5-98\.7\) \|/);
 * ```
 */
export function renderCoverage(rows: readonly CoverageRow[]): string {
  const methods = Object.keys(rows[0]?.coverage ?? INTERVAL_METHODS);
  const pct = (x: number) => (x * 100).toFixed(1);
  return markdownTable(
    ["shape", "trials", ...methods],
    rows.map((row) => [
      row.shape,
      String(row.n),
      ...methods.map((m) => {
        const r = row.coverage[m];
        return `${pct(r.rate)}% (${pct(r.ci.low)}-${pct(r.ci.high)})`;
      }),
    ]),
    [false, true, ...methods.map(() => true)],
  );
}

/**
 * The table as the docs show it: the defaults of {@link coverageTable}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { coverageMarkdown } from "./coverage.ts";
 * const table = coverageMarkdown(); // about 3 s of simulation
 * assert.equal(table.split("\n").length, 2 + 20); // header, alignment, five shapes at four lengths
 * ```
 */
export function coverageMarkdown(): string {
  return renderCoverage(coverageTable());
}
