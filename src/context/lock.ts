/**
 * One bench at a time on a machine: two benches at once each measure the
 * other (two quick runs started together gave the ring 49 and 56 ns instead
 * of 7, with only "the trials vary a lot" to show for it). A bench holds an
 * exclusive `flock` on `/dev/shm/ringpipe.lock` for its whole run; the
 * kernel drops it when the process ends, however it ends. A second bench
 * stops with one line naming the holder, or waits (`--wait-for-lock`).
 *
 * @module
 */

import { UsageError } from "../base/errors.ts";

/** The lock file: in `/dev/shm`, so every user's bench sees the same one. */
export const LOCK_PATH = "/dev/shm/ringpipe.lock";

/**
 * The pid holding a `flock` on the file at `path`, from `/proc/locks`, or null.
 *
 * @example
 * ```ts ignore
 * import { lockHolder } from "./lock.ts";
 * console.log(lockHolder("/dev/shm/ringpipe.lock")); // 4242, or null
 * ```
 */
export function lockHolder(path: string, locks?: string): number | null {
  let inode: number;
  try {
    inode = Deno.statSync(path).ino ?? -1;
    locks ??= Deno.readTextFileSync("/proc/locks");
  } catch {
    return null;
  }
  // "1: FLOCK  ADVISORY  WRITE 4242 00:1a:12345 0 EOF"
  for (const line of locks.split("\n")) {
    const match = /FLOCK\s+\S+\s+WRITE\s+(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s/.exec(line);
    if (match && Number(match[2]) === inode) return Number(match[1]);
  }
  return null;
}

/**
 * Takes the machine-wide bench lock for the rest of this process's life, or
 * waits for it with `wait`; `onWait` hears who is being waited for.
 *
 * @example
 * ```ts ignore
 * import { takeBenchLock } from "./lock.ts";
 * await takeBenchLock({ wait: false });
 * ```
 * @throws {UsageError} when another bench holds it and `wait` is false, or the file cannot be opened.
 */
export async function takeBenchLock(
  options: { wait: boolean; path?: string; onWait?: (holder: number | null) => void },
): Promise<Deno.FsFile> {
  const path = options.path ?? LOCK_PATH;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o666 });
  } catch {
    try {
      file = await Deno.open(path, { read: true }); // another user's file: a read lock suffices
    } catch (error) {
      const why = error instanceof Error ? error.message.split(":")[0] : String(error);
      throw new UsageError(`cannot open the bench lock ${path} (${why})`, { cause: error });
    }
  }
  if (await file.tryLock(true)) return file;
  const holder = lockHolder(path);
  const who = holder === null ? "another bench" : `another bench (pid ${holder})`;
  if (!options.wait) {
    file.close();
    throw new UsageError(
      `${who} is running on this machine, and each would measure the other; ` +
        "wait for it, or pass --wait-for-lock",
    );
  }
  options.onWait?.(holder);
  await file.lock(true);
  return file;
}
