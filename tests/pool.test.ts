/**
 * The run's worker processes, kept from trial to trial (`src/run/pool.ts`): a pair serves every
 * trial of its placement, leaks nothing from one trial to the next, and is replaced after a
 * failure; both builds of a `--variant` run load in the same pair.
 */

import assert from "node:assert/strict";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { RunError } from "../src/base/errors.ts";
import { WorkerPool } from "../src/run/pool.ts";
import { runTrial } from "../src/run/trial.ts";
import type { TrialContext, TrialPlan } from "../src/run/trial.ts";
import type { Series } from "../src/plan/plan.ts";
import { TRANSPORTS } from "../src/transports/mod.ts";
import { ourSegments } from "./shm_leaks.ts";

const library = (await buildShim()).libraryPath;

async function withPool(body: (context: TrialContext) => Promise<void>): Promise<void> {
  using shim = Shim.open(library);
  const privateDir = await Deno.makeTempDir({ prefix: "ringpipe-test-" });
  try {
    await using workers = new WorkerPool();
    await body({ shim, libraryPath: library, privateDir, workers });
  } finally {
    await Deno.remove(privateDir, { recursive: true });
  }
  assert.deepEqual(await ourSegments(Deno.pid), [], "no segment left in /dev/shm");
}

function plan(series: Partial<Series> & Pick<Series, "transport">, iterations = 2_001): TrialPlan {
  return {
    series: { mode: "stream", sizeBytes: 64, placement: "cross", cpus: [0, 1], ...series },
    iterations,
    nice: null,
    ringSlots: 16,
    timeoutMs: 30_000,
  };
}

/**
 * What a process has open, but for its stdio pipes (which Deno itself opens more than once,
 * as it reads and writes them).
 */
function openFiles(pid: number): string[] {
  const target = (fd: string) => {
    try {
      return Deno.readLinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return "(gone)";
    }
  };
  const stdio = ["0", "1", "2"].map(target);
  return [...Deno.readDirSync(`/proc/${pid}/fd`)].map((e) => target(e.name))
    .filter((t) => !stdio.includes(t)).sort();
}

/** True while `pid` runs (a zombie has exited). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

Deno.test("one pair of workers serves every trial of a placement; another placement gets its own", async () => {
  await withPool(async (context) => {
    const first = await runTrial(context, plan({ transport: TRANSPORTS.shm }), "p1");
    const second = await runTrial(
      context,
      plan({ transport: TRANSPORTS.pipe, mode: "pingpong" }),
      "p2",
    );
    assert.deepEqual(
      [second.producer.pid, second.consumer.pid],
      [first.producer.pid, first.consumer.pid],
    );
    assert.notEqual(first.producer.pid, first.consumer.pid);
    const unpinned = await runTrial(
      context,
      plan({ transport: TRANSPORTS.shm, placement: "unpinned", cpus: null }),
      "p3",
    );
    assert.notEqual(unpinned.producer.pid, first.producer.pid);
    assert.equal(unpinned.producer.affinityRequested, null);
    assert.ok(unpinned.producer.affinityActual.length > 1 || Deno.build.os !== "linux");
  });
});

/** Trials of each kind in the file-leak test: three steps from the first to the last. */
const TRIALS = 4;

/** What `now` has open more often than `before` had: a file opened twice counts twice. */
function opened(before: string[], now: string[]): string[] {
  const left = new Map<string, number>();
  for (const f of before) left.set(f, (left.get(f) ?? 0) + 1);
  return now.filter((f) => {
    const n = left.get(f) ?? 0;
    left.set(f, n - 1);
    return n <= 0;
  });
}

/**
 * Why one worker's open files, listed after each of a kind's trials, look like a leak (null when
 * they do not), and whether they took the one socket pair a worker is allowed.
 *
 * A leak adds files at every trial, or at every other. Deno adds files once in a process's life:
 * half a second after the main module starts, the next time the event loop runs, it starts its
 * SIGUSR1 inspector listener (`cli/worker.rs`, `spawn_sigusr1_inspector_listener`), a signal
 * thread with one socket pair, and no option turns it off. So while `pairAllowed` (once per
 * worker), one step may add one socket pair and nothing else; any other addition, or a second step
 * that adds anything, is a leak.
 */
