/**
 * Thousands of random mutations of real reports, fed to the loader: each must
 * end as a one-line ReportError or as a report that every renderer and
 * compare can use. Never another exception, never a stack trace.
 */
import assert from "node:assert/strict";
import { renderCharts } from "../src/render/charts.ts";
import { compareReports } from "../src/report/compare.ts";
import { renderComparison } from "../src/render/compare.ts";
import { encodeReport } from "../src/report/encoding.ts";
import { colorsFor } from "../src/base/format.ts";
import { renderMarkdown } from "../src/render/markdown.ts";
import type { Report } from "../src/report/report.ts";
import { parseReport, ReportError } from "../src/report/schema.ts";
import { mulberry32 } from "../src/stats/statistics.ts";
import { renderSummary } from "../src/render/terminal.ts";
import { fakeReport } from "./fixtures.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const STRANGE: Json[] = [
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  0.5,
  "",
  "x",
  "stream",
  [],
  {},
  [0],
  [[0, 1]],
  { low: 1 },
];

/** Every path to a value in the tree, as keys. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  }
  return out;
}

/** One random change to a copy of `tree`, described in words. */
function mutate(tree: Json, next: () => number): { text: string; what: string } {
  const copy = structuredClone(tree);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[Math.floor(next() * all.length)];
  const parent = path.slice(0, -1).reduce<Json>(
    (node, key) => (node as Record<string, Json>)[key as string],
    copy,
  ) as Record<string | number, Json>;
  const key = path[path.length - 1];
  const kind = Math.floor(next() * 6);
  let what = `${path.join(".")}: `;
  if (kind === 0) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    what += "removed";
  } else if (kind === 1) {
    const value = STRANGE[Math.floor(next() * STRANGE.length)];
    parent[key] = structuredClone(value);
    what += `set to ${JSON.stringify(value)}`;
  } else if (kind === 2 && typeof parent[key] === "number") {
    const factor = [-1, 0, 1e9, 1e-9, 1.5][Math.floor(next() * 5)];
    parent[key] = (parent[key] as number) * factor;
    what += `times ${factor}`;
  } else if (kind === 3 && Array.isArray(parent[key])) {
    const list = parent[key] as Json[];
    list.length = Math.floor(next() * list.length);
    what += `cut to ${list.length} items`;
  } else if (kind === 4 && Array.isArray(parent[key])) {
    const list = parent[key] as Json[];
    if (list.length > 0) list.push(structuredClone(list[0]));
    what += "one item more";
  } else {
    const text = JSON.stringify(copy);
    const at = Math.floor(next() * text.length);
    return next() < 0.5
      ? { text: text.slice(0, at), what: `text cut at ${at}` }
      : { text: text.slice(0, at) + "\u0000" + text.slice(at + 1), what: `text byte ${at} broken` };
  }
  return { text: JSON.stringify(copy), what };
}

/** Everything a person can do with a report that loaded. */
function useEverywhere(report: Report): void {
  renderMarkdown(report);
  renderCharts(report);
  renderSummary(report, colorsFor({ isTerminal: () => false }));
  const { rows } = compareReports(report, report, 0.05);
  renderComparison(rows, "plain");
  encodeReport(report);
}

async function fuzz(name: string, text: string, count: number, seed: number): Promise<number> {
  const tree = JSON.parse(text) as Json;
  const next = mulberry32(seed);
  let loaded = 0;
  for (let i = 0; i < count; i++) {
    const { text: mutated, what } = mutate(tree, next);
    try {
      const report = await parseReport(mutated, "fuzz.json");
      useEverywhere(report);
      loaded++;
    } catch (error) {
      if (error instanceof ReportError && !error.message.includes("\n")) continue;
      const why = error instanceof Error ? error.stack : String(error);
      assert.fail(`${name}, mutation ${i} (${what}): ${why}`);
    }
  }
  return loaded;
}

const current = encodeReport(fakeReport({ pingpong: true }));
const fileServer = encodeReport(fakeReport({ fileserver: [1, 8] }));
const data = (name: string) => Deno.readTextFileSync(new URL(`./data/${name}`, import.meta.url));

Deno.test("3,000 random mutations of current reports: a one-line error or a report that renders", async () => {
  const loaded = await fuzz("current", current, 2000, 1) +
    await fuzz("fileserver", fileServer, 1000, 2);
  // Many mutations are harmless (a warning removed, a figure changed): they must load and render.
  assert.ok(loaded > 300, `${loaded} mutations loaded`);
});

for (const version of [1, 2, 3, 4]) {
  Deno.test(`300 random mutations of a real schema ${version} report: a one-line error or a report that renders`, async () => {
    await fuzz(`v${version}`, data(`report-v${version}.json`), 300, 10 + version);
  });
}
