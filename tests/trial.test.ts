import assert from "node:assert/strict";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { RunError } from "../src/base/errors.ts";
import { runTrial } from "../src/run/trial.ts";
import type { TrialContext } from "../src/run/trial.ts";
import { TRANSPORTS } from "../src/transports/mod.ts";
import { ourSegments } from "./shm_leaks.ts";

async function withContext(body: (context: TrialContext) => Promise<void>): Promise<void> {
  const build = await buildShim();
  using shim = Shim.open(build.libraryPath);
  const privateDir = await Deno.makeTempDir({ prefix: "ringpipe-test-" });
  try {
    await body({ shim, libraryPath: build.libraryPath, privateDir });
  } finally {
    await Deno.remove(privateDir, { recursive: true });
  }
  assert.deepEqual(await ourSegments(Deno.pid), [], "no segment left in /dev/shm");
}

for (const name of ["shm", "pipe"]) {
  Deno.test(`${name}: two real processes move and verify every item`, async () => {
    await withContext(async (context) => {
      // 10,007 items: more than the ring holds (wrap-around) and not a multiple of it.
      const result = await runTrial(context, {
        series: {
          transport: TRANSPORTS[name],
          mode: "stream",
          sizeBytes: 8,
          placement: name === "shm" ? "cross" : "unpinned",
          cpus: name === "shm" ? [0, 1] : null,
        },
        iterations: 10_007,
        nice: 0,
        ringSlots: 64,
        timeoutMs: 30_000,
      }, `test-${name}`);
      assert.equal(result.transport, name);
      assert.equal(result.iterations, 10_007);
      assert.equal(result.producer.items, "10007");
      assert.equal(result.consumer.items, "10007");
      assert.equal(result.consumer.checksum, String((10_007 * 10_006) / 2));
      assert.ok(result.elapsedNs > 0);
      assert.equal(result.nsPerItem, result.elapsedNs / 10_007);
      assert.notEqual(result.producer.pid, result.consumer.pid);
      assert.notEqual(result.producer.pid, Deno.pid);
      assert.equal(result.producer.niceAchieved, 0);
      assert.equal(result.producer.schedPolicy, "SCHED_OTHER");
      if (name === "shm") {
        // Pinned: each loop ran where it was asked to.
        assert.deepEqual(result.producer.affinityActual, [0]);
        assert.deepEqual(result.consumer.affinityActual, [1]);
        assert.equal(result.producer.cpuStart, 0);
        assert.equal(result.consumer.cpuEnd, 1);
      } else {
        assert.equal(result.producer.affinityRequested, null);
      }
      // The loop thread's CPU clock ran, and no faster than a wall clock could let it.
      for (const side of [result.producer, result.consumer]) {
        assert.ok(side.cpuNs > 0, `${side.role} used no CPU?`);
        assert.ok(
          side.cpuNs < 10 * result.elapsedNs + 50e6,
          `${side.role}: ${side.cpuNs} ns of CPU`,
        );
      }
    });
  });
}

for (const name of Object.keys(TRANSPORTS)) {
  for (const mode of ["stream", "pingpong"] as const) {
    Deno.test(`${name} ${mode}: 4 KiB messages between two real processes, every byte checked`, async () => {
      await withContext(async (context) => {
        const result = await runTrial(context, {
          series: {
            transport: TRANSPORTS[name],
            mode,
            sizeBytes: 4096,
            placement: "cross",
            cpus: [0, 1],
          },
          iterations: 1_001,
          nice: null,
          ringSlots: 8,
          timeoutMs: 30_000,
        }, `all-${name}-${mode}`);
        assert.equal(result.consumer.items, "1001");
        assert.equal(result.consumer.checksum, String((1001 * 1000) / 2));
        if (mode === "pingpong") {
          const latency = result.producer.latency!;
          assert.equal(
            latency.histogram.reduce((n, [, c]) => n + c, 0),
            1001,
            "every round trip recorded",
          );
          assert.ok(latency.minNs > 0 && latency.minNs <= latency.maxNs);
        }
      });
    });
  }
}

Deno.test("ring-futex with a paced client: the server sleeps between requests, and still every byte checks", async () => {
  await withContext(async (context) => {
    const result = await runTrial(context, {
      series: {
        transport: TRANSPORTS["ring-futex"],
        mode: "pingpong",
        sizeBytes: 8,
        placement: "cross",
        cpus: [0, 1],
        paceNs: 200_000,
      },
      iterations: 200,
      nice: null,
      ringSlots: 64,
      timeoutMs: 30_000,
    }, "paced");
    // 200 round trips paced 200 us apart take at least 199 paces.
    assert.ok(result.elapsedNs >= 199 * 200_000, String(result.elapsedNs));
    // The server slept: it was switched out (voluntarily) for many requests. Not for every one:
    // a client delayed (a loaded CI machine) catches up with requests back to back.
    assert.ok(result.consumer.voluntarySwitches >= 50, String(result.consumer.voluntarySwitches));
  });
});

Deno.test("a trial past its timeout kills both workers and cleans up", async () => {
  await withContext(async (context) => {
    const started = performance.now();
    await assert.rejects(
      () =>
        runTrial(context, {
          series: {
            transport: TRANSPORTS.pipe,
            mode: "stream",
            sizeBytes: 8,
            placement: "unpinned",
            cpus: null,
          },
          iterations: 1e11, // hours of work
          nice: null,
          ringSlots: 64,
          timeoutMs: 1500,
        }, "test-timeout"),
      (error: unknown) => {
        assert.ok(error instanceof RunError);
        assert.match(
          error.message,
          /^pipe stream 8 B unpinned trial test-timeout timed out after 1.5 s/,
        );
        return true;
      },
    );
    assert.ok(performance.now() - started < 10_000, "returned promptly");
  });
});

Deno.test("a worker that cannot start fails the trial with its reason, and the peer is stopped", async () => {
  await withContext(async (context) => {
    await assert.rejects(
      () =>
        runTrial({ ...context, libraryPath: "/nonexistent/libringpipe.so" }, {
          series: {
            transport: TRANSPORTS.shm,
            mode: "stream",
            sizeBytes: 8,
            placement: "unpinned",
            cpus: null,
          },
          iterations: 1000,
          nice: null,
          ringSlots: 64,
          timeoutMs: 30_000,
        }, "test-badlib"),
      (error: unknown) => {
        assert.ok(error instanceof RunError);
        assert.match(
          error.message,
          /^shm stream 8 B unpinned trial test-badlib failed: producer exited with code 2: cannot load the shim/,
        );
        return true;
      },
    );
  });
});

Deno.test("the deno rings are told --spin-before-sleep, as the C loops are", async () => {
  using shim = Shim.open((await buildShim()).libraryPath);
  const ringFutex = TRANSPORTS["ring-futex"];
  const endpoint = await ringFutex.prepare({
    shim,
    privateDir: "/tmp",
    trialId: "spin",
    mode: "pingpong",
    sizeBytes: 8,
    engine: "deno",
    cpus: null,
    ringSlots: 16,
    spinBeforeSleepNs: 30_000,
  });
  try {
    assert.equal(endpoint.spinNs, 30_000);
    assert.equal(endpoint.sleeps, 1);
  } finally {
    ringFutex.cleanup?.(shim, endpoint);
  }
});
