/**
 * Which machine a report came from. The archive keeps one folder per machine,
 * and `compare` must know when two reports came from different hardware, so
 * the id comes from the facts that name the hardware and do not follow the
 * process: the host name, every online CPU (not the ones this process may use,
 * so `taskset`, a cpuset or `isolcpus` keep the id), the CPU's vendor, family,
 * model and stepping, its caches and the memory size. Two guests that share a
 * host name and a model string ("AMD EPYC") but not a CPU family get two ids.
 *
 * The microcode, the clock source and the kernel's mitigations are recorded
 * in the fingerprint too, but they are the run's environment, not the
 * machine: a kernel update that adds or rewords a vulnerabilities line keeps
 * the id, and `compare` names the change instead.
 *
 * A person can name the folder instead (`--machine NAME`, `RINGPIPE_MACHINE`);
 * the fingerprint is recorded either way, and a report whose fingerprint
 * differs from its folder's `machine.json` says so.
 *
 * @module
 */

import { cpuModel, readCaches } from "./environment.ts";
import { UsageError } from "../base/errors.ts";
import type { Fingerprint, Machine } from "../base/report_file.ts";
export type { Fingerprint, Machine };

/** The files a fingerprint is read from, as text (null where missing). */
export interface FingerprintSources {
  /** The host name. */
  hostname: string;
  /** The CPU architecture. */
  arch: string;
  /** The operating system. */
  os: string;
  /** `/proc/cpuinfo`. */
  cpuinfo: string | null;
  /** `/proc/meminfo`. */
  meminfo: string | null;
  /** `/sys/devices/system/cpu/online`. */
  online: string | null;
  /** `/sys/devices/system/clocksource/clocksource0/current_clocksource`. */
  clockSource: string | null;
  /** Each file of `/sys/devices/system/cpu/vulnerabilities`, by name. */
  vulnerabilities: Record<string, string> | null;
  /** The caches of CPU 0: level, type and size. */
  caches: { level: number; type: string; size: string }[] | null;
}

const field = (cpuinfo: string | null, ...names: string[]): string | null => {
  for (const name of names) {
    const match = new RegExp(`^${name}\\s*:\\s*(.+)$`, "m").exec(cpuinfo ?? "");
    if (match) return match[1].trim();
  }
  return null;
};

/**
 * The number of CPUs in a kernel CPU list (`0-3,8`), or null when it is not one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuListCount } from "./machine.ts";
 * assert.equal(cpuListCount("0-3,8"), 5);
 * ```
 */
export function cpuListCount(list: string | null): number | null {
  if (list === null || !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(list.trim())) return null;
  return list.trim().split(",").reduce((n, part) => {
    const [a, b = a] = part.split("-").map(Number);
    return n + (b - a + 1);
  }, 0);
}

/**
 * A cache as the fingerprint names it: `L1d 32K`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheName } from "./machine.ts";
 * assert.equal(cacheName({ level: 1, type: "Data", size: "32K" }), "L1d 32K");
 * ```
 */
export function cacheName(c: { level: number; type: string; size: string }): string {
  return `L${c.level}${c.type === "Data" ? "d" : c.type === "Instruction" ? "i" : ""} ${c.size}`;
}

/**
 * The fingerprint from the text of the files it is read from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fingerprintOf } from "./machine.ts";
 * const f = fingerprintOf({
 *   hostname: "box", arch: "x86_64", os: "linux",
 *   cpuinfo: "vendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\n",
 *   meminfo: "MemTotal:       24609120 kB\n", online: "0-1", clockSource: "kvm-clock",
 *   vulnerabilities: { meltdown: "Not affected" }, caches: [{ level: 2, type: "Unified", size: "1024K" }],
 * });
 * assert.equal(f.cpuFamily, "26");
 * assert.equal(f.cpusOnline, 2);
 * assert.equal(f.memoryGiB, 23);
 * assert.equal(f.caches, "L2 1024K");
 * ```
 */
export function fingerprintOf(sources: FingerprintSources): Fingerprint {
  const { cpuinfo } = sources;
  const memKiB = /^MemTotal:\s*(\d+)\s*kB/m.exec(sources.meminfo ?? "");
  const arm = [field(cpuinfo, "CPU variant"), field(cpuinfo, "CPU revision")].filter((x) =>
    x !== null
  );
  return {
    hostname: sources.hostname,
    arch: sources.arch,
    os: sources.os,
    cpuModel: cpuinfo === null ? null : cpuModel(cpuinfo),
    cpuVendor: field(cpuinfo, "vendor_id", "CPU implementer"),
    cpuFamily: field(cpuinfo, "cpu family", "CPU architecture"),
    cpuModelNumber: field(cpuinfo, "model", "CPU part"),
    cpuStepping: field(cpuinfo, "stepping") ?? (arm.length > 0 ? arm.join("/") : null),
    microcode: field(cpuinfo, "microcode"),
    cpusOnline: cpuListCount(sources.online),
    caches: sources.caches === null || sources.caches.length === 0
      ? null
      : sources.caches.map(cacheName).join(", "),
    memoryGiB: memKiB === null ? null : Math.round(Number(memKiB[1]) / (1024 * 1024)),
    clockSource: sources.clockSource,
    mitigations: sources.vulnerabilities === null ? null : Object.fromEntries(
      Object.entries(sources.vulnerabilities).sort(([a], [b]) => a < b ? -1 : 1),
    ),
  };
}

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path).trim();
  } catch {
    return null;
  }
}

