/**
 * A series: one combination the bench measures (transport, mode, message
 * size, placement). Trials are run per series, summarised per series, and
 * every entry of the report's `results` is one series.
 *
 * @module
 */

/** The size of the file the file server holds (and its baselines read): 4 MiB, in the page cache. */
export const FILE_BYTES = 4 * 1024 * 1024;

/**
 * The client times every this many round trips unless told (see `ffi/ringpipe.h`). Odd, so the
 * timed round trips fall evenly on every slot position of a cache line, a page and the ring (all
 * powers of two): with 16, every timed 8-byte round trip was the first of the eight slots of a
 * line, and on the development VM those were about 90 ns slower than the rest in one of its
 * states and faster in the other, so the percentiles described one slot position, not the loop.
 */
export const DEFAULT_LATENCY_EVERY = 17;

/** Slots per 64-byte cache line below which an even `--latency-every` samples some positions only. */
export const CACHE_LINE_BYTES = 64;

/** How long an idle side of a sleeping ring looks before it sleeps unless told: about a wake-up. */
export const DEFAULT_SPIN_NS = 10_000;

/**
 * Rings never take more than this much shared memory each; large messages get
 * fewer slots. A ring that spills out of the caches is slow for reasons that
 * have nothing to do with rings: on the development VM, 64 KiB messages
 * streamed at 1.3 GB/s through a 64 MiB ring and at 6.9 GB/s through a 1 MiB
 * one. A pipe's buffer is 64 KiB by default.
 */
export const RING_BYTES_LIMIT = 256 * 1024;
/** ...but never fewer than this many slots. */
export const MIN_RING_SLOTS = 2;

/**
 * Slots of a ring for messages of `sizeBytes`: the requested count, or fewer
 * (a power of two, at least {@link MIN_RING_SLOTS}) so the ring stays within
 * {@link RING_BYTES_LIMIT}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ringSlotsFor } from "./series.ts";
 * assert.deepEqual(
 *   [ringSlotsFor(8, 4096), ringSlotsFor(4096, 4096), ringSlotsFor(1 << 20, 4096)],
 *   [4096, 64, 2],
 * );
 * ```
 */
export function ringSlotsFor(sizeBytes: number, requested: number): number {
  let slots = requested;
  while (slots > MIN_RING_SLOTS && slots * sizeBytes > RING_BYTES_LIMIT) slots /= 2;
  return slots;
}

/**
 * A message size for people: `8 B`, `4 KiB`, `1 MiB`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSize } from "./series.ts";
 * assert.deepEqual([formatSize(8), formatSize(4096), formatSize(1536)], ["8 B", "4 KiB", "1536 B"]);
 * ```
 */
