import assert from "node:assert/strict";
import { UsageError } from "../src/base/errors.ts";
import { DEFAULTS } from "../src/plan/defaults.ts";
import {
  helpText,
  parseBenchOptions,
  QUICK,
  reportParameters as reportParametersOf,
} from "../src/plan/options.ts";

Deno.test("defaults reproduce the original pair at nice -20, calibrated and adaptive", () => {
  const options = parseBenchOptions([]);
  assert.equal(options.iterations, null);
  assert.equal(options.runs, null);
  assert.equal(options.minTrials, 10);
  assert.equal(options.targetCi, 0.02);
  assert.equal(options.budgetSeconds, 60);
  assert.equal(options.trialSeconds, DEFAULTS.trialSeconds);
  assert.equal(options.pin, "auto");
  assert.deepEqual(options.transports, ["shm", "pipe"]);
  assert.equal(options.nice, -20);
  assert.equal(options.ringSlots, 4096);
  assert.equal(options.out, "results");
  assert.equal(options.save, true);
  assert.equal(options.quick, false);
});

Deno.test("--quick shortens the run; explicit values still win", () => {
  const quick = parseBenchOptions(["--quick"]);
  assert.equal(quick.minTrials, QUICK.minTrials);
  assert.equal(quick.budgetSeconds, QUICK.budgetSeconds);
  assert.equal(quick.trialSeconds, QUICK.trialSeconds);
  const both = parseBenchOptions(["--quick", "--min-trials", "7", "--trial-seconds=0.2"]);
  assert.equal(both.minTrials, 7);
  assert.equal(both.trialSeconds, 0.2);
});

Deno.test("--engine and --publish-every", () => {
  assert.deepEqual(parseBenchOptions([]).engines, ["native"]);
  assert.deepEqual(parseBenchOptions(["--engine", "both"]).engines, ["native", "deno"]);
  assert.deepEqual(parseBenchOptions(["--engine", "deno"]).engines, ["deno"]);
  assert.deepEqual(parseBenchOptions([]).publishEvery, [64]);
  // Recorded whenever the deno engine runs, so a report never leans on a default that changed.
  assert.deepEqual(reportParametersOf(parseBenchOptions(["--engine", "both"])).publishEvery, [64]);
  assert.equal(reportParametersOf(parseBenchOptions([])).publishEvery, undefined);
  assert.deepEqual(parseBenchOptions(["--publish-every", "64"]).publishEvery, [64]);
  assert.deepEqual(parseBenchOptions(["--publish-every", "64,1,64"]).publishEvery, [1, 64]);
  assert.throws(
    () => parseBenchOptions(["--engine", "python"]),
    /--engine must be native, deno or both/,
  );
  assert.throws(
    () => parseBenchOptions(["--publish-every", "0"]),
    /--publish-every must be a whole number from 1/,
  );
});

Deno.test("--wait, --pace, --transports all", () => {
  assert.equal(parseBenchOptions(["--wait", "futex"]).wait, "futex");
  assert.equal(parseBenchOptions([]).wait, null);
  assert.equal(parseBenchOptions(["--pace", "50us"]).paceNs, 50_000);
  assert.equal(parseBenchOptions(["--pace", "1.5ms"]).paceNs, 1_500_000);
  const all = parseBenchOptions(["--transports", "all"]);
  assert.deepEqual(all.transports, [
    "shm",
    "shm-copy",
    "ring-futex",
    "ring-pipewake",
    "ring-eventfd",
    "pipe",
    "fifo",
    "pipe-splice",
    "pipe-uring",
    "pipe-uring-sqpoll",
    "unix",
    "mq",
  ]);
  assert.equal(all.allTransports, true);
  assert.equal(parseBenchOptions(["--transports", "shm,mq"]).allTransports, false);
});

Deno.test("--target-ci takes a percentage or a fraction; --pin takes auto, none or A,B", () => {
  assert.equal(parseBenchOptions(["--target-ci", "2.5%"]).targetCi, 0.025);
  assert.equal(parseBenchOptions(["--target-ci", "0.01"]).targetCi, 0.01);
  assert.equal(parseBenchOptions(["--pin", "none"]).pin, "none");
  assert.deepEqual(parseBenchOptions(["--pin", "1,0"]).pin, [1, 0]);
  assert.equal(parseBenchOptions(["--budget", "120"]).budgetSeconds, 120);
});