/**
 * Reads the fingerprint of this machine; `root` lets a test point it at a fake `/proc` and `/sys`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readFingerprint } from "./machine.ts";
 * const f = readFingerprint();
 * assert.equal(f.arch, Deno.build.arch);
 * assert.ok(f.cpuModel === null || f.cpuModel.length > 0);
 * assert.deepEqual(readFingerprint(), f); // the same facts every time
 * ```
 */
export function readFingerprint(
  root = "",
  host: { hostname: string; arch: string; os: string } = {
    hostname: Deno.hostname(),
    arch: Deno.build.arch,
    os: Deno.build.os,
  },
): Fingerprint {
  const cpu = `${root}/sys/devices/system/cpu`;
  let vulnerabilities: Record<string, string> | null = null;
  try {
    vulnerabilities = {};
    for (const entry of Deno.readDirSync(`${cpu}/vulnerabilities`)) {
      if (entry.isFile) {
        vulnerabilities[entry.name] = readText(`${cpu}/vulnerabilities/${entry.name}`) ?? "";
      }
    }
  } catch {
    vulnerabilities = null;
  }
  return fingerprintOf({
    ...host,
    cpuinfo: readText(`${root}/proc/cpuinfo`),
    meminfo: readText(`${root}/proc/meminfo`),
    online: readText(`${cpu}/online`),
    clockSource: readText(
      `${root}/sys/devices/system/clocksource/clocksource0/current_clocksource`,
    ),
    vulnerabilities,
    caches: readCaches(cpu),
  });
}

/** The fingerprint's facts, each as one comparable string, in a fixed order. */
function factList(f: Fingerprint): [string, string | null][] {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return [
    ["host name", f.hostname],
    ["architecture", f.arch],
    ["OS", f.os],
    ["CPU model", f.cpuModel],
    ["CPU vendor", f.cpuVendor],
    ["CPU family", f.cpuFamily],
    ["CPU model number", f.cpuModelNumber],
    ["CPU stepping", f.cpuStepping],
    ["microcode", f.microcode],
    ["online CPUs", text(f.cpusOnline)],
    ["caches", f.caches],
    ["memory", f.memoryGiB === null ? null : `${f.memoryGiB} GiB`],
    ["clock source", f.clockSource],
    ...Object.entries(f.mitigations ?? {}).map((
      [k, v],
    ): [string, string] => [`${k} mitigation`, v]),
  ];
}

/** True for a fact of the run's environment (microcode, clock source, a mitigation), not the hardware. */
const isEnvironment = (fact: string) =>
  fact === "microcode" || fact === "clock source" || fact.endsWith(" mitigation");

/**
 * The facts two fingerprints disagree on, as `name: a → b`; facts either side did not record are
 * passed over (older reports recorded fewer).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fingerprintDifferences, readFingerprint } from "./machine.ts";
 * const a = readFingerprint();
 * const b = { ...a, cpuFamily: "26", clockSource: "kvm-clock" };
 * assert.deepEqual(fingerprintDifferences(a, a), []);
 * assert.deepEqual(fingerprintDifferences({ ...a, cpuFamily: "25", clockSource: "tsc" }, b), [
 *   "CPU family: 25 → 26",
 *   "clock source: tsc → kvm-clock",
 * ]);
 * ```
 */
export function fingerprintDifferences(a: Fingerprint, b: Fingerprint): string[] {
  const other = new Map(factList(b));
  return factList(a).flatMap(([name, value]) => {
    const theirs = other.get(name);
    return value === null || theirs === null || theirs === undefined || value === theirs
      ? []
      : [`${name}: ${value} → ${theirs}`];
  });
}

/**
 * The id derived from a fingerprint: the host name (made file-safe) and 8 hex digits of a hash of
 * every fact.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fingerprintId, readFingerprint } from "./machine.ts";
 * const id = await fingerprintId(readFingerprint()); // e.g. "vm-00745d78"
 * assert.match(id, /^[a-z0-9][a-z0-9-]*-[0-9a-f]{8}$/);
 * assert.equal(await fingerprintId(readFingerprint()), id); // the same every time
 * ```
 */
export async function fingerprintId(f: Fingerprint): Promise<string> {
  return await hashedId(f.hostname, factList(f).filter(([name]) => !isEnvironment(name)));
}

