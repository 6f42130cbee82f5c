/**
 * `deno task bench`: the experiment (see `src/bench/run.ts`). Prints the
 * original experiment's lines, the ratio and a table; writes a JSON and a
 * Markdown report into `--out`.
 *
 * @module
 */

import { exitCleanlyOnSignals } from "../src/base/cleanup.ts";
import { runMain } from "../src/base/errors.ts";
import { runBench } from "../src/bench/run.ts";

async function main(): Promise<void> {
  exitCleanlyOnSignals((signal) => console.error(`\nringpipe bench: interrupted by ${signal}`));
  await runBench(Deno.args);
}

if (import.meta.main) await runMain("bench", main);
