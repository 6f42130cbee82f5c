import assert from "node:assert/strict";
import {
  checkMachineName,
  currentMachine,
  fingerprintDifferences,
  fingerprintId,
  legacyMachineId,
  readFingerprint,
} from "../src/context/machine.ts";
import { UsageError } from "../src/base/errors.ts";
import { archiveMachine } from "../src/archive/archive.ts";
import { compareReports } from "../src/report/compare.ts";
import { environmentDifferences, hardwareDifferences } from "../src/context/machine.ts";
import { fakeReport } from "./fixtures.ts";

/** A fake `/proc` and `/sys` with what the fingerprint reads. */
async function fakeHost(
  root: string,
  o: { family: string; clock: string; online?: string; microcode?: string; pti?: boolean },
): Promise<void> {
  const cpu = `${root}/sys/devices/system/cpu`;
  await Deno.mkdir(`${root}/proc`, { recursive: true });
  await Deno.mkdir(`${cpu}/vulnerabilities`, { recursive: true });
  await Deno.mkdir(`${cpu}/cpu0/cache/index0`, { recursive: true });
  await Deno.mkdir(`${root}/sys/devices/system/clocksource/clocksource0`, { recursive: true });
  const processor = (n: number) =>
    `processor\t: ${n}\nvendor_id\t: AuthenticAMD\ncpu family\t: ${o.family}\nmodel\t\t: 17\n` +
    `model name\t: AMD EPYC\nstepping\t: 0\nmicrocode\t: ${o.microcode ?? "0xa0011d1"}\n`;
  await Deno.writeTextFile(`${root}/proc/cpuinfo`, `${processor(0)}\n${processor(1)}`);
  await Deno.writeTextFile(`${root}/proc/meminfo`, "MemTotal:       24609120 kB\n");
  await Deno.writeTextFile(`${cpu}/online`, `${o.online ?? "0-1"}\n`);
  await Deno.writeTextFile(
    `${cpu}/vulnerabilities/meltdown`,
    o.pti ? "Mitigation: PTI\n" : "Not affected\n",
  );
  await Deno.writeTextFile(`${cpu}/cpu0/cache/index0/level`, "2\n");
  await Deno.writeTextFile(`${cpu}/cpu0/cache/index0/type`, "Unified\n");
  await Deno.writeTextFile(`${cpu}/cpu0/cache/index0/size`, "1024K\n");
  await Deno.writeTextFile(
    `${root}/sys/devices/system/clocksource/clocksource0/current_clocksource`,
    `${o.clock}\n`,
  );
}

const HOST = { hostname: "vm", arch: "x86_64", os: "linux" };