/** For every option: arguments that set it, the parse it is read against, and what it changes. */
const EVERY_OPTION: [
  name: string,
  args: string[],
  from: string[],
  changes: Record<string, unknown>,
][] = [
  ["mode", ["--mode", "pingpong"], [], { modes: ["pingpong"] }],
  ["sizes", ["--sizes", "64,4K"], [], { sizes: [64, 4096] }],
  ["placement", ["--placement", "same"], [], { placement: "same" }],
  ["transports", ["--transports", "unix"], [], { transports: ["unix"] }],
  ["iterations", ["--iterations", "5000"], [], { iterations: 5000 }],
  ["trial-seconds", ["--trial-seconds", "0.2"], [], { trialSeconds: 0.2 }],
  ["min-trials", ["--min-trials", "7"], [], { minTrials: 7 }],
  ["target-ci", ["--target-ci", "5%"], [], { targetCi: 0.05 }],
  ["budget", ["--budget", "30"], [], { budgetSeconds: 30 }],
  ["runs", ["--runs=4"], [], { runs: 4 }],
  ["pin", ["--pin=none"], [], { pin: "none" }],
  ["wait", ["--wait", "futex"], [], { wait: "futex" }],
  ["pace", ["--pace", "50us"], [], { paceNs: 50_000 }],
  ["latency-every", ["--latency-every", "33"], [], { latencyEvery: 33 }],
  ["latency-stamp", ["--latency-stamp", "tsc"], [], { latencyStamp: "tsc" }],
  ["uring-batch", ["--uring-batch", "8"], [], { uringBatch: 8 }],
  ["spin-before-sleep", ["--spin-before-sleep", "5us"], [], { spinBeforeSleepNs: 5000 }],
  ["scenario", ["--scenario", "fileserver"], [], {
    scenario: "fileserver",
    modes: ["fileserver"],
    sizes: [64, 4096, 65536],
    transports: ["shm", "ring-futex", "pipe"],
  }],
  ["depth", ["--scenario", "fileserver", "--depth", "1,4"], ["--scenario", "fileserver"], {
    depths: [1, 4],
  }],
  ["engine", ["--engine", "deno"], [], { engines: ["deno"] }],
  ["publish-every", ["--engine", "deno", "--publish-every", "16"], ["--engine", "deno"], {
    publishEvery: [16],
  }],
  ["variant", ["--variant", "a=cc", "--variant", "b=clang:-O3 -flto"], [], {
    variants: [
      { label: "a", text: "a=cc", cc: "cc" },
      { label: "b", text: "b=clang:-O3 -flto", cc: "clang", cflags: "-O3 -flto" },
    ],
  }],
  ["margin", ["--variant", "a=cc", "--variant", "b=cc", "--margin", "5%"], [
    "--variant",
    "a=cc",
    "--variant",
    "b=cc",
  ], { margin: 0.05 }],
  ["timeout", ["--timeout", "90"], [], { timeoutSeconds: 90 }],
  ["nice", ["--nice=-5"], [], { nice: -5 }],
  ["ring-slots", ["--ring-slots", "256"], [], { ringSlots: 256 }],
  ["out", ["--out", "/tmp/x"], [], { out: "/tmp/x" }],
  ["no-save", ["--no-save"], [], { save: false }],
  ["machine", ["--machine", "lab"], [], { machine: "lab" }],
  ["keep-warmup", ["--keep-warmup"], [], { keepWarmup: true }],
  ["wait-for-lock", ["--wait-for-lock"], [], { waitForLock: true }],
  ["quick", ["--quick"], [], {
    quick: true,
    sizes: [8],
    minTrials: 3,
    budgetSeconds: 8,
    trialSeconds: 0.02,
  }],
  ["help", ["--help"], [], { help: true }],
];

Deno.test("every option is read: each changes what it says and nothing else", () => {
  const listed = [...helpText().matchAll(/--([a-z-]+)/g)].map((m) => m[1]);
  const covered = new Set(EVERY_OPTION.map(([name]) => name));
  assert.deepEqual(
    [...new Set(listed)].filter((name) => !covered.has(name)),
    [],
    "options without a case",
  );
  for (const [name, args, from, changes] of EVERY_OPTION) {
    const before = parseBenchOptions(from) as unknown as Record<string, unknown>;
    const after = parseBenchOptions(args) as unknown as Record<string, unknown>;
    const changed = Object.fromEntries(
      Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]))
        .map((k) => [k, after[k]]),
    );
    assert.deepEqual(changed, changes, `--${name}`);
  }
});

