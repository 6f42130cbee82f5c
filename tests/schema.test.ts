import assert from "node:assert/strict";
import { renderMarkdown } from "../src/render/markdown.ts";
import { SCHEMA_VERSION } from "../src/report/report.ts";
import { loadReport, parseReport, ReportError, validateReport } from "../src/report/schema.ts";
import { UsageError } from "../src/base/errors.ts";
import { fakeReport } from "./fixtures.ts";
import { encodeReport } from "../src/report/encoding.ts";

const data = (name: string) => new URL(`./data/${name}`, import.meta.url).pathname;

for (const version of [1, 2, 3]) { // 4 is below: nothing to recompute
  Deno.test(`a schema ${version} report is upgraded on read, its figures recomputed from its trials`, async () => {
    const report = await loadReport(data(`report-v${version}.json`));
    assert.equal(report.schemaVersion, SCHEMA_VERSION);
    assert.equal(report.machine.id, "vm-d215170e");
    const ring = report.results.find((r) => r.transport === "shm" && r.mode === "stream")!;
    assert.equal(ring.sizeBytes, 8);
    assert.equal(ring.nsPerItem.count, ring.samples.length);
    assert.ok(ring.nsPerItem.medianCi.low <= ring.nsPerItem.median);
    assert.equal(report.comparisons.find((c) => c.mode === "stream")!.name, "pipe/shm");
    assert.ok(
      report.warnings.at(-1)!.startsWith(`upgraded on read from schema version ${version}`),
    );
    // The upgraded report renders like any other, deterministically.
    assert.equal(
      renderMarkdown(report),
      renderMarkdown(await loadReport(data(`report-v${version}.json`))),
    );
  });
}

Deno.test("a schema 4 report with the deno engine gets its cadence per series, noise per engine", async () => {
  const report = await loadReport(data("report-v4.json"));
  assert.equal(report.schemaVersion, SCHEMA_VERSION);
  assert.deepEqual(report.parameters.publishEvery, [64]);
  assert.deepEqual(
    report.results.map((r) => `${r.transport} ${r.engine} ${r.publishEvery ?? "-"}`),
    ["shm native -", "shm deno 64"],
  );
  assert.deepEqual(report.noise.series.map((n) => n.engine), ["native", "deno"]);
  const ratio = report.comparisons.find((c) => c.name === "deno/native")!;
  assert.equal(ratio.numerator, "shm (deno, every 64)");
  assert.ok(ratio.ci.low <= ratio.ratio && ratio.ratio <= ratio.ci.high);
  assert.equal(report.warnings.at(-1), "upgraded on read from schema version 4");
  assert.match(renderMarkdown(report), /\| stream \| 8 B \| `shm` \| 64 \| cross \|/);
  assert.match(
    renderMarkdown(report),
    /^\| report schema \| 6 \(written as 4, upgraded on read\) \|$/m,
  );
});

Deno.test("a current report passes as it is, written compactly and read back whole", async () => {
  for (const run of [{ pingpong: true }, {}]) {
    const report = fakeReport(run);
    assert.deepEqual(await parseReport(encodeReport(report), "x.json"), report);
  }
  const kept = fakeReport({}, {}, ["--runs", "10", "--keep-warmup"]);
  assert.equal(kept.results[0].warmup.length, 1);
  assert.deepEqual(await parseReport(encodeReport(kept), "x.json"), kept);
});

const malformed: [string, (r: Record<string, unknown>) => unknown, RegExp][] = [
  ["truncated", () => null, /^bad\.json: not valid JSON \(.*\); is the file truncated\?$/],
  [
    "no schemaVersion",
    (r) => ({ ...r, schemaVersion: undefined }),
    /^bad\.json: not a ringpipe report \(no numeric schemaVersion\)$/,
  ],
  [
    "a newer schema",
    (r) => ({ ...r, schemaVersion: 99 }),
    new RegExp(
      `^bad\\.json: schema version 99 is newer than this kit reads \\(${SCHEMA_VERSION}\\); update ringpipe$`,
    ),
  ],
  ["a missing field", (r) => ({ ...r, results: undefined }), /^bad\.json: \$\.results is missing$/],
  ["a wrong type", (r) => {
    const parameters = structuredClone(r.parameters) as { trialSeconds: unknown };
    parameters.trialSeconds = "fast";
    return { ...r, parameters };
  }, /^bad\.json: \$\.parameters\.trialSeconds must be a finite number, got string$/],
  ["a wrong type in a trial column", (r) => {
    const results = structuredClone(r.results) as { trials: { each: { elapsedNs: unknown[] } } }[];
    results[0].trials.each.elapsedNs[3] = "fast";
    return { ...r, results };
  }, /^bad\.json: \$\.results\[0\]\.samples\[3\]\.elapsedNs must be a finite number, got string$/],
  ["a trial column of the wrong length", (r) => {
    const results = structuredClone(r.results) as { trials: { each: { elapsedNs: unknown[] } } }[];
    results[0].trials.each.elapsedNs.pop();
    return { ...r, results };
  }, /^bad\.json: \$\.results\[0\]\.trials\.each\.elapsedNs must be an array of 10 values$/],
  ["an unverified result", (r) => {
    const results = structuredClone(r.results) as { verified: unknown }[];
    results[0].verified = false;
    return { ...r, results };
  }, /^bad\.json: \$\.results\[0\]\.verified must be one of true, got boolean$/],
  [
    "an unknown mode",
    (r) => {
      const results = structuredClone(r.results) as { mode: unknown }[];
      results[0].mode = "broadcast";
      return { ...r, results };
    },
    /^bad\.json: \$\.results\[0\]\.mode must be one of "stream", "pingpong", "fileserver", got string$/,
  ],
  [
    "a legacy report missing its trials",
    (r) => ({ ...r, schemaVersion: 2, results: [{ transport: "shm", iterations: 5, warmup: [] }] }),
    /^bad\.json: \$\.results\[0\]\.samples is missing$/,
  ],
  ["not an object", () => [1, 2, 3], /^bad\.json: not a ringpipe report/],
  [
    "a control whose pairs do not match its rounds",
    (r) => ({
      ...r,
      controls: [{
        kind: "pipe-loop",
        series: "pipe stream 8 B cross spin",
        method: "",
        cpus: null,
        rounds: [1, 2],
        beside: [1],
      }],
    }),
    /^bad\.json: \$\.controls\[0\]\.beside must be empty or as long as its rounds$/,
  ],
  [
    "a control of an unknown kind",
    (r) => ({
      ...r,
      controls: [{ kind: "magic", series: "", method: "", cpus: null, rounds: [1], beside: [] }],
    }),
    /^bad\.json: \$\.controls\[0\]\.kind must be one of "pipe-loop", "unstamped", "pread", "uring-read", "null-syscall", got string$/,
  ],
];

