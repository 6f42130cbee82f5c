/**
 * The options of `deno task bench`: parsed strictly, checked for range, and
 * refused with one clear line ({@link UsageError}) when wrong.
 *
 * @module
 */

import { MODES } from "../base/names.ts";
import type { Engine, Mode, PinRequest, PlacementRequest, WaitPolicy } from "../base/names.ts";
import { parseCommandLine, userPath } from "../base/cli.ts";
import { UsageError } from "../base/errors.ts";
import { checkMachineName } from "../context/machine.ts";
import { TRANSPORTS } from "../transports/mod.ts";

/** Everything a bench run is asked to do. */
export interface BenchOptions {
  /** Modes to measure, in report order. */
  modes: Mode[];
  /** Message sizes in bytes, ascending. */
  sizes: number[];
  /** Two CPUs, one CPU, or both. */
  placement: PlacementRequest;
  /** Items per trial; `null` sizes each transport's trials by calibration to {@link BenchOptions.trialSeconds}. */
  iterations: number | null;
  /** A fixed number of timed trials per transport, or `null` to stop adaptively. */
  runs: number | null;
  /** Adaptive stopping: at least this many timed trials per transport. */
  minTrials: number;
  /** Adaptive stopping: stop once every headline median's 95% CI half-width is within this fraction. */
  targetCi: number;
  /** Adaptive stopping: stop starting new rounds once the run has taken this many seconds. */
  budgetSeconds: number;
  /** With calibration: how long one trial should last, in seconds. */
  trialSeconds: number;
  /** Where the two loops run. */
  pin: PinRequest;
  /** How idle sides of ring transports wait, or null for each transport's own way. */
  wait: WaitPolicy | null;
  /** Ping-pong: ns between the starts of round trips, 0 for back to back. */
  paceNs: number;
  /** `fileserver`: the file-server scenario instead of the stream and ping-pong matrix. */
  scenario: "matrix" | "fileserver";
  /** File server: the numbers of requests in flight to measure. */
  depths: number[];
  /** Which code runs the loops: C (`native`), TypeScript (`deno`), or both. */
  engines: Engine[];
  /** Deno engine: the ring's sender publishes its index every this many items. */
  publishEvery: number[];
  /** Seconds one trial may take before both workers are killed, or null for automatic. */
  timeoutSeconds: number | null;
  /** Transport names, in the order given. */
  transports: string[];
  /** True when asked for as `all`: sizes a transport cannot carry are then skipped, not refused. */
  allTransports: boolean;
  /** Nice value the workers request for their loop threads. */
  nice: number;
  /** Ring capacity in items (a power of two). */
  ringSlots: number;
  /** Where reports go. */
  out: string;
  /** Skip writing reports. */
  save: boolean;
  /** The machine folder to file reports under, or null for the id derived from the fingerprint. */
  machine: string | null;
  /** Keep the calibration and warm-up trials in the report. */
  keepWarmup: boolean;
  /** The smoke-test preset. */
  quick: boolean;
  /** Show help and exit. */
  help: boolean;
}

/** The defaults of a full run. */
export const DEFAULTS = {
  modes: ["stream", "pingpong"] as Mode[],
  sizes: [8, 64, 512, 4096, 65536, 1 << 20],
  placement: "cross" as PlacementRequest,
  minTrials: 10,
  targetCi: 0.02,
  budgetSeconds: 60,
  trialSeconds: 0.05,
  transports: ["shm", "pipe"],
  nice: -20,
  ringSlots: 4096,
  out: "results",
} as const;

/** What `--quick` changes: a smoke run that still exercises every part. */
export const QUICK = { sizes: [8], minTrials: 3, budgetSeconds: 8, trialSeconds: 0.02 } as const;

/** What `--scenario fileserver` measures unless told otherwise. */
export const FILESERVER = {
  sizes: [64, 4096, 65536],
  transports: ["shm", "ring-futex", "pipe"],
  depths: [1, 8],
} as const;

/** Message sizes must be multiples of 8 bytes (the loops check whole words) within these bounds. */
export const SIZE_LIMITS = [8, 16 * 1024 * 1024] as const;

