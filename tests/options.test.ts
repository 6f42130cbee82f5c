import assert from "node:assert/strict";
import { UsageError } from "../src/errors.ts";
import { DEFAULTS, helpText, parseBenchOptions, QUICK } from "../src/options.ts";

Deno.test("defaults reproduce the original pair at nice -20, calibrated", () => {
  const options = parseBenchOptions([]);
  assert.equal(options.iterations, null);
  assert.equal(options.runs, DEFAULTS.runs);
  assert.equal(options.runSeconds, DEFAULTS.runSeconds);
  assert.deepEqual(options.transports, ["shm", "pipe"]);
  assert.equal(options.nice, -20);
  assert.equal(options.ringSlots, 4096);
  assert.equal(options.out, "results");
  assert.equal(options.save, true);
  assert.equal(options.quick, false);
});

Deno.test("--quick shortens runs; explicit values still win", () => {
  const quick = parseBenchOptions(["--quick"]);
  assert.equal(quick.runs, QUICK.runs);
  assert.equal(quick.runSeconds, QUICK.runSeconds);
  const both = parseBenchOptions(["--quick", "--runs", "7", "--run-seconds=0.2"]);
  assert.equal(both.runs, 7);
  assert.equal(both.runSeconds, 0.2);
});

Deno.test("every option is read", () => {
  const options = parseBenchOptions([
    "--iterations",
    "5000",
    "--runs=4",
    "--transports",
    "pipe,shm",
    "--nice=-5",
    "--ring-slots",
    "256",
    "--out",
    "/tmp/x",
    "--no-save",
  ]);
  assert.equal(options.iterations, 5000);
  assert.equal(options.runs, 4);
  assert.deepEqual(options.transports, ["pipe", "shm"]);
  assert.equal(options.nice, -5);
  assert.equal(options.ringSlots, 256);
  assert.equal(options.out, "/tmp/x");
  assert.equal(options.save, false);
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
    /unknown transport 'carrier-pigeon'; choose from shm, pipe/,
  ],
  [["--transports", ","], /--transports needs at least one/],
  [["--transports", "pipe,pipe"], /names 'pipe' twice/],
  [["--ring-slots", "1000"], /--ring-slots must be a power of two/],
  [["--ring-slots", "1"], /--ring-slots must be a whole number from 2/],
  [["--run-seconds", "0"], /--run-seconds must be a number of seconds/],
  [["--run-seconds", "fast"], /--run-seconds must be a number of seconds/],
  [["--out", " "], /--out needs a directory/],
  [["--bogus"], /unknown option --bogus/],
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
      "--run-seconds",
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
