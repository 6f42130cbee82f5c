/**
 * What must be undone if the run is interrupted: shared-memory names, worker
 * processes, the private directory. Each resource registers its undo while it
 * exists; on SIGINT or SIGTERM every registered undo runs before the exit, so
 * an interrupted bench leaves nothing in `/dev/shm`, no spinning worker and no
 * zombie (an undo may wait, for example until its workers have been reaped:
 * not every init reaps orphans).
 *
 * @module
 */

/** Something to undo; a promise is waited for, at most {@link CLEANUP_DEADLINE_MS} in all. */
export type Undo = () => void | Promise<void>;

/** How long the undos of an interrupted run may take, together, before the exit. */
export const CLEANUP_DEADLINE_MS = 3000;

const pending = new Set<Undo>();
let installed = false;

/**
 * Registers `undo` to run if the process is interrupted; dispose the result
 * once the resource is gone (for `using`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { onInterrupt } from "./cleanup.ts";
 * const dir = await Deno.makeTempDir();
 * let undone = false;
 * {
 *   using _guard = onInterrupt(() => {
 *     undone = true;
 *   });
 *   // ... work with dir; an interrupt here would run the clean-up ...
 * }
 * assert.equal(undone, false, "the scope ended normally: the clean-up is dropped, not run");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function onInterrupt(undo: Undo): Disposable {
  pending.add(undo);
  return { [Symbol.dispose]: () => void pending.delete(undo) };
}

/**
 * Runs every registered undo now (each at most once), newest first, ignoring
 * failures, and waits for those that return a promise, up to
 * {@link CLEANUP_DEADLINE_MS} in all.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { onInterrupt, runPendingCleanups } from "./cleanup.ts";
 * const done: string[] = [];
 * onInterrupt(() => void done.push("first"));
 * onInterrupt(async () => {
 *   await new Promise((resolve) => setTimeout(resolve, 10));
 *   done.push("second, waited for");
 * });
 * await runPendingCleanups();
 * assert.deepEqual(done, ["second, waited for", "first"]);
 * ```
 */
export async function runPendingCleanups(): Promise<void> {
  const deadline = Date.now() + CLEANUP_DEADLINE_MS;
  for (const undo of [...pending].reverse()) {
    pending.delete(undo);
    try {
      const result = undo();
      if (result instanceof Promise) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        });
        await Promise.race([result.catch(() => {}), late]);
        clearTimeout(timer);
      }
    } catch {
      // best effort: the process is going away
    }
  }
}

/**
 * Makes SIGINT and SIGTERM run the pending cleanups, then exit with 128 + the signal number.
 *
 * @example
 * ```ts ignore
 * import { exitCleanlyOnSignals } from "./cleanup.ts";
 * exitCleanlyOnSignals((signal) => console.error(`interrupted by ${signal}`));
 * ```
 */
export function exitCleanlyOnSignals(notify: (signal: Deno.Signal) => void = () => {}): void {
  if (installed) return;
  installed = true;
  const codes: [Deno.Signal, number][] = [["SIGINT", 130], ["SIGTERM", 143]];
  for (const [signal, code] of codes) {
    Deno.addSignalListener(signal, async () => {
      notify(signal);
      await runPendingCleanups();
      Deno.exit(code);
    });
  }
}
