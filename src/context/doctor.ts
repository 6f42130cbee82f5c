/**
 * `deno task doctor`: read-only checks of what makes IPC figures noisy or
 * different, each with a line of advice, in the spirit of `pyperf system
 * show`. It reads `/proc` and `/sys` and changes nothing.
 *
 * @module
 */

import type { Environment } from "./environment.ts";

/** One finding. */
export interface Check {
  /** `ok`: nothing to do; `warn`: makes figures noisier or harder to compare; `info`: worth knowing. */
  status: "ok" | "warn" | "info";
  /** What was checked. */
  topic: string;
  /** What was found. */
  finding: string;
  /** What to change for quieter numbers, if anything. */
  advice: string | null;
}

/**
 * The checks for an environment.
 *
 * @example
 * ```ts ignore
 * import { doctorChecks } from "./doctor.ts";
 * for (const check of doctorChecks(readEnvironment(compiler, shim, loadAverage()))) {
 *   console.log(check.status, check.topic, check.finding);
 * }
 * ```
 */
export function doctorChecks(env: Environment): Check[] {
  const checks: Check[] = [];
  const add = (
    status: Check["status"],
    topic: string,
    finding: string,
    advice: string | null = null,
  ) => checks.push({ status, topic, finding, advice });
  const cpu = env.cpu;

  add(
    cpu.count >= 2 ? "ok" : "warn",
    "CPUs",
    `${cpu.count} usable${cpu.online ? ` (online: ${cpu.online.join(",")})` : ""}; ${
      cpu.model ?? "model unknown"
    }`,
    cpu.count >= 2
      ? null
      : "two spinning loops need two CPUs; on one, the ring waits for time slices",
  );
  const group = env.scheduler;
  if (group !== undefined) {
    add(
      group.autogroup ? "warn" : "ok",
      "autogroup",
      group.autogroup === null
        ? "the kernel has no autogroup"
        : `kernel.sched_autogroup_enabled=${group.autogroup ? 1 : 0}`,
      group.autogroup
        ? "nice then ranks the loops only within this session; sysctl kernel.sched_autogroup_enabled=0 (or a cgroup of its own) for nice to count against everything else"
        : null,
    );
    const limited = group.cpuLimit !== null && group.cpuLimit < cpu.count;
    add(
      limited ? "warn" : "ok",
      "cgroup",
      `${group.cgroup ?? "unknown"}; CPU weight ${group.cpuWeight ?? "unknown"}, limit ${
        group.cpuLimit === null ? "none" : `${group.cpuLimit} CPUs`
      }`,
      limited
        ? "the loops are throttled past the limit: run outside this cgroup or raise cpu.max"
        : null,
    );
  }
  if (cpu.governor === null) {
    add(
      "info",
      "frequency",
      `no cpufreq governor${cpu.frequencyMHz ? `; ${cpu.frequencyMHz} MHz now` : ""}`,
      "typical of a VM: the host sets the frequency",
    );
  } else {
    add(
      cpu.governor === "performance" ? "ok" : "warn",
      "frequency",
      `governor '${cpu.governor}' (driver ${cpu.scalingDriver ?? "unknown"})`,
      cpu.governor === "performance" ? null : "sudo cpupower frequency-set -g performance",
    );
  }
  if (cpu.turbo === null) add("info", "turbo", "not reported by the driver");
  else {
    add(
      cpu.turbo ? "warn" : "ok",
      "turbo",
      cpu.turbo ? "enabled: the clock rises and falls with temperature and load" : "disabled",
      cpu.turbo
        ? "for steadier figures: echo 1 | sudo tee /sys/devices/system/cpu/intel_pstate/no_turbo (or 0 to .../cpufreq/boost)"
        : null,
    );
  }
  if (cpu.smt !== null) {
    add(
      cpu.smt ? "info" : "ok",
      "SMT",
      cpu.smt ? "active: two logical CPUs can share one core" : "inactive",
      cpu.smt
        ? "--pin auto keeps the two loops off SMT siblings; --pin A,B picks them yourself"
        : null,
    );
  }
  const isolated = cpu.isolated ?? [];
  add(
    isolated.length > 0 ? "ok" : "info",
    "isolation",
    isolated.length > 0 ? `isolated CPUs: ${isolated.join(",")}` : "no isolated CPUs",
    isolated.length > 0
      ? `pin the loops there: --pin ${isolated.slice(0, 2).join(",")}`
      : "isolcpus= and nohz_full= on the kernel command line keep other work off the CPUs you pin",
  );
  if (cpu.numaNodes !== null && cpu.numaNodes > 1) {
    add(
      "info",
      "NUMA",
      `${cpu.numaNodes} nodes`,
      "pin both loops to one node unless crossing nodes is the question",
    );
  }
  if (cpu.virtualMachine) {
    add(
      "warn",
      "virtual machine",
      `${cpu.hypervisor ?? "a hypervisor"}: other guests share the physical CPUs`,
      "figures vary with the host's load and where it places the vCPUs; use bare metal for figures you publish",
    );
  } else if (cpu.virtualMachine === false) add("ok", "virtual machine", "no hypervisor flag");
  if (cpu.meltdown !== null && /PTI/.test(cpu.meltdown)) {
    add(
      "info",
      "system calls",
      `Meltdown: ${cpu.meltdown}`,
      "every system call switches page tables: pipes are slower here than on a kernel without PTI",
    );
  }
  const load = env.load.before?.[0];
  if (load !== undefined) {
    const busy = load >= Math.max(1, cpu.count / 4);
    add(
      busy ? "warn" : "ok",
      "load",
      `1-minute load average ${load}`,
      busy ? "wait for the machine to go idle" : null,
    );
  }
  add(
    env.user.root ? "ok" : "warn",
    "priority",
    env.user.root
      ? "running as root: nice can go to -20"
      : `uid ${env.user.uid}: nice cannot go below 0`,
    env.user.root ? null : 'sudo "$(command -v deno)" task bench',
  );
  const source = env.clock.source;
  if (source !== null) {
    const slow = ["hpet", "acpi_pm", "jiffies"].includes(source);
    add(
      slow ? "warn" : source === "tsc" ? "ok" : "info",
      "clock",
      `clock source ${source}${
        env.clock.readCostNs === null
          ? ""
          : `; one CLOCK_MONOTONIC read costs ${
            env.clock.readCostNs.toFixed(1)
          } ns, resolution ${env.clock.resolutionNs} ns`
      }`,
      slow
        ? "a slow clock source makes every clock read a system call; tsc is best where it is reliable"
        : env.clock.readCostNs === null
        ? "run deno task build, then doctor again, to measure the clock"
        : null,
    );
  }
  return checks;
}