const LIMITS = {
  iterations: [1, 1e12],
  runs: [1, 10_000],
  budgetSeconds: [1, 86_400],
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
  const width = Math.max(...Object.values(TRANSPORTS).map((t) => t.name.length));
  const transports = Object.values(TRANSPORTS)
    .map((t) => `    ${t.name.padEnd(width)}  ${t.description}`)
    .join("\n");
  return `Usage: deno task bench [options]

Passes messages from one process to another through each transport, one way
(stream) and as request and reply (ping-pong), for each message size; prints
the original experiment's lines (8-byte stream), the ratio and one table per
mode; writes a JSON report, a Markdown report and SVG charts into --out.

Each trial is one timed run between a fresh pair of processes. After warm-up,
all series' trials are interleaved (A B, B A, ...) until every median's 95%
CI is within --target-ci or the --budget is spent, but never fewer than
--min-trials.

Options:
  --mode M          stream, pingpong or all (default all)
  --sizes L         message sizes, bytes or with K/M, multiples of 8 (default
                    8,64,512,4K,64K,1M; --quick: 8)
  --placement P     cross: the two processes on two CPUs (default); same: both
                    on one CPU (spinning transports yield instead of spinning);
                    both: each series in both placements
  --transports L    comma-separated list, or all (default ${DEFAULTS.transports.join(",")}):
${transports}
  --iterations N    messages (or round trips) per trial (default: calibrated
                    so a trial lasts about --trial-seconds)
  --trial-seconds S target length of a calibrated trial (default ${DEFAULTS.trialSeconds}; --quick: ${QUICK.trialSeconds})
  --min-trials N    at least N timed trials per series (default ${DEFAULTS.minTrials}; --quick: ${QUICK.minTrials})
  --target-ci P     stop when every median's CI half-width is within P, written
                    2% or 0.02 (default ${DEFAULTS.targetCi * 100}%)
  --budget S        start no trial round that would end after S seconds
                    (default ${DEFAULTS.budgetSeconds}; --quick: ${QUICK.budgetSeconds})
  --runs R          exactly R timed trials per series instead (no adaptive
                    stopping; not with --min-trials, --target-ci or --budget)
  --pin P           auto: the two loops on two distinct CPUs, not SMT siblings
                    when avoidable (default); none: leave it to the scheduler;
                    A,B: producer on CPU A, consumer on CPU B (same: both on A)
  --wait W          how idle sides of ring transports wait: spin, yield or futex
                    (default: each transport's own; shm spins, ring-futex sleeps)
  --pace D          ping-pong: start a round trip every D (e.g. 50us, 1ms), so
                    the server is idle between requests (default: back to back)
  --scenario fileserver
                    instead of the matrix: a server process answers read requests
                    {offset, length} from a file in its memory, against pread()
                    and a null system call (sizes 64,4K,64K; shm,ring-futex,pipe)
  --depth L         file server: requests in flight, 1..64 (default 1,8)
  --engine E        which code runs the loops: native (C, default), deno
                    (TypeScript: 8-byte streams over shm and pipe), or both
  --publish-every L deno engine: the ring's sender publishes every N items, for
                    each N of the list (e.g. 1,64: one series each; default 1)
  --timeout S       kill both workers of a trial that takes longer than S seconds
                    (default: 30 s plus 20 times the trial's expected length)
  --nice=N          nice value for both loop threads, -20..19 (default ${DEFAULTS.nice});
                    below 0 needs root: run under sudo, or accept a warning
  --ring-slots N    ring capacity in messages, a power of two (default ${DEFAULTS.ringSlots};
                    fewer for large messages, to keep a ring within 256 KiB)
  --out DIR         where reports go (default ${DEFAULTS.out}/)
  --no-save         print only; write no report
  --machine NAME    file reports under --out/NAME instead of the id derived from
                    this machine's fingerprint (also RINGPIPE_MACHINE)
  --keep-warmup     keep the calibration and warm-up trials in the report
  --quick           a smoke run of a few seconds
  -h, --help        this text

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
  const parsed = parseCommandLine({
    args,
    allowPositionals: false,
    options: {
      mode: { type: "string" },
      sizes: { type: "string" },
      placement: { type: "string" },
      iterations: { type: "string" },
      runs: { type: "string" },
      "min-trials": { type: "string" },
      "target-ci": { type: "string" },
      budget: { type: "string" },
      "trial-seconds": { type: "string" },
      pin: { type: "string" },
      timeout: { type: "string" },
      wait: { type: "string" },
      pace: { type: "string" },
      scenario: { type: "string" },
      engine: { type: "string" },
      "publish-every": { type: "string" },
      depth: { type: "string" },
      transports: { type: "string" },
      nice: { type: "string" },
      "ring-slots": { type: "string" },
      out: { type: "string" },
      "no-save": { type: "boolean" },
      machine: { type: "string" },
      "keep-warmup": { type: "boolean" },
      quick: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const v = parsed.values;
  const quick = v.quick ?? false;
  const options: BenchOptions = {
    modes: v.mode === undefined ? [...DEFAULTS.modes] : modeList(v.mode),
    sizes: v.sizes === undefined ? [...(quick ? QUICK.sizes : DEFAULTS.sizes)] : sizeList(v.sizes),
    placement: v.placement === undefined ? DEFAULTS.placement : placementRequest(v.placement),
    iterations: v.iterations === undefined
      ? null
      : wholeNumber("--iterations", v.iterations, ...LIMITS.iterations),
    runs: v.runs === undefined ? null : wholeNumber("--runs", v.runs, ...LIMITS.runs),
    minTrials: v["min-trials"] === undefined
      ? (quick ? QUICK.minTrials : DEFAULTS.minTrials)
      : wholeNumber("--min-trials", v["min-trials"], ...LIMITS.runs),
    targetCi: v["target-ci"] === undefined
      ? DEFAULTS.targetCi
      : fraction("--target-ci", v["target-ci"]),
    budgetSeconds: v.budget === undefined
      ? (quick ? QUICK.budgetSeconds : DEFAULTS.budgetSeconds)
      : seconds("--budget", v.budget, ...LIMITS.budgetSeconds),
    trialSeconds: v["trial-seconds"] === undefined
      ? (quick ? QUICK.trialSeconds : DEFAULTS.trialSeconds)
      : seconds("--trial-seconds", v["trial-seconds"], 0.001, 600),
    pin: v.pin === undefined ? "auto" : pinRequest(v.pin),
    timeoutSeconds: v.timeout === undefined ? null : seconds("--timeout", v.timeout, 0.1, 86_400),
    wait: v.wait === undefined ? null : waitRequest(v.wait),
    paceNs: v.pace === undefined ? 0 : duration("--pace", v.pace),
    scenario: v.scenario === undefined ? "matrix" : scenarioName(v.scenario),
    depths: v.depth === undefined ? [...FILESERVER.depths] : depthList(v.depth),
    engines: v.engine === undefined ? ["native"] : engineList(v.engine),
    publishEvery: v["publish-every"] === undefined ? [1] : cadenceList(v["publish-every"]),
    transports: v.transports === undefined ? [...DEFAULTS.transports] : transportList(v.transports),
    allTransports: v.transports?.trim() === "all",
    nice: v.nice === undefined ? DEFAULTS.nice : wholeNumber("--nice", v.nice, -20, 19),
    ringSlots: v["ring-slots"] === undefined
      ? DEFAULTS.ringSlots
      : powerOfTwo("--ring-slots", v["ring-slots"], ...LIMITS.ringSlots),
    out: v.out === undefined ? DEFAULTS.out : v.out.trim() === "" ? "" : userPath(v.out),
    save: !(v["no-save"] ?? false),
    machine: v.machine === undefined ? null : checkMachineName(v.machine, "--machine"),
    keepWarmup: v["keep-warmup"] ?? false,
    quick,
    help: v.help ?? false,
  };
  if (options.out.trim() === "") throw new UsageError("--out needs a directory");
  if (options.scenario === "fileserver") {
    if (v.mode !== undefined) {
      throw new UsageError("--scenario fileserver has its own mode; leave --mode out");
    }
    options.modes = ["fileserver"];
    if (v.sizes === undefined) options.sizes = [...FILESERVER.sizes];
    if (v.transports === undefined) options.transports = [...FILESERVER.transports];
    const tooSmall = options.sizes.find((size) => size < 16);
    if (tooSmall !== undefined) {
      throw new UsageError(
        `--sizes ${tooSmall}: a file-server reply is at least 16 bytes, a request's size`,
      );
    }
  } else if (v.depth !== undefined) {
    throw new UsageError("--depth goes with --scenario fileserver");
  }
  if (options.runs !== null) {
    const adaptive = ["min-trials", "target-ci", "budget"].filter((name) => name in v);
    if (adaptive.length > 0) {
      throw new UsageError(
        `--runs fixes the number of trials; it cannot be combined with --${adaptive[0]}`,
      );
    }
  }
  return options;
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

