/**
 * Comparing two reports: for every series present in both (paired by
 * {@link seriesKey}, so a depth-8 file-server row never meets a depth-1 one),
 * the ratio B/A of the medians, the change in percent, and a verdict.
 *
 * The verdict is taken where the noise lives:
 *
 * - **Between runs**, when the archive holds replicates: other runs of A's
 *   commit, or of B's, with the same parameters and hardware (A and B left
 *   out). Their medians are compared only within a commit, never across, so
 *   runs from both sides of a change cannot pass for noise
 *   ({@link replicateBand}). The band already holds each run's own sampling
 *   noise, so B/A itself is judged against it: slower above `1 + t`, faster
 *   below `1 / (1 + t)`, with `t` the larger of the threshold and the band.
 * - **Within the two runs** otherwise: B/A with an interval made of each
 *   median's serial-dependence interval ({@link unpairedRatio}); slower when
 *   the whole interval is above `1 + t`, faster when it is below `1 / (1 + t)`,
 *   `t` the threshold. This knows nothing of how far runs drift apart on this
 *   machine, and the row and a warning say so.
 *
 * Every parameter that changes what a series measures is named when it
 * differs. A different trial length, message count per trial, ring size or
 * pace makes per-trial figures mean something else: those rows are "not
 * comparable", though their ratios are still shown.
 *
 * @module
 */

import {
  environmentDifferences,
  fingerprintDifferences,
  hardwareDifferences,
} from "../context/machine.ts";
import { seriesFields } from "./report.ts";
import type { Report, ResultEntry } from "./report.ts";
import { formatSize, seriesKey } from "../plan/series.ts";
import { replicateBand } from "../stats/statistics.ts";
import { unpairedRatio } from "../stats/serial.ts";
import type { Interval } from "../stats/serial.ts";
import { supportedPercentile } from "../stats/histogram.ts";

/** What a comparison decided for one series. */
export type Verdict = "faster" | "slower" | "within noise" | "not comparable";

/** Where a row's noise came from: same-code runs in the archive, or the two runs' own trials. */
export type NoiseSource = "replicates" | "within run";

/**
 * Tail latencies of a ping-pong or file-server series in A and B (from the merged histograms);
 * null where a run had too few round trips to carry the percentile.
 */
export interface TailRow {
  /** p99 round trip in A and B, ns. */
  p99: [number | null, number | null];
  /** p99.9 round trip in A and B, ns. */
  p999: [number | null, number | null];
}

/** One series compared. */
export interface ComparisonRow {
  /** The series' key ({@link seriesKey}). */
  key: string;
  /** The transport's name. */
  transport: string;
  /** Which code ran the loops (`native`). */
  engine: string;
  /** Deno engine rings: the publication cadence. */
  publishEvery?: number;
  /** Stream, ping-pong or file server. */
  mode: string;
  /** Bytes per message (per reply for the file server). */
  sizeBytes: number;
  /** Where the two processes ran. */
  placement: string;
  /** File server: requests in flight. */
  queueDepth?: number;
  /** A's median, ns per message, round trip or request. */
  a: number;
  /** B's median, ns per message, round trip or request. */
  b: number;
  /** Timed trials in A. */
  trialsA: number;
  /** Timed trials in B. */
  trialsB: number;
  /** B's median over A's: below 1 is faster. */
  ratio: number;
  /**
   * Its 95% interval from the two runs' trials alone (each median's serial-dependence interval,
   * combined): what the runs say, not how far runs drift apart.
   */
  ci: Interval;
  /** The threshold this row was judged against: the asked one, or a wider replicate band. */
  threshold: number;
  /** Where the noise came from: the replicates (how many runs and pairs) or the two runs. */
  noise: { source: NoiseSource; runs: number; pairs: number; band: number | null };
  /** Ping-pong and file server: tail latencies (no CI: one merged histogram per run). */
  tail: TailRow | null;
  /** Faster, slower, within noise, or not comparable. */
  verdict: Verdict;
}

