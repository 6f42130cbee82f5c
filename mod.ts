/**
 * ringpipe: how much faster is a ring buffer in shared memory than a Unix
 * pipe for passing data between two processes on Linux, and why.
 *
 * The usual entry point is the task, `deno task bench`; this module exposes
 * the same pipeline for programs that want to drive it: build the C shim, run
 * trials between two worker processes, summarise, report and archive.
 *
 * @example Run a short bench and print the original experiment's lines
 * ```ts ignore
 * import {
 *   buildReport, buildShim, collectSamples, originalLines, parseBenchOptions, planSeries,
 *   readEnvironment, Shim, transportNamed,
 * } from "./mod.ts";
 *
 * const options = parseBenchOptions(["--quick"]);
 * const build = await buildShim();
 * using shim = Shim.open(build.libraryPath);
 * const privateDir = await Deno.makeTempDir();
 * const outcome = await collectSamples(
 *   { shim, libraryPath: build.libraryPath, privateDir },
 *   {
 *     ...options,
 *     series: planSeries(options.transports.map((n) => transportNamed(n)!), options.modes,
 *       options.sizes, [{ kind: "unpinned", cpus: null }]),
 *   },
 * );
 * const report = buildReport(outcome, {
 *   options, environment: readEnvironment(build.compiler, shim),
 *   placement: { request: "none", cpus: null, relation: "unpinned" },
 *   git: { commit: null, dirty: null }, command: "example", createdAt: new Date(), supervisorNice: 0,
 * });
 * console.log(originalLines(report).join("\n"));
 * ```
 *
 * @module
 */

