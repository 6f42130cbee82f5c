/**
 * Where CPUs sit relative to each other (same core, same last-level cache),
 * read from `/sys`, and the choice of two CPUs for the two loops.
 *
 * @module
 */

/** One logical CPU's place in the machine. */
export interface CpuPlace {
  /** The CPU's number. */
  cpu: number;
  /** Package (socket) and core ids; CPUs with the same pair are SMT siblings. */
  packageId: number | null;
  /** Core id within the package. */
  coreId: number | null;
  /** CPUs that share this CPU's last-level cache (itself included), when `/sys` says. */
  llcShared: number[] | null;
}

/** How two CPUs relate, from closest to farthest. */
export type CpuRelation = "same-cpu" | "smt-siblings" | "shared-llc" | "separate-llc" | "unknown";

import type { PinRequest } from "../base/names.ts";
import { UsageError } from "../base/errors.ts";
import type { Placement } from "../base/report_file.ts";
export type { Placement };

/**
 * Parses a Linux CPU list such as `0-3,8,10-11`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCpuList } from "./topology.ts";
 * assert.deepEqual(parseCpuList("0-2,8"), [0, 1, 2, 8]);
 * ```
 */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(",").filter(Boolean)) {
    const [from, to] = part.split("-").map(Number);
    for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu);
  }
  return cpus;
}

/**
 * The CPUs this process may run on (`Cpus_allowed_list` in `/proc/self/status`),
 * read without the shim so bad `--pin` values are refused before anything is built.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allowedCpus } from "./topology.ts";
 * assert.deepEqual(allowedCpus(), [0, 1]);
 * ```
 */
export function allowedCpus(): number[] {
  const status = Deno.readTextFileSync("/proc/self/status");
  const match = /^Cpus_allowed_list:\s*(.+)$/m.exec(status);
  return match ? parseCpuList(match[1]) : [];
}

/**
 * Reads the place of each CPU in `cpus` from `/sys/devices/system/cpu`; unknowns are null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTopology } from "./topology.ts";
 * const places = readTopology([0]);
 * assert.equal(places[0].cpu, 0);
 * // A CPU shares its last-level cache with itself (null where /sys does not say).
 * assert.ok(places[0].llcShared === null || places[0].llcShared.includes(0));
 * ```
 */
export function readTopology(cpus: number[], sys = "/sys/devices/system/cpu"): CpuPlace[] {
  const read = (path: string) => {
    try {
      return Deno.readTextFileSync(path).trim();
    } catch {
      return null;
    }
  };
  const id = (path: string) => {
    const text = read(path);
    return text === null || text === "" ? null : Number(text);
  };
  return cpus.map((cpu) => {
    const base = `${sys}/cpu${cpu}`;
    let llcShared: number[] | null = null;
    let llcLevel = 0;
    for (let index = 0; index < 8; index++) {
      const level = id(`${base}/cache/index${index}/level`);
      if (level === null) continue;
      const type = read(`${base}/cache/index${index}/type`);
      const shared = read(`${base}/cache/index${index}/shared_cpu_list`);
      if (type !== "Instruction" && shared !== null && level > llcLevel) {
        llcLevel = level;
        llcShared = parseCpuList(shared);
      }
    }
    return {
      cpu,
      packageId: id(`${base}/topology/physical_package_id`),
      coreId: id(`${base}/topology/core_id`),
      llcShared,
    };
  });
}

/**
 * How CPU `a` relates to CPU `b`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuRelation } from "./topology.ts";
 * const places = [
 *   { cpu: 0, packageId: 0, coreId: 0, llcShared: [0, 1] },
 *   { cpu: 1, packageId: 0, coreId: 1, llcShared: [0, 1] },
 * ];
 * assert.deepEqual(cpuRelation(places, 0, 1), "shared-llc");
 * ```
 */
export function cpuRelation(places: CpuPlace[], a: number, b: number): CpuRelation {
  if (a === b) return "same-cpu";
  const pa = places.find((p) => p.cpu === a);
  const pb = places.find((p) => p.cpu === b);
  if (pa === undefined || pb === undefined) return "unknown";
  if (
    pa.coreId !== null && pa.packageId !== null && pa.coreId === pb.coreId &&
    pa.packageId === pb.packageId
  ) return "smt-siblings";
  if (pa.llcShared !== null) return pa.llcShared.includes(b) ? "shared-llc" : "separate-llc";
  return "unknown";
}

/**
 * Two distinct CPUs for the producer and the consumer: the closest pair that
 * is not SMT siblings (two cores sharing a cache), else any two; null with fewer than two.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chooseCpuPair } from "./topology.ts";
 * const places = [0, 1, 2, 3].map((cpu) => ({
 *   cpu, packageId: 0, coreId: cpu % 2, llcShared: [0, 1, 2, 3],
 * }));
 * // Cores 0 and 1 (cpu 2 is cpu 0's sibling).
 * assert.deepEqual(chooseCpuPair(places), [0, 1]);
 * ```
 */
export function chooseCpuPair(places: CpuPlace[]): [number, number] | null {
  if (places.length < 2) return null;
  const rank: Record<CpuRelation, number> = {
    "shared-llc": 0,
    "unknown": 1,
    "separate-llc": 2,
    "smt-siblings": 3,
    "same-cpu": 4,
  };
  let best: [number, number] | null = null;
  let bestRank = Infinity;
  for (const a of places) {
    for (const b of places) {
      if (b.cpu <= a.cpu) continue;
      const r = rank[cpuRelation(places, a.cpu, b.cpu)];
      if (r < bestRank) [best, bestRank] = [[a.cpu, b.cpu], r];
    }
  }
  return best;
}

/**
 * Turns `--pin` into two CPUs, checked against the CPUs this process may use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolvePlacement } from "./topology.ts";
 * const places = [0, 1].map((cpu) => ({ cpu, packageId: 0, coreId: cpu, llcShared: [0, 1] }));
 * assert.deepEqual(resolvePlacement("auto", places), { request: "auto", cpus: [0, 1], relation: "shared-llc" });
 * ```
 */
export function resolvePlacement(request: PinRequest, allowed: CpuPlace[]): Placement {
  if (request === "none") return { request, cpus: null, relation: "unpinned" };
  if (request === "auto") {
    const cpus = chooseCpuPair(allowed);
    return cpus === null
      ? { request, cpus: null, relation: "unpinned" }
      : { request, cpus, relation: cpuRelation(allowed, cpus[0], cpus[1]) };
  }
  const list = allowed.map((p) => p.cpu);
  for (const cpu of request) {
    if (!list.includes(cpu)) {
      throw new UsageError(
        `--pin ${request.join(",")}: CPU ${cpu} does not exist or is not allowed here (allowed: ${
          list.join(",")
        })`,
      );
    }
  }
  return { request, cpus: request, relation: cpuRelation(allowed, request[0], request[1]) };
}
