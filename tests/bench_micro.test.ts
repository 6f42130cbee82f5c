import assert, { deepEqual, equal, match } from "node:assert/strict";
import { runTask } from "./run_task.ts";

Deno.test("bench:micro --quick runs mitata and saves the FFI and clock figures as .micro.json", async () => {
  const out = await Deno.makeTempDir({ prefix: "ringpipe-micro-test-" });
  try {
    const { code, stdout, stderr } = await runTask("bench_micro", ["--quick", "--out", out]);
    equal(code, 0, stderr);
    match(stdout, /FFI call, no work/);
    const saved = stdout.match(/saved: (\S+\.micro\.json)/);
    assert(saved, stdout);
    const body = JSON.parse(await Deno.readTextFile(saved[1]));
    equal(body.format, "ringpipe-micro");
    equal(body.version, 1);
    equal(body.quick, true);
    deepEqual(
      body.benchmarks.map((b: { name: string }) => b.name).sort(),
      [
        "FFI call with a pointer argument",
        "FFI call, no work",
        "clock_gettime(CLOCK_MONOTONIC) via FFI",
        "performance.now()",
      ],
    );
    for (const b of body.benchmarks) {
      assert(b.avgNs > 0 && b.minNs <= b.p50Ns && b.p50Ns <= b.maxNs, JSON.stringify(b));
      assert(b.samples > 0);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bench:micro refuses an unknown option with one line and exit 2", async () => {
  const { code, stdout, stderr } = await runTask("bench_micro", ["--fast"]);
  equal(code, 2);
  equal(stdout, "");
  equal(stderr.trim().split("\n").length, 1, stderr);
  match(stderr, /--fast/);
});

Deno.test("the micro ring is the bench's ring: every push comes back, call after call", async () => {
  const { buildShim } = await import("../ffi/build.ts");
  const { Shim } = await import("../ffi/library.ts");
  const { Segment } = await import("../src/memory/segment.ts");
  using shim = Shim.open((await buildShim()).libraryPath);
  const s = shim.symbols;
  const memory = Segment.createRaw(shim, Number(s.rp_ring_bytes(1024n, 8n)));
  memory.unlink();
  try {
    // 0 + 1 + ... + 999, each time: the ring stays consistent across calls and wraps (3,000 > 1,024).
    for (let call = 0; call < 3; call++) equal(s.rp_micro_ring(memory.pointer, 1000n), 499_500n);
    const head = new BigUint64Array(Deno.UnsafePointerView.getArrayBuffer(memory.pointer, 8));
    equal(head[0], 3000n, "the shared head moved once per push");
  } finally {
    memory.unmap();
  }
});

Deno.test("bench:micro's round trip: a Worker echoes every record through two channels, and stops when told", async () => {
  const { startEcho } = await import("../tasks/bench_micro.ts");
  const echo = await startEcho();
  for (let i = 1; i <= 10_000; i++) assert.equal(echo.roundTrip(), i);
  await echo.stop();
});
