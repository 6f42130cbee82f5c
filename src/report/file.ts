/**
 * The types of a report file, schema version 6: written by `deno task schema:types` from
 * `report.schema.json`, the one description of the format. Do not edit by hand.
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
  environment: {
    hostname: string;
    os: string;
    arch: string;
    kernel: string;
    kernelCommandLine: string | null;
    cpu: {
      model: string | null;
      count: number;
      online: number[] | null;
      isolated: number[] | null;
      frequencyMHz: number | null;
      scalingDriver: string | null;
      governor: string | null;
      turbo: boolean | null;
      smt: boolean | null;
      caches: {
        level: number;
        type: string;
        size: string;
        sharedCpus: number[];
      }[];
      numaNodes: number | null;
      virtualMachine: boolean | null;
      hypervisor: string | null;
      meltdown: string | null;
    };
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
    load: {
      before: number[] | null;
      after: number[] | null;
    };
    cpuActivity: {
      idleCheck: FileActivity | null;
      run: FileActivity | null;
    };
    deno: string;
    v8: string;
    typescript: string;
    compiler: FileCompiler;
    user: {
      uid: number | null;
      root: boolean;
      sudo: boolean;
    };
    /** how the scheduler groups the bench's processes (absent in reports before it was read) */
    scheduler?: {
      /** kernel.sched_autogroup_enabled */
      autogroup: boolean | null;
      cgroup: string | null;
      /** 100 by default */
      cpuWeight: number | null;
      /** CPUs, null without a limit */
      cpuLimit: number | null;
    };
    /** --variant: each build of the C loops that ran, in the order given (the first is A, the one the others are compared with) */
    variants?: ({
      label: string;
      compiler: FileCompiler;
      /** the git commit whose ffi/ sources were built (LABEL=@REF), or null: this checkout's */
      revision: string | null;
      /** the hash of sources, compiler and flags that names the built library */
      shimKey: string;
    })[];
  };
  /** the options that change what is measured */
  parameters: {
    transports: string[];
    modes: FileMode[];
    sizes: FilePositive[];
    placement: "cross" | "same" | "both";
    /** null: calibrated to trialSeconds */
    iterations: FilePositive | null;
    trialSeconds: number;
    /** null: adaptive stopping */
    runs: number | null;
    minTrials: number;
    targetCi: number;
    budgetSeconds: number;
    nice: number;
    ringSlots: FilePositive;
    quick: boolean;
    wait?: "spin" | "yield" | "futex";
    paceNs?: number;
    engines?: FileEngine[];
    publishEvery?: FilePositive[];
    depths?: FilePositive[];
    /** --spin-before-sleep, when not the default 10 µs */
    spinBeforeSleepNs?: number;
    /** --latency-every: the ping-pong client timed every this many round trips (absent: each) */
    latencyEvery?: number;
    /** --uring-batch, when not the default (16) */
    uringBatch?: FilePositive;
    /** --latency-stamp tsc, when asked for a run with ping-pong (absent: CLOCK_MONOTONIC) */
    latencyStamp?: "tsc";
    /** what pipe and pipe-splice went through; absent in reports written when pipe was a named FIFO (today's fifo) */
    pipe?: "pipe(2)";
    /** --variant, as given (LABEL=CC[:CFLAGS] or LABEL=@REF) */
    variants?: string[];
    /** --margin: the equivalence margin of the variants' verdicts, a fraction */
    margin?: number;
  };
  sampling: {
    stopReason: "fixed-count" | "target-reached" | "budget-spent" | "trial-limit";
    targetReached: boolean | null;
    elapsedSeconds: number | null;
    warmupTrials: number;
    timedTrials: number;
  };
  machine: {
    /** the archive folder */
    id: string;
    /** true when given with --machine */
    named: boolean;
    /** the facts the machine id is derived from; null where not known */
    fingerprint: {
      hostname: string;
      arch: string;
      os: string;
      cpuModel: string | null;
      cpuVendor: string | null;
      cpuFamily: string | null;
      cpuModelNumber: string | null;
      cpuStepping: string | null;
      microcode: string | null;
      cpusOnline: number | null;
      caches: string | null;
      memoryGiB: number | null;
      clockSource: string | null;
      /** what /sys/devices/system/cpu/vulnerabilities says of each */
      mitigations: Record<string, string> | null;
    };
  };
  placement: {
    request: "auto" | "none" | number[];
    cpus: number[] | null;
    relation: "same-cpu" | "smt-siblings" | "shared-llc" | "separate-llc" | "unknown" | "unpinned";
  };
  /** how every figure is computed, in words */
  methods: {
    quantiles: string;
    medianCi: string;
    ratioCi: string;
    outliers: string;
    latency: string;
    timing: string;
    /** how the native loops wait while they spin (absent in reports before it was recorded) */
    spinWait?: string;
  };
  /** file-server scenario only */
  yardsticks?: {
    nullSyscallNs: number;
    pread: {
      sizeBytes: FilePositive;
      ns: number;
    }[];
    method: string;
    /** reads through io_uring from the same file (absent when io_uring is unavailable or in reports before it was measured) */
    uring?: {
      sizeBytes: FilePositive;
      /** reads in flight */
      depth: FilePositive;
      /** a kernel thread polled the submission ring */
      sqpoll: boolean;
      /** wall ns per read (at depth 1: each read's latency) */
      ns: number;
      /** CPU ns per read: the reading thread and the SQPOLL thread */
      cpuNs: number;
      /** of which the SQPOLL thread's */
      kernelThreadCpuNs: number;
    }[];
    /** how the io_uring reads were set up and measured */
    uringMethod?: string;
    /** why io_uring reads were not measured here */
    uringUnavailable?: string;
  };
  processes: ({
    role: "supervisor" | "producer" | "consumer";
    niceRequested: number | null;
    niceAchieved: number | null;
    niceError: string | null;
    schedPolicies: string[];
    affinityRequested: number[] | null;
    cpusSeen: number[];
    affinityError: string | null;
  })[];
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

