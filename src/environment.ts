/**
 * What the machine and the toolchain were, read without changing anything:
 * the facts a reader needs to trust (or doubt) a figure.
 *
 * Reading `/proc` and `/sys` needs Deno's `--allow-all` (a scoped
 * `--allow-read` is refused for them); every task runs with it.
 *
 * @module
 */

import type { CompilerInfo } from "../ffi/build.ts";
import { invokingUser } from "./ownership.ts";

/** The environment section of a report. */
export interface Environment {
  hostname: string;
  os: string;
  arch: string;
  /** `uname -r`. */
  kernel: string;
  cpu: {
    /** `model name` from `/proc/cpuinfo`, when there is one. */
    model: string | null;
    /** Logical CPUs this process may use. */
    count: number;
    /** True when `/proc/cpuinfo` has the `hypervisor` flag (a virtual machine). */
    virtualMachine: boolean | null;
  };
  /** The kernel's clock source (`tsc`, `kvm-clock`, ...). */
  clockSource: string | null;
  deno: string;
  v8: string;
  typescript: string;
  compiler: CompilerInfo;
  /** Who ran the bench: root (able to lower nice) and whether through sudo. */
  user: { uid: number | null; root: boolean; sudo: boolean };
}

/**
 * Reads the environment section of a report.
 *
 * @example
 * ```ts ignore
 * import { readEnvironment } from "./environment.ts";
 * const environment = await readEnvironment(build.compiler);
 * console.log(environment.cpu.model, environment.kernel);
 * ```
 */
export async function readEnvironment(compiler: CompilerInfo): Promise<Environment> {
  const cpuinfo = await readText("/proc/cpuinfo");
  const uid = Deno.uid();
  return {
    hostname: Deno.hostname(),
    os: Deno.build.os,
    arch: Deno.build.arch,
    kernel: Deno.osRelease(),
    cpu: {
      model: cpuinfo === null ? null : cpuModel(cpuinfo),
      count: navigator.hardwareConcurrency,
      virtualMachine: cpuinfo === null ? null : /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo),
    },
    clockSource:
      (await readText("/sys/devices/system/clocksource/clocksource0/current_clocksource"))
        ?.trim() ?? null,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    compiler,
    user: { uid, root: uid === 0, sudo: invokingUser() !== null },
  };
}

/**
 * The CPU model from `/proc/cpuinfo` text (x86 `model name`, or Arm's `CPU part`-less fallbacks).
 *
 * @example
 * ```ts
 * import { cpuModel } from "./environment.ts";
 * console.log(cpuModel("processor\t: 0\nmodel name\t: AMD EPYC\n")); // "AMD EPYC"
 * ```
 */
export function cpuModel(cpuinfo: string): string | null {
  const match = /^(?:model name|Model|Hardware|cpu model)\s*:\s*(.+)$/m.exec(cpuinfo);
  return match ? match[1].trim() : null;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

/**
 * The git commit of the checkout at `dir`, and whether it has uncommitted changes; nulls outside git.
 *
 * @example
 * ```ts ignore
 * import { gitState } from "./environment.ts";
 * console.log(await gitState(Deno.cwd())); // { commit: "1a2b3c...", dirty: false }
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
