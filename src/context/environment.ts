/**
 * What the machine and the toolchain were, read without changing anything:
 * the facts a reader needs to trust (or doubt) a figure.
 *
 * Reading `/proc` and `/sys` needs Deno's `--allow-all` (a scoped
 * `--allow-read` is refused for them); every task runs with it. Anything the
 * kernel does not expose here is recorded as null, never guessed.
 *
 * @module
 */

import type { CompilerInfo } from "../base/measured.ts";
import { invokingUser } from "../base/ownership.ts";
import { parseCpuList } from "./topology.ts";
import type { CacheInfo, CpuActivity, Environment, SchedulerGroup } from "../base/report_file.ts";
export type { CacheInfo, CpuActivity, Environment, SchedulerGroup };

/**
 * Reads how the scheduler groups this process: autogroup, and its cgroup's CPU weight and limit
 * (cgroup v2, or v1's cpu controller). `root` points it at a fake `/proc` and `/sys`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSchedulerGroup } from "./environment.ts";
 * const group = readSchedulerGroup();
 * assert.ok(group.autogroup === null || typeof group.autogroup === "boolean");
 * ```
 */
export function readSchedulerGroup(root = ""): SchedulerGroup {
  const autogroup = readText(`${root}/proc/sys/kernel/sched_autogroup_enabled`);
  const lines = (readText(`${root}/proc/self/cgroup`) ?? "").split("\n");
  const v2 = lines.find((l) => l.startsWith("0::"))?.slice(3) ?? null;
  const v1 = lines.map((l) => l.split(":")).find((f) => f[1]?.split(",").includes("cpu"));
  let cgroup: string | null = null, cpuWeight: number | null = null, cpuLimit: number | null = null;
  const base = `${root}/sys/fs/cgroup`;
  if (v1 !== undefined) {
    cgroup = v1[2] ?? null;
    const dir = `${base}/${v1[1]}${cgroup ?? ""}`.replace(/\/+$/, "");
    const shares = readText(`${dir}/cpu.shares`);
    cpuWeight = shares === null ? null : Number(shares) / 10.24;
    const quota = Number(readText(`${dir}/cpu.cfs_quota_us`) ?? -1);
    const period = Number(readText(`${dir}/cpu.cfs_period_us`) ?? 0);
    cpuLimit = quota > 0 && period > 0 ? quota / period : null;
  } else if (v2 !== null) {
    cgroup = v2;
    const dir = `${base}${v2 === "/" ? "" : v2}`;
    const weight = readText(`${dir}/cpu.weight`);
    cpuWeight = weight === null ? null : Number(weight);
    const [quota, period] = (readText(`${dir}/cpu.max`) ?? "max").split(/\s+/);
    cpuLimit = quota !== "max" && Number(period) > 0 ? Number(quota) / Number(period) : null;
  }
  return { autogroup: autogroup === null ? null : autogroup === "1", cgroup, cpuWeight, cpuLimit };
}

/** The aggregate `cpu` line of `/proc/stat`, in clock ticks, with the time it was read. */
export interface CpuTimes {
  /** When it was read (`performance.now()`, ms). */
  at: number;
  /** All CPU time, in clock ticks. */
  total: number;
  /** Idle and I/O-wait time, in clock ticks. */
  idle: number;
  /** Time the hypervisor gave to other guests, in clock ticks. */
  steal: number;
  /** CPU time of this process and of its children it has waited for, in clock ticks. */
  own: number;
}

/**
 * Reads the aggregate CPU times from `/proc/stat`, or null where it cannot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCpuTimes } from "./environment.ts";
 * const times = readCpuTimes(); // null where /proc/stat cannot be read
 * assert.ok(times === null || times.total > 0);
 * ```
 */
export function readCpuTimes(): CpuTimes | null {
  const line = readText("/proc/stat")?.split("\n").find((l) => l.startsWith("cpu "));
  if (line === undefined) return null;
  const ticks = line.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [, , , idle = 0, iowait = 0, , , steal = 0] = ticks;
  const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
  // utime stime cutime cstime are fields 14 to 17 of /proc/self/stat, after the command in ().
  const self = readText("/proc/self/stat")?.replace(/^.*\) /, "").split(" ").map(Number) ?? [];
  const own = [11, 12, 13, 14].reduce((sum, i) => sum + (self[i] || 0), 0);
  return { at: performance.now(), total, idle: idle + iowait, steal, own };
}

