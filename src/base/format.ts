/**
 * Numbers for people (times in their unit, counts, ratios, rates, percentages,
 * the original's 18 decimals) and colour for terminals: nothing here knows
 * what a report is, so every layer may use it.
 *
 * @module
 */

/**
 * Seconds as the original printed them: a fixed 18 decimals (attosecond steps).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { secondsWith18Decimals } from "./format.ts";
 * assert.deepEqual(secondsWith18Decimals(7.089606793), "0.000000007089606793");
 * ```
 */
export function secondsWith18Decimals(nanoseconds: number): string {
  const attoseconds = BigInt(Math.round(nanoseconds * 1e9));
  const digits = attoseconds.toString().padStart(19, "0");
  return `${digits.slice(0, -18)}.${digits.slice(-18)}`;
}

const nsFormat = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });
const countFormat = new Intl.NumberFormat("en-US");
const ratioFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const rateFormat = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });
const percentFormat = new Intl.NumberFormat("en-US", {
  style: "percent",
  maximumFractionDigits: 1,
});

/**
 * Nanoseconds with four significant digits: `3.215`, `381.2`, `1,234`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNs } from "./format.ts";
 * assert.deepEqual(formatNs(381.23456), "381.2");
 * ```
 */
export function formatNs(ns: number): string {
  return nsFormat.format(ns);
}

/**
 * A duration given in nanoseconds, in the unit that fits it, with four
 * significant digits: `7.17 ns`, `1.56 µs`, `1.952 ms`, `2.5 s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTime } from "./format.ts";
 * assert.equal(formatTime(7.1712), "7.171 ns");
 * assert.equal(formatTime(1_952_239), "1.952 ms");
 * assert.equal(formatTime(22_872), "22.87 µs");
 * ```
 */
export function formatTime(ns: number): string {
  const abs = Math.abs(ns);
  if (!Number.isFinite(ns)) return "?";
  if (abs < 1e3) return `${nsFormat.format(ns)} ns`;
  if (abs < 1e6) return `${nsFormat.format(ns / 1e3)} µs`;
  if (abs < 1e9) return `${nsFormat.format(ns / 1e6)} ms`;
  return `${nsFormat.format(ns / 1e9)} s`;
}

/**
 * A whole count with thousands separators.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCount } from "./format.ts";
 * assert.deepEqual(formatCount(12000000), "12,000,000");
 * ```
 */
export function formatCount(n: number): string {
  return countFormat.format(n);
}

/**
 * A ratio with at most one decimal: `118.6`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRatio } from "./format.ts";
 * assert.deepEqual(formatRatio(118.64), "118.6");
 * ```
 */
export function formatRatio(ratio: number): string {
  return ratioFormat.format(ratio);
}

/**
 * Bytes per second for people: `812 MB/s`, `3.1 GB/s` (decimal units, as throughput usually is).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRate } from "./format.ts";
 * assert.deepEqual([formatRate(3.14e9), formatRate(8.1e5)], ["3.14 GB/s", "810 kB/s"]);
 * ```
 */
export function formatRate(bytesPerSecond: number): string {
  const units = ["B/s", "kB/s", "MB/s", "GB/s", "TB/s"];
  let value = bytesPerSecond;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${rateFormat.format(value)} ${units[unit]}`;
}

/**
 * A fraction as a percentage: `0.0123` gives `1.2%`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatPercent } from "./format.ts";
 * assert.deepEqual(formatPercent(0.0123), "1.2%");
 * ```
 */
export function formatPercent(fraction: number): string {
  return percentFormat.format(fraction);
}

/** ANSI styles, active only on a terminal that has not asked for no colour. */
export interface Colors {
  /** Bold text. */
  bold(text: string): string;
  /** Dimmed text. */
  dim(text: string): string;
  /** Yellow text (warnings). */
  yellow(text: string): string;
  /** Red text (errors). */
  red(text: string): string;
}

/**
 * Colour helpers for a stream: plain text when `NO_COLOR` is set or the stream is not a terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { colorsFor } from "./format.ts";
 * const plain = colorsFor({ isTerminal: () => false });
 * assert.equal(plain.bold("ringpipe"), "ringpipe"); // no escape codes into a pipe or a file
 * ```
 */
export function colorsFor(stream: { isTerminal(): boolean }): Colors {
  const on = !Deno.noColor && stream.isTerminal();
  const style = (open: number, close: number) => (text: string) =>
    on ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return { bold: style(1, 22), dim: style(2, 22), yellow: style(33, 39), red: style(31, 39) };
}
