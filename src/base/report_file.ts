/**
 * The types of a report file, schema version 6: written by `deno task schema:types` from
 * `report.schema.json`, the one description of the format. Do not edit by hand. A node with
 * a `title` is a type of that name, which the kit uses as it is (`Parameters`,
 * `Yardsticks`, ...).
 *
 * @module
 */

/** A report file as deno task bench writes it (src/report/encoding.ts). Fields derived from the trials (summaries, throughput, one-way latency, the A/A noise band and the comparisons) are not written: readers compute them (loadReport in this repository does). Optional fields may be added within a version. */
export type ReportFile = {
  schemaVersion: 6;
  kit: {
    name: "ringpipe";
    version: string;
    commit: string | null;
    dirty: boolean | null;
  };
  /** when the run started, ISO 8601 UTC */
  createdAt: string;
  /** the command line that reruns it */
  command: string;
  /** the machine and toolchain; null where the machine does not say */
  environment: Environment;
  /** What a report records of the options that ran it (`parameters`), in the README's words. */
  parameters: Parameters;
  sampling: {
    /** why the timed trials stopped */
    stopReason: StopReason;
    targetReached: boolean | null;
    elapsedSeconds: number | null;
    warmupTrials: number;
    timedTrials: number;
  };
  /** A machine: the folder its reports go to, and its fingerprint. */
  machine: Machine;
  /** Where the two loops were placed: CPUs (null: left to the scheduler) and how they relate. */
  placement: Placement;
  /** How every figure of a report is computed, in words (`methods`). */
  methods: Methods;
  /** The kernel's own costs, measured in this process. */
  yardsticks?: Yardsticks;
  processes: ProcessEntry[];
  /** one entry per series */
  results: FileResult[];
  warnings: string[];
  /** in reports written before controls: a plain C pipe(2) loop measured in 5 rounds before the trials and 5 after, beside the 8-byte pipe stream; read as a pipe-loop control without pairs */
  pipeLoop?: {
    nsPerItem: number;
    cpus: number[] | null;
    method: string;
    /** every round's ns per item, half before the trials and half after */
    rounds: number[];
  };
  /** measurements of a series with one part of the harness taken away, one round beside each of its trials */
  controls?: ({
    /** pipe-loop and unstamped take a part of the harness away; pread, uring-read and null-syscall are the file server's baselines (added within version 6) */
    kind: "pipe-loop" | "unstamped" | "pread" | "uring-read" | "null-syscall";
    /** the series' key */
    series: string;
    method: string;
    cpus: number[] | null;
    rounds: number[];
    beside: number[];
  })[];
};

/** A confidence interval and the coverage it really has (below the target for tiny samples). */
export type Interval = {
  /** Lower bound. */
  low: number;
  /** Upper bound. */
  high: number;
  /** The interval's coverage, e.g. 0.95 (or the best reachable, e.g. 0.9375 for five samples). */
  level: number;
};

/** Percentiles and exact figures of a latency distribution, in ns. */
export type LatencySummary = {
  /** How many values. */
  count: number;
  /** The smallest. */
  min: number;
  /** The largest. */
  max: number;
  /** The arithmetic mean. */
  mean: number;
  /** Median. */
  p50: number;
  /** 90th percentile. */
  p90: number;
  /** 99th percentile. */
  p99: number;
  /** 99.9th percentile. */
  p999: number;
  /** 99.99th percentile. */
  p9999: number;
};

/** shares of CPU time between two readings of /proc/stat */
export type CpuActivity = {
  /** How long the two readings were apart. */
  seconds: number;
  /** Fraction of CPU time not idle (user, system, irq, steal, ...). */
  busy: number;
  /** Fraction of CPU time stolen by the hypervisor. */
  steal: number;
  /** Fraction of all CPU time used by processes other than this bench and its workers (absent in reports before it was measured). */
  others?: number;
};

/** One side of one trial: what the process asked for and really got. */
export type SideFigures = {
  /** The nice value asked for (null: none asked). */
  niceRequested: number | null;
  /** The nice value the loop thread had. */
  niceAchieved: number | null;
  /** The loop thread's scheduling policy. */
  schedPolicy: string;
  /** The CPUs asked for (null: none asked). */
  affinityRequested: number[] | null;
  /** The CPUs the loop thread was allowed on. */
  affinityActual: number[];
  /** The CPU the loop started on. */
  cpuStart: number;
  /** The CPU the loop ended on. */
  cpuEnd: number;
  /** Exact CPU time of the loop thread (CLOCK_THREAD_CPUTIME_ID); user/system split from getrusage, in ticks. */
  cpuNs: number;
  /** io_uring SQPOLL only: CPU time of the kernel thread that took this side's submissions during the loop (its thread CPU clock) */
  kernelThreadCpuNs?: number;
  /** User CPU time (getrusage, in ticks), ns. */
  userNs: number;
  /** System CPU time (getrusage, in ticks), ns. */
  systemNs: number;
  /** Voluntary context switches. */
  voluntarySwitches: number;
  /** Involuntary context switches. */
  involuntarySwitches: number;
};

