import assert from "node:assert/strict";
import { originalLine } from "../src/report/headline.ts";
import { SCHEMA_VERSION } from "../src/report/report.ts";
import { loadReport } from "../src/report/schema.ts";
import { runTask } from "./run_task.ts";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { uringSupport } from "../src/transports/uring.ts";
import { tscRefusal } from "../src/context/environment.ts";

const library = (await buildShim()).libraryPath;
import { ourSegments } from "./shm_leaks.ts";

const bench = (args: string[], env: Record<string, string> = {}) => runTask("bench", args, env);

/** The io_uring transports this machine runs (tests/uring.test.ts covers the rest). */
const uringTransports = (() => {
  using shim = Shim.open(library);
  const support = uringSupport(shim);
  return [
    ...("unavailable" in support.plain ? [] : ["pipe-uring"]),
    ...("unavailable" in support.sqpoll ? [] : ["pipe-uring-sqpoll"]),
  ];
})();

/** The one report a bench saved into machine folder `dir`: its file name and what it says. */
async function savedReport(dir: string) {
  const json = [...Deno.readDirSync(dir)].map((e) => e.name)
    .find((n) => n.endsWith(".json") && n !== "machine.json")!;
  return { json, report: await loadReport(`${dir}/${json}`) };
}

/**
 * Runs a bench that must succeed, saving into a fresh folder as machine `m`: what it printed, the
 * report it saved, its Markdown page; `await using` removes the folder.
 */