/**
 * Shares of CPU time between two readings of {@link readCpuTimes}.
 *
 * @example
 * ```ts
 * import { cpuActivity } from "./environment.ts";
 * import assert from "node:assert/strict";
 * const a = { at: 0, total: 1000, idle: 800, steal: 0, own: 100 };
 * const b = { at: 500, total: 1100, idle: 850, steal: 10, own: 130 };
 * // Half the CPU time busy: a tenth stolen, three tenths ours, a tenth someone else's.
 * assert.deepEqual(cpuActivity(a, b), { seconds: 0.5, busy: 0.5, steal: 0.1, others: 0.1 });
 * ```
 */
export function cpuActivity(before: CpuTimes | null, after: CpuTimes | null): CpuActivity | null {
  if (before === null || after === null || after.total <= before.total) return null;
  const total = after.total - before.total;
  const busy = total - (after.idle - before.idle);
  const steal = after.steal - before.steal;
  const own = after.own - before.own;
  return {
    seconds: (after.at - before.at) / 1000,
    busy: busy / total,
    steal: steal / total,
    others: Math.max(0, busy - steal - own) / total,
  };
}

/**
 * Watches the machine for `ms` milliseconds doing nothing, to see how busy it is without us.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { idleCheck } from "./environment.ts";
 * const quiet = await idleCheck(50); // e.g. { seconds: 0.05, busy: 0.02, steal: 0 }
 * assert.ok(quiet === null || (quiet.busy >= 0 && quiet.busy <= 1 && quiet.seconds >= 0.04));
 * ```
 */
export async function idleCheck(ms: number): Promise<CpuActivity | null> {
  const before = readCpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return cpuActivity(before, readCpuTimes());
}

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path).trim();
  } catch {
    return null;
  }
}

/**
 * The 1-, 5- and 15-minute load averages, or null when `/proc/loadavg` cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadAverage } from "./environment.ts";
 * const load = loadAverage(); // e.g. [0.35, 0.53, 0.33]
 * assert.ok(load === null || (load.length === 3 && load.every((x) => x >= 0)));
 * ```
 */
export function loadAverage(): number[] | null {
  const text = readText("/proc/loadavg");
  return text === null ? null : text.split(/\s+/).slice(0, 3).map(Number);
}

/**
 * The CPU model from `/proc/cpuinfo` text (x86 `model name`, or the fields other architectures use).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuModel } from "./environment.ts";
 * assert.deepEqual(cpuModel("processor\t: 0\nmodel name\t: AMD EPYC\n"), "AMD EPYC");
 * ```
 */
export function cpuModel(cpuinfo: string): string | null {
  const match = /^(?:model name|Model|Hardware|cpu model)\s*:\s*(.+)$/m.exec(cpuinfo);
  return match ? match[1].trim() : null;
}

/**
 * The caches of CPU 0, from `<sys>/cpu0/cache` (`sys` is `/sys/devices/system/cpu`, or a fake one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCaches } from "./environment.ts";
 * const caches = readCaches("/sys/devices/system/cpu"); // e.g. L1 32K, L2 512K, L3 32768K
 * assert.ok(caches.every((c) => c.level >= 1 && c.level <= 4));
 * assert.deepEqual(readCaches("/no/such/dir"), []);
 * ```
 */
export function readCaches(sys: string): CacheInfo[] {
  const caches: CacheInfo[] = [];
  for (let index = 0; index < 8; index++) {
    const base = `${sys}/cpu0/cache/index${index}`;
    const level = readText(`${base}/level`);
    if (level === null) continue;
    caches.push({
      level: Number(level),
      type: readText(`${base}/type`) ?? "unknown",
      size: readText(`${base}/size`) ?? "unknown",
      sharedCpus: parseCpuList(readText(`${base}/shared_cpu_list`) ?? ""),
    });
  }
  return caches;
}