function seconds(name: string, text: string, min: number, max: number): number {
  const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(
      `${name} must be a number of seconds from ${min} to ${max}, got '${text}'`,
    );
  }
  return value;
}

function fraction(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = match === null ? NaN : Number(match[1]) / (match[2] === "%" ? 100 : 1);
  if (!(value > 0 && value < 1) || (match?.[2] === "" && Number(match[1]) >= 1)) {
    throw new UsageError(`${name} must be a fraction such as 2% or 0.02, got '${text}'`);
  }
  return value;
}

function engineList(text: string): Engine[] {
  if (text === "native" || text === "deno") return [text];
  if (text === "both") return ["native", "deno"];
  throw new UsageError(`--engine must be native, deno or both, got '${text}'`);
}

function scenarioName(text: string): "fileserver" {
  if (text === "fileserver") return text;
  throw new UsageError(`--scenario must be fileserver, got '${text}'`);
}

function depthList(text: string): number[] {
  const depths = text.split(",").map((part) => wholeNumber("--depth", part.trim(), 1, 64));
  return [...new Set(depths)].sort((a, b) => a - b);
}

function cadenceList(text: string): number[] {
  const cadences = text.split(",").map((part) =>
    wholeNumber("--publish-every", part.trim(), 1, 4096)
  );
  return [...new Set(cadences)].sort((a, b) => a - b);
}