for (const [what, change, message] of malformed) {
  Deno.test(`refused with one line: ${what}`, async () => {
    const report = JSON.parse(encodeReport(fakeReport())) as Record<string, unknown>;
    const changed = change(report);
    const text = changed === null ? JSON.stringify(report).slice(0, 500) : JSON.stringify(changed);
    await assert.rejects(() => parseReport(text, "bad.json"), (error: unknown) => {
      assert.ok(error instanceof ReportError);
      assert.ok(error instanceof UsageError, "exit code 2 at the top of a task");
      assert.match(error.message, message);
      assert.ok(!error.message.includes("\n"));
      return true;
    });
  });
}

Deno.test("a missing file is one line too", async () => {
  await assert.rejects(() => loadReport("/nonexistent/r.json"), (error: unknown) => {
    assert.ok(error instanceof ReportError);
    assert.equal(error.message, "/nonexistent/r.json: no such file");
    return true;
  });
});

Deno.test("the types of every version's file are the ones deno task schema:types writes from its schema", async () => {
  const { MODULES, schemaTypes } = await import("../tasks/schema_types.ts");
  const root = new URL("../", import.meta.url);
  for (const { schema, module, names } of MODULES) {
    const json = JSON.parse(await Deno.readTextFile(new URL(schema, root)));
    const formatter = new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--ext", "ts", "-"],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = formatter.stdin.getWriter();
    await writer.write(new TextEncoder().encode(schemaTypes(json, names)));
    await writer.close();
    const formatted = new TextDecoder().decode((await formatter.output()).stdout);
    assert.equal(
      formatted,
      await Deno.readTextFile(new URL(module, root)),
      `${module} is stale: run deno task schema:types`,
    );
  }
});

Deno.test("every archived report file of the current version passes the JSON Schema as it is", async () => {
  const { listReports } = await import("../src/archive/catalog.ts");
  const root = new URL("../results", import.meta.url).pathname;
  const files = listReports(root).archived;
  assert.ok(files.length > 0);
  for (const file of files) validateReport(JSON.parse(await Deno.readTextFile(file)), file);
  validateReport(JSON.parse(encodeReport(fakeReport({ fileserver: [1, 8] }))), "fake");
});

Deno.test("older versions are checked by their frozen schemas, with the same checker and one-line errors", async () => {
  const v4 = JSON.parse(await Deno.readTextFile(new URL("./data/report-v4.json", import.meta.url)));
  const cases: [string, unknown, RegExp][] = [
    // Version 4 wrote one cadence as a number; version 5 a list.
    [
      "a version 5 report with version 4's cadence",
      { ...v4, schemaVersion: 5 },
      /^old\.json: \$\.parameters\.publishEvery must be an array, got an integer$/,
    ],
    [
      "a version 4 report whose trial has no iterations",
      {
        ...v4,
        results: [{ ...v4.results[0], samples: [{ ...v4.results[0].samples[0], iterations: 0 }] }],
      },
      /^old\.json: \$\.results\[0\]\.samples\[0\]\.iterations must be a number above 0, got an integer$/,
    ],
    [
      "a version 4 histogram bucket out of range",
      {
        ...v4,
        results: [{
          ...v4.results[0],
          latency: { clock: "", roundTrip: {}, oneWayAsHalfRoundTrip: {}, histogram: [[1e9, 1]] },
        }],
      },
      /^old\.json: \$\.results\[0\]\.latency/,
    ],
  ];
  for (const [what, value, message] of cases) {
    await assert.rejects(() => parseReport(JSON.stringify(value), "old.json"), (error: unknown) => {
      assert.ok(error instanceof ReportError, what);
      assert.match(error.message, message, what);
      assert.ok(!error.message.includes("\n"), what);
      return true;
    });
  }
  // As written, the version 4 file passes its frozen schema and reads.
  assert.equal((await parseReport(JSON.stringify(v4), "old.json")).schemaVersion, 6);
});
