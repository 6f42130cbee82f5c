import assert from "node:assert/strict";
import { textTable } from "../src/base/tables.ts";
import { originalLine } from "../src/report/headline.ts";
import { formatNs, formatRatio, secondsWith18Decimals } from "../src/base/format.ts";
import { ORIGINAL } from "../src/report/original.ts";

Deno.test("18 decimals of seconds, exactly as the original printed them", () => {
  assert.equal(secondsWith18Decimals(ORIGINAL.shmNsPerItem), "0.000000007089606793");
  assert.equal(secondsWith18Decimals(ORIGINAL.pipeNsPerItem), "0.000000441069553283");
  assert.equal(secondsWith18Decimals(1.5), "0.000000001500000000");
  assert.equal(secondsWith18Decimals(2.5e9), "2.500000000000000000");
});

Deno.test("the original lines: same labels, same spacing", () => {
  assert.equal(originalLine("shm", ORIGINAL.shmNsPerItem), ORIGINAL.lines[0]);
  assert.equal(originalLine("pipe", ORIGINAL.pipeNsPerItem), ORIGINAL.lines[1]);
  assert.equal(originalLine("no-such-transport", 1), null);
});

Deno.test("numbers for people", () => {
  assert.equal(formatNs(3.21549), "3.215");
  assert.equal(formatNs(1234.5), "1,235");
  assert.equal(formatRatio(118.64), "118.6");
});

Deno.test("text tables align columns", () => {
  const table = textTable(["name", "ns"], [["shm", "3.2"], ["pipe", "381"]], [false, true]);
  assert.equal(table, "name   ns\n----  ---\nshm   3.2\npipe  381");
});
