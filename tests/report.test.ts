import assert from "node:assert/strict";
import { colorsFor } from "../src/base/format.ts";
import { renderMarkdown } from "../src/render/markdown.ts";
import { SCHEMA_VERSION } from "../src/report/report.ts";
import { renderSummary } from "../src/render/terminal.ts";
import { compareWithRing } from "../src/report/derived.ts";
import { reportWarnings } from "../src/report/warnings.ts";
import { controlLines, headline } from "../src/report/headline.ts";
import { renderIndex } from "../src/archive/catalog.ts";
import { fakeEnvironment, fakeReport, STEADY } from "./fixtures.ts";
import { controlFigures } from "../src/report/control_figures.ts";
import { encodeReport } from "../src/report/encoding.ts";
import { loadReport, parseReport } from "../src/report/schema.ts";
import { seriesKey } from "../src/plan/series.ts";

Deno.test("the report has every documented field", () => {
  const report = fakeReport();
  assert.equal(report.schemaVersion, SCHEMA_VERSION);
  assert.equal(report.kit.name, "ringpipe");
  assert.match(report.kit.version, /^\d+\.\d+\.\d+/);
  assert.equal(report.createdAt, "2026-11-27T15:46:17.123Z");
  assert.equal(report.environment.cpu.model, "Test CPU @ 3.0GHz");
  assert.deepEqual(report.processes.map((p) => p.role), ["supervisor", "producer", "consumer"]);
  assert.equal(report.parameters.runs, 10);
  assert.deepEqual(report.sampling, {
    stopReason: "fixed-count",
    targetReached: null,
    elapsedSeconds: 12.5,
    warmupTrials: 2,
    timedTrials: 20,
  });
  assert.deepEqual(report.placement, { request: "auto", cpus: [0, 1], relation: "shared-llc" });
  assert.match(report.methods.medianCi, /order-statistic interval widened for serial dependence/);
  for (const result of report.results) {
    assert.equal(result.verified, true);
    assert.equal(result.engine, "native");
    assert.equal(result.mode, "stream");
    assert.equal(result.sizeBytes, 8);
    assert.equal(result.placement, "cross");
    assert.equal(result.samples.length, 10);
    assert.equal(result.warmup.length, 0, "warm-ups are counted, not kept, unless asked");
    assert.equal(result.switchesPerItem, 6 / 1000);
  }
  const producer = report.processes[1];
  assert.deepEqual(producer.schedPolicies, ["SCHED_OTHER"]);
  assert.deepEqual(producer.cpusSeen, [0]);
  assert.deepEqual(report.processes[2].cpusSeen, [1]);
});

Deno.test("medians, CIs, raw figures in measured order, and the ratio with its CI", () => {
  const report = fakeReport();
  const [shm, pipe] = report.results;
  assert.equal(shm.transport, "shm");
  assert.equal(shm.nsPerItem.median, 3.2);
  assert.equal(shm.nsPerItem.min, 3.17);
  assert.equal(shm.nsPerItem.max, 3.23);
  // Ten trials with no lag-1 dependence: ranks 5 ± t(9)·√10/2 = 5 ± 3.58 reach [x(1), x(10)].
  assert.deepEqual(shm.nsPerItem.medianCi, { low: 3.17, high: 3.23, level: 0.95 });
  assert.ok(shm.nsPerItem.lag1 < 0);
  assert.deepEqual(shm.samples.map((s) => s.nsPerItem), STEADY.shm);
  assert.deepEqual(shm.samples.map((s) => s.order).slice(0, 4), [3, 6, 7, 10]);
  assert.deepEqual(pipe.samples.map((s) => s.order).slice(0, 4), [4, 5, 8, 9]);
  assert.equal(pipe.nsPerItem.median, 405);
  // Both sides burn nsPerItem each: CPU ns per item is twice the wall figure.
  assert.equal(pipe.cpuNsPerItem.median, 810);
  const [ratio] = report.comparisons;
  assert.equal(ratio.name, "pipe/shm");
  // The median of the ten per-round ratios (four rounds are exactly 405/3.2).
  assert.equal(ratio.ratio, 405 / 3.2);
  assert.equal(ratio.pairs, 10);
  assert.ok(ratio.ci.low <= ratio.ratio && ratio.ratio <= ratio.ci.high);
  // Ten rounds with no dependence: the interval reaches the extreme per-round ratios.
  assert.deepEqual([ratio.ci.low, ratio.ci.high], [402 / 3.23, 408 / 3.17]);
  assert.equal(fakeReport().warnings.length, 0, fakeReport().warnings.join("\n"));
});

