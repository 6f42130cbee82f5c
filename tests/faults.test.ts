/**
 * Faults, for real: signals to the bench, killed workers, a killed
 * supervisor, leftovers of crashed runs, file modes. Every test checks that
 * no worker process and no shared-memory segment is left behind.
 */

import assert from "node:assert/strict";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { uringSupport } from "../src/transports/uring.ts";
import { ourSegments } from "./shm_leaks.ts";

const library = (await buildShim()).libraryPath;

const BENCH = new URL("../tasks/bench.ts", import.meta.url).pathname;

/** Worker processes started by the bench process `benchPid` (each is started with its name). */
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
    const role = new RegExp(`\\bringpipe-worker-${benchPid}-(\\w+)`).exec(cmdline)?.[1];
    if (role !== undefined) found.push({ pid: Number(entry.name), role });
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Starts a bench whose trials of `transport` last minutes, and waits until both workers loop. */
async function startLongBench(transport: string, extra: string[] = []) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      BENCH,
      "--transports",
      transport,
      "--iterations",
      transport === "shm" ? "100000000000" : "1000000000",
      "--runs",
      "1",
      "--mode",
      "stream",
      "--sizes",
      "8",
      "--no-save",
      ...extra,
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await waitFor("both workers", () => workersOf(child.pid).length === 2);
  await sleep(1000); // let both open their ends and enter the loop
  return child;
}

async function finish(child: Deno.ChildProcess) {
  const output = await child.output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

async function assertNothingLeft(benchPid: number): Promise<void> {
  await waitFor("the workers to exit", () => workersOf(benchPid).length === 0, 5_000);
  assert.deepEqual(await ourSegments(benchPid), []);
  const dirs = [...Deno.readDirSync(Deno.env.get("TMPDIR") || "/tmp")]
    .filter((e) => e.name.startsWith(`ringpipe-${benchPid}-`));
  assert.deepEqual(dirs, [], "the private directory is removed");
}

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  for (const transport of ["pipe", "shm"] as const) {
    Deno.test(`${signal} during ${transport}: both workers stop, nothing is left, exit ${code}`, async () => {
      const child = await startLongBench(transport);
      const started = performance.now();
      child.kill(signal);
      const result = await finish(child);
      assert.ok(performance.now() - started < 1500, "stopped within about a second");
      assert.equal(result.code, code, result.stderr);
      assert.match(result.stderr, new RegExp(`interrupted by ${signal}`));
      await assertNothingLeft(child.pid);
    });
  }
}

// io_uring's sides wait in the kernel for completions, SQPOLL's with a kernel thread each: a killed
// peer must end that wait too (where the kernel allows io_uring at all).
const uring = (() => {
  using shim = Shim.open(library);
  return "unavailable" in uringSupport(shim).sqpoll ? [] : ["pipe-uring-sqpoll"];
})();

for (const transport of ["pipe", "shm", "mq", ...uring]) {
  for (const victim of ["consumer", "producer"] as const) {
    Deno.test(`${transport}: the ${victim} killed mid-run fails the run naming it; nothing is left`, async () => {
      const child = await startLongBench(transport);
      const target = workersOf(child.pid).find((w) => w.role === victim)!;
      const started = performance.now();
      Deno.kill(target.pid, "SIGKILL");
      const result = await finish(child);
      assert.ok(performance.now() - started < 2500, "noticed within a second or two");
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `${transport} stream 8 B cross warm-up 1 failed: ${victim} was killed by SIGKILL; `,
        ),
      );
      await assertNothingLeft(child.pid);
    });
  }
}

Deno.test("the deno engine's sleeping ring: the producer killed mid-run fails the run naming it; nothing is left", async () => {
  const child = await startLongBench("ring-futex", ["--engine", "deno"]);
  const target = workersOf(child.pid).find((w) => w.role === "producer")!;
  Deno.kill(target.pid, "SIGKILL");
  const result = await finish(child);
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    /ring-futex \(deno, every 64\) stream 8 B cross warm-up 1 failed: producer was killed by SIGKILL; /,
  );
  await assertNothingLeft(child.pid);
});

