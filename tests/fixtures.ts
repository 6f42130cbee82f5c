/** Synthetic samples and reports for tests that must not depend on the machine's speed. */

import type { CompilerInfo } from "../ffi/build.ts";
import type { Environment } from "../src/environment.ts";
import { parseBenchOptions } from "../src/options.ts";
import { buildReport } from "../src/report.ts";
import type { Report } from "../src/report.ts";
import type { MeasuredTrial, StopReason, TransportSamples } from "../src/sampling.ts";
import { TRANSPORTS } from "../src/transports/mod.ts";
import type { Role } from "../src/transports/mod.ts";
import type { SideReport } from "../src/worker.ts";

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
    cpuStart: cpu,
    cpuEnd: cpu,
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
): MeasuredTrial {
  return {
    transport,
    iterations,
    elapsedNs: nsPerItem * iterations,
    nsPerItem,
    order,
    producer: side("producer", nice, 0, nsPerItem * iterations),
    consumer: side("consumer", nice, 1, nsPerItem * iterations),
  };
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
}

/** Samples for shm and pipe, interleaved A B, B A, ... after one warm-up each. */
export function fakeSamples(run: FakeRun = {}): TransportSamples[] {
  const { nice = -20, shm = STEADY.shm, pipe = STEADY.pipe } = run;
  const trial = (name: string, ns: number, order: number) => {
    const t = fakeTrial(name, ns, order, nice);
    if (run.sameCpu) t.consumer = { ...t.consumer, cpuStart: 0, cpuEnd: 0 };
    return t;
  };
  // Round r runs shm then pipe when r is even, pipe then shm when odd; warm-ups take orders 1 and 2.
  const orderOf = (round: number, first: boolean) =>
    3 + 2 * round + (first === (round % 2 === 0) ? 0 : 1);
  return [
    {
      transport: TRANSPORTS.shm,
      iterations: 1000,
      warmup: [trial("shm", 9.5, 1)],
      runs: shm.map((ns, i) => trial("shm", ns, orderOf(i, true))),
    },
    {
      transport: TRANSPORTS.pipe,
      iterations: 1000,
      warmup: [trial("pipe", 800, 2)],
      runs: pipe.map((ns, i) => trial("pipe", ns, orderOf(i, false))),
    },
  ];
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

/** A whole report built by the real `buildReport` from fake samples. */
export function fakeReport(
  run: FakeRun = {},
  environment: Partial<Environment> = {},
  args: string[] = ["--runs", "10"],
  stopReason: StopReason = "fixed-count",
): Report {
  return buildReport({ samples: fakeSamples(run), stopReason, elapsedSeconds: 12.5 }, {
    options: parseBenchOptions(args),
    environment: { ...fakeEnvironment, ...environment },
    placement: { request: "auto", cpus: [0, 1], relation: "shared-llc" },
    git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
    command: `deno task bench ${args.join(" ")}`,
    createdAt: new Date("2026-11-27T15:46:17.123Z"),
    supervisorNice: 0,
  });
}
