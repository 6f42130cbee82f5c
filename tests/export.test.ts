/**
 * Exports in the formats other tools read, checked against those formats as published: Bencher's
 * BMF JSON schema (an object of benchmarks, each an object of measures with a numeric `value` and
 * optional numeric bounds) and github-action-benchmark's custom entries (`name`, `unit`, `value`,
 * optional `range` and `extra` strings). Each checker accepts its format's own published example.
 */
import assert from "node:assert/strict";
import { toBmf, toGab } from "../src/render/export.ts";
import { loadReport } from "../src/report/schema.ts";
import { runTask } from "./run_task.ts";

const SAMPLE = new URL("../docs/examples/report.json", import.meta.url).pathname;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Bencher's BMF schema, as code: problems found, empty when the value conforms. */
function bmfProblems(value: unknown): string[] {
  if (!isObject(value)) return ["not an object"];
  return Object.entries(value).flatMap(([benchmark, measures]) => {
    if (benchmark === "" || !isObject(measures)) return [`${benchmark}: not an object of measures`];
    return Object.entries(measures).flatMap(([measure, metric]) => {
      if (!isObject(metric) || typeof metric.value !== "number") {
        return [`${benchmark}.${measure}: no numeric value`];
      }
      return ["lower_value", "upper_value"].filter((k) =>
        k in metric && typeof metric[k] !== "number"
      )
        .map((k) => `${benchmark}.${measure}.${k}: not a number`);
    });
  });
}

/** github-action-benchmark's custom entries, as code. */
function gabProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ["not an array"];
  return value.flatMap((e, i) => {
    if (!isObject(e)) return [`[${i}] not an object`];
    const wrong = [
      typeof e.name !== "string" && "name",
      typeof e.unit !== "string" && "unit",
      typeof e.value !== "number" && "value",
      "range" in e && typeof e.range !== "string" && "range",
      "extra" in e && typeof e.extra !== "string" && "extra",
    ].filter((x) => x !== false);
    return wrong.map((k) => `[${i}].${k}`);
  });
}

Deno.test("the checkers accept the formats' published examples and refuse what is not", () => {
  const published = {
    benchmark_name: {
      latency: { value: 88.0, lower_value: 87.42, upper_value: 88.88 },
      throughput: { value: 5.55, lower_value: 3.14, upper_value: 6.30 },
    },
    "/bin/sh -c ./my_build_script.sh": { "build-time": { value: 87.0 } },
    my_binary: { "file-size": { value: 42.0 } },
  };
  assert.deepEqual(bmfProblems(published), []);
  assert.deepEqual(bmfProblems({ b: { latency: { value: "1" } } }), [
    "b.latency: no numeric value",
  ]);
  const gab = [{
    name: "My Custom Smaller Is Better Benchmark - CPU Load",
    unit: "Percent",
    value: 50,
  }];
  assert.deepEqual(gabProblems(gab), []);
  assert.deepEqual(gabProblems([{ name: "x", unit: "ns", value: 1, range: 3 }]), ["[0].range"]);
});

Deno.test("bmf and gab exports of a report conform, one entry per series, bounds from the interval", async () => {
  const report = await loadReport(SAMPLE);
  const bmf = JSON.parse(JSON.stringify(toBmf(report)));
  assert.deepEqual(bmfProblems(bmf), []);
  assert.equal(Object.keys(bmf).length, report.results.length);
  const gab = JSON.parse(JSON.stringify(toGab(report)));
  assert.deepEqual(gabProblems(gab), []);
  for (const [i, r] of report.results.entries()) {
    const ci = r.nsPerItem.medianCi;
    assert.equal(gab[i].value, r.nsPerItem.median);
    if (ci.level >= 0.95) assert.equal(gab[i].range, `95% CI ${ci.low}-${ci.high}`);
    else assert.equal(gab[i].range, undefined, "an interval below 95% is not passed on");
  }
});

Deno.test("deno task export writes the file asked for, and refuses a wrong format in one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ok = await runTask("export", [SAMPLE, "--format", "gab", "--out", `${dir}/gab.json`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(gabProblems(JSON.parse(await Deno.readTextFile(`${dir}/gab.json`))), []);
    const wrong = await runTask("export", [SAMPLE, "--format", "csv"]);
    assert.equal(wrong.code, 2);
    assert.equal(wrong.stderr, "ringpipe export: --format must be bmf or gab, got csv\n");
    const missing = await runTask("export", [`${dir}/none.json`, "--format", "bmf"]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim().split("\n").length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