function waitRequest(text: string): WaitPolicy {
  if (text === "spin" || text === "yield" || text === "futex") return text;
  throw new UsageError(`--wait must be spin, yield or futex, got '${text}'`);
}

/**
 * Parses a duration with a unit (ns, us, ms or s) into nanoseconds.
 *
 * @example
 * ```ts
 * import { duration } from "./options.ts";
 * console.log(duration("--pace", "50us"), duration("--pace", "1ms")); // 50000 1000000
 * ```
 */
export function duration(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s)$/.exec(text.trim());
  const scale: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9 };
  const ns = match === null ? NaN : Math.round(Number(match[1]) * scale[match[2]]);
  if (!(ns >= 1000 && ns <= 1e9)) {
    throw new UsageError(
      `${name} must be a duration from 1us to 1s such as 50us or 2ms, got '${text}'`,
    );
  }
  return ns;
}

function modeList(text: string): Mode[] {
  if (text === "all") return [...MODES];
  if (text === "stream" || text === "pingpong") return [text];
  throw new UsageError(`--mode must be stream, pingpong or all, got '${text}'`);
}

function placementRequest(text: string): PlacementRequest {
  if (text === "cross" || text === "same" || text === "both") return text;
  throw new UsageError(`--placement must be cross, same or both, got '${text}'`);
}

/**
 * Parses a message size: bytes, or with a K (KiB) or M (MiB) suffix.
 *
 * @example
 * ```ts
 * import { parseSize } from "./options.ts";
 * console.log(parseSize("4K"), parseSize("1M"), parseSize("512")); // 4096 1048576 512
 * ```
 */
export function parseSize(text: string): number {
  const match = /^(\d+)([KkMm]?)$/.exec(text.trim());
  if (match === null) {
    throw new UsageError(`--sizes: '${text}' is not a size (write bytes, or a number with K or M)`);
  }
  const unit = match[2].toUpperCase();
  const bytes = Number(match[1]) * (unit === "K" ? 1024 : unit === "M" ? 1024 * 1024 : 1);
  const [min, max] = SIZE_LIMITS;
  if (bytes < min || bytes > max) {
    throw new UsageError(`--sizes: ${text} is outside ${min} bytes to ${max / 1024 / 1024}M`);
  }
  if (bytes % 8 !== 0) {
    throw new UsageError(
      `--sizes: ${text} is not a multiple of 8 bytes (messages are checked word by word)`,
    );
  }
  return bytes;
}

function sizeList(text: string): number[] {
  const sizes = text.split(",").map((part) => part.trim()).filter((part) => part !== "").map(
    parseSize,
  );
  if (sizes.length === 0) throw new UsageError("--sizes needs at least one size");
  return [...new Set(sizes)].sort((a, b) => a - b);
}

function pinRequest(text: string): PinRequest {
  if (text === "auto" || text === "none") return text;
  const match = /^(\d+),(\d+)$/.exec(text.trim());
  if (match === null) {
    throw new UsageError(`--pin must be auto, none or two CPUs as A,B (e.g. 0,1), got '${text}'`);
  }
  const [a, b] = [Number(match[1]), Number(match[2])];
  if (a === b) {
    throw new UsageError(`--pin ${text}: the two loops need two different CPUs`);
  }
  return [a, b];
}

function powerOfTwo(name: string, text: string, min: number, max: number): number {
  const value = wholeNumber(name, text, min, max);
  if ((value & (value - 1)) !== 0) {
    throw new UsageError(`${name} must be a power of two, got ${value}`);
  }
  return value;
}

function transportList(text: string): string[] {
  if (text.trim() === "all") return Object.keys(TRANSPORTS);
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