/** A parameter that differs between the two reports. */
export interface ParameterDifference {
  /** What differs, as the user would name it (`--trial-seconds`, `kernel`). */
  name: string;
  /** A's value, as text. */
  a: string;
  /** B's value, as text. */
  b: string;
  /** True when it changes what a per-trial figure means: the rows are then not comparable. */
  breaks: boolean;
}

/** Fewer timed trials than this on either side earn a warning. */
export const MIN_COMPARABLE_TRIALS = 9;

/**
 * The parameters of a report that change what its series measure, as text
 * (named as the user set them), and whether a difference in each breaks
 * the comparison of per-trial figures.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { measuredParameters } from "./compare.ts";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * assert.deepEqual(measuredParameters(report)["--trial-seconds"], { value: "0.02", breaks: true });
 * ```
 */
export function measuredParameters(r: Report): Record<string, { value: string; breaks: boolean }> {
  const p = r.parameters;
  const env = r.environment;
  const list = (v: readonly (string | number)[] | undefined, none = "—") =>
    v === undefined || v.length === 0 ? none : v.join(",");
  const producer = r.processes.find((x) => x.role === "producer");
  const entries: [string, string, boolean][] = [
    ["--trial-seconds", p.iterations === null ? String(p.trialSeconds) : "—", true],
    ["--iterations", p.iterations === null ? "calibrated" : String(p.iterations), true],
    ["--ring-slots", String(p.ringSlots), true],
    ["--pace", p.paceNs ? `${p.paceNs} ns` : "back to back", true],
    ["--sizes", list(p.sizes.map(formatSize)), false],
    ["--mode", list(p.modes), false],
    ["--transports", list(p.transports), false],
    ["--engine", list(p.engines ?? ["native"]), false],
    ["--publish-every", list(p.publishEvery ?? [1]), false],
    ["--wait", p.wait ?? "each transport's own", false],
    ["--spin-before-sleep", `${p.spinBeforeSleepNs ?? 10_000} ns`, false],
    ["--latency-every", String(p.latencyEvery ?? 1), false],
    ["--uring-batch", String(p.uringBatch ?? 16), false],
    ["--latency-stamp", p.latencyStamp ?? "clock", false],
    ["pipe", p.pipe ?? "named FIFO", false],
    ["--depth", list(p.depths, "—"), false],
    ["--placement", p.placement, false],
    ["pinning", r.placement.cpus === null ? "none" : r.placement.cpus.join(","), false],
    ["--nice", String(p.nice), false],
    ["nice achieved", String(producer?.niceAchieved ?? "unknown"), false],
    [
      "compiler and flags",
      `${env.compiler.command} (${env.compiler.version}) ${env.compiler.arguments.join(" ")}`,
      false,
    ],
    ["kernel", env.kernel, false],
    ["Deno", env.deno, false],
  ];
  return Object.fromEntries(entries.map(([name, value, breaks]) => [name, { value, breaks }]));
}

/**
 * Every parameter that changes what is measured and differs between A and B.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parameterDifferences } from "./compare.ts";
 * import { loadReport } from "./schema.ts";
 * const a = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const b = { ...a, parameters: { ...a.parameters, trialSeconds: 2 } };
 * assert.deepEqual(parameterDifferences(a, b), [{ name: "--trial-seconds", a: "0.02", b: "2", breaks: true }]);
 * ```
 */
export function parameterDifferences(a: Report, b: Report): ParameterDifference[] {
  const [pa, pb] = [measuredParameters(a), measuredParameters(b)];
  return Object.entries(pa).flatMap(([name, { value, breaks }]) =>
    value === pb[name].value ? [] : [{ name, a: value, b: pb[name].value, breaks }]
  );
}

/**
 * True when two reports were run with the same parameters (nothing that
 * changes what is measured differs): what `previous` looks for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameParameters } from "./compare.ts";
 * import { loadReport } from "./schema.ts";
 * const a = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * assert.ok(sameParameters(a, { ...a, environment: { ...a.environment, kernel: "7.0" } }));
 * assert.ok(!sameParameters(a, { ...a, parameters: { ...a.parameters, ringSlots: 64 } }));
 * ```
 */