export { ALWAYS_FLAGS, buildShim, DEFAULT_CFLAGS, planBuild, splitWords } from "./ffi/build.ts";
export type { BuildOptions, BuildPlan, BuildResult, CompilerInfo } from "./ffi/build.ts";
export { cString, schedPolicyName, Shim, ShimError } from "./ffi/library.ts";
export {
  ABI_VERSION,
  Mode as LoopMode,
  ResultField,
  Status,
  symbols,
  Wait,
} from "./ffi/symbols.ts";
export type { ShimSymbols } from "./ffi/symbols.ts";
export {
  DEFAULTS,
  helpText,
  parseBenchOptions,
  parseSize,
  QUICK,
  SIZE_LIMITS,
} from "./src/options.ts";
export type { BenchOptions, PinRequest, PlacementRequest } from "./src/options.ts";
export { Segment, SEGMENT_PREFIX, segmentBytes, segmentName } from "./src/segment.ts";
export type { SegmentLayout } from "./src/segment.ts";
export { ROLES, transportNamed, TRANSPORTS } from "./src/transports/mod.ts";
export type {
  Endpoint,
  PrepareContext,
  Role,
  SideContext,
  Transport,
} from "./src/transports/mod.ts";
export { runTrial, trialLayout } from "./src/trial.ts";
export type { TrialContext, TrialPlan, TrialResult } from "./src/trial.ts";
export { runWorker } from "./src/worker.ts";
export type { SideReport, WorkerSpec } from "./src/worker.ts";
export {
  collectSamples,
  MAX_TRIALS,
  medianHalfWidth,
  roundIterations,
  stoppingDecision,
} from "./src/sampling.ts";
export type {
  MeasuredTrial,
  SamplingOutcome,
  SamplingPlan,
  SeriesSamples,
  StoppingState,
  StopReason,
  TrialEvent,
} from "./src/sampling.ts";
export {
  bootstrapRatio,
  bootstrapRatios,
  median,
  medianInterval,
  METHODS,
  mulberry32,
  quantile,
  relativeHalfWidth,
  summarize,
  tukeyOutliers,
} from "./src/statistics.ts";
export type { BootstrapOptions, Interval, Outliers, Summary } from "./src/statistics.ts";
export {
  chooseCpuPair,
  cpuRelation,
  parseCpuList,
  readTopology,
  resolvePlacement,
} from "./src/topology.ts";
export type { CpuPlace, CpuRelation, Placement } from "./src/topology.ts";
export { doctorChecks } from "./src/doctor.ts";
export type { Check } from "./src/doctor.ts";
export { progressLine, progressReporter } from "./src/progress.ts";
export type { ProgressReporter } from "./src/progress.ts";
export {
  cpuModel,
  gitState,
  loadAverage,
  measureClock,
  readEnvironment,
} from "./src/environment.ts";
export type { CacheInfo, Environment } from "./src/environment.ts";
export { buildReport, halfWidth, KIT_VERSION, SCHEMA_VERSION, toSample } from "./src/report.ts";
export type {
  Comparison,
  ProcessEntry,
  Report,
  ReportContext,
  ResultEntry,
  Sample,
  SideFigures,
} from "./src/report.ts";
export { markdownTable, renderMarkdown } from "./src/markdown.ts";
export { renderSummary } from "./src/terminal.ts";
export {
  formatNs,
  formatRate,
  originalLine,
  originalLines,
  secondsWith18Decimals,
} from "./src/format.ts";
export { ORIGINAL } from "./src/original.ts";
export { ensureWritableDir, reportStem, saveReport } from "./src/archive.ts";
export type { SavedReport } from "./src/archive.ts";
export { RunError, UsageError } from "./src/errors.ts";
export {
  FILE_BYTES,
  fileServerSection,
  fileServerSentences,
  measureYardsticks,
} from "./src/fileserver.ts";
export type { Yardsticks } from "./src/fileserver.ts";
export {
  currentMachine,
  fingerprintDifferences,
  fingerprintId,
  readFingerprint,
} from "./src/machine.ts";
export type { Fingerprint, Machine } from "./src/machine.ts";
export { loadReport, parseReport, ReportError, validateReport } from "./src/schema.ts";
export { headline, listReports, migrateFlatReports, renderIndex } from "./src/catalog.ts";
export type { ArchivedReport, ArchiveListing } from "./src/catalog.ts";
export {
  compareReports,
  MIN_COMPARABLE_TRIALS,
  parameterDifferences,
  renderComparison,
  sameParameters,
  verdictFor,
} from "./src/compare.ts";
export type {
  CompareOptions,
  ComparisonRow,
  NoiseSource,
  ParameterDifference,
  TailRow,
  Verdict,
} from "./src/compare.ts";
export { machineDir, renderedFiles, writeIfChanged } from "./src/archive.ts";
export { noiseBand, reportWarnings, trialFigures } from "./src/report.ts";
export type { LatencyEntry, NoiseBand } from "./src/report.ts";
export { removeStaleLeftovers } from "./src/stale.ts";
export { checkSharedMemory, readMemoryRoom } from "./src/resources.ts";
export { exitCleanlyOnSignals, onInterrupt, runPendingCleanups } from "./src/cleanup.ts";
export { mannWhitney, twoModes } from "./src/statistics.ts";
export { modeCode, waitCode } from "./src/series.ts";
export type { WaitPolicy } from "./src/series.ts";
export type { Group } from "./src/statistics.ts";
export type { CpuActivity, CpuTimes, RunObservations } from "./src/environment.ts";
export type { MemoryRoom } from "./src/resources.ts";
export type { StaleLocations } from "./src/stale.ts";
export type { ChartFiles } from "./src/markdown.ts";
export type { Colors } from "./src/format.ts";
export {
  formatSize,
  MIN_RING_SLOTS,
  MODES,
  planSeries,
  RING_BYTES_LIMIT,
  ringSlotsFor,
  seriesLabel,
  waitPolicy,
} from "./src/series.ts";
export type { Mode, PlacementKind, Series } from "./src/series.ts";
export {
  bucketBounds,
  bucketIndex,
  HISTOGRAM_BUCKETS,
  histogramOf,
  histogramPercentile,
  latencySummary,
  mergeHistograms,
  toSparse,
} from "./src/histogram.ts";
export type { LatencySummary, SparseHistogram } from "./src/histogram.ts";
export { ratioOverTimeChart, renderCharts } from "./src/charts.ts";
export type { Charts, RatioPoint } from "./src/charts.ts";
export { Channel, ChannelError } from "./src/channel.ts";
export type { ChannelOptions } from "./src/channel.ts";
export type { Engine } from "./src/series.ts";
