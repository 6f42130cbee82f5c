import assert from "node:assert/strict";
import { compareReports, replicatesOf, verdictFor } from "../src/report/compare.ts";
import { compareControls } from "../src/report/compare_controls.ts";
import { renderComparison, renderControlComparison } from "../src/render/compare.ts";
import { slowedDown } from "../src/archive/audit.ts";
import type { Report } from "../src/report/report.ts";
import { fakeReport, STEADY } from "./fixtures.ts";

/** A report of the given commit (clean checkout). */
const atCommit = (report: Report, commit: string): Report => ({
  ...report,
  kit: { ...report.kit, commit, dirty: false },
});

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
  assert.ok(ring.ci.high < 0.95);
  const { rows: regressed } = compareReports(before, slower, 0.05);
  assert.deepEqual(regressed.map((r) => r.verdict), ["within noise", "slower"]);
  assert.ok(regressed[1].ci.low > 1.05);
  const { rows: same, warnings } = compareReports(before, fakeReport(), 0.05);
  assert.ok(same.every((r) => r.verdict === "within noise" && r.ratio === 1));
  // Nothing differs; the one warning says the verdicts rest on the two runs alone.
  assert.deepEqual(warnings.map((w) => w.slice(0, 42)), [
    "2 series judged on the two runs' own trial",
  ]);
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

Deno.test("thresholds are symmetric in log terms: faster below 1/(1+t), as slower above 1+t", () => {
  for (const t of [0.05, 0.25, 1, 1.19]) {
    const up = { low: (1 + t) * 1.001, high: (1 + t) * 1.001, level: 1 };
    const down = { low: 1 / up.low, high: 1 / up.high, level: 1 };
    assert.equal(verdictFor(up, t), "slower", `t=${t}`);
    assert.equal(verdictFor(down, t), "faster", `t=${t}`);
    const inside = { low: 0.999 / (1 + t), high: 0.999 / (1 + t), level: 1 };
    assert.equal(verdictFor(inside, t), "faster", `just past 1/(1+t), t=${t}`);
    const edge = { low: 1.001 / (1 + t), high: 1.001 / (1 + t), level: 1 };
    assert.equal(verdictFor(edge, t), "within noise", `t=${t}`);
  }
  // The committed row the asymmetric rule missed: B/A 0.798 (CI 0.730-0.851) with a 15.6% band.
  assert.equal(verdictFor({ low: 0.730, high: 0.851, level: 0.95 }, 0.156), "faster");
});

