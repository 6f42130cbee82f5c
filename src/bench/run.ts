/**
 * A bench run, start to end: options → build → trials in two processes →
 * samples → statistics → report → archive. `deno task bench` is this with the
 * process's arguments; a test can give it a fake trial runner and run it in
 * its own process.
 *
 * @module
 */

import { buildShim } from "../../ffi/build.ts";
import { buildVariants } from "./variants.ts";
import { cString, Shim } from "../../ffi/library.ts";
import { archiveMachine, ensureWritableDir, keepAside, saveReport } from "../archive/archive.ts";
import { onInterrupt } from "../base/cleanup.ts";
import {
  gitState,
  idleCheck,
  loadAverage,
  readCpuTimes,
  readEnvironment,
  tscRefusal,
} from "../context/environment.ts";
import { requireLinux, RunError, UsageError } from "../base/errors.ts";
import { colorsFor } from "../base/format.ts";
import { helpText, parseBenchOptions } from "../plan/options.ts";
import { progressReporter } from "../render/progress.ts";
import { buildReport } from "../report/build.ts";
import { WorkerPool } from "../run/pool.ts";
import { collectSamples } from "../run/sampling.ts";
import type { TrialRunner } from "../run/sampling.ts";
import { checkSharedMemory, readMemoryRoom } from "../context/resources.ts";
import { PRIVATE_DIR_PREFIX, removeStaleLeftovers } from "../memory/stale.ts";
import { sweepChannels } from "../channel/sweep.ts";
import { measureYardsticks } from "../run/yardsticks.ts";
import { plannedControls } from "../plan/controls.ts";
import { NICE_UNKNOWN } from "../../ffi/symbols.ts";
import { currentMachine } from "../context/machine.ts";
import { takeBenchLock } from "../context/lock.ts";
import type { Report } from "../report/report.ts";
import { encodeReport } from "../report/encoding.ts";
import { renderSummary } from "../render/terminal.ts";
import { allowedCpus, readTopology, resolvePlacement } from "../context/topology.ts";
import { formatSize } from "../plan/series.ts";
import { planSeries } from "../plan/plan.ts";
import {
  placementsFor,
  rerunCommand,
  seriesAvailable,
  seriesWithinLimits,
} from "../plan/limits.ts";
import { segmentBytes } from "../memory/segment.ts";
import { trialLayout } from "../run/trial.ts";
import { transportNamed } from "../transports/mod.ts";
import type { Transport } from "../transports/mod.ts";

/** The checkout this task runs from, when it runs from one (not from a URL). */
const PROJECT = new URL("../..", import.meta.url);

/**
 * What stamps the ping-pong client's sampled round trips: what was asked;
 * asking for the TSC where it cannot be trusted is one line and exit 2.
 */
function latencyStamp(asked: "tsc" | "clock"): "tsc" | "clock" {
  const refused = asked === "tsc" ? tscRefusal() : null;
  if (refused !== null) {
    throw new UsageError(`--latency-stamp tsc: the TSC cannot time round trips here: ${refused}`);
  }
  return asked;
}

/** The git checkout `--variant LABEL=@REF` reads revisions from: this kit's own. */
function projectDir(specs: readonly { ref?: string; text: string }[]): string {
  const wanted = specs.find((v) => v.ref !== undefined);
  if (PROJECT.protocol !== "file:" && wanted !== undefined) {
    throw new UsageError(
      `--variant ${wanted.text}: a revision needs the kit run from its git checkout`,
    );
  }
  return decodeURIComponent(PROJECT.pathname);
}

/** What {@link runBench} can be given instead of the real thing, for tests. */
export interface BenchDependencies {
  /** Runs one trial: two worker processes for real (`runTrial`), a fake in tests. */
  runner?: TrialRunner;
}

/**
 * One bench run from its command line: options, the machine, the plan, the shim, the trials, the
 * report (printed, and archived unless `--no-save`). Returns the report, or null for `--help`.
 * Holds the machine's bench lock while it runs.
 *
 * @example
 * ```ts ignore
 * import { runBench } from "./run.ts";
 * const report = await runBench(["--quick", "--no-save"]);
 * console.log(report?.comparisons[0]?.ratio);
 * ```
 * @throws {UsageError} for bad options, a bench already running, or a machine that cannot run
 * what was asked (exit code 2 at the top of a task).
 * @throws {RunError} when a trial or the archive fails (exit code 1).
 */
