/**
 * The options of `deno task bench`: parsed strictly, checked for range, and
 * refused with one clear line ({@link UsageError}) when wrong.
 *
 * @module
 */

import { URING_BATCH } from "../transports/uring.ts";

/**
 * The deno engine's ring moves and publishes up to this many items per batch unless told
 * (`--publish-every`): the zero-copy API's natural use.
 */
export const DENO_BATCH = 64;
import { MODES } from "../base/names.ts";
import type { Engine, Mode, PinRequest, PlacementRequest, WaitRequest } from "../base/names.ts";
import { parseCommandLine, userPath } from "../base/cli.ts";
import { UsageError } from "../base/errors.ts";
import { checkMachineName } from "../context/machine.ts";
import { DEFAULT_LATENCY_EVERY, DEFAULT_SPIN_NS } from "./series.ts";
import { DEFAULTS } from "./defaults.ts";
import { TRANSPORTS } from "../transports/mod.ts";
import type { Parameters } from "../base/measured.ts";
export type { Parameters };

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
  wait: WaitRequest | null;
  /** Ping-pong: ns between the starts of round trips, 0 for back to back. */
  paceNs: number;
  /** Futex and pipe waits: how long an idle side looks before it sleeps, ns. */
  spinBeforeSleepNs: number;
  /** Ping-pong: the client times every this many round trips for the latency histogram. */
  latencyEvery: number;
  /** `--uring-batch`: io_uring streams submit up to this many messages at once. */
  uringBatch: number;
  /** `--latency-stamp`: what stamps the sampled round trips (default: the clock). */
  latencyStamp: "tsc" | "clock";
  /** `fileserver`: the file-server scenario instead of the stream and ping-pong matrix. */
  scenario: "matrix" | "fileserver";
  /** File server: the numbers of requests in flight to measure. */
  depths: number[];
  /** Which code runs the loops: C (`native`), TypeScript (`deno`), or both. */
  engines: Engine[];
  /** Deno engine: the ring's sender publishes its index every this many items. */
  publishEvery: number[];
  /** `--variant`: builds of the C loops to run side by side (none: the one build of CC/CFLAGS). */
  variants: VariantSpec[];
  /** `--margin`: builds within this factor of each other, either way, are called the same. */
  margin: number;
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
  /** Wait for another bench on this machine to finish, rather than stop. */
  waitForLock: boolean;
  /** The smoke-test preset. */
  quick: boolean;
  /** Show help and exit. */
  help: boolean;
}

/** One build of the C loops in a `--variant` run. */
export interface VariantSpec {
  /** How tables and comparisons name it (letters, digits, `.`, `_`, `-`). */
  label: string;
  /** The option as given: `gcc=gcc:-O3`, `old=@HEAD~1`. */
  text: string;
  /** The compiler (`LABEL=CC[:CFLAGS]`), or absent for `CC` of the environment. */
  cc?: string;
  /** The flags (after the colon; may be empty), or absent for `CFLAGS` of the environment. */
  cflags?: string;
  /** `LABEL=@REF`: the git revision whose `ffi/` sources to build. */
  ref?: string;
}

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

/** One option of `deno task bench`: its flag, its help, how its text becomes a field. */
interface BenchOption {
  /** The flag without its dashes. */
  name: string;
  /** The value's placeholder in the help (`N`, `L`); absent for a switch. */
  value?: string;
  /** The help lines that follow the flag (the first on the flag's line when it fits). */
  help: string[];
  /** Sets the field(s) this option controls from its text (`true` for a switch). */
  set: (options: BenchOptions, text: string) => void;
  /** May be given more than once: `set` is called for each, in order. */
  multiple?: true;
}

const transportHelp = () => {
  const width = Math.max(...Object.values(TRANSPORTS).map((t) => t.name.length));
  return Object.values(TRANSPORTS).map((t) => `  ${t.name.padEnd(width)}  ${t.description}`);
};

/**
 * The options of `deno task bench`, in help order: the one table the parser, the help text and
 * the defaults come from (the defaults are in {@link DEFAULTS}, {@link QUICK} and
 * {@link FILESERVER}, which the help quotes).
 */