for (const [transport, extra] of [["shm", []], ["ring-futex", ["--engine", "deno"]]] as const) {
  const what = extra.length === 0 ? transport : `${transport} (deno)`;
  Deno.test(`a killed supervisor, ${what}: its workers stop by themselves, the next run removes the leftovers`, async () => {
    const child = await startLongBench(transport, [...extra]);
    const workers = workersOf(child.pid);
    child.kill("SIGKILL");
    await child.output();
    // Orphaned workers notice their parent changed and stop.
    await waitFor(
      "the orphaned workers to exit",
      () => workers.every((w) => !isAlive(w.pid)),
      5_000,
    );
    const left = await ourSegments(child.pid);
    // The trial's segment, and the deno engine's channel: a SIGKILLed supervisor cannot clean up.
    assert.equal(left.length, extra.length === 0 ? 1 : 2, left.join(", "));

    const next = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        BENCH,
        "--quick",
        "--mode",
        "stream",
        "--runs",
        "1",
        "--no-save",
      ],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(next.stderr);
    assert.equal(next.code, 0, stderr);
    assert.match(stderr, /removed \d+ leftover\(s\) of earlier runs that crashed: /);
    for (const name of left) assert.ok(stderr.includes(`/dev/shm/${name}`), name);
    assert.deepEqual(await ourSegments(child.pid), []);
  });
}

Deno.test("--timeout stops a trial that takes too long", async () => {
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
      "--timeout",
      "1.5",
      "--mode",
      "stream",
      "--sizes",
      "8",
      "--no-save",
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const result = await finish(child);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /pipe stream 8 B cross warm-up 1 timed out after 1\.5 s; both workers were killed/,
  );
  await assertNothingLeft(child.pid);
});

Deno.test("shared memory is 0600 under an unguessable name; FIFOs live in a private 0700 directory", async () => {
  const child = await startLongBench("fifo");
  try {
    const [segment] = await ourSegments(child.pid);
    assert.match(segment, new RegExp(`^ringpipe-${child.pid}-[0-9a-f]{16}$`));
    const info = Deno.statSync(`/dev/shm/${segment}`);
    assert.equal(info.mode! & 0o777, 0o600);
    const tmp = Deno.env.get("TMPDIR") || "/tmp";
    const [dir] = [...Deno.readDirSync(tmp)].filter((e) =>
      e.name.startsWith(`ringpipe-${child.pid}-`)
    );
    assert.equal(Deno.statSync(`${tmp}/${dir.name}`).mode! & 0o777, 0o700);
    const fifos = [...Deno.readDirSync(`${tmp}/${dir.name}`)];
    assert.equal(fifos.length, 1);
    const fifo = Deno.statSync(`${tmp}/${dir.name}/${fifos[0].name}`);
    assert.ok(fifo.isFifo, "a named FIFO");
    assert.equal(fifo.mode! & 0o777, 0o600);
  } finally {
    child.kill("SIGTERM");
    await finish(child);
  }
  await assertNothingLeft(child.pid);
});

function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie has exited
  } catch {
    return false;
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`${signal}: the bench reaps both workers before it exits, so none is left in any state`, async () => {
    const helper = new URL("./subreaper.ts", import.meta.url).pathname;
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        helper,
        signal,
        BENCH,
        "--transports",
        "shm",
        "--iterations",
        "100000000000",
        "--runs",
        "1",
        "--mode",
        "stream",
        "--sizes",
        "8",
        "--no-save",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const result = JSON.parse(new TextDecoder().decode(output.stdout));
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.workers.length, 2, "the bench had its two workers when interrupted");
    assert.equal(result.code, signal === "SIGINT" ? 130 : 143);
    // Orphans of the bench would be this helper's children now: zombies if unreaped.
    assert.deepEqual(result.leftovers, [], JSON.stringify(result.leftovers));
  });
}