/**
 * The hardware facts two fingerprints disagree on (see {@link fingerprintDifferences}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hardwareDifferences, readFingerprint } from "./machine.ts";
 * const a = readFingerprint();
 * assert.deepEqual(hardwareDifferences(a, { ...a, cpuFamily: "99", clockSource: "hpet" }), [
 *   `CPU family: ${a.cpuFamily} → 99`,
 * ]);
 * ```
 */
export function hardwareDifferences(a: Fingerprint, b: Fingerprint): string[] {
  return fingerprintDifferences(a, b).filter((d) => !isEnvironment(d.slice(0, d.indexOf(": "))));
}

/**
 * The facts of the run's environment two fingerprints disagree on: microcode, clock source,
 * mitigations.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { environmentDifferences, readFingerprint } from "./machine.ts";
 * const a = { ...readFingerprint(), microcode: "0x1", mitigations: { tsa: "Not affected" } };
 * assert.deepEqual(environmentDifferences(a, { ...a, microcode: "0x2", mitigations: { tsa: "Vulnerable" } }), [
 *   "microcode: 0x1 → 0x2",
 *   "tsa mitigation: Not affected → Vulnerable",
 * ]);
 * ```
 */
export function environmentDifferences(a: Fingerprint, b: Fingerprint): string[] {
  return fingerprintDifferences(a, b).filter((d) => isEnvironment(d.slice(0, d.indexOf(": "))));
}

/**
 * True when two fingerprints name the same hardware: every hardware fact known on both sides and
 * equal (a fact one side did not record is not taken as agreement).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readFingerprint, sameHardware } from "./machine.ts";
 * const a = readFingerprint();
 * assert.ok(sameHardware(a, { ...a, microcode: "0xffff", mitigations: {} }));
 * assert.ok(!sameHardware(a, { ...a, cpuFamily: "99" }));
 * assert.ok(!sameHardware(a, { ...a, caches: null }) || a.caches === null);
 * ```
 */
export function sameHardware(a: Fingerprint, b: Fingerprint): boolean {
  const theirs = new Map(factList(b));
  return factList(a).every(([name, value]) => isEnvironment(name) || theirs.get(name) === value);
}

async function hashedId(hostname: string, facts: unknown): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(facts))),
  );
  const hash = Array.from(digest.slice(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
  const host = hostname.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+/, "") || "host";
  return `${host}-${hash}`;
}

/**
 * The id reports of schema 1 to 5 were filed under: a hash of the host name, the CPU model string,
 * the CPU count, the architecture and the OS (too few facts: see the module doc). Kept so that
 * old reports upgraded on read stay in their folders.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { legacyMachineId } from "./machine.ts";
 * const id = await legacyMachineId({ hostname: "vm", cpuModel: "AMD EPYC", cpuCount: 2, arch: "x86_64", os: "linux" });
 * assert.equal(id, "vm-d215170e");
 * ```
 */
export async function legacyMachineId(
  facts: { hostname: string; cpuModel: string | null; cpuCount: number; arch: string; os: string },
): Promise<string> {
  return await hashedId(facts.hostname, [
    facts.hostname,
    facts.cpuModel,
    facts.cpuCount,
    facts.arch,
    facts.os,
  ]);
}

/** Names a machine folder may have: no path characters, not hidden. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Checks a machine name given by a person (`--machine`, `RINGPIPE_MACHINE`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkMachineName } from "./machine.ts";
 * assert.equal(checkMachineName("lab-epyc-1", "--machine"), "lab-epyc-1");
 * assert.throws(() => checkMachineName("../x", "--machine"), /no path/);
 * ```
 * @throws {UsageError} when the name has path characters, starts with a dot or is too long.
 */
export function checkMachineName(name: string, source: string): string {
  if (!NAME.test(name)) {
    throw new UsageError(
      `${source} must be a folder name of letters, digits, '.', '_' or '-' (no path, at most 64), got '${name}'`,
    );
  }
  return name;
}

/**
 * This machine: its fingerprint, and the id given (`name`, else `RINGPIPE_MACHINE`) or derived.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { currentMachine, fingerprintId } from "./machine.ts";
 * const machine = await currentMachine(); // RINGPIPE_MACHINE, if set, names the folder instead
 * if (Deno.env.get("RINGPIPE_MACHINE") === undefined) {
 *   assert.equal(machine.id, await fingerprintId(machine.fingerprint));
 * }
 * assert.equal((await currentMachine("lab")).id, "lab");
 * await assert.rejects(currentMachine("../up"), /plain folder name|machine/);
 * ```
 * @throws {UsageError} when the given name is not a plain folder name.
 */
export async function currentMachine(name?: string, root = ""): Promise<Machine> {
  const fingerprint = readFingerprint(root);
  const fromEnv = Deno.env.get("RINGPIPE_MACHINE");
  const given = name !== undefined
    ? checkMachineName(name, "--machine")
    : fromEnv !== undefined && fromEnv !== ""
    ? checkMachineName(fromEnv, "RINGPIPE_MACHINE")
    : null;
  return given === null
    ? { id: await fingerprintId(fingerprint), named: false, fingerprint }
    : { id: given, named: true, fingerprint };
}