const OPTIONS: BenchOption[] = [
  {
    name: "mode",
    value: "M",
    help: ["stream, pingpong or all (default all)"],
    set: (o, t) => (o.modes = modeList(t)),
  },
  {
    name: "sizes",
    value: "L",
    help: [
      "message sizes, bytes or with K/M, multiples of 8 (default",
      "8,64,512,4K,64K,1M; --quick: 8)",
    ],
    set: (o, t) => (o.sizes = sizeList(t)),
  },
  {
    name: "placement",
    value: "P",
    help: [
      "cross: the two processes on two CPUs (default); same: both",
      "on one CPU (spinning transports yield instead of spinning);",
      "both: each series in both placements",
    ],
    set: (o, t) => (o.placement = placementRequest(t)),
  },
  {
    name: "transports",
    value: "L",
    help: [`comma-separated list, or all (default ${DEFAULTS.transports.join(",")}):`],
    set: (o, t) => {
      o.transports = transportList(t);
      o.allTransports = t.trim() === "all";
    },
  },
  {
    name: "iterations",
    value: "N",
    help: [
      "messages (or round trips) per trial (default: calibrated",
      "so a trial lasts about --trial-seconds)",
    ],
    set: (o, t) => (o.iterations = wholeNumber("--iterations", t, ...LIMITS.iterations)),
  },
  {
    name: "trial-seconds",
    value: "S",
    help: [
      `target length of a calibrated trial (default ${DEFAULTS.trialSeconds}; --quick: ${QUICK.trialSeconds})`,
    ],
    set: (o, t) => (o.trialSeconds = seconds("--trial-seconds", t, 0.001, 600)),
  },
  {
    name: "min-trials",
    value: "N",
    help: [
      `at least N timed trials per series (default ${DEFAULTS.minTrials}; --quick: ${QUICK.minTrials})`,
    ],
    set: (o, t) => (o.minTrials = wholeNumber("--min-trials", t, ...LIMITS.runs)),
  },
  {
    name: "target-ci",
    value: "P",
    help: [
      "stop when every median's CI half-width is within P, written",
      `2% or 0.02 (default ${DEFAULTS.targetCi * 100}%)`,
    ],
    set: (o, t) => (o.targetCi = fraction("--target-ci", t)),
  },
  {
    name: "budget",
    value: "S",
    help: [
      "start no trial round that would end after S seconds",
      `(default ${DEFAULTS.budgetSeconds}; --quick: ${QUICK.budgetSeconds})`,
    ],
    set: (o, t) => (o.budgetSeconds = seconds("--budget", t, ...LIMITS.budgetSeconds)),
  },
  {
    name: "runs",
    value: "R",
    help: [
      "exactly R timed trials per series instead (no adaptive",
      "stopping; not with --min-trials, --target-ci or --budget)",
    ],
    set: (o, t) => (o.runs = wholeNumber("--runs", t, ...LIMITS.runs)),
  },
  {
    name: "pin",
    value: "P",
    help: [
      "auto: the two loops on two distinct CPUs, not SMT siblings",
      "when avoidable (default); none: leave it to the scheduler;",
      "A,B: producer on CPU A, consumer on CPU B (same: both on A)",
    ],
    set: (o, t) => (o.pin = pinRequest(t)),
  },
  {
    name: "wait",
    value: "W",
    help: [
      "how idle sides of ring transports wait: spin, yield or futex",
      "(default: each transport's own; shm spins, ring-futex sleeps)",
    ],
    set: (o, t) => (o.wait = waitRequest(t)),
  },
  {
    name: "pace",
    value: "D",
    help: [
      "ping-pong: start a round trip every D (e.g. 50us, 1ms), so",
      "the server is idle between requests (default: back to back)",
    ],
    set: (o, t) => (o.paceNs = duration("--pace", t)),
  },
  {
    name: "latency-every",
    value: "N",
    help: [
      "ping-pong: time every Nth round trip for the percentiles, the",
      "others not, so the clock stays out of the loop (default 17; 1:",
      "each; an odd N times every slot position of a ring alike)",
    ],
    set: (o, t) => (o.latencyEvery = wholeNumber("--latency-every", t, 1, 1_000_000)),
  },
  {
    name: "latency-stamp",
    value: "S",
    help: [
      "ping-pong, native loops: what stamps the sampled round trips:",
      "clock (CLOCK_MONOTONIC, default) or tsc (rdtsc, turned into ns",
      "with each trial's own ratio to the clock; x86 with an invariant",
      "TSC that the kernel times with)",
    ],
    set: (o, t) => {
      if (t !== "tsc" && t !== "clock") {
        throw new UsageError(`--latency-stamp must be clock or tsc, got '${t}'`);
      }
      o.latencyStamp = t;
    },
  },
  {
    name: "uring-batch",
    value: "N",
    help: [
      "pipe-uring, pipe-uring-sqpoll streams: messages submitted and",
      "waited for together, 1..64 (default 16; fewer when 64 KiB holds fewer)",
    ],
    set: (o, t) => (o.uringBatch = wholeNumber("--uring-batch", t, 1, 64)),
  },
  {
    name: "spin-before-sleep",
    value: "D",
    help: [
      "ring-futex, ring-pipewake, --wait futex: how long an idle side",
      "looks before it sleeps, 0 to 1s (default 10us)",
    ],
    set: (
      o,
      t,
    ) => (o.spinBeforeSleepNs = t.trim() === "0" ? 0 : duration("--spin-before-sleep", t)),
  },
  {
    name: "scenario",
    value: "fileserver",
    help: [
      "instead of the matrix: a server process answers read requests",
      "{offset, length} from a file in its memory, against pread(),",
      "io_uring reads (plain and SQPOLL, at each depth) and a null",
      "system call (sizes 64,4K,64K; shm,ring-futex,pipe)",
    ],
    set: (o, t) => (o.scenario = scenarioName(t)),
  },
  {
    name: "depth",
    value: "L",
    help: ["file server: requests in flight, 1..64 (default 1,8)"],
    set: (o, t) => (o.depths = depthList(t)),
  },
  {
    name: "engine",
    value: "E",
    help: [
      "which code runs the loops: native (C, default), deno",
      "(TypeScript: streams and ping-pong over shm, ring-futex, pipe",
      "and fifo), or both",
    ],
    set: (o, t) => (o.engines = engineList(t)),
  },
  {
    name: "publish-every",
    value: "L",
    help: [
      "deno engine: the ring's sides move up to N items per batch and",
      "publish once per batch, for each N of the list (e.g. 1,64: one",
      "series each; default 64)",
    ],
    set: (o, t) => (o.publishEvery = cadenceList(t)),
  },
  {
    name: "variant",
    value: "V",
    multiple: true,
    help: [
      "two builds of the C loops or more, side by side in every round:",
      'LABEL=CC[:CFLAGS] (e.g. gcc=gcc:-O3, "lto=clang:-O3 -flto"), or',
      "LABEL=@REF for the ffi/ sources of a git revision (built with",
      "CC and CFLAGS); each series runs once per build, and each",
      "build after the first is compared with the first (B over A)",
    ],
    set: (o, t) => o.variants.push(variantSpec(t, o.variants)),
  },
  {
    name: "margin",
    value: "P",
    help: [
      "--variant: builds whose B over A lies within 1/(1+P)..1+P are",
      `called the same, written 2% or 0.02 (default ${DEFAULTS.margin * 100}%)`,
    ],
    set: (o, t) => (o.margin = fraction("--margin", t)),
  },
  {
    name: "timeout",
    value: "S",
    help: [
      "kill both workers of a trial that takes longer than S seconds",
      "(default: 30 s plus 20 times the trial's expected length)",
    ],
    set: (o, t) => (o.timeoutSeconds = seconds("--timeout", t, 0.1, 86_400)),
  },
  {
    name: "nice",
    value: "N",
    help: [
      `nice value for both loop threads, -20..19 (default ${DEFAULTS.nice});`,
      "below 0 needs root: run under sudo, or accept a warning",
    ],
    set: (o, t) => (o.nice = wholeNumber("--nice", t, -20, 19)),
  },
  {
    name: "ring-slots",
    value: "N",
    help: [
      `ring capacity in messages, a power of two (default ${DEFAULTS.ringSlots};`,
      "fewer for large messages, to keep a ring within 256 KiB)",
    ],
    set: (o, t) => (o.ringSlots = powerOfTwo("--ring-slots", t, ...LIMITS.ringSlots)),
  },
  {
    name: "out",
    value: "DIR",
    help: [`where reports go (default ${DEFAULTS.out}/)`],
    set: (o, t) => {
      if (t.trim() === "") throw new UsageError("--out needs a directory");
      o.out = userPath(t);
    },
  },
  {
    name: "no-save",
    help: ["print only; write no report"],
    set: (o) => (o.save = false),
  },
  {
    name: "machine",
    value: "NAME",
    help: [
      "file reports under --out/NAME instead of the id derived from",
      "this machine's fingerprint (also RINGPIPE_MACHINE)",
    ],
    set: (o, t) => (o.machine = checkMachineName(t, "--machine")),
  },
  {
    name: "keep-warmup",
    help: ["keep the calibration and warm-up trials in the report"],
    set: (o) => (o.keepWarmup = true),
  },
  {
    name: "wait-for-lock",
    help: ["if another bench runs on this machine, wait for it (default: stop)"],
    set: (o) => (o.waitForLock = true),
  },
  { name: "quick", help: ["a smoke run of a few seconds"], set: (o) => (o.quick = true) },
  { name: "help", help: ["this text"], set: (o) => (o.help = true) },
];