async function savedBench(args: string[]) {
  const out = await Deno.makeTempDir();
  const dispose = () => Deno.remove(out, { recursive: true });
  try {
    const run = await bench([...args, "--out", out, "--machine", "m"]);
    assert.equal(run.code, 0, run.stderr);
    const { json, report } = await savedReport(`${out}/m`);
    const page = await Deno.readTextFile(`${out}/m/${json.replace(/json$/, "md")}`);
    return { run, report, page, [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

Deno.test("deno task bench: every transport, mode and size for real; the original lines; report and charts", async () => {
  const out = await Deno.makeTempDir();
  try {
    const run = await bench([
      "--iterations",
      "2000",
      "--runs",
      "2",
      "--sizes",
      "8,4K",
      "--out",
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split("\n");
    assert.match(lines[0], /^SHMEM Time: {2}\d\.\d{18}$/);
    assert.match(lines[1], /^KERNEL Time: \d\.\d{18}$/);
    assert.match(lines[2], /^The ring was [\d.,]+x faster than the pipe/);
    assert.ok(lines.includes("stream: one way, ns per message"));
    assert.ok(lines.includes("ping-pong: request and reply of the same size, ns per round trip"));

    const machines = [...Deno.readDirSync(out)].map((e) => e.name);
    assert.equal(machines.length, 1, "one folder, for this machine");
    assert.match(machines[0], /^[\w.-]+-[0-9a-f]{8}$/);
    const dir = `${out}/${machines[0]}`;
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n !== "machine.json")
      .sort();
    assert.equal(files.length, 5, files.join(", "));
    const stem = files.find((f) => f.endsWith(".json"))!.replace(/\.json$/, "");
    assert.deepEqual(files, [
      `${stem}.json`,
      `${stem}.latency.svg`,
      `${stem}.md`,
      `${stem}.ratio.svg`,
      `${stem}.throughput.svg`,
    ]);
    const report = await loadReport(`${dir}/${stem}.json`);
    assert.equal(
      JSON.parse(await Deno.readTextFile(`${dir}/${stem}.json`)).schemaVersion,
      SCHEMA_VERSION,
    );
    assert.equal(report.schemaVersion, SCHEMA_VERSION);
    assert.equal(report.machine.id, machines[0]);
    assert.match(stem, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ_([0-9a-f]{7}|nocommit)$/);
    assert.equal(report.parameters.iterations, 2000);
    assert.deepEqual(
      report.results.map((r) => `${r.mode} ${r.sizeBytes} ${r.transport}`),
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
    for (const result of report.results) {
      assert.equal(result.verified, true);
      assert.equal(result.engine, "native");
      assert.equal(result.placement, "cross");
      assert.equal(result.iterations, 2000);
      assert.equal(result.samples.length, 2);
      assert.ok(result.nsPerItem.median > 0);
      assert.ok(result.samples.every((s) => s.elapsedNs > 0 && s.iterations === 2000));
      if (result.mode === "pingpong") {
        assert.equal(result.unit, "round trip");
        const latency = result.latency!;
        // Every 17th round trip of 2 trials of 2,000 is timed (the 1st, 18th, ...): 118 per trial.
        assert.equal(
          latency.roundTrip.count,
          2 * Math.ceil(2000 / 17),
          "every timed one is counted",
        );
        assert.match(
          latency.clock,
          /^CLOCK_MONOTONIC around every 17th round trip .* a read\); the others are not timed$/,
        );
        const rt = latency.roundTrip;
        assert.ok(rt.min <= rt.p50 && rt.p50 <= rt.p90 && rt.p90 <= rt.p99 && rt.p99 <= rt.p999);
        assert.ok(rt.p999 <= rt.p9999 && rt.p9999 <= rt.max);
        assert.equal(latency.oneWayAsHalfRoundTrip.p50, rt.p50 / 2);
      } else {
        assert.equal(result.latency, null);
        assert.equal(
          result.throughput.bytesPerSecond,
          result.throughput.perSecond * result.sizeBytes,
        );
      }
    }
    // Interleaved: round 1 runs the series in order, round 2 in reverse.
    const order = report.results.flatMap((r) =>
      r.samples.map((s) => [s.order, report.results.indexOf(r)])
    )
      .sort((a, b) => a[0] - b[0]).map((x) => x[1]);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1, 0]);
    // The printed lines are the 8-byte stream medians, in the original's format.
    assert.equal(lines[0], originalLine("shm", report.results[0].nsPerItem.median));
    assert.equal(lines[1], originalLine("pipe", report.results[1].nsPerItem.median));
    assert.equal(report.comparisons.length, 4, "pipe against shm for each mode and size");
    for (const role of ["producer", "consumer"]) {
      const p = report.processes.find((x) => x.role === role)!;
      assert.equal(p.niceRequested, -20);
      assert.equal(typeof p.niceAchieved, "number");
    }
    const markdown = await Deno.readTextFile(`${dir}/${stem}.md`);
    for (const chart of ["latency", "ratio", "throughput"]) {
      assert.ok(markdown.includes(`](${stem}.${chart}.svg)`), chart);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
  assert.deepEqual(await ourSegments(), []);
});

Deno.test("every transport's report reads back through the strict loader", async () => {
  const out = await Deno.makeTempDir();
  try {
    const run = await bench([
      "--transports",
      "all",
      "--sizes",
      "8,4K",
      "--iterations",
      "500",
      "--runs",
      "1",
      "--out",
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const [machine] = [...Deno.readDirSync(out)].map((e) => e.name);
    const json = [...Deno.readDirSync(`${out}/${machine}`)].map((e) => e.name)
      .find((n) => n.endsWith(".json") && n !== "machine.json")!;
    const report = await loadReport(`${out}/${machine}/${json}`);
    assert.deepEqual(
      [...new Set(report.results.map((r) => r.transport))].sort(),
      [
        "fifo",
        "mq",
        "pipe",
        "pipe-splice",
        ...uringTransports,
        "ring-eventfd",
        "ring-futex",
        "ring-pipewake",
        "shm",
        "shm-copy",
        "unix",
      ],
    );
    assert.deepEqual(
      [...new Set(report.results.map((r) => r.waitPolicy))].sort(),
      ["eventfd", "futex", "pipe", "spin"],
    );
    assert.ok(report.warnings.some((w) => w.startsWith("pipe-splice skipped for 8 B")));
    // What each series could hold before a sender waited: checked against the kernel's rules.
    const capacity = (transport: string, size: number) =>
      report.results.find((r) => r.transport === transport && r.sizeBytes === size)?.capacity
        ?.messages;
    assert.equal(capacity("pipe", 8), 8192);
    assert.equal(capacity("fifo", 4096), 16);
    assert.equal(capacity("pipe-splice", 4096), 16);
    const msgMax = Number(Deno.readTextFileSync("/proc/sys/fs/mqueue/msg_max"));
    assert.equal(capacity("mq", 8), Math.min(10, msgMax));
    assert.equal(capacity("unix", 8), null);
    for (const r of report.results.filter((r) => r.ringSlots !== null)) {
      assert.equal(r.capacity?.messages, r.ringSlots, `${r.transport} ${r.sizeBytes} B`);
    }
    const markdown = Deno.readTextFileSync(`${out}/${machine}/${json.replace(/json$/, "md")}`);
    assert.match(report.methods.spinWait ?? "", /spin-wait hint \((pause|yield)/);
    assert.match(markdown, /^- Spinning: native spinning waits run/m);
    assert.match(
      markdown,
      /Messages in flight before a sender waits: .*`pipe` 8 B: 8,192, 4 KiB: 16/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("messages larger than the pipe buffer go through whole, both ways", async () => {
  const run = await bench([
    "--transports",
    "pipe",
    "--sizes",
    "1M",
    "--iterations",
    "40",
    "--runs",
    "1",
    "--no-save",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^\s*1 MiB\s+pipe\s+1\s/m);
});

Deno.test("--no-save writes nothing; --transports runs just one", async () => {
  const out = await Deno.makeTempDir();
  try {
    const run = await bench([
      "--iterations",
      "5000",
      "--runs",
      "1",
      "--transports",
      "pipe",
      "--mode",
      "stream",
      "--sizes",
      "8",
      "--no-save",
      "--out",
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^KERNEL Time: \d\.\d{18}$/m);
    assert.doesNotMatch(run.stdout, /SHMEM/);
    assert.deepEqual([...Deno.readDirSync(out)], []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

const badInvocations: [string[], Record<string, string>, RegExp][] = [
  [["--runs", "0"], {}, /^ringpipe bench: --runs must be a whole number from 1/],
  [["--transports", "smoke-signals"], {}, /^ringpipe bench: unknown transport 'smoke-signals'/],
  [["--nice", "-5"], {}, /^ringpipe bench: --nice takes a value that starts with '-'/],
  [["--frobnicate"], {}, /^ringpipe bench: unknown option --frobnicate/],
  [
    ["--quick", "--out", "/proc/ringpipe-cannot-write"],
    {},
    /^ringpipe bench: cannot write reports into \/proc/,
  ],
  [
    ["--quick", "--no-save"],
    { CC: "no-such-cc-ringpipe" },
    /^ringpipe bench: no C compiler: `no-such-cc-ringpipe` was not found/,
  ],
  [
    ["--quick", "--no-save"],
    { CC: "true" },
    /^ringpipe bench: true did not produce a loadable shim \(.*\); is CC a C compiler for this machine\?$/m,
  ],
  [
    ["--quick", "--no-save"],
    { CFLAGS: "-O2 -fno-such-flag" },
    /^ringpipe bench: cc failed to compile the shim with CFLAGS="-O2 -fno-such-flag": .*no-such-flag/,
  ],
  [
    ["--quick", "--no-save", "--pin", "0,4096"],
    {},
    /^ringpipe bench: --pin 0,4096: CPU 4096 does not exist or is not allowed here \(allowed: /,
  ],
  [
    ["--timeout", "0"],
    {},
    /^ringpipe bench: --timeout must be a number of seconds from 0.1 to 86400, got '0'/,
  ],
  [["--iterations=-5"], {}, /^ringpipe bench: --iterations must be a whole number from 1 to/],
  [["--ring-slots", "3"], {}, /^ringpipe bench: --ring-slots must be a power of two, got 3/],
  [
    ["--target-ci", "5"],
    {},
    /^ringpipe bench: --target-ci must be a fraction such as 2% or 0.02, got '5'/,
  ],
];

for (const [args, env, message] of badInvocations) {
  Deno.test(`refused with exit code 2 and one line: ${args.join(" ")} ${JSON.stringify(env)}`, async () => {
    const run = await bench(args, env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /\bat .*\.ts:\d+/, "no stack trace");
    assert.equal(run.stdout, "");
  });
}

Deno.test("--help shows the options and exits 0", async () => {
  const run = await bench(["--help"]);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^Usage: deno task bench/);
});

Deno.test("--placement both measures every series on two CPUs and on one, where a spinning ring yields", async () => {
  await using saved = await savedBench([
    "--placement",
    "both",
    "--mode",
    "stream",
    "--sizes",
    "8",
    "--iterations",
    "2000",
    "--runs",
    "2",
  ]);
  const { run, report } = saved;
  assert.deepEqual(
    report.results.map((r) => `${r.transport} ${r.placement} ${r.waitPolicy}`),
    ["shm cross spin", "pipe cross spin", "shm same yield", "pipe same spin"],
  );
  const same = report.results.filter((r) => r.placement === "same");
  assert.ok(
    same.every((r) => r.samples.every((s) => s.producer.cpuStart === s.consumer.cpuStart)),
  );
  // Both placements have their own ratio; the headline stays the one on two CPUs.
  assert.deepEqual(report.comparisons.map((c) => c.placement), ["cross", "same"]);
  assert.match(run.stdout, /^The ring was [\d.,]+x faster/m);
});

Deno.test("--engine deno alone: TypeScript loops only, and no headline taken from them", async () => {
  const run = await bench([
    "--engine",
    "deno",
    "--mode",
    "stream",
    "--sizes",
    "8",
    "--iterations",
    "20000",
    "--runs",
    "2",
    "--no-save",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stdout, /SHMEM Time|KERNEL Time|The ring was/);
  // The deno ring moves 64 items per batch unless told.
  assert.match(run.stdout, /^ 8 B {2}shm \(deno, every 64\)\s+2\s/m);
  assert.match(run.stdout, /^ 8 B {2}pipe \(deno\)\s+2\s/m);
});

Deno.test("one bench at a time: a second stops with one line naming the holder, or waits with --wait-for-lock", async () => {
  const { LOCK_PATH, lockHolder } = await import("../src/context/lock.ts");
  const held = await Deno.open(LOCK_PATH, { read: true, write: true, create: true, mode: 0o666 });
  try {
    await held.lock(true);
    assert.equal(lockHolder(LOCK_PATH), Deno.pid, "/proc/locks names the holder");
    const refused = await bench(["--quick", "--no-save"]);
    assert.equal(refused.code, 2);
    assert.equal(
      refused.stderr.trim(),
      `ringpipe bench: another bench (pid ${Deno.pid}) is running on this machine, and each would measure the other; wait for it, or pass --wait-for-lock`,
    );
    const waiting = bench([
      "--quick",
      "--no-save",
      "--mode",
      "stream",
      "--runs",
      "2",
      "--wait-for-lock",
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await held.unlock();
    const waited = await waiting;
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(
      waited.stderr,
      new RegExp(`^waiting for the bench of pid ${Deno.pid} to finish$`, "m"),
    );
    assert.match(waited.stdout, /^SHMEM Time:/m);
  } finally {
    held.close();
  }
});

Deno.test("a paced series costs its round trip, not its pace; the spin before sleeping is recorded per series", async () => {
  await using saved = await savedBench([
    "--transports",
    "ring-futex,pipe",
    "--mode",
    "pingpong",
    "--sizes",
    "8",
    "--pace",
    "20ms",
    "--iterations",
    "5",
    "--runs",
    "2",
    "--spin-before-sleep",
    "50us",
  ]);
  const { report } = saved;
  assert.equal(report.parameters.spinBeforeSleepNs, 50_000);
  const [futex, pipe] = report.results;
  assert.equal(futex.spinBeforeSleepNs, 50_000, "recorded for the sleeping ring");
  assert.equal(pipe.spinBeforeSleepNs, undefined, "not for a pipe, which blocks in the kernel");
  for (const r of report.results) {
    assert.equal(r.paceNs, 20_000_000);
    // The figure is the mean round trip, far below the 20 ms pace...
    assert.ok(r.nsPerItem.median < 5_000_000, `${r.transport}: ${r.nsPerItem.median} ns`);
    for (const s of r.samples) {
      const trips = r.latency!.roundTrip;
      assert.ok(s.nsPerItem <= trips.max && s.nsPerItem >= trips.min);
      // ...and the trial ends at the last reply: 4 paces and a round trip, not 5 paces.
      assert.ok(s.elapsedNs < 4.5 * 20_000_000, `${s.elapsedNs} ns`);
    }
  }
});

Deno.test("--latency-every 1 times every round trip, as before; the figures record how", async () => {
  await using saved = await savedBench([
    "--mode",
    "pingpong",
    "--sizes",
    "8",
    "--iterations",
    "1000",
    "--runs",
    "2",
    "--latency-every",
    "1",
  ]);
  const { report, page } = saved;
  assert.equal(report.parameters.latencyEvery, 1);
  for (const r of report.results) {
    assert.equal(r.latency!.roundTrip.count, 2000);
    assert.match(r.latency!.clock, /^CLOCK_MONOTONIC, read once per round trip/);
  }
  assert.match(page, /4,000 round trips were timed one by one\./);
});

Deno.test("--latency-stamp tsc stamps the sampled round trips with the TSC, in ns, and says so", async () => {
  const args = ["--mode", "pingpong", "--sizes", "8", "--iterations", "4000", "--runs", "2"];
  const refused = tscRefusal();
  if (refused !== null) {
    // Where the TSC cannot be trusted, asking for it is refused before anything runs.
    const run = await bench([...args, "--latency-stamp", "tsc", "--no-save"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--latency-stamp tsc: the TSC cannot time round trips here: /);
    return;
  }
  await using saved = await savedBench([...args, "--latency-stamp", "tsc"]);
  const { report } = saved;
  assert.equal(report.parameters.latencyStamp, "tsc");
  assert.ok((report.environment.clock.tsc?.readCostNs ?? 0) > 0, "the cost of a read is recorded");
  for (const r of report.results) {
    const latency = r.latency!;
    assert.match(
      latency.clock,
      /^the TSC \(rdtsc\) around every 17th round trip .*ratio of CLOCK_MONOTONIC to TSC ticks over its loop; the others are not timed$/,
    );
    assert.equal(latency.roundTrip.count, 2 * Math.ceil(4000 / 17));
    // In ns: the conversion itself is checked exactly in histogram.test.ts.
    assert.ok(
      latency.roundTrip.min <= latency.roundTrip.p50 &&
        latency.roundTrip.p50 <= latency.roundTrip.max,
    );
  }
});

Deno.test("controls: the 8-byte pipe stream beside a plain C loop, the 8-byte ring round trip beside an unstamped trial, a round beside each trial", async () => {
  await using saved = await savedBench(
    ["--mode", "all", "--sizes", "8,64", "--transports", "shm,pipe"].concat(
      ["--iterations", "4000", "--runs", "3"],
    ),
  );
  const { run, report, page } = saved;
  const ci = String.raw`\([\d.]+% CI [\d.]+-[\d.]+×, median of 3 ratios of neighbours\)`;
  const time = String.raw`[\d.,]+ (ns|µs)`;
  assert.match(
    run.stdout,
    new RegExp(
      String
        .raw`^plain C pipe\(2\) loop in the same run, a round beside each of the pipe's trials: ` +
        String.raw`${time} per 8-byte item \(rounds .* to .*\); the kit's pipe \(8 B cross\): ` +
        String.raw`${time}, [\d.]+× the loop ${ci}$`,
      "m",
    ),
  );
  assert.match(
    run.stdout,
    new RegExp(
      String.raw`^shm 8 B cross with every 17th round trip stamped with CLOCK_MONOTONIC: ${time} ` +
        String.raw`per round trip; with no stamps, a trial beside each: ${time} \(trials .* to ` +
        String.raw`.*\); stamped over unstamped [\d.]+× ${ci}; the stamped round trips ` +
        String.raw`themselves, each with its own pair of stamps, had a p50 of ${time}$`,
      "m",
    ),
  );
  // One control each: not the 64-byte series, not the pipe's round trip, not the ring's stream.
  assert.deepEqual(report.controls?.map((c) => [c.kind, c.series, c.rounds.length]), [
    ["pipe-loop", "pipe stream 8 B cross spin", 3],
    ["unstamped", "shm pingpong 8 B cross spin", 3],
  ]);
  const [loop, stamps] = report.controls!;
  assert.ok(loop.rounds.every((ns) => ns > 0) && stamps.rounds.every((ns) => ns > 0));
  const series = (transport: string, mode: string) =>
    report.results.find((r) => r.transport === transport && r.mode === mode && r.sizeBytes === 8)!;
  const pipe = series("pipe", "stream"), ring = series("shm", "pingpong");
  assert.deepEqual(loop.beside, pipe.samples.map((s) => s.nsPerItem), "paired with its trials");
  assert.deepEqual(stamps.beside, ring.samples.map((s) => s.nsPerItem));
  // Control trials are not the series' own: their round trips are not in its histogram.
  assert.equal(ring.latency!.roundTrip.count, 3 * Math.ceil(4000 / 17));
  assert.equal(report.parameters.pipe, "pipe(2)");
  assert.match(
    page,
    / Plain C pipe\(2\) loop in the same run, a round beside each .*median of 3 ratios of neighbours\) \(how: the supervisor forks a reader .*at its loops' nice\)\./,
  );
  assert.match(
    page,
    /Against a loop that reads no clock: shm 8 B cross with .* \(how: a trial of the series whose client stamps only its first round trip/,
  );
});