/** stream: one way; pingpong: request and reply of the same size; fileserver: read requests answered by a server process */
export type FileMode = "stream" | "pingpong" | "fileserver";

/** cross: two distinct CPUs; same: one CPU for both; unpinned: the scheduler decides */
export type FilePlacementKind = "cross" | "same" | "unpinned";

/** which code ran the loops: C in the shim, or TypeScript */
export type FileEngine = "native" | "deno";

/** a number above 0 */
export type FilePositive = number;

/** a confidence interval */
export type FileInterval = {
  low: number;
  high: number;
  /** the coverage achieved */
  level: number;
};

/** round-trip latency, ns (count: round trips) */
export type FileLatencySummary = {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  p9999: number;
};

/** shares of CPU time between two readings of /proc/stat */
export type FileActivity = {
  seconds: number;
  /** fraction of CPU time not idle */
  busy: number;
  /** fraction stolen by the hypervisor */
  steal: number;
  /** fraction of all CPU time used by processes other than the bench and its workers */
  others?: number;
};

/** one side of one trial: what the process asked for and got */
export type FileSide = {
  niceRequested: number | null;
  niceAchieved: number | null;
  schedPolicy: string;
  affinityRequested: number[] | null;
  affinityActual: number[];
  cpuStart: number;
  cpuEnd: number;
  /** CLOCK_THREAD_CPUTIME_ID of the loop thread */
  cpuNs: number;
  /** io_uring SQPOLL only: CPU time of the kernel thread that took this side's submissions during the loop (its thread CPU clock) */
  kernelThreadCpuNs?: number;
  /** getrusage, in its own grain */
  userNs: number;
  systemNs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
};

/** one trial as a row: what a reader gets back from trial columns */
export type FileTrial = {
  /** position among all the trials of the run, from 1 */
  order: number;
  iterations: FilePositive;
  /** wall-clock ns of the timed loop */
  elapsedNs: number;
  /** elapsedNs / iterations, written only where it is not exactly that */
  nsPerItem?: number;
  /** both sides' cpuNs over iterations, written only where it is not exactly that */
  cpuNsPerItem?: number;
  producer: FileSide;
  consumer: FileSide;
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

/** one series */
export type FileResult = {
  /** shm, shm-copy, ring-futex, ring-pipewake, ring-eventfd, pipe, fifo, pipe-splice, pipe-uring, pipe-uring-sqpoll, unix, mq */
  transport: string;
  engine: FileEngine;
  /** deno rings: the sender published every this many items */
  publishEvery?: FilePositive;
  /** --variant runs: the label of the build whose loops ran */
  variant?: string;
  mode: FileMode;
  sizeBytes: FilePositive;
  placement: FilePlacementKind;
  waitPolicy: "spin" | "yield" | "futex" | "pipe" | "eventfd";
  /** paced ping-pong: ns between the starts of round trips */
  paceNs?: number;
  /** file server: requests in flight */
  queueDepth?: FilePositive;
  /** slots per ring, null without a ring */
  ringSlots: FilePositive | null;
  /** how many messages were in flight at most before a sender had to wait, and what set that (absent in reports before it was recorded) */
  capacity?: {
    /** messages; 0: less than one, a send waits for the receiver; null: not known in advance */
    messages: number | null;
    /** what sets it, in words */
    source: string;
  };
  /** io_uring transports: how each side's ring was set up */
  uring?: {
    /** IORING_SETUP_* flags of each side's ring (without the prefix) */
    flags: string[];
    /** stream: messages submitted and waited for together, at most (fewer when 64 KiB holds fewer); ping-pong: 1 */
    batch: FilePositive;
    /** SQPOLL only: the kernel threads */
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
  /** every byte of every message checked out */
  verified: true;
  iterations: FilePositive;
  unit: "message" | "round trip" | "request";
  /** ping-pong and file server: round trips; null for streams */
  latency: {
    clock: string;
    roundTrip: FileLatencySummary;
    histogram: FileHistogramRuns;
  } | null;
  /** the timed trials, in measured order */
  trials: FileTrialColumns & {
    count?: number;
  };
  /** calibration and warm-up trials, only with --keep-warmup */
  warmup?: FileTrialColumns;
  /** futex and pipe waits: how long an idle side looked before it slept, ns */
  spinBeforeSleepNs?: number;
};

/** `#/$defs/compiler` of the schema. */
export type FileCompiler = {
  command: string;
  path: string | null;
  version: string;
  cflags: string[];
  arguments: string[];
};
