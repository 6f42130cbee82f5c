/**
 * Reading a task's command line: `parseArgs` from `node:util` (strict), its
 * errors turned into one-line {@link UsageError}s, so every task refuses bad
 * options the same way.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.ts";

/**
 * Parses a command line strictly; an unknown, ambiguous or incomplete option
 * is a {@link UsageError} with a one-line message in our words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCommandLine } from "./cli.ts";
 * const { values } = parseCommandLine({
 *   args: ["--quick"],
 *   options: { quick: { type: "boolean" } },
 * });
 * assert.deepEqual(values.quick, true);
 * ```
 */
export function parseCommandLine<const T extends ParseArgsConfig>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(argumentProblem(error), { cause: error });
  }
}

/**
 * A task's command line: {@link parseCommandLine} with `-h`/`--help` added, which prints `help`
 * and gives null (the task then returns); every task reads its options this way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskCommandLine } from "./cli.ts";
 * const config = { options: { quick: { type: "boolean" } } } as const;
 * assert.equal(taskCommandLine("Usage: ...", { ...config, args: ["-h"] }), null); // printed the help
 * assert.equal(taskCommandLine("Usage: ...", { ...config, args: ["--quick"] })?.values.quick, true);
 * ```
 * @throws {UsageError} for an unknown, ambiguous or incomplete option.
 */
export function taskCommandLine<const T extends ParseArgsConfig>(
  help: string,
  config: T,
): ReturnType<typeof parseArgs<T>> | null {
  const parsed = parseCommandLine({
    ...config,
    options: { ...config.options, help: { type: "boolean", short: "h" } },
  });
  if ((parsed.values as Record<string, unknown>).help === true) {
    console.log(help);
    return null;
  }
  return parsed as ReturnType<typeof parseArgs<T>>;
}

/** Node's parseArgs message, reworded as one line for people. */
function argumentProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]} (see --help)`;
  const ambiguous = /Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
  if (ambiguous) {
    return `${ambiguous[1]} takes a value that starts with '-': write it as ${ambiguous[1]}=VALUE`;
  }
  const missing = /Option '(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument '${positional[1]}' (options start with --)`;
  return message.split("\n")[0];
}

/**
 * A path a person typed, resolved from where they stand: `deno task` runs
 * every task from the project's folder and leaves the caller's folder in
 * `INIT_CWD`, so a relative path is taken from there. Absolute paths stay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { userPath } from "./cli.ts";
 * assert.equal(userPath("/tmp/a.json"), "/tmp/a.json");
 * assert.equal(userPath("a.json", "/home/me"), "/home/me/a.json");
 * ```
 */
export function userPath(
  path: string,
  from: string | undefined = Deno.env.get("INIT_CWD"),
): string {
  if (path.startsWith("/") || from === undefined || from === "") return path;
  return `${from.replace(/\/+$/, "")}/${path}`;
}

/**
 * A change that counts, as a person writes it: `5%` or `0.05`, from 0 up to (not including) 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseThreshold } from "./cli.ts";
 * assert.equal(parseThreshold("5%"), 0.05);
 * assert.equal(parseThreshold("0.1"), 0.1);
 * assert.throws(() => parseThreshold("lots"), /--threshold must be a fraction/);
 * ```
 * @throws {UsageError} when the text is not such a fraction.
 */
export function parseThreshold(text: string, name = "--threshold"): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = match === null ? NaN : Number(match[1]) / (match[2] === "%" ? 100 : 1);
  if (!(value >= 0 && value < 1)) {
    throw new UsageError(`${name} must be a fraction such as 5% or 0.05, got '${text}'`);
  }
  return value;
}
