/**
 * The options of `deno task bench`: parsed strictly, checked for range, and
 * refused with one clear line ({@link UsageError}) when wrong.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";
import { TRANSPORTS } from "./transports/mod.ts";

/** Everything a bench run is asked to do. */
export interface BenchOptions {
  /** Items per run; `null` sizes each transport's runs by calibration to {@link BenchOptions.runSeconds}. */
  iterations: number | null;
  /** Timed runs per transport (after one warm-up run each). */
  runs: number;
  /** With calibration: how long one run should last, in seconds. */
  runSeconds: number;
  /** Transport names, in the order given. */
  transports: string[];
  /** Nice value the workers request for their loop threads. */
  nice: number;
  /** Ring capacity in items (a power of two). */
  ringSlots: number;
  /** Where reports go. */
  out: string;
  /** Skip writing reports. */
  save: boolean;
  /** The smoke-test preset. */
  quick: boolean;
  /** Show help and exit. */
  help: boolean;
}

/** The defaults of a full run. */
export const DEFAULTS = {
  runs: 10,
  runSeconds: 1,
  transports: ["shm", "pipe"],
  nice: -20,
  ringSlots: 4096,
  out: "results",
} as const;

/** What `--quick` changes: a smoke run that still exercises every part. */
export const QUICK = { runs: 3, runSeconds: 0.05 } as const;

const LIMITS = {
  iterations: [1, 1e12],
  runs: [1, 10_000],
  ringSlots: [2, 1 << 26],
} as const;

/**
 * The `--help` text.
 *
 * @example
 * ```ts
 * import { helpText } from "./options.ts";
 * console.log(helpText().split("\n")[0]);
 * ```
 */
export function helpText(): string {
  const transports = Object.values(TRANSPORTS).map((t) =>
    `    ${t.name.padEnd(8)} ${t.description}`
  )
    .join("\n");
  return `Usage: deno task bench [options]

Passes 8-byte items from one process to another through each transport, and
prints the original experiment's lines, the ratio and a table; writes a JSON and
a Markdown report into --out.

Options:
  --iterations N   items per run, for every transport (default: calibrated so a
                   run lasts about --run-seconds)
  --runs R         timed runs per transport, interleaved, after one warm-up run
                   each; medians are reported (default ${DEFAULTS.runs}; --quick: ${QUICK.runs})
  --run-seconds S  target length of one calibrated run (default ${DEFAULTS.runSeconds}; --quick: ${QUICK.runSeconds})
  --transports L   comma-separated list (default ${DEFAULTS.transports.join(",")}):
${transports}
  --nice=N         nice value for both loop threads, -20..19 (default ${DEFAULTS.nice});
                   below 0 needs root: run under sudo, or accept a warning
  --ring-slots N   ring capacity in items, a power of two (default ${DEFAULTS.ringSlots})
  --out DIR        where reports go (default ${DEFAULTS.out}/)
  --no-save        print only; write no report
  --quick          a smoke run of a few seconds
  -h, --help       this text

Environment: CC (default cc) and CFLAGS (default -O3) choose how the C shim is built.`;
}

/**
 * Parses and checks bench arguments; throws {@link UsageError} with one line for anything wrong.
 *
 * @example
 * ```ts
 * import { parseBenchOptions } from "./options.ts";
 * const options = parseBenchOptions(["--quick", "--nice=-5", "--transports", "pipe"]);
 * console.log(options.runs, options.nice, options.transports); // 3 -5 ["pipe"]
 * ```
 */
export function parseBenchOptions(args: string[]): BenchOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        iterations: { type: "string" },
        runs: { type: "string" },
        "run-seconds": { type: "string" },
        transports: { type: "string" },
        nice: { type: "string" },
        "ring-slots": { type: "string" },
        out: { type: "string" },
        "no-save": { type: "boolean" },
        quick: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(argumentProblem(error), { cause: error });
  }
  const v = parsed.values;
  const quick = v.quick ?? false;
  const options: BenchOptions = {
    iterations: v.iterations === undefined
      ? null
      : wholeNumber("--iterations", v.iterations, ...LIMITS.iterations),
    runs: v.runs === undefined
      ? (quick ? QUICK.runs : DEFAULTS.runs)
      : wholeNumber("--runs", v.runs, ...LIMITS.runs),
    runSeconds: v["run-seconds"] === undefined
      ? (quick ? QUICK.runSeconds : DEFAULTS.runSeconds)
      : seconds("--run-seconds", v["run-seconds"]),
    transports: v.transports === undefined ? [...DEFAULTS.transports] : transportList(v.transports),
    nice: v.nice === undefined ? DEFAULTS.nice : wholeNumber("--nice", v.nice, -20, 19),
    ringSlots: v["ring-slots"] === undefined
      ? DEFAULTS.ringSlots
      : powerOfTwo("--ring-slots", v["ring-slots"], ...LIMITS.ringSlots),
    out: v.out ?? DEFAULTS.out,
    save: !(v["no-save"] ?? false),
    quick,
    help: v.help ?? false,
  };
  if (options.out.trim() === "") throw new UsageError("--out needs a directory");
  return options;
}

function argumentProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]} (see --help)`;
  const ambiguous = /Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
  if (ambiguous) {
    return `${ambiguous[1]} takes a value that starts with '-': write it as ${ambiguous[1]}=VALUE`;
  }
  const missing = /Option '(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument '${positional[1]}' (options start with --)`;
  return message.split("\n")[0];
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const value = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `${name} must be a whole number from ${min} to ${max.toLocaleString("en-US")}, got '${text}'`,
    );
  }
  return value;
}

function seconds(name: string, text: string): number {
  const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value >= 0.001 && value <= 600)) {
    throw new UsageError(`${name} must be a number of seconds from 0.001 to 600, got '${text}'`);
  }
  return value;
}

function powerOfTwo(name: string, text: string, min: number, max: number): number {
  const value = wholeNumber(name, text, min, max);
  if ((value & (value - 1)) !== 0) {
    throw new UsageError(`${name} must be a power of two, got ${value}`);
  }
  return value;
}

function transportList(text: string): string[] {
  const names = text.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const known = Object.keys(TRANSPORTS);
  if (names.length === 0) {
    throw new UsageError(`--transports needs at least one of ${known.join(", ")}`);
  }
  for (const name of names) {
    if (!known.includes(name)) {
      throw new UsageError(`unknown transport '${name}'; choose from ${known.join(", ")}`);
    }
  }
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new UsageError(`--transports names '${duplicate}' twice`);
  return names;
}
