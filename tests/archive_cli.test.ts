import assert from "node:assert/strict";
import { loadReport } from "../src/report/schema.ts";
import { runTask } from "./run_task.ts";

const QUICK = ["--quick", "--mode", "stream", "--runs", "3", "--machine", "lab"];

Deno.test("compare on two quick runs that differ only in --trial-seconds names it; previous needs the same parameters", async () => {
  const out = await Deno.makeTempDir();
  try {
    for (const seconds of ["0.02", "0.01", "0.01"]) {
      const run = await runTask("bench", [...QUICK, "--trial-seconds", seconds, "--out", out]);
      assert.equal(run.code, 0, run.stderr);
    }
    const files = [...Deno.readDirSync(`${out}/lab`)].map((e) => e.name)
      .filter((n) => n.endsWith(".json") && n !== "machine.json").sort();
    assert.equal(files.length, 3, "--machine names the folder");
    const [first, second, third] = files.map((f) => `${out}/lab/${f}`);

    const differ = await runTask("compare", [first, second]);
    assert.equal(differ.code, 0, differ.stderr);
    assert.match(
      differ.stdout,
      /^warning: not comparable: --trial-seconds differs \(0\.02 and 0\.01\); a trial measures something else/m,
    );
    assert.match(differ.stdout, /^0 faster, 0 slower, 0 within noise, 2 not comparable$/m);
    assert.doesNotMatch(differ.stdout, /warning: different --(sizes|iterations|wait)/);

    // previous: the newest earlier report with latest's parameters (the second, not the first).
    const latest = await runTask("compare", [
      "previous",
      "latest",
      "--out",
      out,
      "--machine",
      "lab",
    ]);
    assert.equal(latest.code, 0, latest.stderr);
    assert.ok(latest.stdout.startsWith(`A: ${second} `), latest.stdout);
    assert.match(latest.stdout, new RegExp(`^B: ${third.replaceAll(".", "\\.")} `, "m"));
    assert.doesNotMatch(latest.stdout, /not comparable/);

    // Relative paths are taken from where the user stands (deno task's INIT_CWD).
    const relative = await runTask("compare", [files[1], files[2]], { INIT_CWD: `${out}/lab` });
    assert.equal(relative.code, 0, relative.stderr);

    // A report with no earlier twin: previous says so in one line.
    const none = await runTask("compare", [first, "previous", "--out", out, "--machine", "lab"]);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /^ringpipe compare: previous: .* holds no report before .* with the same parameters/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

/** A tmpfs of `kib` KiB mounted on a new folder, or null where this process may not mount. */
function smallFilesystem(kib: number): string | null {
  if (Deno.uid() !== 0) return null;
  const dir = Deno.makeTempDirSync();
  const mount = new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${kib}k`, "tmpfs", dir],
    stderr: "null",
  }).outputSync();
  if (mount.success) return dir;
  Deno.removeSync(dir);
  return null;
}

const full = smallFilesystem(64);

Deno.test({
  name:
    "a disk that fills while the report is written: nothing half written, the run kept, one line, exit 1",
  ignore: full === null, // needs root to mount a small tmpfs; CI runs as root
  fn: async () => {
    try {
      // Leave about 6 KiB: machine.json fits, the report does not.
      const filler = new Uint8Array((64 - 6) * 1024);
      await Deno.writeFile(`${full}/filler`, filler);
      const run = await runTask("bench", [...QUICK, "--out", full!]);
      assert.equal(run.code, 1, run.stderr);
      const lines = run.stderr.trim().split("\n").filter((l) => !/^(using|built) /.test(l));
      assert.equal(lines.length, 1, run.stderr);
      const match =
        /^ringpipe bench: could not write the report into .*\/lab \((No space left on device|.*os error 28.*)\); the measured run is kept in (\/\S+\.json): move it into .*\/lab\/ and run deno task report to archive it$/
          .exec(lines[0]);
      assert.ok(match, lines[0]);
      const kept = await loadReport(match[2]);
      assert.deepEqual(kept.results.map((r) => r.transport), ["shm", "pipe"]);
      await Deno.remove(match[2]);
      // Nothing of this run is left on the full disk: no report, no partial file, no machine.json.
      const left = [...Deno.readDirSync(`${full}/lab`)].map((e) => e.name);
      assert.deepEqual(left, []);
      assert.match(run.stdout, /^SHMEM Time:/, "the figures were printed before the save");
    } finally {
      await new Deno.Command("umount", { args: [full!] }).output();
      await Deno.remove(full!, { recursive: true });
    }
  },
});

Deno.test("compare leaves A and B out of the replicates by real path, and takes runs marked by hand", async () => {
  const root = await Deno.makeTempDir();
  try {
    const source = new URL("../results/devvm-replicates/", import.meta.url).pathname;
    const runs = [...Deno.readDirSync(source)].map((e) => e.name)
      .filter((n) => n.endsWith(".json") && n !== "machine.json").sort().slice(0, 4);
    assert.equal(runs.length, 4, "the committed replicate set");
    await Deno.mkdir(`${root}/lab`);
    for (const name of [...runs, "machine.json"]) {
      await Deno.copyFile(`${source}${name}`, `${root}/lab/${name}`);
    }
    const noise = (stdout: string) => /^noise: (.*)$/m.exec(stdout)?.[1];
    // A through a path that is not the folder's own spelling, B absolute: both are left out.
    const spelled = await runTask(
      "compare",
      [`lab/../lab/${runs[0]}`, `${root}/lab/${runs[1]}`],
      { INIT_CWD: root },
    );
    assert.equal(spelled.code, 0, spelled.stderr);
    assert.equal(noise(spelled.stdout), "2 replicate run(s) of A's or B's commit in B's folder");
    // A through a symbolic link from elsewhere: the same run, left out too.
    await Deno.symlink(`${root}/lab/${runs[0]}`, `${root}/a.json`);
    const linked = await runTask("compare", [`${root}/a.json`, `${root}/lab/${runs[1]}`]);
    assert.equal(noise(linked.stdout), "2 replicate run(s) of A's or B's commit in B's folder");
    // A run from a checkout with changes is no replicate unless the user vouches for it.
    const report = JSON.parse(await Deno.readTextFile(`${root}/lab/${runs[2]}`));
    report.kit.dirty = true;
    await Deno.writeTextFile(`${root}/dirty.json`, JSON.stringify(report));
    const marked = await runTask("compare", [
      `${root}/lab/${runs[0]}`,
      `${root}/lab/${runs[1]}`,
      "--same-as-a",
      `${root}/dirty.json`,
    ]);
    assert.equal(marked.code, 0, marked.stderr);
    assert.equal(
      noise(marked.stdout),
      "2 replicate run(s) of A's or B's commit in B's folder; marked by hand: 1 as A's code, 0 as B's",
    );
    const missing = await runTask("compare", [
      `${root}/lab/${runs[0]}`,
      `${root}/lab/${runs[1]}`,
      "--same-as-b",
      `${root}/none.json`,
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^ringpipe compare: .*none\.json: /);
    assert.equal(missing.stderr.trim().split("\n").length, 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