export function sameParameters(a: Report, b: Report): boolean {
  return parameterDifferences(a, b).every((d) =>
    d.name === "kernel" || d.name === "Deno" || d.name === "nice achieved"
  );
}

/**
 * Parameters whose difference makes some rows measure something else, not all: those rows get no
 * verdict, the others keep theirs.
 */
const BREAKS_ROWS: Record<
  string,
  { breaks: (r: ResultEntry) => boolean; warning: (d: ParameterDifference) => string }
> = {
  // `pipe` was a named FIFO before it was pipe(2): those rows measure different kernel paths.
  pipe: {
    breaks: (r) => r.transport === "pipe" || r.transport === "pipe-splice",
    warning: (d) =>
      `not comparable for pipe and pipe-splice: the pipe was a ${d.a} in A and ${d.b} in B ` +
      "(the FIFO is now the fifo transport)",
  },
  // An io_uring stream submits up to this many messages at once: one system call per batch.
  "--uring-batch": {
    breaks: (r) => r.mode === "stream" && r.transport.startsWith("pipe-uring"),
    warning: (d) =>
      `not comparable for the io_uring streams: --uring-batch differs (${d.a} and ${d.b}), and ` +
      "a stream makes one system call per batch",
  },
};

/**
 * The verdict for an interval of B/A against a threshold `t`, symmetric in log terms: slower when
 * the whole interval is above `1 + t`, faster when it is below `1 / (1 + t)`. Judged against
 * replicates, the interval is the ratio itself (`low === high`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verdictFor } from "./compare.ts";
 * assert.equal(verdictFor({ low: 0.80, high: 0.90, level: 0.95 }, 0.05), "faster");
 * assert.equal(verdictFor({ low: 0.97, high: 1.04, level: 0.95 }, 0.05), "within noise");
 * // 1/1.25 = 0.8: with a 25% band, 0.79 is faster, as 1.26 is slower.
 * assert.equal(verdictFor({ low: 0.79, high: 0.79, level: 1 }, 0.25), "faster");
 * assert.equal(verdictFor({ low: 1.26, high: 1.26, level: 1 }, 0.25), "slower");
 * // A band wider than 100% still lets a change be faster.
 * assert.equal(verdictFor({ low: 0.3, high: 0.4, level: 0.95 }, 1.2), "faster");
 * ```
 */
export function verdictFor(ci: Interval, threshold: number): Verdict {
  if (ci.high < 1 / (1 + threshold)) return "faster";
  if (ci.low > 1 + threshold) return "slower";
  return "within noise";
}

/** What {@link compareReports} can use beyond the two reports. */
export interface CompareOptions {
  /**
   * Replicates: other runs of A's code or of B's, on the same hardware with the same parameters
   * (never A or B themselves). They are grouped by commit and compared only within a group, so
   * evidence from both sides of a change is never taken for noise; {@link replicatesOf} finds
   * them in a folder.
   */
  evidence?: Report[];
  /**
   * Runs the user vouches for as the same code as A (`a`) or as B (`b`), whatever their commit
   * (from a checkout with changes, say): a group each, never compared with the other.
   */
  marked?: { a?: readonly Report[]; b?: readonly Report[] };
}

/**
 * Which of `candidates` may serve as evidence for comparing `a` with `b`: runs of A's commit or
 * of B's (never from a checkout with changes, whose code no commit names), with B's parameters and
 * hardware, and not A or B themselves (`isSame` says which is which, by path after `realpath`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicatesOf } from "./compare.ts";
 * import { loadReport } from "./schema.ts";
 * const a = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const at = (commit: string, dirty = false) => ({ ...a, kit: { ...a.kit, commit, dirty } });
 * const [ra, rb] = [at("aaaaaaa"), at("bbbbbbb")];
 * const pool = [at("aaaaaaa"), at("bbbbbbb"), at("ccccccc"), at("aaaaaaa", true)];
 * assert.deepEqual(replicatesOf(ra, rb, pool).map((r) => r.kit.commit), ["aaaaaaa", "bbbbbbb"]);
 * ```
 */
