/**
 * `deno task bench`: options → build → trials in two processes → samples →
 * statistics → report → archive. Prints the original experiment's lines, the
 * ratio and a table; writes a JSON and a Markdown report into `--out`.
 *
 * @module
 */

import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { ensureWritableDir, keepAside, saveReport } from "../src/archive/archive.ts";
import { exitCleanlyOnSignals, onInterrupt } from "../src/base/cleanup.ts";
import {
  gitState,
  idleCheck,
  loadAverage,
  readCpuTimes,
  readEnvironment,
  tscRefusal,
} from "../src/context/environment.ts";
import { requireLinux, RunError, runMain, UsageError } from "../src/base/errors.ts";
import { colorsFor } from "../src/base/format.ts";
import { helpText, parseBenchOptions } from "../src/plan/options.ts";
import { progressReporter } from "../src/render/progress.ts";
import { buildReport } from "../src/report/build.ts";
import { collectSamples } from "../src/run/sampling.ts";
import { checkSharedMemory, readMemoryRoom } from "../src/context/resources.ts";
import { PRIVATE_DIR_PREFIX, removeStaleLeftovers } from "../src/memory/stale.ts";
import { measureYardsticks } from "../src/run/yardsticks.ts";
import { plannedControls } from "../src/plan/controls.ts";
import { NICE_UNKNOWN } from "../ffi/symbols.ts";
import { currentMachine } from "../src/context/machine.ts";
import { takeBenchLock } from "../src/context/lock.ts";
import type { Report } from "../src/report/report.ts";
import { encodeReport } from "../src/report/encoding.ts";
import { renderSummary } from "../src/render/terminal.ts";
import { allowedCpus, readTopology, resolvePlacement } from "../src/context/topology.ts";
import { formatSize, planSeries } from "../src/plan/series.ts";
import {
  placementsFor,
  rerunCommand,
  seriesAvailable,
  seriesWithinLimits,
} from "../src/plan/limits.ts";
import { segmentBytes } from "../src/memory/segment.ts";
import { trialLayout } from "../src/run/trial.ts";
import { transportNamed } from "../src/transports/mod.ts";
import type { Transport } from "../src/transports/mod.ts";

/** The checkout this task runs from, when it runs from one (not from a URL). */
const PROJECT = new URL("..", import.meta.url);

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

async function main(): Promise<void> {
  const options = parseBenchOptions(Deno.args);
  if (options.help) {
    console.log(helpText());
    return;
  }
  requireLinux();
  const machine = await currentMachine(options.machine ?? undefined);
  // One bench at a time: held until this process ends.
  await takeBenchLock({
    wait: options.waitForLock,
    onWait: (holder) =>
      console.error(`waiting for the bench ${holder === null ? "" : `of pid ${holder} `}to finish`),
  });
  if (options.save) await ensureWritableDir(options.out);
  exitCleanlyOnSignals((signal) => console.error(`\nringpipe bench: interrupted by ${signal}`));
  const loadBefore = loadAverage();
  const stale = removeStaleLeftovers();
  if (stale.length > 0) {
    console.error(
      `removed ${stale.length} leftover(s) of earlier runs that crashed: ${stale.join(", ")}`,
    );
  }

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
      },
    ),
    options.allTransports,
  );
  const build = await buildShim();
  console.error(
    colorsFor(Deno.stderr).dim(`${build.compiled ? "built" : "using"} ${build.libraryPath}`),
  );
  using shim = Shim.open(build.libraryPath);
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
    try {
      outcome = await collectSamples(
        { shim, libraryPath: build.libraryPath, privateDir },
        {
          ...options,
          series,
          controls: plannedControls(series, {
            uringReads: yardsticks?.uring?.some((r) => !r.sqpoll) ?? false,
          }),
        },
        progress.onTrial,
      );
    } finally {
      progress.clear();
      await Deno.remove(privateDir, { recursive: true });
    }
  }

  const supervisorNice = shim.symbols.rp_nice_get();
  const environment = readEnvironment(build.compiler, shim, {
    loadBefore,
    idleCheck: quiet,
    runStart,
  });
  const report = buildReport(outcome, {
    options,
    environment,
    machine,
    placement,
    git: PROJECT.protocol === "file:"
      ? await gitState(decodeURIComponent(PROJECT.pathname))
      : { commit: null, dirty: null },
    command: rerunCommand(Deno.args),
    createdAt,
    supervisorNice: supervisorNice === NICE_UNKNOWN ? null : supervisorNice,
    notes: skipped,
    yardsticks,
  });
  console.log(renderSummary(report, colorsFor(Deno.stdout)));
  if (options.save) await save(report, options.out);
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

if (import.meta.main) await runMain("bench", main);