Deno.test("without replicates a row is judged on the two runs' trials, and says so", () => {
  const noisy = fakeReport({ shm: [3, 4.5, 3.1, 4.4, 3, 4.6, 3.2, 4.5, 3.1, 4.4] });
  const { rows, warnings } = compareReports(fakeReport(), noisy, 0.05);
  assert.equal(rows[0].noise.source, "within run");
  assert.equal(rows[0].threshold, 0.05);
  assert.equal(rows[0].verdict, "within noise", "the interval is wide: it reaches inside 5%");
  assert.ok(rows[0].ci.high / rows[0].ci.low > 1.2);
  assert.ok(
    warnings.some((w) => /judged on the two runs' own trials \(no replicates/.test(w)),
    warnings.join("\n"),
  );
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
  assert.ok(warnings.some((w) => /^different compiler and flags:/.test(w)));
  assert.ok(warnings.some((w) => /^different nice achieved: -20 and 0$/.test(w)));
});

Deno.test("warnings: a different --publish-every or --wait is named, the same one is not", () => {
  const a = fakeReport();
  const b = fakeReport();
  b.parameters = { ...b.parameters, publishEvery: [1, 64], wait: "futex" };
  const { warnings } = compareReports(a, b, 0.05);
  assert.ok(warnings.includes("different --publish-every: 1 and 1,64"), warnings.join("\n"));
  assert.ok(
    warnings.includes("different --wait: each transport's own and futex"),
    warnings.join("\n"),
  );
  assert.ok(!warnings.some((w) => /--pace|--ring-slots/.test(w)), warnings.join("\n"));
  assert.deepEqual(
    compareReports(b, structuredClone(b), 0.05).warnings.filter((w) => !/no replicates/.test(w)),
    [],
  );
});

Deno.test("the comparison renders as text and as Markdown", () => {
  const { rows } = compareReports(fakeReport(), fakeReport({ shm: scale(STEADY.shm, 0.8) }), 0.05);
  assert.match(
    renderComparison(rows, "plain"),
    /^stream\s+8 B\s+shm\s+cross\s+3\.2 ns\s+2\.56 ns\s+-20\.0%\s+0\.800/m,
  );
  assert.match(
    renderComparison(rows, "markdown"),
    /^\| stream \| 8 B \| shm \| cross \| 3\.2 ns \| 2\.56 ns \| -20\.0% \| 0\.800 \|/m,
  );
});

Deno.test("file-server rows pair by depth: depth 8 is never compared with depth 1", () => {
  const a = fakeReport({ fileserver: [1, 8] });
  const b = fakeReport({ fileserver: [8] });
  const { rows, warnings } = compareReports(a, b, 0.05);
  assert.deepEqual(rows.map((r) => [r.queueDepth, r.verdict]), [[8, "within noise"]]);
  assert.equal(rows[0].ratio, 1);
  assert.ok(
    warnings.some((w) => /^1 series only in A and 0 only in B/.test(w)),
    warnings.join("\n"),
  );
  assert.match(renderComparison(rows, "plain"), /shm depth 8/);
});

Deno.test("a different trial length makes every row not comparable, and says why", () => {
  const a = fakeReport();
  const b = fakeReport({ shm: scale(STEADY.shm, 2.79) });
  b.parameters = { ...b.parameters, trialSeconds: 2 };
  const { rows, warnings, differences } = compareReports(a, b, 0.05);
  assert.deepEqual(rows.map((r) => r.verdict), ["not comparable", "not comparable"]);
  assert.ok(Math.abs(rows[0].ratio - 2.79) < 1e-9, "the ratio is still shown");
  assert.deepEqual(differences.map((d) => [d.name, d.a, d.b, d.breaks]), [
    ["--trial-seconds", "0.05", "2", true],
  ]);
  assert.ok(
    warnings.some((w) => /^not comparable: --trial-seconds differs \(0\.05 and 2\)/.test(w)),
  );
});

Deno.test("other parameters are named when they differ: sizes, kernel, pinning", () => {
  const a = fakeReport();
  const b = fakeReport();
  b.parameters = { ...b.parameters, sizes: [8, 4096] };
  b.environment = { ...b.environment, kernel: "6.18.44" };
  b.placement = { ...b.placement, cpus: [2, 3] };
  const { rows, warnings } = compareReports(a, b, 0.05);
  assert.ok(rows.every((r) => r.verdict === "within noise"), "none of these breaks a trial");
  for (
    const w of [
      "different --sizes: 8 B,64 B,512 B,4 KiB,64 KiB,1 MiB and 8 B,4 KiB",
      "different kernel: 6.1.0-test and 6.18.44",
      "different pinning: 0,1 and 2,3",
    ]
  ) {
    assert.ok(warnings.includes(w), `${w}\n${warnings.join("\n")}`);
  }
});

Deno.test("different hardware is named fact by fact, even in one folder; the environment apart", () => {
  const a = fakeReport();
  const b = fakeReport();
  b.machine = {
    ...b.machine,
    fingerprint: { ...b.machine.fingerprint, cpuFamily: "25", clockSource: "kvm-clock" },
  };
  const { warnings } = compareReports(a, b, 0.05);
  assert.ok(
    warnings.includes(
      "one folder (test-host-0badcafe) but different hardware (CPU family: 6 → 25)",
    ),
    warnings.join("\n"),
  );
  assert.ok(
    warnings.includes("different environment (not the hardware): clock source: tsc → kvm-clock"),
    warnings.join("\n"),
  );
});

Deno.test("noise from replicates: same-code runs set the band, and the row says so", () => {
  const run = (factor: number, commit = "a".repeat(40)) =>
    atCommit(
      fakeReport({ shm: scale(STEADY.shm, factor), pipe: scale(STEADY.pipe, factor) }),
      commit,
    );
  const a = run(1);
  const b = run(1.1, "b".repeat(40)); // 10% slower, with a within-run CI far from 1
  // A drifting machine: earlier runs of A's commit spread over about ±20%.
  const drifting = [0.82, 1.0, 1.21, 0.9, 1.12, 0.95].map((f) => run(f));
  const loose = compareReports(a, b, 0.05, { evidence: drifting });
  assert.deepEqual(
    loose.rows.map((r) => [r.noise.source, r.noise.runs, r.noise.pairs, r.verdict]),
    [
      ["replicates", 6, 15, "within noise"],
      ["replicates", 6, 15, "within noise"],
    ],
  );
  assert.ok(loose.rows[0].threshold > 0.2);
  // A steady machine: runs within ±1%; the same change is now a regression.
  const steady = [0.99, 1.0, 1.01, 1.0, 0.995].map((f) => run(f));
  const tight = compareReports(a, b, 0.05, { evidence: steady });
  assert.deepEqual(tight.rows.map((r) => r.verdict), ["slower", "slower"]);
  assert.equal(tight.rows[0].threshold, 0.05, "the asked threshold when the noise is smaller");
  // One pair of replicates is not enough: the two runs' own trials, labelled.
  assert.equal(
    compareReports(a, b, 0.05, { evidence: steady.slice(0, 2) }).rows[0].noise.source,
    "within run",
  );
});

Deno.test("a folder holding runs from both sides of a change: the change is seen, both ways", () => {
  // Three runs of one commit and three of another whose every trial is 1.5x longer (then 1/1.5).
  for (const factor of [1.5, 1 / 1.5]) {
    const before = [1, 0.99, 1.01].map((f, i) =>
      atCommit(
        fakeReport({ shm: scale(STEADY.shm, f + i * 0.001), pipe: scale(STEADY.pipe, f) }),
        "a".repeat(40),
      )
    );
    const after = before.map((r) => atCommit(slowedDown(r, factor), "b".repeat(40)));
    const folder = [...before, ...after];
    const [a, b] = [before[0], after[0]];
    const evidence = replicatesOf(a, b, folder);
    assert.equal(evidence.length, 4, "A and B are left out; the other four are replicates");
    const { rows } = compareReports(a, b, 0.05, { evidence });
    const expected = factor > 1 ? "slower" : "faster";
    assert.deepEqual(rows.map((r) => [r.noise.source, r.verdict]), [
      ["replicates", expected],
      ["replicates", expected],
    ]);
    // Had the six been pooled as one group, the band would have been the change itself.
    const pooled = folder.map((r) => atCommit(r, "a".repeat(40)));
    const blind = compareReports(atCommit(a, "a".repeat(40)), atCommit(b, "a".repeat(40)), 0.05, {
      evidence: pooled.filter((r) => r !== pooled[0] && r !== pooled[3]),
    });
    assert.ok(blind.rows.every((r) => r.verdict === "within noise"));
  }
});

Deno.test("replicates never come from a checkout with changes, another commit or other parameters", () => {
  const a = atCommit(fakeReport(), "a".repeat(40));
  const b = atCommit(fakeReport(), "b".repeat(40));
  const dirty = { ...a, kit: { ...a.kit, dirty: true } };
  const third = atCommit(fakeReport(), "c".repeat(40));
  const slots = { ...a, parameters: { ...a.parameters, ringSlots: 64 } };
  const twin = structuredClone(a);
  assert.deepEqual(replicatesOf(a, b, [a, b, dirty, third, slots, twin]), [twin]);
  // A from a dirty checkout has no commit that names its code: only B's replicates count.
  const dirtyA = { ...a, kit: { ...a.kit, dirty: true } };
  assert.deepEqual(replicatesOf(dirtyA, b, [twin, structuredClone(b)]).map((r) => r.kit.commit), [
    "b".repeat(40),
  ]);
});

Deno.test("ping-pong rows compare p99 and p99.9 too", () => {
  const { rows } = compareReports(
    fakeReport({ pingpong: true }),
    fakeReport({ pingpong: true }),
    0.05,
  );
  const pingpong = rows.filter((r) => r.mode === "pingpong");
  assert.equal(pingpong.length, 2);
  assert.ok(pingpong.every((r) => r.tail !== null && r.tail.p99[0] === r.tail.p99[1]));
  assert.ok(rows.filter((r) => r.mode === "stream").every((r) => r.tail === null));
  const text = renderComparison(rows, "plain");
  assert.match(text, /^Tail latency/m);
  assert.match(text, /^pingpong\s+8 B\s+shm\s+cross\s+[\d.]+ (ns|µs)\s+[\d.]+ (ns|µs)\s+\+0\.0%/m);
});

Deno.test("a pipe that was a named FIFO is not compared with a pipe(2): those rows are not comparable", () => {
  const before = fakeReport();
  const { pipe: _, ...parameters } = before.parameters;
  before.parameters = parameters;
  const { rows, warnings } = compareReports(before, fakeReport(), 0.05);
  assert.deepEqual(rows.map((r) => [r.transport, r.verdict]), [["shm", "within noise"], [
    "pipe",
    "not comparable",
  ]]);
  assert.ok(
    warnings.includes(
      "not comparable for pipe and pipe-splice: the pipe was a named FIFO in A and pipe(2) in B (the FIFO is now the fifo transport)",
    ),
    warnings.join("\n"),
  );
});

Deno.test("io_uring streams with another --uring-batch are not comparable; other rows keep their verdicts", () => {
  const withBatch = (batch: number, transport: string) => {
    const report = fakeReport();
    report.parameters = { ...report.parameters, uringBatch: batch };
    report.results = report.results.map((r) => r.transport === "pipe" ? { ...r, transport } : r);
    return report;
  };
  const uring = compareReports(withBatch(16, "pipe-uring"), withBatch(64, "pipe-uring"), 0.05);
  assert.deepEqual(uring.rows.map((r) => [r.transport, r.verdict]), [
    ["shm", "within noise"],
    ["pipe-uring", "not comparable"],
  ]);
  assert.ok(
    uring.warnings.includes(
      "not comparable for the io_uring streams: --uring-batch differs (16 and 64), and a stream makes one system call per batch",
    ),
    uring.warnings.join("\n"),
  );
  // Without io_uring rows the batch changes nothing measured: named, no verdict taken away.
  const plain = compareReports(withBatch(16, "pipe"), withBatch(64, "pipe"), 0.05);
  assert.deepEqual(plain.rows.map((r) => r.verdict), ["within noise", "within noise"]);
  assert.ok(
    plain.warnings.includes("different --uring-batch: 16 and 64"),
    plain.warnings.join("\n"),
  );
});

Deno.test("controls both runs measured are set side by side; one run's alone are left out", () => {
  const withControls = (factor: number) => {
    const report = fakeReport();
    const pipe = report.results.find((r) => r.transport === "pipe")!;
    const beside = pipe.samples.map((s) => s.nsPerItem);
    report.controls = [{
      kind: "pipe-loop",
      series: "pipe stream 8 B cross spin",
      method: "a C loop",
      cpus: [0, 1],
      rounds: beside.map((ns) => ns / factor),
      beside,
    }];
    return report;
  };
  const [a, b] = [withControls(1.05), withControls(0.98)];
  const list = compareControls(a, b);
  assert.deepEqual(list.map((c) => [c.kind, c.series, c.a.pairs, c.b.pairs]), [
    ["pipe-loop", "pipe stream 8 B cross spin", 10, 10],
  ]);
  assert.ok(Math.abs(list[0].a.ratio - 1.05) < 1e-9 && Math.abs(list[0].b.ratio - 0.98) < 1e-9);
  const text = renderControlComparison(list, "plain");
  assert.match(
    text,
    /^pipe stream 8 B cross spin\s+over a plain C pipe\(2\) loop\s+1\.050× \(95% CI 1\.050-1\.050×\)\s+0\.980× \(95% CI 0\.980-0\.980×\)$/m,
  );
  assert.match(
    renderControlComparison(list, "markdown"),
    /^\| pipe stream 8 B cross spin \| over a plain C pipe\(2\) loop \|/m,
  );
  // Only in one run, or of a series the other run lacks: nothing to set beside it.
  assert.deepEqual(compareControls(a, fakeReport()), []);
  assert.equal(renderControlComparison([], "plain"), "");
});
