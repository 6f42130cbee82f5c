import assert from "node:assert/strict";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { measureYardsticks } from "../src/run/yardsticks.ts";
import { runTrial } from "../src/run/trial.ts";
import type { TrialContext } from "../src/run/trial.ts";
import { allowedCpus } from "../src/context/topology.ts";
import { TRANSPORTS } from "../src/transports/mod.ts";
import {
  sqThreadPlacement,
  URING_ENV,
  uringRefusal,
  uringSetup,
  uringSupport,
} from "../src/transports/uring.ts";
import { loadReport } from "../src/report/schema.ts";
import { runTask } from "./run_task.ts";
import { ourSegments } from "./shm_leaks.ts";

// Where the kernel (or a container) refuses io_uring, the transports cannot run: their tests are
// skipped, and the unavailable path below still runs.
const library = (await buildShim()).libraryPath;
const support = (() => {
  using shim = Shim.open(library);
  return uringSupport(shim);
})();
const plain = !("unavailable" in support.plain);
const polled = !("unavailable" in support.sqpoll);

async function withContext(body: (context: TrialContext) => Promise<void>): Promise<void> {
  using shim = Shim.open(library);
  const privateDir = await Deno.makeTempDir({ prefix: "ringpipe-test-" });
  try {
    await body({ shim, libraryPath: library, privateDir });
  } finally {
    await Deno.remove(privateDir, { recursive: true });
  }
  assert.deepEqual(await ourSegments(Deno.pid), [], "no segment left in /dev/shm");
}

for (const name of ["pipe-uring", "pipe-uring-sqpoll"]) {
  const sqpoll = name.endsWith("sqpoll");
  for (const mode of ["stream", "pingpong"] as const) {
    // 8 bytes, 10,007 items: batches of 16 and a last short batch; 1 MiB: transfers the pipe
    // splits, finished one operation at a time.
    for (const [sizeBytes, iterations] of [[8, 10_007], [1 << 20, 30]]) {
      Deno.test({
        name: `${name} ${mode} ${sizeBytes} B: two processes, every byte checked, ` +
          (sqpoll ? "the SQPOLL threads' CPU time counted" : "no kernel thread"),
        ignore: sqpoll ? !polled : !plain,
        fn: () =>
          withContext(async (context) => {
            const cpus: [number, number] = [0, Math.min(1, navigator.hardwareConcurrency - 1)];
            const result = await runTrial(context, {
              series: { transport: TRANSPORTS[name], mode, sizeBytes, placement: "cross", cpus },
              iterations,
              nice: null,
              ringSlots: 8,
              timeoutMs: 60_000,
            }, `uring-${name}-${mode}-${sizeBytes}`);
            assert.equal(result.consumer.items, String(iterations));
            assert.equal(result.consumer.checksum, String((iterations * (iterations - 1)) / 2));
            for (const side of [result.producer, result.consumer]) {
              if (sqpoll) {
                assert.ok(side.kernelThreadCpuNs !== null, `${side.role}: no SQPOLL clock`);
                assert.ok(side.kernelThreadCpuNs! > 0, `${side.role}: SQPOLL thread used no CPU?`);
                assert.ok(side.kernelThreadCpuNs! < 10 * result.elapsedNs + 50e6);
              } else {
                assert.equal(side.kernelThreadCpuNs, null);
              }
            }
          }),
      });
    }
  }
}

Deno.test({
  name: "the file server's io_uring reads: each depth, plain and SQPOLL, every word checked",
  ignore: !plain,
  fn: () => {
    using shim = Shim.open(library);
    const y = measureYardsticks(shim, [64], {
      depths: [8],
      cpus: navigator.hardwareConcurrency > 1 ? [0, 1] : null,
      spinBeforeSleepNs: 10_000,
    });
    const reads = y.uring ?? [];
    assert.deepEqual(
      reads.map((r) => `${r.depth}${r.sqpoll ? " sqpoll" : ""}`),
      polled ? ["1", "8", "1 sqpoll", "8 sqpoll"] : ["1", "8"],
    );
    for (const r of reads) {
      assert.ok(r.ns > 0 && r.cpuNs > 0, JSON.stringify(r));
      assert.ok(r.sqpoll ? r.kernelThreadCpuNs > 0 : r.kernelThreadCpuNs === 0, JSON.stringify(r));
      assert.ok(r.kernelThreadCpuNs <= r.cpuNs);
    }
    assert.match(y.uringMethod ?? "", /every word checked/);
    assert.match(y.method, /\((ext4|xfs|btrfs|tmpfs|overlay|[a-z0-9]+)\)/, "the file system named");
    const left = [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")].filter((e) =>
      e.name.startsWith(`ringpipe-${Deno.pid}-`)
    );
    assert.deepEqual(left, [], "the yardsticks' directory is removed");
  },
});