export function formatSize(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/**
 * What follows a transport's name when its loops are not the native ones:
 * `""`, `" (deno)"`, or `" (deno, every 64)"` for a deno ring that publishes
 * every 64 items (every item is the default, and is not named).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineTag } from "./series.ts";
 * assert.deepEqual(engineTag({ engine: "deno", publishEvery: 64 }), " (deno, every 64)");
 * ```
 */
export function engineTag(r: { engine?: string; publishEvery?: number }): string {
  if ((r.engine ?? "native") === "native") return "";
  const every = r.publishEvery ?? 1;
  return every === 1 ? ` (${r.engine})` : ` (${r.engine}, every ${every})`;
}

/**
 * What follows a transport's name in a `--variant` run: the build's label in brackets
 * (`" [clang-lto]"`), or `""` for a run of one build.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { variantTag } from "./series.ts";
 * assert.deepEqual([variantTag({ variant: "gcc" }), variantTag({})], [" [gcc]", ""]);
 * ```
 */
export function variantTag(r: { variant?: string }): string {
  return r.variant === undefined ? "" : ` [${r.variant}]`;
}

/**
 * A transport as tables, keys and comparisons name it: `shm`, `shm (deno)`,
 * `shm (deno, every 64)`, `shm [clang-lto]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transportLabel } from "./series.ts";
 * assert.deepEqual(transportLabel({ transport: "pipe", engine: "deno" }), "pipe (deno)");
 * assert.deepEqual(transportLabel({ transport: "shm", variant: "O0" }), "shm [O0]");
 * ```
 */
export function transportLabel(
  r: { transport: string; engine?: string; publishEvery?: number; variant?: string },
): string {
  return `${r.transport}${engineTag(r)}${variantTag(r)}`;
}

/** What makes a series a series: every field that changes what its figures measure. */
export interface SeriesIdentity {
  /** The transport's name. */
  transport: string;
  /** `native` when absent. */
  engine?: string;
  /** Deno rings: the publication cadence (1 when absent). */
  publishEvery?: number;
  /** `--variant` runs: the build's label. */
  variant?: string;
  /** Stream, ping-pong or file server. */
  mode: string;
  /** Bytes per message. */
  sizeBytes: number;
  /** Where the two processes ran. */
  placement: string;
  /** How an idle side waited. */
  waitPolicy?: string;
  /** Ping-pong: ns between the starts of round trips (0 or absent: back to back). */
  paceNs?: number;
  /** File server: requests in flight (1 when absent). */
  queueDepth?: number;
  /** Futex and pipe waits: the spin before sleeping, ns (the default when absent). */
  spinBeforeSleepNs?: number;
}

/**
 * The one key of a series: two results are the same series exactly when their keys are equal.
 * Compare pairs by it, noise is looked up by it, tables group by it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesKey } from "./series.ts";
 * const a = { transport: "shm", mode: "fileserver", sizeBytes: 64, placement: "cross", queueDepth: 1 };
 * assert.notEqual(seriesKey(a), seriesKey({ ...a, queueDepth: 8 }));
 * assert.equal(seriesKey(a), seriesKey({ ...a, engine: "native", paceNs: 0 }));
 * assert.equal(seriesKey(a), "shm fileserver 64 B cross spin depth 1");
 * ```
 */
export function seriesKey(r: SeriesIdentity): string {
  const pace = r.paceNs ? ` pace ${r.paceNs} ns` : "";
  const depth = r.mode === "fileserver" ? ` depth ${r.queueDepth ?? 1}` : "";
  const spin = r.spinBeforeSleepNs !== undefined && r.spinBeforeSleepNs !== DEFAULT_SPIN_NS
    ? ` spin ${r.spinBeforeSleepNs} ns`
    : "";
  return `${transportLabel(r)} ${r.mode} ${formatSize(r.sizeBytes)} ${r.placement} ` +
    `${r.waitPolicy ?? "spin"}${spin}${pace}${depth}`;
}

/**
 * The cell of the tables a series sits in: everything that makes a series but
 * its transport, how it waits and its publication cadence. Transports are
 * compared with the ring within one cell (a paced run paces every series alike).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cellKey } from "./series.ts";
 * const pipe = { transport: "pipe", mode: "fileserver", sizeBytes: 64, placement: "cross", queueDepth: 8 };
 * assert.equal(cellKey(pipe), cellKey({ ...pipe, transport: "shm", waitPolicy: "spin" }));
 * assert.notEqual(cellKey(pipe), cellKey({ ...pipe, queueDepth: 1 }));
 * assert.notEqual(cellKey(pipe), cellKey({ ...pipe, engine: "deno" }));
 * assert.notEqual(cellKey(pipe), cellKey({ ...pipe, variant: "clang" })); // each build its own cell
 * ```
 */
export function cellKey(
  r:
    & Pick<SeriesIdentity, "engine" | "mode" | "sizeBytes" | "placement" | "queueDepth">
    & Partial<SeriesIdentity>,
): string {
  const depth = r.mode === "fileserver" ? ` depth ${r.queueDepth ?? 1}` : "";
  return `${r.engine ?? "native"}${variantTag(r)} ${r.mode} ${
    formatSize(r.sizeBytes)
  } ${r.placement}${depth}`;
}

/**
 * A short, stable name for a series: `shm stream 8 B cross`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesLabel } from "./series.ts";
 * const series = { transport: "pipe", mode: "pingpong", sizeBytes: 4096, placement: "cross" } as const;
 * assert.equal(seriesLabel(series), "pipe pingpong 4 KiB cross");
 * ```
 */
export function seriesLabel(
  series:
    & Pick<
      SeriesIdentity,
      "mode" | "sizeBytes" | "placement" | "queueDepth" | "engine" | "publishEvery" | "variant"
    >
    & {
      transport: { name: string } | string;
    },
): string {
  const name = typeof series.transport === "string" ? series.transport : series.transport.name;
  const depth = series.queueDepth === undefined ? "" : ` depth ${series.queueDepth}`;
  return `${name}${engineTag(series)}${variantTag(series)} ${series.mode}${depth} ${
    formatSize(series.sizeBytes)
  } ${series.placement}`;
}
