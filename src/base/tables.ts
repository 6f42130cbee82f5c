/**
 * Tables for people: aligned plain text for the terminal, GitHub Markdown for
 * pages. Cells are strings already formatted; each column says whether it is
 * right-aligned (numbers) or not.
 *
 * @module
 */

/**
 * Lays rows out as aligned plain-text columns; numbers (right-aligned) are
 * told apart from text by `alignRight`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textTable } from "./tables.ts";
 * assert.equal(
 *   textTable(["name", "ns"], [["shm", "3.2"], ["pipe", "381"]], [false, true]),
 *   "name   ns\n----  ---\nshm   3.2\npipe  381",
 * );
 * ```
 */
export function textTable(header: string[], rows: string[][], alignRight: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => alignRight[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/**
 * A GitHub Markdown table; `|` in cells is escaped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { markdownTable } from "./tables.ts";
 * assert.equal(markdownTable(["a", "b"], [["1", "2"]], [false, true]), "| a | b |\n| --- | ---: |\n| 1 | 2 |");
 * ```
 */
export function markdownTable(header: string[], rows: string[][], alignRight: boolean[]): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [
    line(header),
    `|${alignRight.map((right) => (right ? " ---: " : " --- ")).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}
