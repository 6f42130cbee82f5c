/**
 * The types of a report file of schema version 5 (frozen):
 * written by `deno task schema:types` from its frozen schema, for the upgrade that reads it. Do
 * not edit by hand.
 *
 * @module
 */

/** A report of this version as it was written: trials as rows, every derived figure, five machine facts. Frozen: the current version is ../report.schema.json. */
export type ReportFileV5 = {
  schemaVersion: 5;
  kit: {
    name: "ringpipe";
    version: string;
    commit: string | null;
    dirty: boolean | null;
  };
  createdAt: string;
  command: string;
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
    };
    load: {
      before: number[] | null;
      after: number[] | null;
    };
    cpuActivity: {
      idleCheck: {
        seconds: number;
        busy: number;
        steal: number;
      } | null;
      run: {
        seconds: number;
        busy: number;
        steal: number;
      } | null;
    };
    deno: string;
    v8: string;
    typescript: string;
    compiler: {
      command: string;
      path: string | null;
      version: string;
      cflags: string[];
      arguments: string[];
    };
    user: {
      uid: number | null;
      root: boolean;
      sudo: boolean;
    };
  };
  parameters: {
    transports: string[];
    modes: ("stream" | "pingpong" | "fileserver")[];
    sizes: number[];
    placement: "cross" | "same" | "both";
    iterations: number | null;
    trialSeconds: number;
    runs: number | null;
    minTrials: number;
    targetCi: number;
    budgetSeconds: number;
    nice: number;
    ringSlots: number;
    quick: boolean;
    wait?: "spin" | "yield" | "futex";
    paceNs?: number;
    engines?: ("native" | "deno")[];
    publishEvery?: number[];
    depths?: number[];
  };
  sampling: {
    stopReason: "fixed-count" | "target-reached" | "budget-spent" | "trial-limit";
    targetReached: boolean | null;
    elapsedSeconds: number | null;
    warmupTrials: number;
    timedTrials: number;
  };
  noise: {
    method: string;
    band: number | null;
    series: ({
      transport: string;
      engine?: "native" | "deno";
      publishEvery?: number;
      mode: "stream" | "pingpong" | "fileserver";
      sizeBytes: number;
      placement: "cross" | "same" | "unpinned";
      queueDepth?: number;
      ratio: number;
      ci: V5Interval;
    })[];
  };
  placement: {
    request: "auto" | "none" | number[];
    cpus: [number, number] | null;
    relation: "same-cpu" | "smt-siblings" | "shared-llc" | "separate-llc" | "unknown" | "unpinned";
  };
  methods: {
    quantiles: string;
    medianCi: string;
    ratioCi: string;
    outliers: string;
    latency: string;
    timing: string;
  };
  yardsticks?: {
    nullSyscallNs: number;
    pread: {
      sizeBytes: number;
      ns: number;
    }[];
    method: string;
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
  results: ({
    transport: string;
    engine: "native" | "deno";
    publishEvery?: number;
    mode: "stream" | "pingpong" | "fileserver";
    sizeBytes: number;
    placement: "cross" | "same" | "unpinned";
    waitPolicy: "spin" | "yield" | "futex" | "pipe" | "eventfd";
    paceNs?: number;
    queueDepth?: number;
    ringSlots: number | null;
    verified: true;
    iterations: number;
    unit: "message" | "round trip" | "request";
    samples: V5Sample[];
    warmup: V5Sample[];
    nsPerItem: V5Summary;
    cpuNsPerItem: V5Summary;
    switchesPerItem: number;
    throughput: {
      perSecond: number;
      bytesPerSecond: number;
    };
    latency: {
      clock: string;
      roundTrip: V5Latency;
      oneWayAsHalfRoundTrip: V5Latency;
      histogram: [number, number][];
    } | null;
  })[];
  comparisons: ({
    name: string;
    numerator: string;
    denominator: string;
    mode: "stream" | "pingpong" | "fileserver";
    sizeBytes: number;
    placement: "cross" | "same" | "unpinned";
    queueDepth?: number;
    engine?: "native" | "deno";
    ratioOfMedians: number;
    ci: V5Interval;
  })[];
  warnings: string[];
  machine: {
    id: string;
  };
};

/** `#/$defs/interval` of the schema. */
export type V5Interval = {
  low: number;
  high: number;
  level: number;
};

/** `#/$defs/side` of the schema. */
export type V5Side = {
  niceRequested: number | null;
  niceAchieved: number | null;
  schedPolicy: string;
  affinityRequested: number[] | null;
  affinityActual: number[];
  cpuStart: number;
  cpuEnd: number;
  cpuNs: number;
  kernelThreadCpuNs?: number;
  userNs: number;
  systemNs: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
  /** the process id (dropped in version 6) */
  pid?: number;
  /** the loop thread's id (dropped in version 6) */
  tid?: number;
};

/** `#/$defs/sample` of the schema. */
export type V5Sample = {
  order: number;
  iterations: number;
  elapsedNs: number;
  nsPerItem: number;
  cpuNsPerItem: number;
  producer: V5Side;
  consumer: V5Side;
};

/** `#/$defs/summary` of the schema. */
export type V5Summary = {
  count: number;
  median: number;
  mean: number;
  min: number;
  max: number;
  p5: number;
  p25: number;
  p75: number;
  p95: number;
  stddev: number;
  cv: number;
  mad: number;
  medianCi: V5Interval;
  outliers: {
    lowSevere: number;
    lowMild: number;
    highMild: number;
    highSevere: number;
  };
};

/** `#/$defs/latency` of the schema. */
export type V5Latency = {
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