const refused: [string[], RegExp][] = [
  [["--runs", "0"], /--runs must be a whole number from 1/],
  [["--runs", "-3"], /--runs/],
  [["--runs", "2.5"], /--runs must be a whole number/],
  [["--iterations", "abc"], /--iterations must be a whole number/],
  [["--iterations", "0"], /--iterations must be a whole number from 1/],
  [["--nice=-21"], /--nice must be a whole number from -20 to 19/],
  [["--nice=20"], /--nice must be a whole number from -20 to 19/],
  [["--nice", "-5"], /--nice takes a value that starts with '-': write it as --nice=VALUE/],
  [
    ["--transports", "shm,carrier-pigeon"],
    /unknown transport 'carrier-pigeon'; choose from shm, shm-copy, ring-futex, ring-pipewake, ring-eventfd, pipe, fifo, pipe-splice, pipe-uring, pipe-uring-sqpoll, unix, mq/,
  ],
  [["--transports", ","], /--transports needs at least one/],
  [["--transports", "pipe,pipe"], /names 'pipe' twice/],
  [["--ring-slots", "1000"], /--ring-slots must be a power of two/],
  [["--ring-slots", "1"], /--ring-slots must be a whole number from 2/],
  [["--trial-seconds", "0"], /--trial-seconds must be a number of seconds from 0.001 to 600/],
  [["--trial-seconds", "fast"], /--trial-seconds must be a number of seconds/],
  [["--budget", "0"], /--budget must be a number of seconds from 1 to 86400/],
  [["--min-trials", "0"], /--min-trials must be a whole number from 1/],
  [["--target-ci", "2"], /--target-ci must be a fraction such as 2% or 0.02, got '2'/],
  [["--target-ci", "0%"], /--target-ci must be a fraction/],
  [["--target-ci", "150%"], /--target-ci must be a fraction/],
  [["--pin", "fast"], /--pin must be auto, none or two CPUs as A,B/],
  [["--pin", "0,0"], /--pin 0,0: the two loops need two different CPUs/],
  [["--pin", "0"], /--pin must be auto, none or two CPUs/],
  [
    ["--runs", "5", "--budget", "10"],
    /--runs fixes the number of trials; it cannot be combined with --budget/,
  ],
  [["--out", " "], /--out needs a directory/],
  [["--bogus"], /unknown option --bogus/],
  [["--wait", "nap"], /--wait must be spin, yield or futex, got 'nap'/],
  [["--pace", "50"], /--pace must be a duration from 1us to 1s such as 50us or 2ms, got '50'/],
  [["--pace", "5s"], /--pace must be a duration from 1us to 1s/],
  [["--runs"], /--runs needs a value/],
  [["stray"], /unexpected argument 'stray'/],
];

for (const [args, message] of refused) {
  Deno.test(`refuses ${args.join(" ")}`, () => {
    assert.throws(() => parseBenchOptions(args), (error: unknown) => {
      assert.ok(error instanceof UsageError, `expected a UsageError, got ${error}`);
      assert.match(error.message, message);
      assert.ok(!error.message.includes("\n"), "one line");
      return true;
    });
  });
}

Deno.test("help lists every option and transport", () => {
  const help = helpText();
  for (
    const word of [
      "--iterations",
      "--runs",
      "--trial-seconds",
      "--min-trials",
      "--target-ci",
      "--budget",
      "--pin",
      "--transports",
      "--nice=N",
      "--ring-slots",
      "--out",
      "--no-save",
      "--quick",
      "shm",
      "pipe",
      "CFLAGS",
    ]
  ) assert.ok(help.includes(word), word);
});

Deno.test("--spin-before-sleep takes a duration or 0, and is reported when not the default", () => {
  const { reportParameters } = { reportParameters: reportParametersOf };
  assert.equal(parseBenchOptions(["--spin-before-sleep", "50us"]).spinBeforeSleepNs, 50_000);
  assert.equal(parseBenchOptions(["--spin-before-sleep", "0"]).spinBeforeSleepNs, 0);
  assert.equal(parseBenchOptions([]).spinBeforeSleepNs, 10_000);
  assert.equal(reportParametersOf(parseBenchOptions([])).spinBeforeSleepNs, undefined);
  assert.equal(
    reportParameters(parseBenchOptions(["--spin-before-sleep", "1ms"])).spinBeforeSleepNs,
    1e6,
  );
  assert.throws(
    () => parseBenchOptions(["--spin-before-sleep", "fast"]),
    /--spin-before-sleep must be a duration/,
  );
});

Deno.test("docs/running.md shows the help as the bench prints it", async () => {
  const help = helpText();
  const page = await Deno.readTextFile(new URL("../docs/running.md", import.meta.url));
  assert.ok(page.includes(help.slice(help.indexOf("Options:"))), "run: deno task bench --help");
});