/** The help column the option's text starts in. */
const HELP_COLUMN = 20;

/** One option's lines of help: flag and value, then its text, aligned. */
function optionHelp(option: BenchOption): string[] {
  const flag = `  ${option.name === "help" ? "-h, " : ""}--${option.name}${
    option.name === "nice" ? "=N" : option.value === undefined ? "" : ` ${option.value}`
  }`;
  const indent = " ".repeat(HELP_COLUMN);
  const [first, ...rest] = option.help;
  const lines = flag.length < HELP_COLUMN
    ? [`${flag.padEnd(HELP_COLUMN)}${first}`, ...rest.map((l) => indent + l)]
    : [flag, ...option.help.map((l) => indent + l)];
  return option.name === "transports" ? [...lines, ...transportHelp().map((l) => `  ${l}`)] : lines;
}

/**
 * The `--help` text, written from the option table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { helpText } from "./options.ts";
 * assert.match(helpText(), /^Usage: deno task bench \[options\]/);
 * assert.match(helpText(), /^ {2}--keep-warmup {5}keep the calibration/m);
 * ```
 */
export function helpText(): string {
  return `Usage: deno task bench [options]

Passes messages from one process to another through each transport, one way
(stream) and as request and reply (ping-pong), for each message size; prints
the original experiment's lines (8-byte stream), the ratio and one table per
mode; writes a JSON report, a Markdown report and SVG charts into --out.

Each trial is one timed run between two worker processes, kept for the whole
run. After warm-up, all series' trials are interleaved (A B, B A, ...) until every median's 95%
CI is within --target-ci or the --budget is spent, but never fewer than
--min-trials.

Options:
${OPTIONS.flatMap(optionHelp).join("\n")}

Environment: CC (default cc) and CFLAGS (default -O3) choose how the C shim is built.`;
}

