/**
 * The planning rules, tested directly: which series a request makes, where
 * they run, which a transport cannot carry, how trials are calibrated and
 * when sampling stops. No real processes: a fake `/sys` and a fake trial runner.
 */
import assert from "node:assert/strict";
import { UsageError } from "../src/base/errors.ts";
import { chooseCpuPair, readTopology, resolvePlacement } from "../src/context/topology.ts";
import { placementsFor, rerunCommand, seriesWithinLimits } from "../src/plan/limits.ts";
import { seriesKey } from "../src/plan/series.ts";
import { planSeries, waitPolicy } from "../src/plan/plan.ts";
import type { Series } from "../src/plan/plan.ts";
import { collectSamples } from "../src/run/sampling.ts";
import { plannedControls, UNSTAMPED_EVERY } from "../src/plan/controls.ts";
import type { SamplingPlan, TrialRunner } from "../src/run/sampling.ts";
import type { TrialContext } from "../src/run/trial.ts";
import { TRANSPORTS } from "../src/transports/mod.ts";
import { fakeTrial } from "./fixtures.ts";

const { shm, pipe, mq } = TRANSPORTS;
const cross = { kind: "cross" as const, cpus: [0, 1] as [number, number] };

Deno.test("planSeries nests mode, size, placement, engine, transport; cadences and depths make series", () => {
  const plain = planSeries([shm, pipe], ["stream", "pingpong"], [8, 4096], [cross]);
  assert.deepEqual(
    plain.map((s) => `${s.mode} ${s.sizeBytes} ${s.transport.name}`),
    [
      "stream 8 shm",
      "stream 8 pipe",
      "stream 4096 shm",
      "stream 4096 pipe",
      "pingpong 8 shm",
      "pingpong 8 pipe",
      "pingpong 4096 shm",
      "pingpong 4096 pipe",
    ],
  );
  const deno = planSeries([shm, pipe], ["stream"], [8], [cross], {
    engines: ["native", "deno"],
    publishEvery: [1, 64],
  });
  assert.deepEqual(deno.map((s) => seriesKey({ ...s, transport: s.transport.name })), [
    "shm stream 8 B cross spin",
    "pipe stream 8 B cross spin",
    "shm (deno) stream 8 B cross spin",
    "shm (deno, every 64) stream 8 B cross spin",
    "pipe (deno) stream 8 B cross spin",
  ]);
  const served = planSeries([shm], ["fileserver"], [64], [cross], { depths: [1, 8] });
  assert.deepEqual(served.map((s) => s.queueDepth), [1, 8]);
  const paced = planSeries([shm], ["stream", "pingpong"], [8], [cross], { paceNs: 50_000 });
  assert.deepEqual(paced.map((s) => s.paceNs), [0, 50_000], "only ping-pong is paced");
});

Deno.test("placements: cross, same (the pair's first CPU) or both; unpinned without a pair", () => {
  const pair = {
    request: "auto" as const,
    cpus: [2, 3] as [number, number],
    relation: "shared-llc" as const,
  };
  assert.deepEqual(placementsFor("cross", pair), [{ kind: "cross", cpus: [2, 3] }]);
  assert.deepEqual(placementsFor("same", pair), [{ kind: "same", cpus: [2, 2] }]);
  assert.deepEqual(placementsFor("both", pair).map((p) => p.kind), ["cross", "same"]);
  const none = { request: "none" as const, cpus: null, relation: "unpinned" as const };
  assert.deepEqual(placementsFor("cross", none), [{ kind: "unpinned", cpus: null }]);
  // On one CPU a spinning ring yields; a futex ring keeps its own way; a pipe blocks anyway.
  const policies = planSeries([shm, TRANSPORTS["ring-futex"], pipe], ["stream"], [8], [
    placementsFor("same", pair)[0],
  ]).map(waitPolicy);
  assert.deepEqual(policies, ["yield", "futex", "spin"]);
});

/** A fake /sys: two cores with SMT siblings (0,2 and 1,3), one shared L3. */
async function fakeSys(): Promise<string> {
  const sys = await Deno.makeTempDir();
  const core = { 0: 0, 1: 1, 2: 0, 3: 1 } as Record<number, number>;
  for (const cpu of [0, 1, 2, 3]) {
    const base = `${sys}/cpu${cpu}`;
    await Deno.mkdir(`${base}/topology`, { recursive: true });
    await Deno.writeTextFile(`${base}/topology/physical_package_id`, "0\n");
    await Deno.writeTextFile(`${base}/topology/core_id`, `${core[cpu]}\n`);
    for (
      const [index, level, type, shared] of [[0, 1, "Data", `${core[cpu]},${core[cpu] + 2}`], [
        3,
        3,
        "Unified",
        "0-3",
      ]] as const
    ) {
      await Deno.mkdir(`${base}/cache/index${index}`, { recursive: true });
      await Deno.writeTextFile(`${base}/cache/index${index}/level`, `${level}\n`);
      await Deno.writeTextFile(`${base}/cache/index${index}/type`, `${type}\n`);
      await Deno.writeTextFile(`${base}/cache/index${index}/shared_cpu_list`, `${shared}\n`);
    }
  }
  return sys;
}