Deno.test("io_uring missing: named, one line and exit 2 before anything runs; under all, skipped with a warning", async () => {
  const env = { [URING_ENV]: "off" };
  for (const name of ["pipe-uring", "pipe-uring-sqpoll"]) {
    const named = await runTask("bench", ["--transports", `pipe,${name}`, "--no-save"], env);
    assert.equal(named.code, 2, named.stderr);
    const lines = named.stderr.trim().split("\n");
    assert.equal(
      lines.at(-1),
      `ringpipe bench: ${name} cannot run here: io_uring turned off by ${URING_ENV}=off; leave it out`,
    );
    assert.doesNotMatch(named.stdout, /trials/, "nothing was measured");
  }
  const out = await Deno.makeTempDir();
  try {
    const all = await runTask("bench", [
      "--transports",
      "all",
      "--sizes",
      "8",
      "--mode",
      "stream",
      "--iterations",
      "2000",
      "--runs",
      "1",
      "--out",
      out,
      "--machine",
      "m",
    ], env);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stderr, /^pipe-uring skipped: io_uring turned off/m);
    assert.match(all.stderr, /^pipe-uring-sqpoll skipped: io_uring turned off/m);
    const json = [...Deno.readDirSync(`${out}/m`)].map((e) => e.name)
      .find((n) => n.endsWith(".json") && n !== "machine.json")!;
    const report = await loadReport(`${out}/m/${json}`);
    assert.ok(report.results.some((r) => r.transport === "pipe"));
    assert.ok(!report.results.some((r) => r.transport.includes("uring")));
    assert.ok(
      report.warnings.includes(`pipe-uring skipped: io_uring turned off by ${URING_ENV}=off`),
    );
    // The file server measures the rest, and says in one line why io_uring reads are missing.
    const scenario = await runTask("bench", [
      "--scenario",
      "fileserver",
      "--transports",
      "shm",
      "--sizes",
      "64",
      "--depth",
      "1",
      "--iterations",
      "2000",
      "--runs",
      "1",
      "--no-save",
    ], env);
    assert.equal(scenario.code, 0, scenario.stderr);
    assert.match(scenario.stderr, /^io_uring reads skipped: io_uring turned off by/m);
    assert.doesNotMatch(scenario.stdout, /^\s*64 B\s+io_uring read/m);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("doctor names io_uring's state, and the reason when it is missing", async () => {
  const on = await runTask("doctor", []);
  assert.equal(on.code, 0, on.stderr);
  assert.match(on.stdout, /io_uring: (rings can be set up|unavailable: )/);
  assert.match(on.stdout, /io_uring SQPOLL: (rings can be set up|unavailable: )/);
  const off = await runTask("doctor", [], { [URING_ENV]: "off" });
  assert.match(
    off.stdout,
    /info\s+io_uring: unavailable: io_uring turned off by RINGPIPE_IO_URING=off/,
  );
});

Deno.test("why io_uring_setup() failed, in words; where the SQPOLL threads go; what is recorded", () => {
  assert.match(uringRefusal(38, null), /no io_uring_setup\(\)/);
  assert.match(uringRefusal(1, 2), /not permitted.*kernel.io_uring_disabled=2/);
  assert.match(uringRefusal(3, 0), /SQPOLL thread/);
  assert.deepEqual(sqThreadPlacement([0, 1], [0, 1]), {
    cpus: [0, 1],
    shares: "each its own side's loop (no spare CPU): they take turns",
  });
  assert.deepEqual(sqThreadPlacement([0, 1], [0, 1, 2]).cpus, [2, 2]);
  assert.deepEqual(sqThreadPlacement([2, 2], [2]).cpus, [2, 2]);
  const works = {
    plain: { flags: 1 << 12, names: ["SINGLE_ISSUER"] },
    sqpoll: { flags: 2, names: ["SQPOLL"] },
  };
  // A side spins before it sleeps only when its kernel thread has a CPU of its own.
  const spare = allowedCpus().some((cpu) => cpu > 1);
  assert.equal(
    uringSetup(works, true, "stream", [0, 1], 10_000)?.sqThread?.spinNs,
    spare ? 10_000 : 0,
  );
  assert.equal(uringSetup(works, false, "stream", [0, 1], 10_000)?.sqThread, undefined);
  assert.equal(uringSetup(works, false, "stream", [0, 1], 10_000)?.batch, 16);
  assert.equal(uringSetup(works, false, "pingpong", null, 10_000)?.batch, 1);
});

Deno.test("a shim built without io_uring's headers answers -ENOSYS: the transports are unavailable, the rest builds", async () => {
  const { buildShim } = await import("../ffi/build.ts");
  const { Shim } = await import("../ffi/library.ts");
  // What kernel headers before 5.6 give (no read or write opcodes): RINGPIPE_NO_URING builds the same stubs.
  using shim = Shim.open((await buildShim({ cflags: "-O2 -DRINGPIPE_NO_URING" })).libraryPath);
  const status = shim.symbols.rp_uring_probe(0, -1);
  assert.equal(status, -38);
  assert.match(uringRefusal(-status, null), /kernel headers without io_uring's read and write/);
  const out = new BigUint64Array(3);
  assert.equal(
    shim.symbols.rp_yardstick_uring(
      new Uint8Array([0]),
      4096n,
      64n,
      1n,
      1,
      new BigUint64Array(5),
      -1,
      out,
    ),
    -38,
  );
});
