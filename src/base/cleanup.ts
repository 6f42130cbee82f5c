/**
 * What must be undone if the run is interrupted: shared-memory names, worker
 * processes, the private directory. Each resource registers its undo while it
 * exists; on SIGINT or SIGTERM every registered undo runs before the exit, so
 * an interrupted bench leaves nothing in `/dev/shm` and no spinning worker.
 *
 * @module
 */

const pending = new Set<() => void>();
let installed = false;

/**
 * Registers `undo` to run if the process is interrupted; dispose the result
 * once the resource is gone (for `using`).
 *
 * @example
 * ```ts
 * import { onInterrupt } from "./cleanup.ts";
 * const dir = await Deno.makeTempDir();
 * {
 *   using _guard = onInterrupt(() => Deno.removeSync(dir, { recursive: true }));
 *   // ... work with dir ...
 * }
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function onInterrupt(undo: () => void): Disposable {
  pending.add(undo);
  return { [Symbol.dispose]: () => void pending.delete(undo) };
}

/**
 * Runs every registered undo now (each at most once), newest first, ignoring failures.
 *
 * @example
 * ```ts
 * import { onInterrupt, runPendingCleanups } from "./cleanup.ts";
 * onInterrupt(() => console.log("undone"));
 * runPendingCleanups(); // prints "undone"
 * ```
 */
export function runPendingCleanups(): void {
  for (const undo of [...pending].reverse()) {
    pending.delete(undo);
    try {
      undo();
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
    Deno.addSignalListener(signal, () => {
      notify(signal);
      runPendingCleanups();
      Deno.exit(code);
    });
  }
}
