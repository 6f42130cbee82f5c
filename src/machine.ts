/**
 * Which machine a report came from: a stable id, derived only from facts
 * that do not drift between runs (host name, CPU model and count,
 * architecture, OS), never from a frequency, a load or a kernel version.
 * Every report version carries these facts, so older reports get the same id.
 *
 * @module
 */

import { cpuModel } from "./environment.ts";

/** The stable facts behind a machine id; `machine.json` in the archive holds them. */
export interface MachineFacts {
  /** The host name. */
  hostname: string;
  /** The CPU model, when the kernel names it. */
  cpuModel: string | null;
  /** Logical CPUs available. */
  cpuCount: number;
  /** The CPU architecture (`x86_64`, `aarch64`). */
  arch: string;
  /** The operating system (`linux`). */
  os: string;
}

/** A machine: its id and the facts it is derived from. */
export interface Machine {
  /** The stable machine id (`<host>-<8 hex>`). */
  id: string;
  /** The stable facts it is derived from. */
  facts: MachineFacts;
}

/**
 * The stable facts of the machine a report's environment describes.
 *
 * @example
 * ```ts
 * import { machineFacts } from "./machine.ts";
 * const facts = machineFacts({
 *   hostname: "box", os: "linux", arch: "x86_64", cpu: { model: "AMD EPYC", count: 2 },
 * });
 * console.log(facts.cpuCount); // 2
 * ```
 */
export function machineFacts(environment: {
  hostname: string;
  os: string;
  arch: string;
  cpu: { model: string | null; count: number };
}): MachineFacts {
  return {
    hostname: environment.hostname,
    cpuModel: environment.cpu.model,
    cpuCount: environment.cpu.count,
    arch: environment.arch,
    os: environment.os,
  };
}

/**
 * A machine's id: the host name (made file-safe) and 8 hex digits of a hash of its stable facts.
 *
 * @example
 * ```ts
 * import { machineId } from "./machine.ts";
 * const id = await machineId({ hostname: "box", cpuModel: "AMD EPYC", cpuCount: 2, arch: "x86_64", os: "linux" });
 * console.log(id); // "box-" and 8 hex digits, the same every time
 * ```
 */
export async function machineId(facts: MachineFacts): Promise<string> {
  const canonical = JSON.stringify([
    facts.hostname,
    facts.cpuModel,
    facts.cpuCount,
    facts.arch,
    facts.os,
  ]);
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)),
  );
  const hash = Array.from(digest.slice(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
  const host = facts.hostname.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+/, "") || "host";
  return `${host}-${hash}`;
}

/**
 * The machine a report's environment describes.
 *
 * @example
 * ```ts ignore
 * import { machineOf } from "./machine.ts";
 * console.log((await machineOf(report.environment)).id);
 * ```
 */
export async function machineOf(
  environment: Parameters<typeof machineFacts>[0],
): Promise<Machine> {
  const facts = machineFacts(environment);
  return { id: await machineId(facts), facts };
}

/**
 * The machine this process runs on, from the same facts a report records.
 *
 * @example
 * ```ts ignore
 * import { currentMachine } from "./machine.ts";
 * console.log((await currentMachine()).id);
 * ```
 */
export async function currentMachine(): Promise<Machine> {
  let model: string | null = null;
  try {
    model = cpuModel(await Deno.readTextFile("/proc/cpuinfo"));
  } catch {
    // no /proc/cpuinfo: the model stays unknown, as it would in a report
  }
  return await machineOf({
    hostname: Deno.hostname(),
    os: Deno.build.os,
    arch: Deno.build.arch,
    cpu: { model, count: navigator.hardwareConcurrency },
  });
}
