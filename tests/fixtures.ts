/** Synthetic samples and reports for tests that must not depend on the machine's speed. */

import type { Mode } from "../src/base/names.ts";
import type { CompilerInfo } from "../ffi/build.ts";
import type { Environment } from "../src/context/environment.ts";
import type { Fingerprint } from "../src/context/machine.ts";
import { parseBenchOptions } from "../src/plan/options.ts";
import { buildReport } from "../src/report/build.ts";
import type { Report } from "../src/report/report.ts";
import { histogramOf } from "../src/stats/histogram.ts";
import type { MeasuredTrial, SeriesSamples, StopReason } from "../src/run/sampling.ts";
import type { Series } from "../src/plan/plan.ts";
import { TRANSPORTS } from "../src/transports/mod.ts";
import type { Role } from "../src/transports/mod.ts";
import type { SideReport } from "../src/run/worker.ts";

function side(role: Role, nice: number, cpu: number, cpuNs: number): SideReport {
  return {
    role,
    pid: 1000 + cpu,
    tid: 1000 + cpu,
    niceRequested: -20,
    niceAchieved: nice,
    niceError: nice === -20 ? null : "Permission denied",
    schedPolicy: "SCHED_OTHER",
    affinityRequested: [cpu],
    affinityActual: [cpu],
    affinityError: null,
    status: 0,
    statusText: "ok",
    startNs: "1000",
    endNs: "2000",
    items: "1000",
    checksum: "499500",
    badItem: null,
    latency: null,
    cpuStart: cpu,
    cpuEnd: cpu,
    cpuNs,
    kernelThreadCpuNs: null,
    userNs: cpuNs,
    systemNs: 0,
    voluntarySwitches: 1,
    involuntarySwitches: 2,
  };
}

/** A trial of `iterations` items at `nsPerItem`, both sides burning `nsPerItem` of CPU. */
export function fakeTrial(
  transport: string,
  nsPerItem: number,
  order: number,
  nice = -20,
  iterations = 1000,
  mode: Mode = "stream",
  sizeBytes = 8,
): MeasuredTrial {
  const trial: MeasuredTrial = {
    transport,
    mode,
    sizeBytes,
    iterations,
    elapsedNs: nsPerItem * iterations,
    nsPerItem,
    order,
    producer: side("producer", nice, 0, nsPerItem * iterations),
    consumer: side("consumer", nice, 1, nsPerItem * iterations),
  };
  if (mode !== "stream") {
    // Round trips of nsPerItem, with one in a hundred ten times slower.
    const values = Array.from(
      { length: iterations },
      (_, i) => (i % 100 === 99 ? 10 : 1) * nsPerItem,
    );
    trial.producer.latency = {
      minNs: Math.min(...values),
      maxNs: Math.max(...values),
      sumNs: values.reduce((a, b) => a + b, 0),
      histogram: histogramOf(values),
    };
  }
  return trial;
}

/** Ten steady trials of the ring (median 3.2 ns) and of the pipe (median 405 ns). */
export const STEADY = {
  shm: [3.2, 3.21, 3.19, 3.22, 3.18, 3.2, 3.23, 3.17, 3.2, 3.2],
  pipe: [405, 404, 406, 403, 407, 405, 402, 408, 405, 405],
};

/** What a fake run looks like; every field has a quiet default. */
export interface FakeRun {
  nice?: number;
  shm?: number[];
  pipe?: number[];
  /** Put both loops of every trial on CPU 0. */
  sameCpu?: boolean;
  /** Also ping-pong series (ring 200 ns, pipe 20,000 ns per round trip). */
  pingpong?: boolean;
  /** Instead: file-server series of the ring at these depths (64 B; 880 ns per request at depth 1, less deeper). */
  fileserver?: number[];
}

/** The series behind fake samples. */
export function fakeSeries(
  transport: "shm" | "pipe",
  mode: Mode = "stream",
  sizeBytes = 8,
  queueDepth?: number,
): Series {
  return {
    transport: TRANSPORTS[transport],
    mode,
    sizeBytes,
    placement: "cross",
    cpus: [0, 1],
    ...(queueDepth === undefined ? {} : { queueDepth }),
  };
}