/** one trial as a row: what a reader gets back from trial columns */
export type FileTrial = {
  /** position among all the trials of the run, from 1 */
  order: number;
  iterations: number;
  /** wall-clock ns of the timed loop */
  elapsedNs: number;
  /** elapsedNs / iterations, written only where it is not exactly that */
  nsPerItem?: number;
  /** both sides' cpuNs over iterations, written only where it is not exactly that */
  cpuNsPerItem?: number;
  producer: SideFigures;
  consumer: SideFigures;
};

/** one field of every trial: its values, or its values divided by 1,000 */
export type FileColumn = unknown[] | {
  times: 1000;
  values: number[];
};

/** trials as columns; each reassembled row is a #/$defs/trial */
export type FileTrialColumns = {
  count: number;
  /** fields with one value in every trial, by dotted name (producer.cpuNs) */
  same: Record<string, unknown>;
  /** the other fields, one column each, by dotted name */
  each: Record<string, FileColumn>;
};

/** runs of adjacent buckets of the log-linear histogram: [first bucket, count, count, ...] */
export type FileHistogramRuns = number[][];

/** What a result measured: its series (transport, engine, cadence, build, mode, size, placement, depth) and how it ran (waits, ring, capacity, io_uring set-up, trial length). */
export type MeasuredSeries = {
  /** shm, shm-copy, ring-futex, ring-pipewake, ring-eventfd, pipe, fifo, pipe-splice, pipe-uring, pipe-uring-sqpoll, unix, mq */
  transport: string;
  /** Which code ran the loops: `native` (C in the shim) or `deno` (TypeScript). */
  engine: "native" | "deno";
  /** deno rings: the sender published every this many items */
  publishEvery?: number;
  /** `--variant` runs: the label of the build whose loops ran (see `environment.variants`). */
  variant?: string;
  /** `stream` (one way) or `pingpong` (request and reply of the same size). */
  mode: "stream" | "pingpong" | "fileserver";
  /** Bytes per message (each request and each reply in ping-pong). */
  sizeBytes: number;
  /** `cross` (two distinct CPUs), `same` (one CPU) or `unpinned`. */
  placement: "cross" | "same" | "unpinned";
  /** How a side with nothing to do waited: `spin`, `yield` (spinning rings on one CPU) or `futex`. */
  waitPolicy: "spin" | "yield" | "futex" | "pipe" | "eventfd";
  /** Ping-pong: ns between the starts of round trips (`--pace`); absent or 0 when back to back. */
  paceNs?: number;
  /** Futex and pipe waits: how long an idle side looked before it slept, ns. */
  spinBeforeSleepNs?: number;
  /** file server: requests in flight */
  queueDepth?: number;
  /** Slots per ring, for ring transports (null otherwise). */
  ringSlots: number | null;
  /** how many messages were in flight at most before a sender had to wait, and what set that (absent in reports before it was recorded) */
  capacity?: Capacity;
  /** How the rings of one series were set up, for the report. */
  uring?: UringSetup;
  /** Every byte of every message of every trial checked out. */
  verified: true;
  /** Messages (stream) or round trips (ping-pong) per timed trial. */
  iterations: number;
  /** What `nsPerItem` counts: a `message` (stream), a `round trip` (ping-pong) or a `request` (file server). */
  unit: "message" | "round trip" | "request";
};

/** one series */
export type FileResult = MeasuredSeries & {
  /** ping-pong and file server: round trips; null for streams */
  latency: {
    clock: string;
    roundTrip: LatencySummary;
    histogram: FileHistogramRuns;
  } | null;
  /** the timed trials, in measured order */
  trials: FileTrialColumns & {
    count?: number;
  };
  /** calibration and warm-up trials, only with --keep-warmup */
  warmup?: FileTrialColumns;
};

/** The compiler that built the shim, as the report records it. */
export type CompilerInfo = {
  /** The command as given (`CC`). */
  command: string;
  /** The compiler's absolute path, when found on `PATH`. */
  path: string | null;
  /** First line of `CC --version`. */
  version: string;
  /** The flags the user chose (`CFLAGS`). */
  cflags: string[];
  /** The full compiler arguments, the kit's own (`ALWAYS_FLAGS` in ffi/build.ts) included. */
  arguments: string[];
};

