/**
 * `@ringpipe/ringpipe/report`: reading, comparing and rendering ringpipe
 * reports, as other tools need them. `loadReport` reads a report of any
 * schema version (upgraded on read) into the shape documented in
 * `docs/json-format.md`,
 * with every derived figure computed from the trials; `compareReports` is what
 * `deno task compare` prints.
 *
 * @example Compare a report with itself: nothing changed
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareReports, loadReport } from "./mod.ts";
 *
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * const { rows } = compareReports(report, report, 0.05);
 * assert.ok(rows.every((r) => r.verdict === "within noise" && r.ratio === 1));
 * ```
 *
 * @module
 */

// Reading a report: every version, upgraded and checked on read.
export { loadReport, parseReport, ReportError } from "../report/schema.ts";
export { UsageError } from "../base/errors.ts";
export { SCHEMA_VERSION } from "../report/report.ts";
// The report as read, and the shapes it is made of.
export type {
  Comparison,
  LatencyEntry,
  MeasuredSeries,
  Methods,
  NoiseBand,
  ProcessEntry,
  Report,
  ResultEntry,
  Sample,
  SideFigures,
} from "../report/report.ts";
export type {
  Engine,
  Mode,
  PinRequest,
  PlacementKind,
  PlacementRequest,
  WaitPolicy,
  WaitRequest,
} from "../base/names.ts";
export type { Interval, Outliers, Summary } from "../stats/statistics.ts";
export type { LatencySummary, SparseHistogram } from "../stats/histogram.ts";
export type {
  CacheInfo,
  CpuActivity,
  Environment,
  SchedulerGroup,
} from "../context/environment.ts";
export type { Fingerprint, Machine } from "../context/machine.ts";
export type { Placement } from "../context/topology.ts";
export type {
  Capacity,
  CompilerInfo,
  Parameters,
  StopReason,
  UringRead,
  UringSetup,
  Yardsticks,
} from "../base/measured.ts";
export type { ControlEntry } from "../report/control_figures.ts";
export type { ControlKind } from "../plan/control_kinds.ts";
// What a report says first: the original experiment's two lines.
export { originalLines } from "../report/headline.ts";
// Comparing runs.
export { compareReports } from "../report/compare.ts";
export type {
  CompareOptions,
  ComparisonRow,
  NoiseSource,
  ParameterDifference,
  TailRow,
  Verdict,
} from "../report/compare.ts";
// Rendering.
export { renderComparison } from "../render/compare.ts";
export { renderMarkdown } from "../render/markdown.ts";
export type { ChartFiles } from "../render/markdown.ts";
