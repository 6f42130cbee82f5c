/**
 * The builds of a `--variant` run, for the terminal and the page: which
 * compiler, flags and sources each build was, and B over A for every series
 * with its verdict (`../report/variants.ts`).
 *
 * @module
 */

import { markdownTable } from "../base/tables.ts";
import { DEFAULTS } from "../plan/defaults.ts";
import { marginText, variantLines } from "../report/variants.ts";
import type { Report } from "../report/report.ts";

/** One build as a line of words: `clang-lto: clang -O3 -flto (Debian clang 14.0.6), revision abc`. */
function buildWords(
  v: NonNullable<Report["environment"]["variants"]>[number],
): [string, string, string, string] {
  return [
    v.label,
    `${v.compiler.command} ${v.compiler.cflags.join(" ")}`.trim(),
    v.compiler.version,
    v.revision === null ? "this checkout" : v.revision.slice(0, 12),
  ];
}

/**
 * The terminal's lines of a `--variant` run: the builds, then B over A per series; none for a run
 * of one build.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { variantTerminalLines } from "./variants.ts";
 * import { loadReport } from "../report/schema.ts";
 * assert.deepEqual(variantTerminalLines(await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname)), []);
 * ```
 */
export function variantTerminalLines(report: Report): string[] {
  const builds = report.environment.variants ?? [];
  if (builds.length === 0) return [];
  const margin = marginText(report.parameters.margin ?? DEFAULTS.margin);
  return [
    `builds: ${
      builds.map((v) => {
        const [label, flags, , source] = buildWords(v);
        return `${label} = ${flags}${source === "this checkout" ? "" : ` at ${source}`}`;
      }).join("; ")
    }`,
    ...variantLines(report).map(({ line }) => line),
    `(the same: the interval within ±${margin} of 1; faster, slower: it excludes 1; ` +
    `inconclusive: neither)`,
  ];
}

/**
 * The page's section of a `--variant` run: a table of the builds and the comparisons; "" for a run
 * of one build.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { variantSection } from "./variants.ts";
 * import { loadReport } from "../report/schema.ts";
 * assert.equal(variantSection(await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname)), "");
 * ```
 */
export function variantSection(report: Report): string {
  const builds = report.environment.variants ?? [];
  if (builds.length === 0) return "";
  const lines = variantLines(report);
  const [first] = builds;
  return `## Builds side by side

Every series ran once per build, the builds' trials interleaved in the same rounds (each build's ` +
    `workers loading its own shim). Each later build is compared with the first, \`${first.label}\`, ` +
    `by the median of the per-round ratios B/A, with a 95% interval that allows for rounds ` +
    `depending on their neighbours; "the same" means the whole interval lies within ` +
    `±${marginText(report.parameters.margin ?? DEFAULTS.margin)} (in log terms, either way).

${
      markdownTable(
        ["build", "compiler and flags", "compiler version", "sources", "shim"],
        builds.map((v) => {
          const [label, flags, version, source] = buildWords(v);
          return [`\`${label}\``, `\`${flags}\``, version, source, `\`${v.shimKey}\``];
        }),
        [false, false, false, false, false],
      )
    }

${lines.map(({ line }) => `- ${line}`).join("\n")}`;
}