/** the machine and toolchain; null where the machine does not say */
export type Environment = {
  /** The host name. */
  hostname: string;
  /** The operating system (`linux`). */
  os: string;
  /** The CPU architecture (`x86_64`, `aarch64`). */
  arch: string;
  /** `uname -r`, and the kernel command line (`/proc/cmdline`). */
  kernel: string;
  /** `/proc/cmdline`. */
  kernelCommandLine: string | null;
  /** The CPUs and what the kernel says about them. */
  cpu: {
    /** `model name` from `/proc/cpuinfo`, when there is one. */
    model: string | null;
    /** Logical CPUs this process may use. */
    count: number;
    /** CPUs online (`/sys/devices/system/cpu/online`). */
    online: number[] | null;
    /** CPUs isolated from the scheduler (`isolcpus=`), usually none. */
    isolated: number[] | null;
    /** The first CPU's current frequency in MHz (`/proc/cpuinfo`). */
    frequencyMHz: number | null;
    /** cpufreq scaling driver and governor of CPU 0; null without cpufreq (common in VMs). */
    scalingDriver: string | null;
    governor: string | null;
    /** Turbo/boost enabled, when the driver says. */
    turbo: boolean | null;
    /** Simultaneous multithreading active. */
    smt: boolean | null;
    caches: CacheInfo[];
    numaNodes: number | null;
    /** True when `/proc/cpuinfo` has the `hypervisor` flag (a virtual machine). */
    virtualMachine: boolean | null;
    /** The hypervisor or VM vendor, when the guest can tell. */
    hypervisor: string | null;
    /** What the kernel says about Meltdown: "Mitigation: PTI" makes every system call dearer. */
    meltdown: string | null;
  };
  /** The clock the loops time with: kernel clock source, resolution and cost of one read. */
  clock: {
    source: string | null;
    resolutionNs: number | null;
    readCostNs: number | null;
    /** the TSC as the ping-pong client's latency stamp: the cost of one read, or why it is not used here (absent in reports before it was used) */
    tsc?: {
      /** ns per read, as the loops read it */
      readCostNs?: number;
      /** why the TSC is not used here */
      refused?: string;
    };
  };
  /** 1-, 5- and 15-minute load averages before and after the run. */
  load: {
    before: number[] | null;
    after: number[] | null;
  };
  /** Where CPU time went (`/proc/stat`, all CPUs): in a quiet half second just before the run (`idleCheck`: anything busy is someone else's load), and during the run (`run`: busy includes our own loops; steal is time the hypervisor gave to other guests). */
  cpuActivity: {
    idleCheck: CpuActivity | null;
    run: CpuActivity | null;
  };
  /** Deno's version. */
  deno: string;
  /** V8's version. */
  v8: string;
  /** TypeScript's version. */
  typescript: string;
  /** The compiler and flags (of the first build in a `--variant` run). */
  compiler: CompilerInfo;
  /** Who ran the bench: root (able to lower nice) and whether through sudo. */
  user: {
    uid: number | null;
    root: boolean;
    sudo: boolean;
  };
  /** What nice can and cannot do here. With autogroup, nice ranks a thread only within its session's group; a cgroup's weight and limit apply above both. Read for the bench process: its workers inherit its autogroup and cgroup. */
  scheduler?: SchedulerGroup;
  /** --variant: each build of the C loops that ran, in the order given (the first is A, the one the others are compared with) */
  variants?: ({
    /** How tables and comparisons name it. */
    label: string;
    /** Its compiler and flags. */
    compiler: CompilerInfo;
    /** the git commit whose ffi/ sources were built (LABEL=@REF), or null: this checkout's */
    revision: string | null;
    /** the hash of sources, compiler and flags that names the built library */
    shimKey: string;
  })[];
};

/** One CPU cache, as `/sys/devices/system/cpu/cpu0/cache/index*` describes it. */
export type CacheInfo = {
  /** Cache level (1, 2, 3). */
  level: number;
  /** Data, Instruction or Unified. */
  type: string;
  /** Size as /sys writes it (e.g. 32K). */
  size: string;
  /** CPUs sharing this cache. */
  sharedCpus: number[];
};