function readTurbo(sys: string): boolean | null {
  const noTurbo = readText(`${sys}/intel_pstate/no_turbo`);
  if (noTurbo !== null) return noTurbo === "0";
  const boost = readText(`${sys}/cpufreq/boost`);
  return boost === null ? null : boost === "1";
}

function countNodes(): number | null {
  const online = readText("/sys/devices/system/node/online");
  return online === null ? null : parseCpuList(online).length;
}

function hypervisorName(cpuinfo: string | null): string | null {
  const fromSys = readText("/sys/hypervisor/type") ?? readText("/sys/class/dmi/id/sys_vendor");
  if (fromSys) return fromSys;
  return cpuinfo !== null && /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo)
    ? "unknown hypervisor"
    : null;
}

/**
 * What the environment needs of the shim: its clock symbols (`ffi/library.ts`'s `Shim` has them).
 * Named here, not imported, so that reading a report's environment loads no FFI code.
 */
export interface ClockShim {
  /** The shim's symbols this module calls. */
  symbols: {
    rp_clock_resolution_ns(): bigint;
    rp_clock_cost_ns(calls: bigint): bigint;
    rp_tsc_cost_ns(calls: bigint): bigint;
  };
}

/**
 * Measures the loop clock (`CLOCK_MONOTONIC` in C): its resolution and the cost of one read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildShim } from "../../ffi/build.ts";
 * import { Shim } from "../../ffi/library.ts";
 * using shim = Shim.open((await buildShim()).libraryPath);
 * import { measureClock } from "./environment.ts";
 * const clock = measureClock(shim); // e.g. { resolutionNs: 1, readCostNs: 21.4 }
 * assert.ok(clock.resolutionNs >= 1 && clock.readCostNs > 0 && clock.readCostNs < 10_000);
 * ```
 */
export function measureClock(shim: ClockShim): { resolutionNs: number; readCostNs: number } {
  const calls = 200_000;
  shim.symbols.rp_clock_cost_ns(10_000n); // warm up
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    best = Math.min(best, Number(shim.symbols.rp_clock_cost_ns(BigInt(calls))));
  }
  return { resolutionNs: Number(shim.symbols.rp_clock_resolution_ns()), readCostNs: best / calls };
}

/**
 * Why the TSC cannot stamp the ping-pong client's sampled round trips here,
 * or null when it can: an x86 CPU whose TSC is constant and does not stop in
 * idle states (`constant_tsc`, `nonstop_tsc`), and the kernel timing with it
 * (clock source `tsc`), so a trial's ratio of CLOCK_MONOTONIC to ticks holds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tscRefusal } from "./environment.ts";
 * const flags = "flags\t\t: fpu tsc constant_tsc nonstop_tsc";
 * assert.equal(tscRefusal("x86_64", "tsc", flags), null);
 * assert.match(tscRefusal("x86_64", "kvm-clock", flags)!, /clock source is kvm-clock/);
 * assert.match(tscRefusal("aarch64", "arch_sys_counter", null)!, /not an x86/);
 * ```
 */
export function tscRefusal(
  arch: string = Deno.build.arch,
  source: string | null = readText(
    "/sys/devices/system/clocksource/clocksource0/current_clocksource",
  ),
  cpuinfo: string | null = readText("/proc/cpuinfo"),
): string | null {
  if (arch !== "x86_64") return `not an x86 CPU (${arch})`;
  if (source !== "tsc") return `the kernel's clock source is ${source ?? "unknown"}, not tsc`;
  const flags = cpuinfo === null ? "" : /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? "";
  const missing = ["constant_tsc", "nonstop_tsc"].filter((f) =>
    !new RegExp(`\\b${f}\\b`).test(flags)
  );
  return missing.length === 0 ? null : `the CPU does not report ${missing.join(" and ")}`;
}

/** The cost of one TSC read as the loops take it, or why the TSC is not used here. */
function measureTsc(shim: ClockShim): { readCostNs?: number; refused?: string } {
  const refused = tscRefusal();
  if (refused !== null) return { refused };
  const calls = 200_000;
  shim.symbols.rp_tsc_cost_ns(10_000n);
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    best = Math.min(best, Number(shim.symbols.rp_tsc_cost_ns(BigInt(calls))));
  }
  return { readCostNs: best / calls };
}