Deno.test("the CPU pair: two cores sharing the last-level cache, not SMT siblings; --pin checked", async () => {
  const sys = await fakeSys();
  try {
    const places = readTopology([0, 1, 2, 3], sys);
    assert.deepEqual(places[2], { cpu: 2, packageId: 0, coreId: 0, llcShared: [0, 1, 2, 3] });
    assert.deepEqual(chooseCpuPair(places), [0, 1], "0 and 2 are siblings of one core");
    assert.deepEqual(resolvePlacement("auto", places), {
      request: "auto",
      cpus: [0, 1],
      relation: "shared-llc",
    });
    assert.equal(resolvePlacement([0, 2], places).relation, "smt-siblings");
    assert.deepEqual(resolvePlacement("none", places).cpus, null);
    assert.throws(() => resolvePlacement([0, 9], places), UsageError);
    // Only siblings allowed (a cpuset of one core): they are the pair, and said to be siblings.
    assert.deepEqual(chooseCpuPair(readTopology([0, 2], sys)), [0, 2]);
    assert.equal(resolvePlacement("auto", readTopology([1], sys)).cpus, null, "one CPU: unpinned");
  } finally {
    await Deno.remove(sys, { recursive: true });
  }
});

Deno.test("limits: a size a transport cannot carry is refused when named, skipped under all", () => {
  const big = planSeries([shm, mq], ["stream"], [8, 1 << 20], [cross]);
  const mqLimit = mq.messageLimits?.();
  if (mqLimit === null || mqLimit === undefined) return; // no POSIX queues here
  assert.throws(
    () => seriesWithinLimits(big, false),
    /--sizes 1 MiB is more than the \d+ bytes mq carries here/,
  );
  const { series, skipped } = seriesWithinLimits(big, true);
  assert.deepEqual(series.map((s) => `${s.transport.name} ${s.sizeBytes}`), [
    "shm 8",
    "mq 8",
    "shm 1048576",
  ]);
  assert.match(skipped[0], /^mq skipped for 1 MiB: more than the \d+ bytes mq carries here/);
  assert.throws(
    () => seriesWithinLimits(planSeries([mq], ["fileserver"], [64], [cross]), false),
    /mq cannot serve files/,
  );
  // SQPOLL's kernel threads cannot share one CPU with both loops: left out of `same`, kept in cross.
  const both = seriesWithinLimits(
    planSeries([TRANSPORTS["pipe-uring-sqpoll"]], ["stream"], [8], [cross, {
      kind: "same",
      cpus: [0, 0],
    }]),
    false,
  );
  assert.deepEqual(both.series.map((s) => s.placement), ["cross"]);
  assert.match(both.skipped[0], /^pipe-uring-sqpoll skipped with both loops on one CPU: /);
  // The deno engine runs streams and ping-pong of every size; not the file server, and not over
  // transports without a TypeScript loop.
  const deno = planSeries([shm, mq], ["stream", "pingpong"], [8, 64], [cross], {
    engines: ["deno"],
  });
  const kept = seriesWithinLimits(deno, false);
  assert.deepEqual(kept.series.map((s) => `${s.transport.name} ${s.mode} ${s.sizeBytes}`), [
    "shm stream 8",
    "shm stream 64",
    "shm pingpong 8",
    "shm pingpong 64",
  ]);
  assert.match(kept.skipped[0], /^the deno engine skipped 4 series: .* over shm only$/);
  assert.throws(
    () =>
      seriesWithinLimits(
        planSeries([shm], ["fileserver"], [64], [cross], { engines: ["deno"] }),
        false,
      ),
    /nothing to measure/,
  );
});

Deno.test("the rerun command quotes what a shell would split, and says sudo when it ran so", () => {
  assert.equal(
    rerunCommand(["--sizes", "8,4K", "--nice=-5"]),
    "deno task bench --sizes 8,4K --nice=-5",
  );
  assert.equal(rerunCommand(["--out", "my results"]), "deno task bench --out 'my results'");
  assert.equal(rerunCommand(["--out", "it's"]), `deno task bench --out 'it'\\''s'`);
});

/** A fake trial runner: every trial takes `nsPerItem(series, call)` per item, instantly. */
function fakeRunner(nsPerItem: (series: Series, call: number) => number): {
  runner: TrialRunner;
  calls: { label: string; iterations: number }[];
} {
  const calls: { label: string; iterations: number }[] = [];
  const runner: TrialRunner = (_context, plan, _id, label) => {
    calls.push({ label: label ?? "", iterations: plan.iterations });
    const ns = nsPerItem(plan.series, calls.length);
    return Promise.resolve(
      fakeTrial(
        plan.series.transport.name,
        ns,
        0,
        -20,
        plan.iterations,
        plan.series.mode,
        plan.series.sizeBytes,
      ),
    );
  };
  return { runner, calls };
}

