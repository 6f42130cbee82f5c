/**
 * Finds what crashed earlier runs left behind (shared-memory segments in
 * `/dev/shm`, private directories in the temporary folder) and removes it,
 * but only what is ours: our naming pattern, our user, and a creating process
 * that no longer exists.
 *
 * @module
 */

import { SEGMENT_PREFIX } from "./segment.ts";

/** Private directories of a run are named `ringpipe-<pid>-<random>`. */
export const PRIVATE_DIR_PREFIX = "ringpipe-";
/**
 * A run records each POSIX message queue it creates as an empty file named this and the queue's
 * name (without its slash) in its private directory: queues live outside any folder a sweep can
 * list (`/dev/mqueue` is often not mounted), and count against RLIMIT_MSGQUEUE until removed.
 */
export const QUEUE_MARK = "mqueue-";

const SEGMENT_NAME = new RegExp(`^${SEGMENT_PREFIX.slice(1)}(\\d+)-[0-9a-f]{16}$`);
const PRIVATE_DIR_NAME = new RegExp(`^${PRIVATE_DIR_PREFIX}(\\d+)-\\w+$`);

/** Where to look; overridable for tests. */
export interface StaleLocations {
  /** The shared-memory folder (`/dev/shm`). */
  shmDir: string;
  /** The temporary folder. */
  tempDir: string;
}

/**
 * The default places: `/dev/shm` and the temporary folder (`TMPDIR`, else `/tmp`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultLocations } from "./stale.ts";
 * assert.deepEqual(defaultLocations().shmDir, "/dev/shm");
 * ```
 */
export function defaultLocations(): StaleLocations {
  return { shmDir: "/dev/shm", tempDir: Deno.env.get("TMPDIR") || "/tmp" };
}

/**
 * True while a process with this id is alive: it exists and is not a zombie (a process that
 * exited and was not yet reaped holds no memory and will never wake anyone). A reused id counts
 * as alive, to be safe.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processExists } from "./stale.ts";
 * assert.equal(processExists(Deno.pid), true);
 * assert.equal(processExists(2 ** 22 + 1), false); // above the kernel's limit: never alive
 * ```
 */
export function processExists(pid: number): boolean {
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return false;
  }
  // "pid (comm) S ...": the state follows the last parenthesis (comm may hold one).
  const state = stat.charAt(stat.lastIndexOf(")") + 2);
  return state !== "Z" && state !== "X";
}

/** Unlinks the message queues a dead run's private directory records; returns them as `mqueue:/name`. */
function queuesOf(dir: string, unlinkQueue: (name: string) => void): string[] {
  const names = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.startsWith(QUEUE_MARK))
    .map((e) => `/${e.name.slice(QUEUE_MARK.length)}`);
  for (const name of names) unlinkQueue(name);
  return names.map((name) => `mqueue:${name}`);
}

/**
 * Removes leftovers of runs whose process is gone; returns the paths removed. Given
 * `unlinkQueue`, also the POSIX message queues their private directories record
 * ({@link QUEUE_MARK}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removeStaleLeftovers } from "./stale.ts";
 * // A dead process's segment (pid 2^22 + 1 is above the kernel's limit: never alive).
 * const shmDir = await Deno.makeTempDir(), tempDir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${shmDir}/ringpipe-4194305-0123456789abcdef`, "");
 * await Deno.writeTextFile(`${shmDir}/ringpipe-${Deno.pid}-0123456789abcdef`, ""); // ours: kept
 * assert.deepEqual(removeStaleLeftovers({ shmDir, tempDir }), [`${shmDir}/ringpipe-4194305-0123456789abcdef`]);
 * await Deno.remove(shmDir, { recursive: true });
 * await Deno.remove(tempDir, { recursive: true });
 * ```
 */
export function removeStaleLeftovers(
  locations: StaleLocations = defaultLocations(),
  unlinkQueue?: (name: string) => void,
): string[] {
  const uid = Deno.uid();
  const removed: string[] = [];
  const sweep = (dir: string, pattern: RegExp) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return; // no such folder here
    }
    for (const entry of entries) {
      const match = pattern.exec(entry.name);
      if (match === null) continue;
      const path = `${dir}/${entry.name}`;
      try {
        const info = Deno.lstatSync(path);
        if (info.isSymlink || info.uid !== uid || processExists(Number(match[1]))) continue;
        if (info.isDirectory && unlinkQueue !== undefined) {
          removed.push(...queuesOf(path, unlinkQueue));
        }
        Deno.removeSync(path, { recursive: true });
        removed.push(path);
      } catch {
        // gone meanwhile, or not ours to remove
      }
    }
  };
  sweep(locations.shmDir, SEGMENT_NAME);
  sweep(locations.tempDir, PRIVATE_DIR_NAME);
  return removed;
}