const warningCases: [string, Parameters<typeof fakeReport>, RegExp][] = [
  [
    "nice not achieved",
    [{ nice: 0 }],
    /^producer asked for nice -20 and ran at 0 \(Permission denied\); run under sudo/,
  ],
  [
    "noisy trials",
    [{ shm: [3, 4, 3, 4, 3, 4, 3, 4, 3, 4] }],
    /^the trials vary a lot \(CV above 5\.0%\): shm stream 8 B cross 15\.\d%/,
  ],
  [
    "too few trials",
    [{ shm: [3.2, 3.2, 3.2], pipe: [405, 405, 405] }],
    /^fewer than 10 timed trials: shm stream 8 B cross \(3\), pipe stream 8 B cross \(3\)/,
  ],
  [
    "slow first trial",
    [{ shm: [4.5, ...STEADY.shm.slice(1)] }],
    /^slow first timed trial \(above 1\.25x the median\): shm stream 8 B cross 1\.41x/,
  ],
  [
    "both loops on one CPU",
    [{ sameCpu: true }],
    /^both loops ran on one CPU in some trials of shm stream 8 B cross, pipe stream 8 B cross/,
  ],
  [
    "busy machine",
    [{}, { cpuActivity: { idleCheck: { seconds: 0.5, busy: 0.6, steal: 0 }, run: null } }],
    /^machine busy: the CPUs were 60\.0% busy in the 0\.5 s before the run/,
  ],
  [
    "busy machine, from the load average when /proc/stat was not read",
    [{}, {
      load: { before: [2.5, 1, 1], after: null },
      cpuActivity: { idleCheck: null, run: null },
    }],
    /^machine busy: load average 2\.5 before the run/,
  ],
  [
    "steal",
    [{}, { cpuActivity: { idleCheck: null, run: { seconds: 60, busy: 1, steal: 0.07 } } }],
    /^the hypervisor took 7\.0% of CPU time during the run \(steal\)/,
  ],
  [
    "other processes",
    [{}, {
      cpuActivity: { idleCheck: null, run: { seconds: 60, busy: 0.9, steal: 0, others: 0.12 } },
    }],
    /^other processes used 12\.0% of all CPU time during the run \(not this bench's\)/,
  ],
  [
    "nice inside an autogroup",
    [{}, { scheduler: { autogroup: true, cgroup: "/", cpuWeight: 100, cpuLimit: null } }],
    /^nice -20 was achieved inside an autogroup \(kernel\.sched_autogroup_enabled=1\)/,
  ],
  [
    "a cgroup limit",
    [{}, { scheduler: { autogroup: false, cgroup: "/box", cpuWeight: 100, cpuLimit: 1.5 } }],
    /^the bench's cgroup \(\/box\) may use 1\.5 CPUs of 2/,
  ],
  [
    "two groups",
    [{ shm: [2.4, 2.5, 2.6, 2.5, 33, 34, 35, 36, 34, 33] }],
    /^shm stream 8 B cross: the trials fall into two groups \(4 near 2\.5 ns, 6 near 34 ns\): the machine changed state/,
  ],
  [
    "governor",
    [{}, { cpu: { ...fakeEnvironment.cpu, governor: "powersave" } }],
    /^CPU frequency governor is 'powersave', not 'performance'/,
  ],
  [
    "virtual machine",
    [{}, { cpu: { ...fakeEnvironment.cpu, virtualMachine: true } }],
    /^virtual machine: other guests share the CPUs/,
  ],
  [
    "target not reached",
    [{ shm: [3, 4, 3, 4, 3, 4, 3, 4, 3, 4] }, {}, [], "budget-spent"],
    /^the CI target ±2\.0% was not reached for 1 of 2 series \(shm stream 8 B cross 3-4 ns, half-width \d+\.\d%\); stopped because the time budget was spent/,
  ],
];

for (const [what, args, expected] of warningCases) {
  Deno.test(`warning: ${what}`, () => {
    const report = fakeReport(...args);
    assert.ok(report.warnings.some((w) => expected.test(w)), report.warnings.join("\n"));
  });
}

Deno.test("the target counts as reached only when every median's CI is within it", () => {
  assert.equal(fakeReport({}, {}, [], "target-reached").sampling.targetReached, true);
  const noisy = fakeReport({ shm: [3, 4, 3, 4, 3, 4, 3, 4, 3, 4] }, {}, [], "budget-spent");
  assert.equal(noisy.sampling.targetReached, false);
});

Deno.test("markdown is deterministic and carries the essentials", () => {
  const report = fakeReport();
  const markdown = renderMarkdown(report);
  assert.equal(markdown, renderMarkdown(structuredClone(report)));
  assert.equal(renderMarkdown(JSON.parse(JSON.stringify(report))), markdown);
  assert.ok(markdown.includes("SHMEM Time:  0.000000003200000000"));
  assert.ok(markdown.includes("KERNEL Time: 0.000000405000000000"));
  assert.match(markdown, /\*\*126\.6× \(95% CI [\d.]+ to [\d.]+\)\*\* faster/);
  assert.ok(markdown.includes("deno task bench --runs 10"));
  assert.ok(markdown.includes("Test CPU @ 3.0GHz"));
  assert.ok(markdown.includes("Producer pinned to CPU 0, consumer to CPU 1"));
  assert.ok(markdown.includes("separate cores sharing the last-level cache"));
  assert.ok(
    markdown.includes("| 8 B | `shm` | cross | 1,000 | 10 | **3.2 ns** | 3.17 ns to 3.23 ns |"),
  );
  // Large values in their unit, never as millions of nanoseconds.
  assert.ok(markdown.includes("| **405 ns** |"));
  assert.doesNotMatch(markdown, /\d,\d{3},\d{3} ns/);
  // "|" in a cell is escaped so the table keeps its columns.
  assert.ok(markdown.includes("test\\|host"));
  // Every trial stays in the JSON: the page does not repeat it.
  assert.doesNotMatch(markdown, /Every trial in measured order/);
  assert.match(markdown, /are in the JSON report beside this file/);
  const tables = markdown.split("\n\n").filter((block) => block.startsWith("| "));
  assert.ok(tables.length >= 4);
  for (const table of tables) {
    const widths = table.split("\n").map((row) => row.replaceAll("\\|", "").split("|").length);
    assert.ok(widths.every((w) => w === widths[0]), table);
  }
});

Deno.test("terminal summary: the original lines first, then ratio and one table per mode", () => {
  const plain = { isTerminal: () => false };
  const lines = renderSummary(fakeReport({ pingpong: true }), colorsFor(plain)).split("\n");
  assert.equal(lines[0], "SHMEM Time:  0.000000003200000000");
  assert.equal(lines[1], "KERNEL Time: 0.000000405000000000");
  assert.match(
    lines[2],
    /^The ring was 126\.6x faster than the pipe \(95% CI [\d.]+-[\d.]+x, median of 10 per-round ratios;/,
  );
  const text = lines.join("\n");
  assert.match(text, /^stream: one way, ns per message$/m);
  assert.match(text, /^ 8 B {2}shm\s+10\s+3\.2\s+3\.17-3\.23\s+2\.5 GB\/s\s+6\.4\s*$/m);
  assert.match(text, /^ 8 B {2}pipe\s+10\s+405\s+402-408\s+19\.8 MB\/s\s+810\s+126\.6x$/m);
  assert.match(text, /^ping-pong: request and reply of the same size, ns per round trip$/m);
  assert.match(text, /^ 8 B {2}shm\s+10\s+200\s+198\.1-201\.9\s+200\s+201\s+2,0\d\d\s+400\s*$/m);
  assert.match(text, /^40 timed trials after 4 warm-ups in 12\.5 s; the fixed count was run$/m);
  assert.ok(!text.includes("\x1b["), "no colour when not a terminal");
});

Deno.test("ping-pong entries carry merged latency percentiles, one way labelled as RTT/2", () => {
  const report = fakeReport({ pingpong: true });
  const ring = report.results.find((r) => r.mode === "pingpong" && r.transport === "shm")!;
  assert.equal(ring.unit, "round trip");
  const latency = ring.latency!;
  // Ten trials of 1,000 round trips: 990 of them at the trial's figure (~200 ns), 10 at ten times it.
  assert.equal(latency.roundTrip.count, 10_000);
  assert.ok(Math.abs(latency.roundTrip.p50 - 200) <= 2, String(latency.roundTrip.p50));
  // Exactly 1% are slow, so p99 is the last fast one and p99.9 a slow one.
  assert.ok(latency.roundTrip.p99 < 205, String(latency.roundTrip.p99));
  assert.ok(
    latency.roundTrip.p999 >= 1980 && latency.roundTrip.p999 <= 2040,
    String(latency.roundTrip.p999),
  );
  assert.equal(latency.roundTrip.max, 10 * (3.23 * 62.5)); // the slowest trial's slow round trips
  assert.equal(latency.oneWayAsHalfRoundTrip.p50, latency.roundTrip.p50 / 2);
  assert.equal(latency.oneWayAsHalfRoundTrip.count, latency.roundTrip.count);
  assert.match(latency.clock, /CLOCK_MONOTONIC, read once per round trip/);
  const pp = report.comparisons.find((c) => c.mode === "pingpong")!;
  assert.equal(pp.sizeBytes, 8);
  assert.equal(pp.ratio, (405 * 50) / (3.2 * 62.5));
  const markdown = renderMarkdown(report);
  assert.match(markdown, /^## Ping-pong: request and reply$/m);
  assert.match(markdown, /one way p50 \(RTT\/2\)/);
});

Deno.test("the headline is the native loops' only: a deno-engine run has none, anywhere", () => {
  const deno = fakeReport({ pingpong: true });
  deno.results = deno.results.map((r) => ({ ...r, engine: "deno" as const }));
  deno.comparisons = compareWithRing(deno.results);
  assert.ok(deno.comparisons.some((c) => c.name === "pipe/shm" && c.engine === "deno"));
  assert.deepEqual(headline(deno), { ring: undefined, pipe: undefined, ratio: undefined });
  const summary = renderSummary(deno, colorsFor({ isTerminal: () => false }));
  assert.doesNotMatch(summary, /The ring was/);
  assert.doesNotMatch(summary, /SHMEM Time/);
  assert.doesNotMatch(renderMarkdown(deno), /The ring was|original experiment's lines/);
  const { markdown } = renderIndex([{ path: "results/m/r.json", report: deno }], "results");
  assert.match(markdown, /^\| \[2026-11-27 15:46\]\(m\/r\.md\) \|.* \| — \| — \| — \|$/m);
  // With both engines, the native figures are the headline.
  const both = fakeReport();
  both.results.push(...deno.results.filter((r) => r.mode === "stream"));
  both.comparisons = compareWithRing(both.results);
  const { ring, ratio } = headline(both);
  assert.equal(ring?.engine, "native");
  assert.equal(ratio?.engine, undefined, "a native comparison");
  assert.match(renderSummary(both, colorsFor({ isTerminal: () => false })), /The ring was 126\.6x/);
});

Deno.test("a report from before controls reads its pipe loop as a pipe-loop control without pairs", async () => {
  const path = new URL(
    "../results/vm-00745d78/2026-11-28T10-30-10Z_7c16468.json",
    import.meta.url,
  ).pathname;
  const file = JSON.parse(await Deno.readTextFile(path));
  assert.equal(file.pipeLoop.rounds.length, 10);
  const report = await loadReport(path);
  assert.deepEqual(report.controls?.map((c) => [c.kind, c.series, c.beside.length]), [
    ["pipe-loop", "pipe stream 8 B cross spin", 0],
  ]);
  assert.deepEqual(report.controls![0].rounds, file.pipeLoop.rounds);
  // Unpaired, its ratio is of the medians, as the page written then said.
  const figures = controlFigures(report.controls![0], headline(report).pipe!.nsPerItem.median);
  assert.equal(figures.ci, null);
  assert.equal(figures.controlNs, file.pipeLoop.nsPerItem);
  // Written again, it is a control, and reads back the same.
  const again = encodeReport(report);
  assert.ok(!again.includes('"pipeLoop"'));
  assert.deepEqual(await parseReport(again, "again.json"), report);
});

Deno.test("a control's pairs give the median ratio of neighbours, and each kind its sentence", () => {
  const report = fakeReport({ pingpong: true });
  const ring = report.results.find((r) => r.transport === "shm" && r.mode === "pingpong")!;
  const pipe = report.results.find((r) => r.transport === "pipe" && r.mode === "stream")!;
  const beside = ring.samples.map((s) => s.nsPerItem);
  report.controls = [
    {
      kind: "unstamped",
      series: seriesKey(ring),
      method: "no stamps",
      cpus: [0, 1],
      rounds: beside.map((ns, i) => ns / (i % 2 === 0 ? 1.02 : 1.04)),
      beside,
    },
    {
      kind: "pipe-loop",
      series: seriesKey(pipe),
      method: "a C loop",
      cpus: [0, 1],
      rounds: pipe.samples.map((s) => s.nsPerItem / 1.1),
      beside: pipe.samples.map((s) => s.nsPerItem),
    },
    {
      kind: "pipe-loop",
      series: "no such series",
      method: "",
      cpus: null,
      rounds: [1],
      beside: [1],
    },
  ];
  const [stamps] = controlLines(report, "unstamped");
  assert.match(
    stamps.line,
    /^shm 8 B cross with every 17th round trip stamped with CLOCK_MONOTONIC: .* stamped over unstamped 1\.030× \(95% CI 1\.020-1\.040×, median of 10 ratios of neighbours\); the stamped round trips themselves, each with its own pair of stamps, had a p50 of [\d.]+ ns$/,
  );
  const loops = controlLines(report, "pipe-loop");
  assert.equal(loops.length, 1, "a control whose series is not in the report is not printed");
  assert.match(
    loops[0].line,
    /the kit's pipe \(8 B cross\): .*, 1\.100× the loop \(95% CI 1\.100-1\.100×/,
  );
  const page = renderMarkdown(report);
  assert.ok(page.includes(`Against a loop that reads no clock: ${stamps.line} (how: no stamps).`));
  assert.ok(page.includes(` P${loops[0].line.slice(1)} (how: a C loop).`));
  const summary = renderSummary(report, colorsFor({ isTerminal: () => false }));
  assert.ok(summary.includes(stamps.line) && summary.includes(loops[0].line));
  // Within their tolerances (5% for stamps, 10% for the loop: its 1.100 is not surely beyond): no
  // warning; a loop the pipe is surely 12% above: one.
  const quiet = reportWarnings(report).filter((w) => /apart|stamping/.test(w));
  assert.deepEqual(quiet, []);
  report.controls[1].rounds = pipe.samples.map((s) => s.nsPerItem / 1.12);
  assert.deepEqual(reportWarnings(report).filter((w) => /apart|stamping/.test(w)), [
    "pipe stream 8 B cross and the plain C pipe(2) loop beside it were more than 10% apart (the kit's pipe 1.120× (95% CI 1.120-1.120×) the loop): part of the pipe's figure is not the pipe's",
  ]);
  report.controls[0].rounds = beside.map((ns) => ns / 1.06);
  assert.equal(reportWarnings(report).filter((w) => w.startsWith("stamping")).length, 1);
});

Deno.test("percentiles beyond what the round trips carry print 'n too small', everywhere", () => {
  const report = fakeReport({ pingpong: true });
  const ring = report.results.find((r) => r.mode === "pingpong" && r.transport === "shm")!;
  // 52 round trips: p90 is carried (0.9 <= 1 - 1/52), p99 and beyond are not.
  ring.latency!.roundTrip = { ...ring.latency!.roundTrip, count: 52 };
  const text = renderSummary(report, colorsFor({ isTerminal: () => false }));
  const row = text.split("\n").find((l) => /^ 8 B {2}shm .*/.test(l) && l.includes("n too small"));
  assert.ok(row !== undefined, text);
  assert.equal(row.match(/n too small/g)?.length, 2, "p99 and p99.9, not p50");
  const page = renderMarkdown(report);
  const line = page.split("\n").find((l) =>
    l.startsWith("| 8 B | `shm` |") && l.includes("n too small")
  );
  assert.equal(line?.match(/n too small/g)?.length, 3, "p99, p99.9 and p99.99 in the page");
  // With enough round trips every percentile is printed.
  ring.latency!.roundTrip = { ...ring.latency!.roundTrip, count: 100_000 };
  assert.ok(!renderSummary(report, colorsFor({ isTerminal: () => false })).includes("n too small"));
});