/** What was observed before and during the run, for {@link readEnvironment}. */
export interface RunObservations {
  /** Load average read before the run. */
  loadBefore: number[] | null;
  /** Activity in a quiet moment before the run. */
  idleCheck: CpuActivity | null;
  /** CPU times read when the run started (the end is read now). */
  runStart: CpuTimes | null;
}

/**
 * Reads the environment section of a report. `shim` (optional) measures the
 * clock; `observed` carries what was read before the run started.
 *
 * @example
 * ```ts ignore
 * import { readEnvironment } from "./environment.ts";
 * const environment = readEnvironment(build.compiler, shim, observed);
 * console.log(environment.cpu.model, environment.kernel);
 * ```
 */
export function readEnvironment(
  compiler: CompilerInfo,
  shim: ClockShim | null = null,
  observed: RunObservations = { loadBefore: null, idleCheck: null, runStart: null },
): Environment {
  const sys = "/sys/devices/system/cpu";
  const cpuinfo = readText("/proc/cpuinfo");
  const isolated = readText(`${sys}/isolated`);
  const online = readText(`${sys}/online`);
  const mhz = cpuinfo === null ? null : /^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo);
  const smt = readText(`${sys}/smt/active`);
  const clock = shim === null ? { resolutionNs: null, readCostNs: null } : measureClock(shim);
  const uid = Deno.uid();
  return {
    hostname: Deno.hostname(),
    os: Deno.build.os,
    arch: Deno.build.arch,
    kernel: Deno.osRelease(),
    kernelCommandLine: readText("/proc/cmdline"),
    cpu: {
      model: cpuinfo === null ? null : cpuModel(cpuinfo),
      count: navigator.hardwareConcurrency,
      online: online === null ? null : parseCpuList(online),
      isolated: isolated === null ? null : parseCpuList(isolated),
      frequencyMHz: mhz ? Number(mhz[1]) : null,
      scalingDriver: readText(`${sys}/cpu0/cpufreq/scaling_driver`),
      governor: readText(`${sys}/cpu0/cpufreq/scaling_governor`),
      turbo: readTurbo(sys),
      smt: smt === null ? null : smt === "1",
      caches: readCaches(sys),
      numaNodes: countNodes(),
      virtualMachine: cpuinfo === null ? null : /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo),
      hypervisor: hypervisorName(cpuinfo),
      meltdown: readText(`${sys}/vulnerabilities/meltdown`),
    },
    clock: {
      source: readText("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
      ...clock,
      ...(shim === null ? {} : { tsc: measureTsc(shim) }),
    },
    load: { before: observed.loadBefore, after: loadAverage() },
    cpuActivity: {
      idleCheck: observed.idleCheck,
      run: cpuActivity(observed.runStart, readCpuTimes()),
    },
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    compiler,
    user: { uid, root: uid === 0, sudo: invokingUser() !== null },
    scheduler: readSchedulerGroup(),
  };
}

/**
 * The git commit of the checkout at `dir`, and whether it has uncommitted changes; nulls outside git.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gitState } from "./environment.ts";
 * const { commit, dirty } = await gitState(new URL("../..", import.meta.url).pathname);
 * assert.ok(commit === null || /^[0-9a-f]{40}$/.test(commit)); // null outside a checkout
 * assert.ok(dirty === null || typeof dirty === "boolean");
 * assert.deepEqual(await gitState(await Deno.makeTempDir()), { commit: null, dirty: null });
 * ```
 */
export async function gitState(
  dir: string,
): Promise<{ commit: string | null; dirty: boolean | null }> {
  // safe.directory: under sudo, root reads a checkout owned by the user.
  const git = async (...args: string[]) => {
    try {
      const output = await new Deno.Command("git", {
        args: ["-c", "safe.directory=*", "-C", dir, ...args],
        stdout: "piped",
        stderr: "null",
      }).output();
      return output.success ? new TextDecoder().decode(output.stdout).trim() : null;
    } catch {
      return null; // no git on this machine
    }
  };
  const commit = await git("rev-parse", "HEAD");
  if (commit === null) return { commit: null, dirty: null };
  const status = await git("status", "--porcelain", "--untracked-files=no");
  return { commit, dirty: status === null ? null : status !== "" };
}