/** The options of a run nobody changed: a full run, or with `quick`, the smoke preset. */
function defaults(quick: boolean): BenchOptions {
  return {
    modes: [...DEFAULTS.modes],
    sizes: [...(quick ? QUICK.sizes : DEFAULTS.sizes)],
    placement: DEFAULTS.placement,
    iterations: null,
    runs: null,
    minTrials: quick ? QUICK.minTrials : DEFAULTS.minTrials,
    targetCi: DEFAULTS.targetCi,
    budgetSeconds: quick ? QUICK.budgetSeconds : DEFAULTS.budgetSeconds,
    trialSeconds: quick ? QUICK.trialSeconds : DEFAULTS.trialSeconds,
    pin: "auto",
    wait: null,
    paceNs: 0,
    spinBeforeSleepNs: DEFAULT_SPIN_NS,
    latencyEvery: DEFAULT_LATENCY_EVERY,
    uringBatch: URING_BATCH,
    latencyStamp: "clock",
    scenario: "matrix",
    depths: [...FILESERVER.depths],
    engines: ["native"],
    publishEvery: [DENO_BATCH],
    variants: [],
    margin: DEFAULTS.margin,
    timeoutSeconds: null,
    transports: [...DEFAULTS.transports],
    allTransports: false,
    nice: DEFAULTS.nice,
    ringSlots: DEFAULTS.ringSlots,
    out: DEFAULTS.out,
    save: true,
    machine: null,
    keepWarmup: false,
    waitForLock: false,
    quick,
    help: false,
  };
}

