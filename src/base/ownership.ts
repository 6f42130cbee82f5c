/**
 * Gives files written under `sudo` back to the person who ran it.
 *
 * `sudo deno task bench` runs as root so that nice can go down to -20, but the
 * reports, the build folder and anything else kept in the checkout belong to
 * the invoking user (`SUDO_UID`/`SUDO_GID`), or git would show root-owned files.
 *
 * @module
 */

/**
 * The user and group that ran `sudo`, or `null` when not running under sudo as root.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { invokingUser } from "./ownership.ts";
 * const user = invokingUser(); // null unless root under sudo
 * assert.ok(user === null || (Number.isInteger(user.uid) && Number.isInteger(user.gid)));
 * ```
 */
export function invokingUser(): { uid: number; gid: number } | null {
  const uid = Number(Deno.env.get("SUDO_UID"));
  const gid = Number(Deno.env.get("SUDO_GID"));
  if (Deno.uid() !== 0 || !Number.isInteger(uid) || !Number.isInteger(gid)) return null;
  if (Deno.env.get("SUDO_UID") === undefined || Deno.env.get("SUDO_GID") === undefined) return null;
  return { uid, gid };
}

/**
 * Changes the owner of `path` to the user who ran `sudo`; does nothing otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chownToInvokingUser, invokingUser } from "./ownership.ts";
 * const file = await Deno.makeTempFile();
 * await chownToInvokingUser(file); // a no-op unless running as root under sudo
 * assert.equal((await Deno.stat(file)).uid, invokingUser()?.uid ?? Deno.uid());
 * await Deno.remove(file);
 * ```
 */
export async function chownToInvokingUser(path: string): Promise<void> {
  const user = invokingUser();
  if (user !== null) await Deno.chown(path, user.uid, user.gid);
}
