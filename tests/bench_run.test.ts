/**
 * `runBench` in this process, with a fake trial runner: the whole flow from the command line to
 * the report (plan, calibration skipped by --iterations, interleaved rounds, controls paired, the
 * report built and printed), without worker processes or a speed to depend on.
 */
import assert from "node:assert/strict";
import { runBench } from "../src/bench/run.ts";
import { takeBenchLock } from "../src/context/lock.ts";
import type { TrialRunner } from "../src/run/sampling.ts";
import { fakeTrial } from "./fixtures.ts";

Deno.test("runBench runs in-process with an injected runner: rounds interleaved, ratios and controls paired", async () => {
  const labels: string[] = [];
  // The ring 4 ns per item and the pipe 100 times that, but round 3 is a slow state for both.
  const runner: TrialRunner = (_context, plan, _id, label) => {
    labels.push(label ?? "");
    const round = Number(/ (\d+)$/.exec(label ?? "")?.[1] ?? 0);
    const slow = label?.includes(" run ") && round === 3 ? 5 : 1;
    const ns = (plan.series.transport.name === "shm" ? 4 : 400) * slow;
    const s = plan.series;
    return Promise.resolve(
      fakeTrial(s.transport.name, ns, 0, -20, plan.iterations, s.mode, s.sizeBytes),
    );
  };
  const report = await runBench(
    [
      "--transports",
      "shm,pipe",
      "--mode",
      "stream",
      "--sizes",
      "8",
      "--iterations",
      "2000",
      "--runs",
      "6",
      "--no-save",
    ],
    { runner },
  );
  assert.ok(report !== null);
  assert.deepEqual(report.results.map((r) => [r.transport, r.samples.length]), [
    ["shm", 6],
    ["pipe", 6],
  ]);
  // Rounds alternate their order (A B, B A, ...); the pipe's control is the real C loop.
  const runs = labels.filter((l) => l.includes(" run "));
  assert.deepEqual(runs.slice(0, 4).map((l) => l.split(" ")[0]), ["shm", "pipe", "pipe", "shm"]);
  // The slow round moves both series alike: the paired ratio is exactly 100 in every round.
  const [ratio] = report.comparisons;
  assert.equal(ratio.name, "pipe/shm");
  assert.deepEqual([ratio.ratio, ratio.pairs, ratio.ci.low, ratio.ci.high], [100, 6, 100, 100]);
  const [control] = report.controls ?? [];
  assert.equal(control.kind, "pipe-loop");
  assert.deepEqual(control.beside, report.results[1].samples.map((s) => s.nsPerItem));
  assert.equal(control.rounds.length, 6);
  assert.equal(
    report.command,
    "deno task bench --transports shm,pipe --mode stream --sizes 8 --iterations 2000 --runs 6 --no-save",
  );
  // The lock is the run's, not the process's: another bench may start now.
  using lock = await takeBenchLock({ wait: false });
  assert.ok(lock !== undefined);
});

Deno.test("runBench --help prints the help and returns no report", async () => {
  assert.equal(await runBench(["--help"]), null);
});