function growth(after: string[][], pairAllowed = true): { problem: string | null; pair: boolean } {
  const steps = after.slice(1).map((files, k) => opened(after[k], files));
  const adding = steps.map((added, k) => ({ added, step: k + 2 })).filter((s) =>
    s.added.length > 0
  );
  if (adding.length > 1) {
    const problem = `trials ${adding.map((s) => s.step).join(", ")} each left more open: ` +
      adding.map((s) => s.added.join(",")).join("; ");
    return { problem, pair: false };
  }
  if (adding.length === 0) return { problem: null, pair: false };
  const [{ added, step }] = adding;
  const pair = added.length === 2 && added.every((f) => /^socket:\[\d+\]$/.test(f));
  return pair && pairAllowed
    ? { problem: null, pair: true }
    : { problem: `trial ${step} left more open: ${added}`, pair: false };
}

Deno.test("the file-leak rule: one socket pair once is Deno's listener; anything more is a leak", () => {
  const base = ["/dev/null", "pipe:[7]"];
  const pair = ["socket:[11]", "socket:[12]"];
  assert.deepEqual(growth([base, base, base, base]), { problem: null, pair: false });
  const once = [base, base, [...base, ...pair], [...base, ...pair]];
  assert.deepEqual(growth(once), { problem: null, pair: true });
  assert.deepEqual(growth([base, [...base, ...pair], [...base, ...pair], [...base, ...pair]]), {
    problem: null,
    pair: true,
  });
  // A worker that took its pair already is allowed nothing more.
  assert.match(growth(once, false).problem!, /trial 3 left more open: socket:\[11\],socket:\[12\]/);
  assert.match(
    growth([base, [...base, "a"], [...base, "a", "b"], [...base, "a", "b", "c"]]).problem!,
    /trials 2, 3, 4/,
  );
  assert.match(
    growth([base, [...base, "a"], [...base, "a"], [...base, "a", "b"]]).problem!,
    /trials 2, 4/,
  );
  assert.match(
    growth([base, base, [...base, ...pair], [...base, ...pair, "socket:[13]"]]).problem!,
    /trials 3, 4/,
  );
  assert.match(
    growth([base, base, [...base, "/tmp/x"], [...base, "/tmp/x"]]).problem!,
    /trial 3 left more open: \/tmp\/x/,
  );
  assert.match(
    growth([base, base, [...base, ...pair, "socket:[13]"], [...base, ...pair, "socket:[13]"]])
      .problem!,
    /trial 3/,
  );
});

Deno.test("a trial leaves no file open in its workers: every transport and engine, four times", async () => {
  using shim = Shim.open(library);
  await withPool(async (context) => {
    const runs: { name: string; series: Partial<Series> & Pick<Series, "transport"> }[] = [];
    for (const transport of Object.values(TRANSPORTS)) {
      if (transport.unavailable?.(shim) != null) continue;
      for (const mode of ["stream", "pingpong"] as const) {
        runs.push({ name: `${transport.name} ${mode}`, series: { transport, mode } });
        if (transport.runSideDeno !== undefined) {
          runs.push({
            name: `${transport.name} ${mode} (deno)`,
            series: { transport, mode, engine: "deno" },
          });
        }
      }
    }
    let id = 0;
    const tookPair = new Set<number>(); // workers whose listener's socket pair was seen
    for (const { name, series } of runs) {
      const sides = {
        producer: { pid: 0, after: [] as string[][] },
        consumer: { pid: 0, after: [] as string[][] },
      };
      for (let i = 0; i < TRIALS; i++) {
        const result = await runTrial(context, plan(series, 1_001), `leak${++id}`);
        for (const role of ["producer", "consumer"] as const) {
          sides[role].pid = result[role].pid;
          sides[role].after.push(openFiles(result[role].pid));
        }
      }
      for (const [role, { pid, after }] of Object.entries(sides)) {
        const { problem, pair } = growth(after, !tookPair.has(pid));
        assert.equal(problem, null, `${name}, ${role}: ${problem}`);
        if (pair) tookPair.add(pid);
        assert.ok(!after[0].some((f) => f.includes("/dev/shm")), `${name}, ${role}: ${after[0]}`);
      }
    }
    assert.ok(runs.length >= 12, `${runs.length} kinds of trial`);
  });
});

