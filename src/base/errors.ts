/**
 * Errors the kit reports to people, and the exit codes that go with them.
 *
 * Every error meant for a person is one of these classes; anything else that
 * reaches the top of a task is a bug and is shown with its stack.
 *
 * @module
 */

/** Exit code for bad options, a bad environment or missing tools. */
export const EXIT_USAGE = 2;
/** Exit code for a run that started but failed (bad data, a dead worker, a timeout). */
export const EXIT_FAILURE = 1;

/**
 * Bad input from the user: a wrong option, a missing compiler, an unsupported system.
 * Tasks print its message as one line and exit with {@link EXIT_USAGE}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXIT_USAGE, UsageError } from "./errors.ts";
 * const error = new UsageError("--runs must be a whole number from 1 to 10000, got 0");
 * assert.equal(error.name, "UsageError");
 * assert.equal(EXIT_USAGE, 2); // what a task exits with
 * ```
 */
export class UsageError extends Error {
  /** Creates a usage error with a one-line message. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/**
 * A run that went wrong after it started: unverified data, a worker that died, a timeout.
 * Tasks print its message as one line and exit with {@link EXIT_FAILURE}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunError } from "./errors.ts";
 * const error = new RunError("consumer of shm was killed by SIGKILL");
 * assert.deepEqual(error.name, "RunError");
 * ```
 */
export class RunError extends Error {
  /** Creates a run error with a one-line message. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunError";
  }
}

/**
 * Refuses to go on anywhere but Linux: the kit measures Linux IPC.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requireLinux, UsageError } from "./errors.ts";
 * assert.throws(() => requireLinux("darwin"), UsageError);
 * requireLinux("linux"); // returns
 * ```
 */
export function requireLinux(os: string = Deno.build.os): void {
  if (os !== "linux") {
    throw new UsageError(`ringpipe measures Linux IPC and needs Linux; this is ${os}`);
  }
}

/**
 * Runs a task's `main`, turning the kit's own errors into one line on stderr
 * and an exit code, so a person never sees a stack trace for bad input.
 *
 * @example
 * ```ts ignore
 * import { runMain } from "./errors.ts";
 * await runMain("build", async () => { console.log("built"); });
 * ```
 */
export async function runMain(task: string, main: () => Promise<void>): Promise<never> {
  try {
    await main();
    Deno.exit(0);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`ringpipe ${task}: ${error.message}`);
      Deno.exit(EXIT_USAGE);
    }
    if (error instanceof RunError) {
      console.error(`ringpipe ${task}: ${error.message}`);
      Deno.exit(EXIT_FAILURE);
    }
    throw error;
  }
}
