import assert from "node:assert/strict";
import { processExists, removeStaleLeftovers } from "../src/memory/stale.ts";

/** The id of a process that has certainly exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  assert.equal(processExists(child.pid), false);
  return child.pid;
}

Deno.test("removes leftovers of dead runs only: ours by name, by owner, and by a gone process", async () => {
  const shmDir = await Deno.makeTempDir();
  const tempDir = await Deno.makeTempDir();
  try {
    const dead = await deadPid();
    const alive = Deno.pid;
    const files = {
      deadSegment: `${shmDir}/ringpipe-${dead}-0123456789abcdef`,
      liveSegment: `${shmDir}/ringpipe-${alive}-0123456789abcdef`,
      otherName: `${shmDir}/ringpipe-${dead}-not-ours`,
      someoneElse: `${shmDir}/postgres-${dead}`,
    };
    for (const path of Object.values(files)) Deno.writeTextFileSync(path, "");
    const deadDir = `${tempDir}/ringpipe-${dead}-a1b2c3`;
    const liveDir = `${tempDir}/ringpipe-${alive}-a1b2c3`;
    Deno.mkdirSync(`${deadDir}/inside`, { recursive: true });
    Deno.mkdirSync(liveDir);
    // A link named like ours is never followed or removed.
    Deno.symlinkSync(liveDir, `${tempDir}/ringpipe-${dead}-link`);

    const removed = removeStaleLeftovers({ shmDir, tempDir });

    assert.deepEqual(removed.sort(), [files.deadSegment, deadDir].sort());
    for (const path of [files.liveSegment, files.otherName, files.someoneElse, liveDir]) {
      assert.ok(Deno.statSync(path), `${path} is kept`);
    }
    assert.ok(Deno.lstatSync(`${tempDir}/ringpipe-${dead}-link`).isSymlink);
  } finally {
    await Deno.remove(shmDir, { recursive: true });
    await Deno.remove(tempDir, { recursive: true });
  }
});

Deno.test("missing folders are not an error", () => {
  assert.deepEqual(
    removeStaleLeftovers({ shmDir: "/nonexistent/a", tempDir: "/nonexistent/b" }),
    [],
  );
});

Deno.test("a zombie is not alive: it holds no memory and will wake no one", async () => {
  // The short sleep outlives its shell, which execs the long one: a parent that never reaps it,
  // so when it exits it stays a zombie.
  const parent = new Deno.Command("sh", {
    args: ["-c", "sleep 0.2 & echo $!; exec sleep 10"],
    stdout: "piped",
  }).spawn();
  const reader = parent.stdout.getReader();
  const { value } = await reader.read();
  const zombie = Number(new TextDecoder().decode(value).trim());
  try {
    let state = "";
    for (let k = 0; k < 500 && state !== "Z"; k++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const stat = Deno.readTextFileSync(`/proc/${zombie}/stat`);
      state = stat.charAt(stat.lastIndexOf(")") + 2);
    }
    assert.equal(state, "Z");
    assert.equal(processExists(zombie), false);
    assert.equal(processExists(parent.pid), true);
  } finally {
    reader.releaseLock();
    parent.kill("SIGKILL");
    await parent.status;
    await parent.stdout.cancel();
  }
});

Deno.test("a dead run's message queues, recorded in its private directory, are unlinked with it", async () => {
  const { buildShim } = await import("../ffi/build.ts");
  const { cString, Shim } = await import("../ffi/library.ts");
  const { QUEUE_MARK } = await import("../src/memory/stale.ts");
  using shim = Shim.open((await buildShim()).libraryPath);
  const shmDir = await Deno.makeTempDir();
  const tempDir = await Deno.makeTempDir();
  const dead = await deadPid();
  const queue = `/ringpipe-${dead}-0123456789abcdef-a`;
  try {
    assert.equal(shim.symbols.rp_mq_create(cString(queue), 8n, 4), 0);
    const dir = `${tempDir}/ringpipe-${dead}-a1b2c3`;
    Deno.mkdirSync(dir);
    Deno.writeTextFileSync(`${dir}/${QUEUE_MARK}${queue.slice(1)}`, "");
    const unlinked: string[] = [];
    const removed = removeStaleLeftovers({ shmDir, tempDir }, (name) => {
      unlinked.push(name);
      assert.equal(shim.symbols.rp_mq_unlink(cString(name)), 0);
    });
    assert.deepEqual(unlinked, [queue]);
    assert.deepEqual(removed, [`mqueue:${queue}`, dir]);
    // Gone: the same name can be created again (O_EXCL).
    assert.equal(shim.symbols.rp_mq_create(cString(queue), 8n, 4), 0);
  } finally {
    shim.symbols.rp_mq_unlink(cString(queue));
    await Deno.remove(shmDir, { recursive: true });
    await Deno.remove(tempDir, { recursive: true });
  }
});
