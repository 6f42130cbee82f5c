/**
 * The headline of a report, defined once: the original experiment's figures,
 * that is the native loops' 8-byte stream on two CPUs (or unpinned), the ring
 * (`shm`) against the pipe. The terminal, the Markdown page, the archive's
 * index and its ratio-over-time chart all take it from here, so a run of the
 * deno engine alone has no headline rather than a TypeScript one.
 *
 * @module
 */

import { formatTime, secondsWith18Decimals } from "../base/format.ts";
import { transportNamed } from "../transports/mod.ts";
import type { Comparison, Report, ResultEntry } from "./report.ts";

/** The headline figures of a report; each undefined when the run did not measure it. */
export interface Headline {
  /** The native ring's 8-byte stream. */
  ring: ResultEntry | undefined;
  /** The native pipe's 8-byte stream. */
  pipe: ResultEntry | undefined;
  /** pipe/shm for that stream, with its CI. */
  ratio: Comparison | undefined;
}

const isHeadline = (r: { mode: string; sizeBytes: number; placement: string; engine?: string }) =>
  r.mode === "stream" && r.sizeBytes === 8 && r.placement !== "same" &&
  (r.engine ?? "native") === "native";

/**
 * The headline of a report.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { headline } from "./headline.ts";
 * import { loadReport } from "./schema.ts";
 * const { ring, pipe, ratio } = headline(await loadReport(new URL("../../tests/data/report-v3.json", import.meta.url).pathname));
 * assert.equal(ratio?.ratioOfMedians, pipe!.nsPerItem.median / ring!.nsPerItem.median);
 * ```
 */
export function headline(report: Report): Headline {
  const ring = report.results.find((r) => isHeadline(r) && r.transport === "shm");
  const pipe = report.results.find((r) => isHeadline(r) && r.transport === "pipe");
  const ratio = report.comparisons.find((c) =>
    isHeadline(c) && c.name === "pipe/shm" && c.placement === ring?.placement
  );
  return { ring, pipe, ratio };
}

/**
 * The original experiment's line for a result, e.g. `SHMEM Time:  0.000000007089606793`,
 * or null for a transport the original did not have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { originalLine } from "./headline.ts";
 * assert.equal(originalLine("pipe", 441.069553283), "KERNEL Time: 0.000000441069553283");
 * assert.equal(originalLine("unix", 1), null);
 * ```
 */
export function originalLine(transport: string, nsPerItem: number): string | null {
  const label = transportNamed(transport)?.originalLabel;
  if (label === undefined) return null;
  // "SHMEM Time:  " and "KERNEL Time: " line their numbers up, as the original did.
  return `${`${label} Time:`.padEnd(13)}${secondsWith18Decimals(nsPerItem)}`;
}

/**
 * The original experiment's lines for a report, from the headline's medians.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { originalLines } from "./headline.ts";
 * import { loadReport } from "./schema.ts";
 * const lines = originalLines(await loadReport(new URL("../../tests/data/report-v3.json", import.meta.url).pathname));
 * assert.deepEqual(lines.map((l) => l.slice(0, 13)), ["SHMEM Time:  ", "KERNEL Time: "]);
 * ```
 */
export function originalLines(report: Report): string[] {
  const { ring, pipe } = headline(report);
  return [ring, pipe].filter((r) => r !== undefined)
    .map((r) => originalLine(r.transport, r.nsPerItem.median))
    .filter((line): line is string => line !== null);
}

/**
 * The kit's 8-byte pipe stream beside the plain C pipe(2) loop of the same run, in words, or null
 * when the run measured no yardstick.
 *
 * @example
 * ```ts ignore
 * import { pipeLoopLine } from "./headline.ts";
 * console.log(pipeLoopLine(report)); // "plain C pipe(2) loop: 331 ns per 8-byte item; ..."
 * ```
 */
export function pipeLoopLine(report: Report): string | null {
  const loop = report.pipeLoop;
  const { pipe } = headline(report);
  if (loop === undefined || pipe === undefined) return null;
  const ratio = pipe.nsPerItem.median / loop.nsPerItem;
  const low = Math.min(...loop.rounds), high = Math.max(...loop.rounds);
  return `plain C pipe(2) loop in the same run: ${formatTime(loop.nsPerItem)} per 8-byte item ` +
    `(rounds ${formatTime(low)} to ${formatTime(high)}); the kit's pipe: ` +
    `${formatTime(pipe.nsPerItem.median)} (${ratio.toFixed(2)}×)`;
}