Deno.test("two hosts with one host name and model string get two ids, and compare can say why", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await fakeHost(`${dir}/a`, { family: "25", clock: "tsc" });
    await fakeHost(`${dir}/b`, { family: "26", clock: "kvm-clock", pti: true });
    const a = readFingerprint(`${dir}/a`, HOST);
    const b = readFingerprint(`${dir}/b`, HOST);
    assert.equal(a.cpuModel, b.cpuModel, "the same model string");
    assert.equal(a.cpuFamily, "25");
    assert.equal(a.cpusOnline, 2);
    assert.equal(a.memoryGiB, 23);
    assert.equal(a.caches, "L2 1024K");
    const [idA, idB] = [await fingerprintId(a), await fingerprintId(b)];
    assert.match(idA, /^vm-[0-9a-f]{8}$/);
    assert.notEqual(idA, idB);
    assert.deepEqual(fingerprintDifferences(a, b), [
      "CPU family: 25 → 26",
      "clock source: tsc → kvm-clock",
      "meltdown mitigation: Not affected → Mitigation: PTI",
    ]);
    // The old id could not tell them apart: both were the development VM's.
    const legacy = {
      hostname: "vm",
      cpuModel: "AMD EPYC",
      cpuCount: 2,
      arch: "x86_64",
      os: "linux",
    };
    assert.equal(await legacyMachineId(legacy), "vm-d215170e");
    // The same host read twice gets the same id.
    assert.equal(await fingerprintId(readFingerprint(`${dir}/a`, HOST)), idA);
    // Facts one side did not record are passed over, not called differences.
    assert.deepEqual(fingerprintDifferences({ ...a, cpuFamily: null, clockSource: null }, b), [
      "meltdown mitigation: Not affected → Mitigation: PTI",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the id counts every online CPU, not the ones this process may use (taskset -c 0 keeps it)", async () => {
  const code = `import { currentMachine } from ${
    JSON.stringify(
      new URL("../src/context/machine.ts", import.meta.url).href,
    )
  };
console.log(navigator.hardwareConcurrency, (await currentMachine()).id);`;
  const run = async (prefix: string[]) => {
    const [command, ...args] = [...prefix, Deno.execPath(), "eval", code];
    const env = { ...Deno.env.toObject() };
    delete env.RINGPIPE_MACHINE;
    const out = await new Deno.Command(command, { args, env, clearEnv: true, stdout: "piped" })
      .output();
    assert.ok(out.success);
    return new TextDecoder().decode(out.stdout).trim().split(" ");
  };
  const [free, pinned] = [await run([]), await run(["taskset", "-c", "0"])];
  assert.equal(pinned[0], "1", "taskset really narrowed the process to one CPU");
  if (free[0] === "1") return; // a one-CPU machine: nothing more to show
  assert.equal(pinned[1], free[1]);
});

Deno.test("a machine name is a plain folder name, from --machine or RINGPIPE_MACHINE", async () => {
  for (const bad of ["../up", "a/b", ".hidden", "", "x".repeat(65), "tab\tname"]) {
    assert.throws(() => checkMachineName(bad, "--machine"), UsageError, JSON.stringify(bad));
  }
  assert.equal((await currentMachine("lab-1")).id, "lab-1");
  assert.equal((await currentMachine("lab-1")).named, true);
  Deno.env.set("RINGPIPE_MACHINE", "from-env");
  try {
    assert.equal((await currentMachine()).id, "from-env");
    assert.equal((await currentMachine("given")).id, "given", "the option wins");
    Deno.env.set("RINGPIPE_MACHINE", "a/b");
    await assert.rejects(() => currentMachine(), /RINGPIPE_MACHINE must be a folder name/);
  } finally {
    Deno.env.delete("RINGPIPE_MACHINE");
  }
  const derived = await currentMachine();
  assert.equal(derived.named, false);
  assert.equal(derived.id, await fingerprintId(derived.fingerprint));
});

Deno.test("the scheduler's grouping is read from cgroup v2 and from v1's cpu controller", async () => {
  const { readSchedulerGroup } = await import("../src/context/environment.ts");
  const root = await Deno.makeTempDir();
  const write = async (path: string, text: string) => {
    await Deno.mkdir(`${root}${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeTextFile(`${root}${path}`, text);
  };
  try {
    await write("/proc/sys/kernel/sched_autogroup_enabled", "1\n");
    await write("/proc/self/cgroup", "0::/bench.slice\n");
    await write("/sys/fs/cgroup/bench.slice/cpu.weight", "200\n");
    await write("/sys/fs/cgroup/bench.slice/cpu.max", "150000 100000\n");
    assert.deepEqual(readSchedulerGroup(root), {
      autogroup: true,
      cgroup: "/bench.slice",
      cpuWeight: 200,
      cpuLimit: 1.5,
    });
    await write("/proc/sys/kernel/sched_autogroup_enabled", "0\n");
    await write("/proc/self/cgroup", "4:memory:/x\n1:cpu,cpuacct:/box\n0::/\n");
    await write("/sys/fs/cgroup/cpu,cpuacct/box/cpu.shares", "1024\n");
    await write("/sys/fs/cgroup/cpu,cpuacct/box/cpu.cfs_quota_us", "-1\n");
    await write("/sys/fs/cgroup/cpu,cpuacct/box/cpu.cfs_period_us", "100000\n");
    assert.deepEqual(readSchedulerGroup(root), {
      autogroup: false,
      cgroup: "/box",
      cpuWeight: 100,
      cpuLimit: null,
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("one machine, one id: new microcode, a clock source or a mitigation line keep it; other hardware does not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await fakeHost(`${dir}/a`, { family: "25", clock: "tsc" });
    // The same hardware after a kernel update: new microcode, another clock source, PTI now on.
    await fakeHost(`${dir}/b`, {
      family: "25",
      clock: "kvm-clock",
      microcode: "0xa0011d5",
      pti: true,
    });
    await fakeHost(`${dir}/c`, { family: "26", clock: "tsc" });
    const [a, b, c] = ["a", "b", "c"].map((h) => readFingerprint(`${dir}/${h}`, HOST));
    assert.equal(
      await fingerprintId(b),
      await fingerprintId(a),
      "only the environment differs: one id",
    );
    assert.notEqual(
      await fingerprintId(c),
      await fingerprintId(a),
      "the hardware differs: two ids",
    );
    assert.deepEqual(hardwareDifferences(a, b), []);
    assert.deepEqual(environmentDifferences(a, b), [
      "microcode: 0xa0011d1 → 0xa0011d5",
      "clock source: tsc → kvm-clock",
      "meltdown mitigation: Not affected → Mitigation: PTI",
    ]);
    // compare names the change in the environment, and calls the machine the same.
    const ra = fakeReport();
    ra.machine = { id: "vm-1", named: false, fingerprint: a };
    const rb = fakeReport();
    rb.machine = { id: "vm-1", named: false, fingerprint: b };
    const { warnings } = compareReports(ra, rb, 0.05);
    assert.ok(
      warnings.some((w) =>
        /^different environment \(not the hardware\): microcode: 0xa0011d1 → 0xa0011d5; clock source/
          .test(w)
      ),
      warnings.join("\n"),
    );
    assert.ok(
      !warnings.some((w) => /different machines|different hardware/.test(w)),
      warnings.join("\n"),
    );
    // An archive that filed the machine under the id its old fingerprint gave keeps doing so.
    const root = `${dir}/results`;
    await Deno.mkdir(`${root}/vm-old`, { recursive: true });
    await Deno.writeTextFile(
      `${root}/vm-old/machine.json`,
      JSON.stringify({ id: "vm-old", fingerprint: a }),
    );
    const now = { id: await fingerprintId(b), named: false, fingerprint: b };
    assert.equal((await archiveMachine(root, now)).id, "vm-old");
    const other = { id: await fingerprintId(c), named: false, fingerprint: c };
    assert.equal(
      (await archiveMachine(root, other)).id,
      other.id,
      "other hardware: a folder of its own",
    );
    // A folder whose facts are missing (an old machine.json) is no match: unknown is not the same.
    await Deno.mkdir(`${root}/vm-aaa`);
    await Deno.writeTextFile(
      `${root}/vm-aaa/machine.json`,
      JSON.stringify({ id: "vm-aaa", fingerprint: { ...c, cpuFamily: null } }),
    );
    assert.equal((await archiveMachine(root, other)).id, other.id);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