export async function runBench(
  args: string[],
  dependencies: BenchDependencies = {},
): Promise<Report | null> {
  const options = parseBenchOptions(args);
  if (options.help) {
    console.log(helpText());
    return null;
  }
  requireLinux();
  const machine = await archiveMachine(
    options.out,
    await currentMachine(options.machine ?? undefined),
  );
  // One bench at a time, for as long as this run lasts.
  using _lock = await takeBenchLock({
    wait: options.waitForLock,
    onWait: (holder) =>
      console.error(`waiting for the bench ${holder === null ? "" : `of pid ${holder} `}to finish`),
  });
  if (options.save) await ensureWritableDir(options.out);
  const loadBefore = loadAverage();

  const placement = resolvePlacement(options.pin, readTopology(allowedCpus()));
  const { series: wanted, skipped: outsideLimits } = seriesWithinLimits(
    planSeries(
      options.transports.map((name) => transportNamed(name) as Transport),
      options.modes,
      options.sizes,
      placementsFor(options.placement, placement),
      {
        wait: options.wait,
        paceNs: options.paceNs,
        depths: options.depths,
        engines: options.engines,
        publishEvery: options.publishEvery,
        spinBeforeSleepNs: options.spinBeforeSleepNs,
        latencyEvery: options.latencyEvery,
        uringBatch: options.uringBatch,
        latencyStamp: latencyStamp(options.latencyStamp),
        ...(options.variants.length === 0
          ? {}
          : { variants: options.variants.map((v) => v.label) }),
      },
    ),
    options.allTransports,
  );
  const variants = await buildVariants(options.variants, projectDir(options.variants));
  // A run of several builds measures everything else (controls, yardsticks) with the first.
  const build = variants[0] ?? await buildShim();
  for (const b of variants.length === 0 ? [build] : variants) {
    console.error(
      colorsFor(Deno.stderr).dim(
        `${b.compiled ? "built" : "using"} ${b.libraryPath}` +
          ("label" in b
            ? ` for ${b.label} (${b.compiler.command} ${b.compiler.cflags.join(" ")})`
            : ""),
      ),
    );
  }
  using shim = Shim.open(build.libraryPath);
  // The deno engine's channels too: a supervisor killed mid-trial leaves them; and message queues.
  const stale = [
    ...removeStaleLeftovers(undefined, (name) => shim.symbols.rp_mq_unlink(cString(name))),
    ...sweepChannels().map((name) => `/dev/shm${name}`),
  ];
  if (stale.length > 0) {
    console.error(
      `removed ${stale.length} leftover(s) of earlier runs that crashed: ${stale.join(", ")}`,
    );
  }
  const available = seriesAvailable(
    wanted,
    options.allTransports,
    (t) => t.unavailable?.(shim) ?? null,
  );
  const series = available.series.map((s) => {
    const uring = s.transport.uringSetup?.(shim, s);
    return uring ? { ...s, uring } : s;
  });
  const skipped = [...outsideLimits, ...available.skipped];
  for (const note of skipped) console.error(note);
  const largest = Math.max(
    ...series.map((s) =>
      segmentBytes(shim, trialLayout({ series: s, ringSlots: options.ringSlots }))
    ),
  );
  checkSharedMemory(
    largest,
    readMemoryRoom(shim),
    `--sizes ${formatSize(Math.max(...options.sizes))} with --ring-slots ${options.ringSlots}`,
  );
  const yardsticks = options.scenario === "fileserver"
    ? measureYardsticks(shim, options.sizes, {
      depths: options.depths,
      cpus: placement.cpus,
      spinBeforeSleepNs: options.spinBeforeSleepNs,
    })
    : undefined;
  if (yardsticks?.uringUnavailable !== undefined) {
    skipped.push(`io_uring reads skipped: ${yardsticks.uringUnavailable}`);
    console.error(skipped.at(-1));
  }
  // Half a second of doing nothing: whatever is busy now is someone else's load.
  const quiet = await idleCheck(500);
  const createdAt = new Date();
  const runStart = readCpuTimes();
  const progress = progressReporter(options);

  // Mode 0700, named with our pid so a later run can tell whether we are still alive.
  const privateDir = await Deno.makeTempDir({ prefix: `${PRIVATE_DIR_PREFIX}${Deno.pid}-` });
  let outcome;
  {
    using _undo = onInterrupt(() => Deno.removeSync(privateDir, { recursive: true }));
    // The worker processes, kept for the whole run (see ../run/pool.ts).
    await using workers = new WorkerPool();
    try {
      outcome = await collectSamples(
        {
          shim,
          libraryPath: build.libraryPath,
          privateDir,
          libraries: Object.fromEntries(variants.map((v) => [v.label, v.libraryPath])),
          workers,
        },
        {
          ...options,
          series,
          controls: plannedControls(series, {
            uringReads: yardsticks?.uring?.some((r) => !r.sqpoll) ?? false,
          }),
        },
        progress.onTrial,
        dependencies.runner,
      );
    } finally {
      progress.clear();
      await Deno.remove(privateDir, { recursive: true });
    }
  }

  const supervisorNice = shim.symbols.rp_nice_get();
  const environment = {
    ...readEnvironment(build.compiler, shim, { loadBefore, idleCheck: quiet, runStart }),
    ...(variants.length === 0 ? {} : {
      variants: variants.map(({ label, compiler, revision, shimKey }) => ({
        label,
        compiler,
        revision,
        shimKey,
      })),
    }),
  };
  const report = buildReport(outcome, {
    options,
    environment,
    machine,
    placement,
    git: PROJECT.protocol === "file:"
      ? await gitState(decodeURIComponent(PROJECT.pathname))
      : { commit: null, dirty: null },
    command: rerunCommand(args),
    createdAt,
    supervisorNice: supervisorNice === NICE_UNKNOWN ? null : supervisorNice,
    notes: skipped,
    yardsticks,
  });
  console.log(renderSummary(report, colorsFor(Deno.stdout)));
  if (options.save) await save(report, options.out);
  return report;
}

/**
 * Writes the report into the archive. When the file system refuses (full,
 * read-only, no permission), what was written is taken back, the measured run
 * is kept in a temporary file (or printed as JSON when even that fails), and
 * the bench fails with one line.
 */
async function save(report: Report, root: string): Promise<void> {
  let saved;
  try {
    saved = await saveReport(report, root);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const why = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    const where = `${root}/${report.machine.id}`;
    const kept = await keepAside(report);
    if (kept === null) console.log(encodeReport(report));
    throw new RunError(
      `could not write the report into ${where} (${why}); the measured run is ${
        kept === null ? "printed above as JSON" : `kept in ${kept}`
      }: move it into ${where}/ and run deno task report to archive it`,
      { cause: error },
    );
  }
  for (const warning of report.warnings.filter((w) => w.startsWith("this machine is not"))) {
    console.error(`warning: ${warning}`);
  }
  console.log(
    `\nreport: ${[saved.jsonPath, saved.markdownPath, ...saved.chartPaths].join("\n        ")}`,
  );
}