/** Samples for shm and pipe streams (and ping-pong), interleaved A B, B A, ... after one warm-up each. */
export function fakeSamples(run: FakeRun = {}): SeriesSamples[] {
  const { nice = -20, shm = STEADY.shm, pipe = STEADY.pipe } = run;
  const groups: [Series, number[], number][] = run.fileserver
    ? run.fileserver.map((depth) => [
      fakeSeries("shm", "fileserver", 64, depth),
      STEADY.shm.map((v) => (v * 275) / depth),
      2000,
    ])
    : [
      [fakeSeries("shm"), shm, 9.5],
      [fakeSeries("pipe"), pipe, 800],
    ];
  if (run.pingpong) {
    groups.push([fakeSeries("shm", "pingpong"), STEADY.shm.map((v) => v * 62.5), 900]);
    groups.push([fakeSeries("pipe", "pingpong"), STEADY.pipe.map((v) => v * 50), 40_000]);
  }
  const n = groups.length;
  const trial = (series: Series, ns: number, order: number) => {
    const t = fakeTrial(
      series.transport.name,
      ns,
      order,
      nice,
      1000,
      series.mode,
      series.sizeBytes,
    );
    if (run.sameCpu) t.consumer = { ...t.consumer, cpuStart: 0, cpuEnd: 0 };
    return t;
  };
  // Warm-ups take orders 1..n; round r runs the series forwards when r is even, backwards when odd.
  const orderOf = (round: number, g: number) =>
    n + 1 + n * round + (round % 2 === 0 ? g : n - 1 - g);
  return groups.map(([series, values, warm], g) => ({
    series,
    iterations: 1000,
    warmup: [trial(series, warm, g + 1)],
    runs: values.map((ns, r) => trial(series, ns, orderOf(r, g))),
  }));
}

const compiler: CompilerInfo = {
  command: "cc",
  path: "/usr/bin/cc",
  version: "cc (Test) 1.0",
  cflags: ["-O3"],
  arguments: ["-O3", "-fPIC", "-shared"],
};

/** A fixed environment, so rendered reports are byte-for-byte stable. */
export const fakeEnvironment: Environment = {
  hostname: "test|host",
  os: "linux",
  arch: "x86_64",
  kernel: "6.1.0-test",
  kernelCommandLine: "quiet",
  cpu: {
    model: "Test CPU @ 3.0GHz",
    count: 2,
    online: [0, 1],
    isolated: [],
    frequencyMHz: 3000,
    scalingDriver: "acpi-cpufreq",
    governor: "performance",
    turbo: false,
    smt: false,
    caches: [{ level: 3, type: "Unified", size: "32768K", sharedCpus: [0, 1] }],
    numaNodes: 1,
    virtualMachine: false,
    hypervisor: null,
    meltdown: "Not affected",
  },
  clock: { source: "tsc", resolutionNs: 1, readCostNs: 20 },
  load: { before: [0.1, 0.2, 0.3], after: [1.9, 1.0, 0.5] },
  cpuActivity: {
    idleCheck: { seconds: 0.5, busy: 0.01, steal: 0 },
    run: { seconds: 12.5, busy: 1, steal: 0.001 },
  },
  deno: "2.9.6",
  v8: "15.0",
  typescript: "6.0",
  compiler,
  user: { uid: 1000, root: false, sudo: false },
};

/** The fingerprint of {@link fakeEnvironment}'s machine. */
export const fakeFingerprint: Fingerprint = {
  hostname: "test|host",
  arch: "x86_64",
  os: "linux",
  cpuModel: "Test CPU @ 3.0GHz",
  cpuVendor: "GenuineTest",
  cpuFamily: "6",
  cpuModelNumber: "85",
  cpuStepping: "7",
  microcode: "0x5003604",
  cpusOnline: 2,
  caches: "L3 32768K",
  memoryGiB: 16,
  clockSource: "tsc",
  mitigations: { meltdown: "Not affected" },
};

/** A whole report built by the real `buildReport` from fake samples. */
export function fakeReport(
  run: FakeRun = {},
  environment: Partial<Environment> = {},
  args: string[] = ["--runs", "10"],
  stopReason: StopReason = "fixed-count",
): Report {
  return buildReport(
    { samples: fakeSamples(run), controls: [], stopReason, elapsedSeconds: 12.5 },
    {
      options: parseBenchOptions(args),
      environment: { ...fakeEnvironment, ...environment },
      machine: { id: "test-host-0badcafe", named: false, fingerprint: fakeFingerprint },
      placement: { request: "auto", cpus: [0, 1], relation: "shared-llc" },
      git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
      command: `deno task bench ${args.join(" ")}`,
      createdAt: new Date("2026-11-27T15:46:17.123Z"),
      supervisorNice: 0,
    },
  );
}
