/** Synthetic samples and reports for tests that must not depend on the machine's speed. */

import type { CompilerInfo } from "../ffi/build.ts";
import type { Environment } from "../src/environment.ts";
import { parseBenchOptions } from "../src/options.ts";
import { buildReport } from "../src/report.ts";
import type { Report } from "../src/report.ts";
import type { MeasuredTrial, TransportSamples } from "../src/sampling.ts";
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

/** Samples for shm (about 3 ns) and pipe (about 400 ns), interleaved. */
export function fakeSamples(nice = -20): TransportSamples[] {
  const shmRuns = [3.1, 3.3, 3.2, 3.6, 3.0];
  const pipeRuns = [400, 410, 390, 420, 405];
  return [
    {
      transport: TRANSPORTS.shm,
      iterations: 1000,
      warmup: [fakeTrial("shm", 9.5, 1, nice)],
      runs: shmRuns.map((ns, i) => fakeTrial("shm", ns, 3 + 2 * i, nice)),
    },
    {
      transport: TRANSPORTS.pipe,
      iterations: 1000,
      warmup: [fakeTrial("pipe", 800, 2, nice)],
      runs: pipeRuns.map((ns, i) => fakeTrial("pipe", ns, 4 + 2 * i, nice)),
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
  cpu: { model: "Test CPU @ 3.0GHz", count: 2, virtualMachine: false },
  clockSource: "tsc",
  deno: "2.9.6",
  v8: "15.0",
  typescript: "6.0",
  compiler,
  user: { uid: 1000, root: false, sudo: false },
};

/** A whole report built by the real `buildReport` from fake samples. */
export function fakeReport(nice = -20): Report {
  return buildReport(fakeSamples(nice), {
    options: parseBenchOptions(["--runs", "5"]),
    environment: fakeEnvironment,
    git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
    command: "deno task bench --runs 5",
    createdAt: new Date("2026-11-27T15:46:17.123Z"),
    supervisorNice: 0,
  });
}
