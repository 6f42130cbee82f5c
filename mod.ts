/**
 * ringpipe: how much faster is a ring buffer in shared memory than a Unix
 * pipe for passing data between two processes on Linux, and why.
 *
 * The kit is used as tasks (`deno task bench`, `deno task compare`, ...).
 * What a program may import is two things, each also a subpath of its own:
 *
 * - the `Channel` (`./channel`): the bench's shared-memory ring as a library
 *   for two Deno processes;
 * - reading, comparing and rendering reports (`./report`), for tools that
 *   work with the archive.
 *
 * Everything else (the shim, the trial runner, the statistics) is internal
 * and may change without notice.
 *
 * @example Read an archived report and print the original experiment's lines
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport, originalLines } from "./mod.ts";
 *
 * const report = await loadReport(new URL("./docs/examples/report.json", import.meta.url).pathname);
 * const [shm, pipe] = originalLines(report);
 * assert.match(shm, /^SHMEM Time: {2}0\.\d{18}$/);
 * assert.match(pipe, /^KERNEL Time: 0\.\d{18}$/);
 * ```
 *
 * @module
 */

export * from "./src/channel/mod.ts";
export * from "./src/archive/mod.ts";