/** What nice can and cannot do here. With autogroup, nice ranks a thread only within its session's group; a cgroup's weight and limit apply above both. Read for the bench process: its workers inherit its autogroup and cgroup. */
export type SchedulerGroup = {
  /** `kernel.sched_autogroup_enabled`, or null where the kernel has no autogroup. */
  autogroup: boolean | null;
  /** The bench's cgroup, as `/proc/self/cgroup` names it (the cpu controller's, on cgroup v1). */
  cgroup: string | null;
  /** The cgroup's CPU weight (v2 `cpu.weight`, 1 to 10,000, 100 by default; v1 shares / 10.24). */
  cpuWeight: number | null;
  /** The cgroup's CPU limit in CPUs (v2 `cpu.max`, v1 quota / period), null without one. */
  cpuLimit: number | null;
};

/** What a report records of the options that ran it (`parameters`), in the README's words. */
export type Parameters = {
  /** Transport names, in the order given. */
  transports: string[];
  /** Modes, in report order. */
  modes: ("stream" | "pingpong" | "fileserver")[];
  /** Message sizes, bytes. */
  sizes: number[];
  /** `--placement`. */
  placement: "cross" | "same" | "both";
  /** `null`: calibrated per series to `trialSeconds` (see each result's `iterations`). */
  iterations: number | null;
  /** `--trial-seconds`. */
  trialSeconds: number;
  /** A fixed trial count, or null for adaptive stopping (the next three). */
  runs: number | null;
  /** `--min-trials`. */
  minTrials: number;
  /** `--target-ci`, a fraction. */
  targetCi: number;
  /** `--budget`, seconds. */
  budgetSeconds: number;
  /** `--nice`. */
  nice: number;
  /** `--ring-slots` (asked). */
  ringSlots: number;
  /** `--quick`. */
  quick: boolean;
  /** `--wait` for ring transports, when given (absent: each transport's own). */
  wait?: "spin" | "yield" | "futex";
  /** `--pace` in ns, when given. */
  paceNs?: number;
  /** `--engine`, when not just native. */
  engines?: ("native" | "deno")[];
  /** `--publish-every` of the deno engine (each cadence is a series): recorded whenever the deno engine ran; absent in older reports, which meant 1 and left it out. */
  publishEvery?: number[];
  /** `--depth` of the file-server scenario (absent before schema 6 and outside it). */
  depths?: number[];
  /** `--spin-before-sleep` in ns, when not the default (10 µs). */
  spinBeforeSleepNs?: number;
  /** `--latency-every`, for runs with ping-pong (absent in reports before it existed: each). */
  latencyEvery?: number;
  /** `--uring-batch`, when not the default (16). */
  uringBatch?: number;
  /** --latency-stamp tsc, when asked for a run with ping-pong (absent: CLOCK_MONOTONIC) */
  latencyStamp?: "tsc";
  /** What `pipe` (and `pipe-splice`) went through: `pipe(2)`. Absent in reports written before, when `pipe` was a named FIFO (today's `fifo`). */
  pipe?: "pipe(2)";
  /** `--variant`, as given, for a run of several builds (see `environment.variants`). */
  variants?: string[];
  /** --margin: the equivalence margin of the variants' verdicts, a fraction */
  margin?: number;
};

/** why the timed trials stopped */
export type StopReason = "fixed-count" | "target-reached" | "budget-spent" | "trial-limit";

/** A machine: the folder its reports go to, and its fingerprint. */
export type Machine = {
  /** The folder name: `<host>-<8 hex of the fingerprint>`, or the name given with `--machine`. */
  id: string;
  /** True when the id was given (`--machine`, `RINGPIPE_MACHINE`) rather than derived. */
  named: boolean;
  /** The facts a machine id is derived from; null where the kernel does not say. */
  fingerprint: Fingerprint;
};

/** The facts a machine id is derived from; null where the kernel does not say. */
export type Fingerprint = {
  /** The host name. */
  hostname: string;
  /** The CPU architecture (`x86_64`, `aarch64`). */
  arch: string;
  /** The operating system (`linux`). */
  os: string;
  /** The CPU model string (`model name`). */
  cpuModel: string | null;
  /** `vendor_id` (x86) or `CPU implementer` (Arm). */
  cpuVendor: string | null;
  /** `cpu family` (x86) or `CPU architecture` (Arm). */
  cpuFamily: string | null;
  /** `model` (x86) or `CPU part` (Arm). */
  cpuModelNumber: string | null;
  /** `stepping` (x86) or `CPU variant`/`CPU revision` (Arm). */
  cpuStepping: string | null;
  /** `microcode` revision (x86). */
  microcode: string | null;
  /** How many CPUs are online (`/sys/devices/system/cpu/online`), whatever the affinity. */
  cpusOnline: number | null;
  /** The caches of CPU 0, e.g. `L1d 32K, L1i 32K, L2 1024K, L3 32768K`. */
  caches: string | null;
  /** `MemTotal`, rounded to whole GiB. */
  memoryGiB: number | null;
  /** The kernel's clock source (`tsc`, `kvm-clock`). */
  clockSource: string | null;
  /** What the kernel says of each CPU vulnerability (`/sys/devices/system/cpu/vulnerabilities`). */
  mitigations: Record<string, string> | null;
};