export function replicatesOf(
  a: Report,
  b: Report,
  candidates: readonly Report[],
  isSame: (candidate: Report) => boolean = (c) => c === a || c === b,
): Report[] {
  const commits = new Set(
    [a, b].filter((r) => r.kit.commit !== null && r.kit.dirty === false).map((r) => r.kit.commit),
  );
  return candidates.filter((r) =>
    !isSame(r) && r.kit.dirty === false && commits.has(r.kit.commit) &&
    fingerprintDifferences(r.machine.fingerprint, b.machine.fingerprint).length === 0 &&
    sameParameters(r, b)
  );
}

function noiseFor(
  key: string,
  evidence: readonly Report[],
  marked: CompareOptions["marked"] = {},
): ComparisonRow["noise"] {
  const groups = new Map<string, number[]>();
  const add = (group: string, report: Report) => {
    const result = report.results.find((x) => seriesKey(x) === key);
    if (result !== undefined) {
      groups.set(group, [...(groups.get(group) ?? []), result.nsPerItem.median]);
    }
  };
  for (const report of evidence) add(`commit ${report.kit.commit ?? ""}`, report);
  for (const report of marked.a ?? []) add("marked as A", report);
  for (const report of marked.b ?? []) add("marked as B", report);
  const medians = [...groups.values()];
  const band = replicateBand(medians);
  const runs = medians.reduce((n, g) => n + g.length, 0);
  const pairs = medians.reduce((n, g) => n + (g.length * (g.length - 1)) / 2, 0);
  return band === null
    ? { source: "within run", runs: 0, pairs: 0, band: null }
    : { source: "replicates", runs, pairs, band };
}

function tailOf(ra: ResultEntry, rb: ResultEntry): TailRow | null {
  if (ra.latency === null || rb.latency === null) return null;
  const [ta, tb] = [ra.latency.roundTrip, rb.latency.roundTrip];
  return {
    p99: [supportedPercentile(ta, "p99"), supportedPercentile(tb, "p99")],
    p999: [supportedPercentile(ta, "p999"), supportedPercentile(tb, "p999")],
  };
}

/**
 * Compares every series present in both reports; `threshold` is a fraction (0.05 for ±5%).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareReports } from "./compare.ts";
 * import { slowedDown } from "../archive/audit.ts";
 * import { loadReport } from "./schema.ts";
 * const a = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * // A real 8-second run: within the run, only its ring stream is steady enough to call 1.5x; the
 * // ring's ping-pong has neighbouring trials so alike that its interval never reaches 95%.
 * const { rows } = compareReports(a, slowedDown(a, 1.5), 0.05);
 * assert.deepEqual(rows.map((r) => `${r.transport} ${r.mode} ${r.verdict}`), [
 *   "shm stream slower",
 *   "pipe stream within noise",
 *   "shm pingpong within noise",
 *   "pipe pingpong within noise",
 * ]);
 * assert.ok(rows[2].ci.level < 0.95);
 * assert.ok(rows.every((r) => Math.abs(r.ratio - 1.5) < 1e-9));
 * // Symmetric: as much faster is called faster where as much slower was called slower.
 * assert.deepEqual(
 *   compareReports(a, slowedDown(a, 1 / 1.5), 0.05).rows.map((r) => r.verdict),
 *   rows.map((r) => r.verdict === "slower" ? "faster" : r.verdict),
 * );
 * ```
 */
