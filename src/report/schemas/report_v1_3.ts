/**
 * The types of a report file of schema versions 1 to 3 (frozen):
 * written by `deno task schema:types` from its frozen schema, for the upgrade that reads it. Do
 * not edit by hand.
 *
 * @module
 */

/** What a report of versions 1 to 3 may hold that its upgrade reads (trials as rows, without the figures derived from them): the fields every such report has are required, those that later versions of the three added are optional. Frozen: the current version is ../report.schema.json. */
export type ReportFileV1to3 = {
  schemaVersion: 1 | 2 | 3;
  kit: {
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
    cpu: {
      model: string | null;
      count: number;
      online?: number[] | null;
      isolated?: number[] | null;
      frequencyMHz?: number | null;
      scalingDriver?: string | null;
      governor?: string | null;
      turbo?: boolean | null;
      smt?: boolean | null;
      caches?: {
        level: number;
        type: string;
        size: string;
        sharedCpus: number[];
      }[];
      numaNodes?: number | null;
      virtualMachine?: boolean | null;
      hypervisor?: string | null;
      meltdown?: string | null;
    };
    deno: string;
    v8: string;
    typescript: string;
    compiler: {
      command: string;
      version: string;
      arguments: string[];
      path?: string | null;
      cflags?: string[];
    };
    kernelCommandLine?: string | null;
    clockSource?: string | null;
    clock?: {
      source: string | null;
      resolutionNs: number | null;
      readCostNs: number | null;
    };
    load?: {
      before: number[] | null;
      after: number[] | null;
    };
    cpuActivity?: {
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
    user?: {
      uid: number | null;
      root: boolean;
      sudo: boolean;
    };
  };
  parameters: {
    transports: string[];
    nice: number;
    ringSlots: number;
    modes?: ("stream" | "pingpong")[];
    sizes?: number[];
    placement?: "cross" | "same" | "both";
    iterations?: number | null;
    trialSeconds?: number;
    runSeconds?: number;
    runs?: number | null;
    minTrials?: number;
    targetCi?: number;
    budgetSeconds?: number;
    quick?: boolean;
  };
  processes: ({
    role: "supervisor" | "producer" | "consumer";
    niceRequested?: number | null;
    niceAchieved?: number | null;
    niceError?: string | null;
    schedPolicies?: string[];
    affinityRequested?: number[] | null;
    cpusSeen?: number[];
    affinityError?: string | null;
  })[];
  results: ({
    transport: string;
    iterations: number;
    samples: V1to3LegacySample[];
    warmup: V1to3LegacySample[];
    latency?: {
      histogram: [number, number][];
      clock?: string;
      roundTrip: V1to3LatencySummary;
      oneWayAsHalfRoundTrip: V1to3LatencySummary;
    } | null;
    mode?: "stream" | "pingpong";
    sizeBytes?: number;
    placement?: "cross" | "same" | "unpinned";
    waitPolicy?: "spin" | "yield" | "futex";
    ringSlots?: number | null;
  })[];
  warnings: string[];
  sampling?: {
    stopReason: "fixed-count" | "target-reached" | "budget-spent" | "trial-limit";
    targetReached: boolean | null;
    elapsedSeconds: number | null;
    warmupTrials: number;
    timedTrials: number;
  };
  placement?: {
    request: "auto" | "none" | [number, number];
    cpus: [number, number] | null;
    relation: "same-cpu" | "smt-siblings" | "shared-llc" | "separate-llc" | "unknown" | "unpinned";
  };
};

/** `#/$defs/legacySide` of the schema. */
export type V1to3LegacySide = {
  pid: number;
  tid: number;
  cpuStart: number;
  cpuEnd: number;
  userNs: number;
  systemNs: number;
  niceRequested?: number | null;
  niceAchieved?: number | null;
  schedPolicy?: string;
  affinityRequested?: number[] | null;
  affinityActual?: number[];
  cpuNs?: number;
  voluntarySwitches?: number;
  involuntarySwitches?: number;
};

/** `#/$defs/legacySample` of the schema. */
export type V1to3LegacySample = {
  order: number;
  iterations: number;
  elapsedNs: number;
  nsPerItem: number;
  cpuNsPerItem: number;
  producer: V1to3LegacySide;
  consumer: V1to3LegacySide;
};

/** `#/$defs/latencySummary` of the schema. */
export type V1to3LatencySummary = {
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
