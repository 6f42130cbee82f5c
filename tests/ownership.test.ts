/**
 * Files written under `sudo` go back to the person who ran it: checked in a subprocess whose
 * environment says `SUDO_UID`/`SUDO_GID`, as `sudo` sets them.
 */
import assert from "node:assert/strict";

const MODULE = new URL("../src/base/ownership.ts", import.meta.url).href;

/** Runs `chownToInvokingUser(file)` in a fresh process with `env`; its exit must be clean. */
async function chownIn(file: string, env: Record<string, string>): Promise<void> {
  const script = `import { chownToInvokingUser } from ${JSON.stringify(MODULE)};
await chownToInvokingUser(${JSON.stringify(file)});`;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
}

Deno.test("under sudo, a file is given to SUDO_UID and SUDO_GID; otherwise it is left alone", async () => {
  const file = await Deno.makeTempFile();
  try {
    const owner = (await Deno.stat(file)).uid;
    await chownIn(file, {});
    assert.equal((await Deno.stat(file)).uid, owner, "no sudo: nothing changes");
    await chownIn(file, { SUDO_UID: "12345", SUDO_GID: "23456" });
    const after = await Deno.stat(file);
    if (Deno.uid() === 0) {
      assert.deepEqual([after.uid, after.gid], [12345, 23456], "root under sudo gives it back");
    } else {
      assert.equal(after.uid, owner, "not root: sudo's variables alone change nothing");
    }
    await chownIn(file, { SUDO_UID: "x", SUDO_GID: "23456" });
    assert.equal((await Deno.stat(file)).uid, after.uid, "a malformed SUDO_UID is ignored");
  } finally {
    await Deno.remove(file);
  }
});
