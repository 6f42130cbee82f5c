/**
 * The headline of a report, defined once: the original experiment's figures,
 * that is the native loops' 8-byte stream on two CPUs (or unpinned), the ring
 * (`shm`) against the pipe. The terminal, the Markdown page, the archive's
 * index and its ratio-over-time chart all take it from here, so a run of the
 * deno engine alone has no headline rather than a TypeScript one. The
 * sentences set beside it are here too: the original's lines, and each
 * control's (a C loop or an unstamped trial beside a series).
 *
 * @module
 */

import { formatTime, secondsWith18Decimals } from "../base/format.ts";
import { formatSize } from "../plan/series.ts";
import type { ControlKind } from "../plan/control_kinds.ts";
import { controlFigures, controlSeries, intervalText } from "./control_figures.ts";
import type { ControlEntry } from "./control_figures.ts";
import { ORIGINAL_LABELS } from "./original.ts";
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

/**
 * True for a series of the original experiment: the native loops' 8-byte stream on two CPUs (or
 * unpinned).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isHeadline } from "./headline.ts";
 * assert.ok(isHeadline({ mode: "stream", sizeBytes: 8, placement: "cross" }));
 * assert.ok(!isHeadline({ mode: "stream", sizeBytes: 8, placement: "same" }));
 * assert.ok(!isHeadline({ mode: "stream", sizeBytes: 8, placement: "cross", engine: "deno" }));
 * ```
 */
export const isHeadline = (
  r: { mode: string; sizeBytes: number; placement: string; engine?: string },
): boolean =>
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
 * const { ring, pipe, ratio } = headline(await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname));
 * // The ratio is the median of the per-round ratios of the two series' trials.
 * assert.equal(ratio?.pairs, pipe!.samples.length);
 * assert.ok(ratio!.ci.low <= ratio!.ratio && ratio!.ratio <= ratio!.ci.high);
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
  const label = ORIGINAL_LABELS[transport];
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
 * const lines = originalLines(await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname));
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
 * A report's controls of one kind, each with its sentence (the terminal's line, the page's
 * clause), in the report's order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { controlLines } from "./headline.ts";
 * const [{ line }] = controlLines(report, "pipe-loop");
 * assert.match(line, /^plain C pipe\(2\) loop in the same run, a round beside each of the pipe's trials: /);
 * assert.match(line, /median of 15 ratios of neighbours\)$/);
 * ```
 */
export function controlLines(
  report: Report,
  kind: ControlKind,
): { control: ControlEntry; line: string }[] {
  return (report.controls ?? []).flatMap((control) => {
    const result = controlSeries(report.results, control);
    if (control.kind !== kind || result === undefined) return [];
    const line = controlLine(control, result, report.parameters);
    return [{ control, line }];
  });
}

function controlLine(
  control: ControlEntry,
  result: ResultEntry,
  parameters: Report["parameters"],
): string {
  const f = controlFigures(control, result.nsPerItem.median);
  const low = Math.min(...control.rounds), high = Math.max(...control.rounds);
  if (f.ci === null) {
    return `plain C pipe(2) loop in the same run: ${formatTime(f.controlNs)} per 8-byte item ` +
      `(rounds ${formatTime(low)} to ${formatTime(high)}); the kit's pipe: ` +
      `${formatTime(f.seriesNs)} (${f.ratio.toFixed(2)}×)`;
  }
  const spread = `(${intervalText(f.ci)}, median of ${f.pairs} ratios of neighbours)`;
  if (control.kind === "pipe-loop") {
    return `plain C pipe(2) loop in the same run, a round beside each of the pipe's trials: ` +
      `${formatTime(f.controlNs)} per 8-byte item (rounds ${formatTime(low)} to ` +
      `${formatTime(high)}); the kit's pipe (${
        formatSize(result.sizeBytes)
      } ${result.placement}): ` +
      `${formatTime(f.seriesNs)}, ${f.ratio.toFixed(3)}× the loop ${spread}`;
  }
  const every = parameters.latencyEvery ?? 1;
  const stamps = `every ${every === 1 ? "" : `${every}th `}round trip stamped with ` +
    (parameters.latencyStamp === "tsc" ? "the TSC" : "CLOCK_MONOTONIC");
  return `${result.transport} ${
    formatSize(result.sizeBytes)
  } ${result.placement} with ${stamps}: ` +
    `${formatTime(f.seriesNs)} per round trip; with no stamps, a trial beside each: ` +
    `${formatTime(f.controlNs)} (trials ${formatTime(low)} to ${formatTime(high)}); ` +
    `stamped over unstamped ${f.ratio.toFixed(3)}× ${spread}` +
    (result.latency === null
      ? ""
      : `; the stamped round trips themselves, each with its own pair of stamps, had a p50 of ` +
        `${formatTime(result.latency.roundTrip.p50)}`);
}
