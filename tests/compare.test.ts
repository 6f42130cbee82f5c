import assert from "node:assert/strict";
import { compareReports, renderComparison, verdictFor } from "../src/compare.ts";
import { machineFacts, machineId } from "../src/machine.ts";
import { fakeEnvironment, fakeReport, STEADY } from "./fixtures.ts";

const scale = (values: number[], factor: number) => values.map((v) => v * factor);

Deno.test("a clear improvement is faster, a clear regression slower, the same data within noise", () => {
  const before = fakeReport();
  const faster = fakeReport({ shm: scale(STEADY.shm, 0.8) });
  const slower = fakeReport({ pipe: scale(STEADY.pipe, 1.25) });
  const { rows: improved } = compareReports(before, faster, 0.05);
  assert.deepEqual(improved.map((r) => [r.transport, r.verdict]), [["shm", "faster"], [
    "pipe",
    "within noise",
  ]]);
  const ring = improved[0];
  assert.ok(Math.abs(ring.ratio - 0.8) < 1e-9);
  assert.ok(ring.ci.high < 0.95 && ring.p < 0.001);
  const { rows: regressed } = compareReports(before, slower, 0.05);
  assert.deepEqual(regressed.map((r) => r.verdict), ["within noise", "slower"]);
  assert.ok(regressed[1].ci.low > 1.05);
  const { rows: same, warnings } = compareReports(before, fakeReport(), 0.05);
  assert.ok(same.every((r) => r.verdict === "within noise" && r.ratio === 1));
  assert.deepEqual(warnings, []);
});

Deno.test("a change inside the threshold is within noise even when it is real", () => {
  const { rows } = compareReports(fakeReport(), fakeReport({ shm: scale(STEADY.shm, 0.97) }), 0.05);
  assert.equal(rows[0].verdict, "within noise");
  assert.ok(rows[0].ci.high < 1, "the CI says 3% faster, but not 5%");
  assert.equal(
    compareReports(fakeReport(), fakeReport({ shm: scale(STEADY.shm, 0.97) }), 0.01).rows[0]
      .verdict,
    "faster",
  );
});

Deno.test("verdicts need the whole CI past the threshold", () => {
  assert.equal(verdictFor({ low: 0.8, high: 0.949, level: 0.95 }, 0.05), "faster");
  assert.equal(verdictFor({ low: 0.8, high: 0.96, level: 0.95 }, 0.05), "within noise");
  assert.equal(verdictFor({ low: 1.051, high: 1.2, level: 0.95 }, 0.05), "slower");
  assert.equal(verdictFor({ low: 1.04, high: 1.2, level: 0.95 }, 0.05), "within noise");
});

Deno.test("a noisy run widens its own threshold: its A/A band", () => {
  const noisy = fakeReport({ shm: [3, 4.5, 3.1, 4.4, 3, 4.6, 3.2, 4.5, 3.1, 4.4] });
  const { rows, warnings } = compareReports(fakeReport(), noisy, 0.05);
  assert.ok(rows[0].threshold > 0.05);
  assert.ok(warnings.some((w) => /judged against their wider A\/A noise band/.test(w)));
});

Deno.test("warnings: few trials, another machine, another compiler, another nice", () => {
  const a = fakeReport({ shm: [3.2, 3.3, 3.1], pipe: [405, 400, 410] });
  const b = fakeReport({ nice: 0 });
  b.machine = { ...b.machine, id: "other-12345678" };
  b.environment = {
    ...b.environment,
    compiler: { ...b.environment.compiler, version: "clang 19" },
  };
  const { warnings } = compareReports(a, b, 0.05);
  assert.ok(
    warnings.some((w) => /^fewer than 9 trials on a side in 2 series/.test(w)),
    warnings.join("\n"),
  );
  assert.ok(
    warnings.some((w) => /^different machines: test-host-0badcafe and other-12345678$/.test(w)),
  );
  assert.ok(warnings.some((w) => /^different compilers or flags:/.test(w)));
  assert.ok(warnings.some((w) => /^different nice achieved: -20 and 0$/.test(w)));
});

Deno.test("warnings: a different --publish-every or --wait is named, the same one is not", () => {
  const a = fakeReport();
  const b = fakeReport();
  b.parameters = { ...b.parameters, publishEvery: [1, 64], wait: "futex" };
  const { warnings } = compareReports(a, b, 0.05);
  assert.ok(warnings.includes("different --publish-every: 1 and 1,64"), warnings.join("\n"));
  assert.ok(warnings.includes("different --wait: own and futex"), warnings.join("\n"));
  assert.ok(!warnings.some((w) => /--pace|--ring-slots/.test(w)), warnings.join("\n"));
  assert.deepEqual(compareReports(b, structuredClone(b), 0.05).warnings, []);
});

Deno.test("the comparison renders as text and as Markdown", () => {
  const { rows } = compareReports(fakeReport(), fakeReport({ shm: scale(STEADY.shm, 0.8) }), 0.05);
  assert.match(
    renderComparison(rows, "plain"),
    /^stream\s+8 B\s+shm\s+cross\s+3\.2\s+2\.56\s+0\.800/m,
  );
  assert.match(
    renderComparison(rows, "markdown"),
    /^\| stream \| 8 B \| shm \| cross \| 3\.2 \| 2\.56 \| 0\.800 \|/m,
  );
});

Deno.test("machine ids come from stable facts only", async () => {
  const facts = machineFacts(fakeEnvironment);
  const id = await machineId(facts);
  assert.match(id, /^test-host-[0-9a-f]{8}$/);
  assert.equal(await machineId({ ...facts }), id, "stable");
  // Frequency, load and kernel are not facts: a different reading gives the same id.
  const changed = {
    ...fakeEnvironment,
    kernel: "6.9",
    cpu: { ...fakeEnvironment.cpu, frequencyMHz: 1200 },
  };
  assert.equal(await machineId(machineFacts(changed)), id);
  assert.notEqual(await machineId({ ...facts, cpuCount: 4 }), id);
  assert.notEqual(await machineId({ ...facts, hostname: "other" }), id);
  // The id of the development VM, as the archive and the upgrade tests know it.
  assert.equal(
    await machineId({
      hostname: "vm",
      cpuModel: "AMD EPYC",
      cpuCount: 2,
      arch: "x86_64",
      os: "linux",
    }),
    "vm-d215170e",
  );
});