Deno.test("after a failed trial the pair is stopped and the next trial gets a fresh one", async () => {
  await withPool(async (context) => {
    const before = await runTrial(context, plan({ transport: TRANSPORTS.pipe }), "f1");
    await assert.rejects(
      () =>
        runTrial(context, {
          ...plan({ transport: TRANSPORTS.pipe }, 1e11), // hours of work
          timeoutMs: 1_000,
        }, "f2"),
      (error: unknown) => error instanceof RunError && /timed out after 1 s/.test(error.message),
    );
    const after = await runTrial(context, plan({ transport: TRANSPORTS.pipe }), "f3");
    assert.notEqual(after.producer.pid, before.producer.pid);
    assert.ok(!alive(before.producer.pid) && !alive(before.consumer.pid), "the old pair is gone");
  });
});

Deno.test("the builds of a --variant run load side by side in one pair, each trial running its own", async () => {
  // A second build of the same sources under another name: the worker must load both files.
  const dir = await Deno.makeTempDir({ prefix: "ringpipe-test-" });
  try {
    const copy = `${dir}/libringpipe-copy.so`;
    await Deno.copyFile(library, copy);
    await withPool(async (context) => {
      const withBuilds = { ...context, libraries: { a: library, b: copy } };
      const a = await runTrial(withBuilds, plan({ transport: TRANSPORTS.shm, variant: "a" }), "v1");
      const b = await runTrial(withBuilds, plan({ transport: TRANSPORTS.shm, variant: "b" }), "v2");
      assert.equal(b.producer.pid, a.producer.pid);
      const maps = Deno.readTextFileSync(`/proc/${a.producer.pid}/maps`);
      assert.ok(maps.includes(library) && maps.includes(copy), "both builds are mapped");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every thread of a worker gets its loop's nice and CPU, the deno engine's pool threads too", async () => {
  await withPool(async (context) => {
    // A deno ring that sleeps: its waits once ran on pool threads left at nice 0, on any CPU.
    const result = await runTrial(context, {
      ...plan({ transport: TRANSPORTS["ring-futex"], mode: "pingpong", engine: "deno" }, 2_000),
      nice: 5,
    }, "threads");
    for (const [side, cpu] of [[result.producer, 0], [result.consumer, 1]] as const) {
      const threads = [...Deno.readDirSync(`/proc/${side.pid}/task`)].map((t) => t.name);
      assert.ok(threads.length > 3, `${side.role}: ${threads.length} threads`);
      for (const tid of threads) {
        const stat = Deno.readTextFileSync(`/proc/${side.pid}/task/${tid}/stat`);
        const nice = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
        const status = Deno.readTextFileSync(`/proc/${side.pid}/task/${tid}/status`);
        const cpus = /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1];
        assert.deepEqual({ tid, nice, cpus }, { tid, nice: 5, cpus: String(cpu) }, side.role);
      }
    }
  });
});

Deno.test("pipe-splice, trial after trial in one pair: every last message still checks out", async () => {
  // vmsplice() leaves the pipe holding the sender's pages until they are read. The sender once
  // freed its buffers at once, and in a worker that goes on to other work the last message was
  // sometimes read as zeros ("message 1000 ... got 0").
  await withPool(async (context) => {
    for (let i = 0; i < 100; i++) {
      const mode = i % 2 === 0 ? "pingpong" : "stream";
      await runTrial(context, plan({ transport: TRANSPORTS["pipe-splice"], mode }, 1_001), `s${i}`);
    }
  });
});