/**
 * Parses and checks bench arguments; throws {@link UsageError} with one line for anything wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBenchOptions } from "./options.ts";
 * const options = parseBenchOptions(["--quick", "--nice=-5", "--transports", "pipe"]);
 * assert.deepEqual([options.minTrials, options.nice, options.transports], [3, -5, ["pipe"]]);
 * ```
 * @throws {UsageError} for an unknown option, a value out of range or options that do not go together.
 */
export function parseBenchOptions(args: string[]): BenchOptions {
  const { values } = parseCommandLine({
    args,
    allowPositionals: false,
    options: Object.fromEntries(
      OPTIONS.map((o) => [
        o.name,
        {
          type: o.value === undefined ? "boolean" as const : "string" as const,
          ...(o.name === "help" ? { short: "h" } : {}),
          ...(o.multiple ? { multiple: true } : {}),
        },
      ]),
    ),
  });
  const given = values as Record<string, string | string[] | boolean | undefined>;
  const options = defaults(given.quick === true);
  for (const option of OPTIONS) {
    const text = given[option.name];
    if (text === undefined || text === false) continue;
    for (const one of Array.isArray(text) ? text : [text]) option.set(options, String(one));
  }
  if (options.variants.length === 1) {
    throw new UsageError(
      `--variant ${options.variants[0].text}: give two builds or more (the first is A, the rest ` +
        "are compared with it)",
    );
  }
  if (options.variants.length > 0 && options.engines.includes("deno")) {
    throw new UsageError(
      "--variant compares builds of the C loops; the deno engine's loops are TypeScript: " +
        "leave out --engine",
    );
  }
  if (given.margin !== undefined && options.variants.length === 0) {
    throw new UsageError("--margin goes with --variant");
  }
  if (options.scenario === "fileserver") {
    if (given.mode !== undefined) {
      throw new UsageError("--scenario fileserver has its own mode; leave --mode out");
    }
    options.modes = ["fileserver"];
    if (given.sizes === undefined) options.sizes = [...FILESERVER.sizes];
    if (given.transports === undefined) options.transports = [...FILESERVER.transports];
    const tooSmall = options.sizes.find((size) => size < 16);
    if (tooSmall !== undefined) {
      throw new UsageError(
        `--sizes ${tooSmall}: a file-server reply is at least 16 bytes, a request's size`,
      );
    }
  } else if (given.depth !== undefined) {
    throw new UsageError("--depth goes with --scenario fileserver");
  }
  if (options.runs !== null) {
    const adaptive = ["min-trials", "target-ci", "budget"].filter((name) => name in given);
    if (adaptive.length > 0) {
      throw new UsageError(
        `--runs fixes the number of trials; it cannot be combined with --${adaptive[0]}`,
      );
    }
  }
  return options;
}

/**
 * What a report records of the options (its `parameters`): every option that changes what is
 * measured, the optional ones only when they differ from their default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBenchOptions, reportParameters } from "./options.ts";
 * const p = reportParameters(parseBenchOptions(["--quick", "--pace", "50us"]));
 * assert.deepEqual([p.quick, p.sizes, p.paceNs, p.wait], [true, [8], 50_000, undefined]);
 * ```
 */
