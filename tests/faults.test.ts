import assert from "node:assert/strict";
import { ourSegments } from "./shm_leaks.ts";

const BENCH = new URL("../tasks/bench.ts", import.meta.url).pathname;

/** Worker processes started by the bench process `benchPid` (their spec names its segments). */
function workersOf(benchPid: number): { pid: number; role: string }[] {
  const found = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let cmdline: string;
    try {
      cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
    } catch {
      continue; // exited meanwhile
    }
    if (!cmdline.includes(`/ringpipe-${benchPid}-`)) continue;
    const role = /"role":"(\w+)"/.exec(cmdline)?.[1] ?? "?";
    found.push({ pid: Number(entry.name), role });
  }
  return found;
}

/** Starts a bench whose pipe trials last minutes, and waits until both workers run. */
async function startLongBench() {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      BENCH,
      "--transports",
      "pipe",
      "--iterations",
      "1000000000",
      "--runs",
      "1",
      "--no-save",
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const deadline = Date.now() + 20_000;
  while (workersOf(child.pid).length < 2) {
    if (Date.now() > deadline) throw new Error("the workers did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

async function finish(child: Deno.ChildProcess) {
  const output = await child.output();
  return {
    code: output.code,
    stderr: new TextDecoder().decode(output.stderr),
  };
}

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  Deno.test(`${signal} stops both workers, removes the segment and exits ${code}`, async () => {
    const child = await startLongBench();
    const started = performance.now();
    child.kill(signal);
    const result = await finish(child);
    assert.ok(performance.now() - started < 3000, "stopped within seconds");
    assert.equal(result.code, code, result.stderr);
    assert.match(result.stderr, new RegExp(`interrupted by ${signal}`));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(workersOf(child.pid), []);
    assert.deepEqual(await ourSegments(child.pid), []);
  });
}

Deno.test("a worker killed mid-run: the run fails naming it, its peer is stopped, nothing is left", async () => {
  const child = await startLongBench();
  // Let both open the FIFO and start the loop.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const consumer = workersOf(child.pid).find((w) => w.role === "consumer")!;
  Deno.kill(consumer.pid, "SIGKILL");
  const result = await finish(child);
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    /pipe trial pipe-w1 failed: consumer was killed by SIGKILL; producer /,
  );
  assert.deepEqual(workersOf(child.pid), []);
  assert.deepEqual(await ourSegments(child.pid), []);
});