const context = {} as TrialContext;
const plan = (overrides: Partial<SamplingPlan>): SamplingPlan => ({
  series: planSeries([shm, pipe], ["stream"], [8], [cross]),
  iterations: null,
  trialSeconds: 0.05,
  runs: null,
  minTrials: 4,
  targetCi: 0.02,
  budgetSeconds: 60,
  nice: -20,
  ringSlots: 4096,
  timeoutSeconds: null,
  ...overrides,
});

Deno.test("calibration: counts grow tenfold until a trial is long enough, then are set to the target length", async () => {
  // The ring 4 ns per item, the pipe 400: 0.05 s is 12.5 million and 125,000 items.
  const { runner, calls } = fakeRunner((s) => (s.transport.name === "shm" ? 4 : 400));
  const outcome = await collectSamples(context, plan({ runs: 2 }), () => {}, runner);
  assert.deepEqual(outcome.samples.map((s) => s.iterations), [13_000_000, 130_000]);
  const warmups = calls.filter((c) => c.label.includes("warm-up"));
  assert.deepEqual(
    warmups.map((c) => c.iterations),
    [10_000, 100_000, 1_000_000, 10_000],
    "from 80,000 bytes of messages, ten times more until a trial is long enough (5% of the target)",
  );
  assert.equal(outcome.stopReason, "fixed-count");
  assert.deepEqual(outcome.samples.map((s) => s.runs.length), [2, 2]);
  // Interleaved: round 1 runs the series in order, round 2 in reverse.
  assert.deepEqual(
    calls.filter((c) => c.label.includes(" run ")).map((c) => c.label.split(" ")[0]),
    ["shm", "pipe", "pipe", "shm"],
  );
});

Deno.test("a control is measured beside its series' trial in every round, before it and after it in turn", async () => {
  // The stamped ring 110 ns per round trip, the unstamped 100; the pipe 400.
  const { runner, calls } = fakeRunner((s) =>
    s.transport.name === "pipe" ? 400 : s.latencyEvery === UNSTAMPED_EVERY ? 100 : 110
  );
  const series = planSeries([shm, pipe], ["pingpong"], [8], [cross], { latencyEvery: 16 });
  const controls = plannedControls(series);
  assert.deepEqual(controls.map((c) => [c.kind, c.series.transport.name]), [["unstamped", "shm"]]);
  const outcome = await collectSamples(
    context,
    plan({ series, controls, runs: 3, iterations: 1000 }),
    () => {},
    runner,
  );
  const timed = calls.filter((c) => !c.label.includes("warm-up")).map((c) =>
    c.label.replace(/^(\w+) .* (run|control) \d+$/, "$1 $2")
  );
  assert.deepEqual(timed, [
    ...["shm control", "shm run", "pipe run"],
    ...["pipe run", "shm run", "shm control"],
    ...["shm control", "shm run", "pipe run"],
  ]);
  const [ring] = outcome.controls;
  assert.deepEqual(ring.rounds, [100, 100, 100]);
  assert.deepEqual(ring.beside, [110, 110, 110]);
  assert.deepEqual(
    outcome.samples.map((s) => s.runs.length),
    [3, 3],
    "control trials are not the series'",
  );
  // Warmed up once, after the series' warm-up; every control trial as long as the series' trials.
  const shmCalls = calls.filter((c) => c.label.startsWith("shm"));
  assert.deepEqual(
    shmCalls.slice(0, 2).map((c) => c.label),
    ["shm pingpong 8 B cross warm-up 1", "shm pingpong 8 B cross warm-up 2"],
  );
  assert.equal(shmCalls.length, 2 + 3 + 3);
  assert.ok(shmCalls.every((c) => c.iterations === 1000));
});

Deno.test("adaptive stopping: at least the minimum, then until the target, else the budget", async () => {
  const steady = fakeRunner(() => 100);
  const reached = await collectSamples(
    context,
    plan({ iterations: 1000 }),
    () => {},
    steady.runner,
  );
  assert.equal(reached.stopReason, "target-reached");
  assert.deepEqual(
    reached.samples.map((s) => s.runs.length),
    [8, 8],
    "the serial-dependence CI reaches 95% within the range from 8 trials (t on 7 degrees of freedom)",
  );
  // Trials that never agree: the CI target is never met, so the budget stops the run.
  const noisy = fakeRunner((_s, call) => (call % 2 === 0 ? 100 : 300) + call);
  const spent = await collectSamples(
    context,
    plan({ iterations: 1000, budgetSeconds: 1 }),
    () => {},
    (c, p, id, label) =>
      new Promise((resolve) => setTimeout(() => resolve(noisy.runner(c, p, id, label)), 20)),
  );
  assert.equal(spent.stopReason, "budget-spent");
  assert.ok(spent.samples.every((s) => s.runs.length >= 4), "never fewer than --min-trials");
  assert.ok(spent.elapsedSeconds <= 1.5, `${spent.elapsedSeconds} s`);
});