export function reportParameters(options: BenchOptions): Parameters {
  return {
    transports: options.transports,
    modes: options.modes,
    sizes: options.sizes,
    placement: options.placement,
    iterations: options.iterations,
    trialSeconds: options.trialSeconds,
    runs: options.runs,
    minTrials: options.minTrials,
    targetCi: options.targetCi,
    budgetSeconds: options.budgetSeconds,
    nice: options.nice,
    ringSlots: options.ringSlots,
    quick: options.quick,
    ...(options.wait === null ? {} : { wait: options.wait }),
    ...(options.paceNs === 0 ? {} : { paceNs: options.paceNs }),
    ...(options.engines.includes("deno") ? { engines: options.engines } : {}),
    ...(options.engines.includes("deno") || options.publishEvery.join() !== String(DENO_BATCH)
      ? { publishEvery: options.publishEvery }
      : {}),
    ...(options.scenario === "fileserver" ? { depths: options.depths } : {}),
    ...(options.spinBeforeSleepNs === DEFAULT_SPIN_NS
      ? {}
      : { spinBeforeSleepNs: options.spinBeforeSleepNs }),
    ...(options.modes.includes("pingpong") ? { latencyEvery: options.latencyEvery } : {}),
    ...(options.uringBatch === URING_BATCH ? {} : { uringBatch: options.uringBatch }),
    ...(options.variants.length === 0
      ? {}
      : { variants: options.variants.map((v) => v.text), margin: options.margin }),
    ...(options.latencyStamp === "tsc" && options.modes.includes("pingpong")
      ? { latencyStamp: "tsc" as const }
      : {}),
    pipe: "pipe(2)",
  };
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

/**
 * Parses one `--variant`: `LABEL=CC[:CFLAGS]` or `LABEL=@REF`, its label new among `earlier`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { variantSpec } from "./options.ts";
 * assert.deepEqual(variantSpec("lto=clang:-O3 -flto", []), {
 *   label: "lto", text: "lto=clang:-O3 -flto", cc: "clang", cflags: "-O3 -flto",
 * });
 * assert.deepEqual(variantSpec("old=@HEAD~1", []), { label: "old", text: "old=@HEAD~1", ref: "HEAD~1" });
 * assert.throws(() => variantSpec("a=gcc", [variantSpec("a=cc", [])]), /label 'a' twice/);
 * ```
 * @throws {UsageError} for a missing or repeated label, or an empty compiler or revision.
 */
export function variantSpec(text: string, earlier: readonly VariantSpec[]): VariantSpec {
  const match = /^([A-Za-z0-9._-]{1,32})=(.*)$/s.exec(text.trim());
  const shape = "write LABEL=CC[:CFLAGS] or LABEL=@REF, e.g. gcc=gcc:-O3 or old=@HEAD~1";
  if (match === null) throw new UsageError(`--variant ${text}: ${shape}`);
  const [, label, what] = match;
  if (earlier.some((v) => v.label === label)) {
    throw new UsageError(`--variant: the label '${label}' twice; each build needs its own`);
  }
  if (what.startsWith("@")) {
    const ref = what.slice(1).trim();
    if (!/^[\w./~^@{}-]+$/.test(ref)) {
      throw new UsageError(`--variant ${text}: '${ref}' is not a git revision`);
    }
    return { label, text: text.trim(), ref };
  }
  const colon = what.indexOf(":");
  const cc = (colon < 0 ? what : what.slice(0, colon)).trim();
  if (cc === "") throw new UsageError(`--variant ${text}: no compiler; ${shape}`);
  return {
    label,
    text: text.trim(),
    cc,
    ...(colon < 0 ? {} : { cflags: what.slice(colon + 1).trim() }),
  };
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

function waitRequest(text: string): WaitRequest {
  if (text === "spin" || text === "yield" || text === "futex") return text;
  throw new UsageError(`--wait must be spin, yield or futex, got '${text}'`);
}

/**
 * Parses a duration with a unit (ns, us, ms or s) into nanoseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { duration } from "./options.ts";
 * assert.deepEqual([duration("--pace", "50us"), duration("--pace", "1ms")], [50000, 1000000]);
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
 * import assert from "node:assert/strict";
 * import { parseSize } from "./options.ts";
 * assert.deepEqual([parseSize("4K"), parseSize("1M"), parseSize("512")], [4096, 1048576, 512]);
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
