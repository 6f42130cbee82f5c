import assert from "node:assert/strict";
import { originalLine } from "../src/format.ts";
import type { Report } from "../src/report.ts";
import { ourSegments } from "./shm_leaks.ts";

const BENCH = new URL("../tasks/bench.ts", import.meta.url).pathname;

async function bench(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", BENCH, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("deno task bench: both transports for real, the original lines, two reports", async () => {
  const out = await Deno.makeTempDir();
  try {
    const run = await bench(["--iterations", "20000", "--runs", "2", "--out", out]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split("\n");
    assert.match(lines[0], /^SHMEM Time: {2}\d\.\d{18}$/);
    assert.match(lines[1], /^KERNEL Time: \d\.\d{18}$/);
    assert.match(lines[2], /^The ring was [\d.,]+x faster than the pipe/);

    const files = [];
    for await (const entry of Deno.readDir(out)) files.push(entry.name);
    assert.equal(files.length, 2, files.join(", "));
    const jsonName = files.find((f) => f.endsWith(".json"))!;
    assert.ok(files.includes(jsonName.replace(/\.json$/, ".md")));
    const report = JSON.parse(await Deno.readTextFile(`${out}/${jsonName}`)) as Report;
    assert.equal(report.schemaVersion, 2);
    assert.equal(report.parameters.iterations, 20000);
    assert.deepEqual(report.results.map((r) => r.transport), ["shm", "pipe"]);
    for (const result of report.results) {
      assert.equal(result.verified, true);
      assert.equal(result.iterations, 20000);
      assert.equal(result.samples.length, 2);
      assert.ok(result.nsPerItem.median > 0);
      assert.ok(result.samples.every((s) => s.elapsedNs > 0 && s.iterations === 20000));
    }
    // Interleaved: the timed runs alternate transports (shm, pipe, then pipe, shm).
    const order = report.results.flatMap((r) => r.samples.map((s) => [s.order, r.transport]))
      .sort((a, b) => Number(a[0]) - Number(b[0])).map((x) => x[1]);
    assert.deepEqual(order, ["shm", "pipe", "pipe", "shm"]);
    // The printed lines are the report's medians, in the original's format.
    assert.equal(lines[0], originalLine("shm", report.results[0].nsPerItem.median));
    assert.equal(lines[1], originalLine("pipe", report.results[1].nsPerItem.median));
    assert.equal(report.comparisons[0].name, "pipe/shm");
    for (const role of ["producer", "consumer"]) {
      const p = report.processes.find((x) => x.role === role)!;
      assert.equal(p.niceRequested, -20);
      assert.equal(typeof p.niceAchieved, "number");
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
  assert.deepEqual(await ourSegments(), []);
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
