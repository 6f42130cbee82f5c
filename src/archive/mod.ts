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

export { encodeReport } from "../report/encoding.ts";
export { loadReport, parseReport, ReportError, validateReport } from "../report/schema.ts";
export { SCHEMA_VERSION } from "../report/report.ts";
export type {
  Comparison,
  LatencyEntry,
  Methods,
  NoiseBand,
  ProcessEntry,
  Report,
  ResultEntry,
  Sample,
  SideFigures,
} from "../report/report.ts";
export { headline, originalLines } from "../report/headline.ts";
export type { Headline } from "../report/headline.ts";
export { seriesKey } from "../plan/series.ts";
export type { SeriesIdentity } from "../plan/series.ts";
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
export type { UringRead, Yardsticks } from "../base/measured.ts";
export {
  compareControls,
  compareReports,
  parameterDifferences,
  replicatesOf,
  sameParameters,
  verdictFor,
} from "../report/compare.ts";
export type {
  CompareOptions,
  ComparisonRow,
  ControlComparison,
  NoiseSource,
  ParameterDifference,
  TailRow,
  Verdict,
} from "../report/compare.ts";
export { renderComparison, renderControlComparison } from "../render/compare.ts";
export { listReports } from "./catalog.ts";
export type { ArchiveListing } from "./catalog.ts";
export { renderMarkdown } from "../render/markdown.ts";
export type { ChartFiles } from "../render/markdown.ts";
export type { Charts } from "../render/charts.ts";
export type { StopReason } from "../base/measured.ts";
export type { Role, UringSetup } from "../base/measured.ts";
export type { CpuRelation } from "../context/topology.ts";
export type { CompilerInfo } from "../base/measured.ts";
export { UsageError } from "../base/errors.ts";
export type { Parameters } from "../base/measured.ts";
export type * from "../report/file.ts";
export type { ControlEntry, ControlFigures } from "../report/control_figures.ts";
export type { ControlKind } from "../plan/control_kinds.ts";
export type { Capacity } from "../base/measured.ts";