export function compareReports(
  a: Report,
  b: Report,
  threshold: number,
  options: CompareOptions = {},
): { rows: ComparisonRow[]; warnings: string[]; differences: ParameterDifference[] } {
  const rows: ComparisonRow[] = [];
  const warnings: string[] = [];
  const differences = parameterDifferences(a, b);
  const broken = differences.filter((d) => d.breaks);
  const partly = differences.filter((d) => d.name in BREAKS_ROWS);
  const evidence = options.evidence ?? [];
  for (const ra of a.results) {
    const rb = b.results.find((r) => seriesKey(r) === seriesKey(ra));
    if (rb === undefined) continue;
    const va = ra.samples.map((s) => s.nsPerItem);
    const vb = rb.samples.map((s) => s.nsPerItem);
    const { estimate, interval } = unpairedRatio(vb, va);
    const noise = noiseFor(seriesKey(ra), evidence, options.marked);
    const t = Math.max(threshold, noise.band ?? 0);
    // Replicates already carry each run's sampling noise: the ratio itself meets their band. On
    // the runs alone, only an interval that reaches 95% may call a change (fewer trials: none).
    const judged = noise.source === "replicates"
      ? { low: estimate, high: estimate, level: 1 }
      : interval.level >= 0.95
      ? interval
      : { low: 0, high: Infinity, level: interval.level };
    rows.push({
      key: seriesKey(ra),
      ...seriesFields(ra),
      a: ra.nsPerItem.median,
      b: rb.nsPerItem.median,
      trialsA: va.length,
      trialsB: vb.length,
      ratio: estimate,
      ci: interval,
      threshold: t,
      noise,
      tail: tailOf(ra, rb),
      verdict: broken.length > 0 || partly.some((d) => BREAKS_ROWS[d.name].breaks(ra))
        ? "not comparable"
        : verdictFor(judged, t),
    });
  }
  if (rows.length === 0) warnings.push("the two reports have no series in common");
  const [keysA, keysB] = [a, b].map((r) => new Set(r.results.map(seriesKey)));
  const onlyA = [...keysA].filter((k) => !keysB.has(k));
  const onlyB = [...keysB].filter((k) => !keysA.has(k));
  if (onlyA.length + onlyB.length > 0) {
    warnings.push(
      `${onlyA.length} series only in A and ${onlyB.length} only in B were left out` +
        (onlyA.length + onlyB.length <= 4 ? `: ${[...onlyA, ...onlyB].join("; ")}` : ""),
    );
  }
  for (const d of broken) {
    warnings.push(
      `not comparable: ${d.name} differs (${d.a} and ${d.b}); a trial measures something else, ` +
        "so no verdict is given",
    );
  }
  const felt = partly.filter((d) =>
    [...a.results, ...b.results].some((r) => BREAKS_ROWS[d.name].breaks(r))
  );
  for (const d of felt) warnings.push(BREAKS_ROWS[d.name].warning(d));
  for (const d of differences.filter((d) => !d.breaks && !felt.includes(d))) {
    warnings.push(`different ${d.name}: ${d.a} and ${d.b}`);
  }
  const few = rows.filter((r) => Math.min(r.trialsA, r.trialsB) < MIN_COMPARABLE_TRIALS);
  if (few.length > 0) {
    warnings.push(
      `fewer than ${MIN_COMPARABLE_TRIALS} trials on a side in ${few.length} series: CIs are wide or below 95% coverage`,
    );
  }
  const hardware = hardwareDifferences(a.machine.fingerprint, b.machine.fingerprint);
  const environment = environmentDifferences(a.machine.fingerprint, b.machine.fingerprint);
  if (environment.length > 0) {
    warnings.push(`different environment (not the hardware): ${environment.join("; ")}`);
  }
  if (a.machine.id !== b.machine.id || hardware.length > 0) {
    warnings.push(
      (a.machine.id === b.machine.id
        ? `one folder (${a.machine.id}) but different hardware`
        : `different machines: ${a.machine.id} and ${b.machine.id}`) +
        (hardware.length > 0 ? ` (${hardware.join("; ")})` : ""),
    );
  }
  const within = rows.filter((r) => r.noise.source === "within run");
  if (within.length > 0) {
    warnings.push(
      `${within.length} series judged on the two runs' own trials (no replicates of A's or B's ` +
        "commit in the archive): how far runs drift apart on this machine is not known, so a " +
        "verdict may be drift; run each side again to get replicates",
    );
  }
  return { rows, warnings, differences };
}
