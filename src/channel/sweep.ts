/**
 * Removes channels nobody can use any more: a channel whose creator and both
 * holders are dead (gone, or zombies) keeps its memory in `/dev/shm` until
 * someone unlinks it, and a process killed with SIGKILL unlinks nothing.
 *
 * Only our own: the channel naming pattern, a file owned by this user and not
 * a link, a creating process that is not alive, and a header whose sender and
 * receiver are not alive either (a header too short or without the magic, of
 * a creator that died while writing it, counts as dead). A process that takes
 * over a dead side between the look and the removal keeps its mapping; only
 * later attaches by name fail.
 *
 * @module
 */

import { processExists } from "../memory/stale.ts";
import { CHANNEL_LAYOUT, CHANNEL_MAGIC, CHANNEL_PREFIX } from "./layout.ts";

const NAME = new RegExp(`^${CHANNEL_PREFIX.slice(1)}(\\d+)-[0-9a-f]{16}$`);

/**
 * Removes the channels in `shmDir` (default `/dev/shm`) whose creator and holders are all dead;
 * returns the names removed (`/ringpipe-ch-...`). A folder that cannot be read (no permission,
 * none at all) removes nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sweepChannels } from "./sweep.ts";
 * const shmDir = await Deno.makeTempDir();
 * // A channel whose creator (pid 2^22 + 1, above the kernel's limit) never lived: removed.
 * await Deno.writeFile(`${shmDir}/ringpipe-ch-4194305-0123456789abcdef`, new Uint8Array(320));
 * // One that this live process created: kept.
 * await Deno.writeFile(`${shmDir}/ringpipe-ch-${Deno.pid}-0123456789abcdef`, new Uint8Array(320));
 * assert.deepEqual(sweepChannels(shmDir), ["/ringpipe-ch-4194305-0123456789abcdef"]);
 * await Deno.remove(shmDir, { recursive: true });
 * ```
 */
export function sweepChannels(shmDir = "/dev/shm"): string[] {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(shmDir)];
  } catch {
    return [];
  }
  const uid = Deno.uid();
  const removed: string[] = [];
  for (const entry of entries) {
    const match = NAME.exec(entry.name);
    if (match === null || processExists(Number(match[1]))) continue;
    const path = `${shmDir}/${entry.name}`;
    try {
      const info = Deno.lstatSync(path);
      if (info.isSymlink || !info.isFile || info.uid !== uid || holdersAlive(path)) continue;
      Deno.removeSync(path);
      removed.push(`/${entry.name}`);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

/** True when the header at `path` names a sender or a receiver that is alive. */
function holdersAlive(path: string): boolean {
  const header = new Uint8Array(CHANNEL_LAYOUT.RECEIVER_PID + 4);
  using file = Deno.openSync(path, { read: true });
  let got = 0;
  for (let n; got < header.length && (n = file.readSync(header.subarray(got))) !== null;) got += n;
  const words = new DataView(header.buffer);
  if (got < header.length || words.getUint32(CHANNEL_LAYOUT.MAGIC, true) !== CHANNEL_MAGIC) {
    return false;
  }
  return [CHANNEL_LAYOUT.SENDER_PID, CHANNEL_LAYOUT.RECEIVER_PID].some((at) => {
    const pid = words.getUint32(at, true);
    return pid !== 0 && processExists(pid);
  });
}