/** Where the two loops were placed: CPUs (null: left to the scheduler) and how they relate. */
export type Placement = {
  /** What `--pin` asked for. */
  request: "auto" | "none" | number[];
  /** Producer and consumer CPUs, or null when unpinned. */
  cpus: [number, number] | null;
  /** How the two CPUs relate. */
  relation: "same-cpu" | "smt-siblings" | "shared-llc" | "separate-llc" | "unknown" | "unpinned";
};

/** How every figure of a report is computed, in words (`methods`). */
export type Methods = {
  /** How quantiles are computed. */
  quantiles: string;
  /** How the CI of a median is computed. */
  medianCi: string;
  /** How the CI of a ratio of medians is computed. */
  ratioCi: string;
  /** How outliers are classified. */
  outliers: string;
  /** How latency percentiles are read. */
  latency: string;
  /** What the timed region holds. */
  timing: string;
  /** How the native loops wait while they spin (absent in reports before it was recorded). */
  spinWait?: string;
  /** How the trials' worker processes were run (absent in reports whose trials each started a fresh pair). */
  workers?: string;
};

/** The kernel's own costs, measured in this process. */
export type Yardsticks = {
  /** One `syscall(SYS_getppid)` (not a vDSO call), ns. */
  nullSyscallNs: number;
  /** One `pread()` of each size from a 4 MiB file in /dev/shm, every word checked, ns. */
  pread: {
    sizeBytes: number;
    ns: number;
  }[];
  /** How it is computed, in words. */
  method: string;
  /** reads through io_uring from the same file (absent when io_uring is unavailable or in reports before it was measured) */
  uring?: UringRead[];
  /** How the io_uring reads were set up and measured. */
  uringMethod?: string;
  /** why io_uring reads were not measured here */
  uringUnavailable?: string;
};

/** Reads of one size through io_uring, at one depth, with or without a polling kernel thread. */
export type UringRead = {
  /** Bytes per read. */
  sizeBytes: number;
  /** Reads in flight. */
  depth: number;
  /** A kernel thread polled the submission ring (`IORING_SETUP_SQPOLL`). */
  sqpoll: boolean;
  /** Wall ns per read (at depth 1, each read's latency). */
  ns: number;
  /** CPU ns per read: the reading thread and the SQPOLL thread. */
  cpuNs: number;
  /** Of which the SQPOLL thread's. */
  kernelThreadCpuNs: number;
};

/** What each role of process asked for and got, over all trials. */
export type ProcessEntry = {
  /** Which process. */
  role: "supervisor" | "producer" | "consumer";
  /** The nice value asked for (null: none asked). */
  niceRequested: number | null;
  /** The value every trial got; when trials differed, the highest (least favoured). */
  niceAchieved: number | null;
  /** Why the request failed, if it did (e.g. "Permission denied"). */
  niceError: string | null;
  /** Scheduling policies seen. */
  schedPolicies: string[];
  /** The CPU asked for, and every CPU a loop started or ended on. */
  affinityRequested: number[] | null;
  /** Every CPU a loop started or ended on. */
  cpusSeen: number[];
  /** Why pinning failed, if it did. */
  affinityError: string | null;
};

/** how many messages were in flight at most before a sender had to wait, and what set that (absent in reports before it was recorded) */
export type Capacity = {
  /** Messages (0: less than one, a send waits for the receiver), or null when it is not known in advance (the kernel also charges its own overhead). */
  messages: number | null;
  /** What sets it, in words. */
  source: string;
};

/** How the rings of one series were set up, for the report. */
export type UringSetup = {
  /** IORING_SETUP_* flags of each side's ring (without the prefix) */
  flags: string[];
  /** stream: messages submitted and waited for together, at most (fewer when 64 KiB holds fewer); ping-pong: 1 */
  batch: number;
  /** SQPOLL only: the kernel threads. */
  sqThread?: {
    /** the producer's and the consumer's thread's CPU (sq_thread_cpu; null: the kernel's choice) */
    cpus: (number | null)[];
    /** how long a thread polls an idle ring before it sleeps (sq_thread_idle) */
    idleMs: number;
    /** which loops share a CPU with them, in words */
    shares: string;
    /** how long a side looks at its completion ring before it sleeps in io_uring_enter(), ns (0 when its thread shares its CPU) */
    spinNs: number;
  };
};
