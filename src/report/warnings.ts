/**
 * The warnings a report's figures and environment call for, and the
 * thresholds that raise them. Computed once when a report is built and kept
 * in its file, so a report says what its own run saw.
 *
 * @module
 */

import { CACHE_LINE_BYTES, seriesLabel } from "../plan/series.ts";

import { formatNs } from "../base/format.ts";
import { twoModes } from "../stats/statistics.ts";

import { HIGH_LAG1 } from "../stats/serial.ts";

import { controlSeries, controlWarning } from "./control_figures.ts";

import { halfWidth } from "./derived.ts";
import type { Report, ResultEntry } from "./report.ts";

/** A coefficient of variation above this earns a warning. */
export const CV_WARNING = 0.05;

/** Fewer timed trials than this per transport earn a warning. */
export const FEW_TRIALS = 10;

/** A first timed trial slower than this multiple of the median earns a warning. */
export const SLOW_FIRST_TRIAL = 1.25;

/** CPUs busier than this in the quiet moment before the run earn a warning. */
export const BUSY_WARNING = 0.2;

/** More hypervisor steal than this during the run earns a warning. */
export const STEAL_WARNING = 0.02;

/** Other processes using more than this share of all CPU time during the run earn a warning. */
export const OTHERS_WARNING = 0.05;

const percent = (fraction: number) =>
  Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : "?";

/** Names series in a warning, at most a few, with a count of the rest. */
function nameSome(names: string[]): string {
  const shown = names.slice(0, 4).join(", ");
  return names.length > 4 ? `${shown} and ${names.length - 4} more` : shown;
}

/**
 * The warnings a report's figures and environment call for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadReport } from "./schema.ts";
 * const report = await loadReport(new URL("../../docs/examples/report.json", import.meta.url).pathname);
 * import { reportWarnings } from "./warnings.ts";
 * const warnings = reportWarnings(report);
 * assert.ok(warnings.includes("virtual machine: other guests share the CPUs, so figures vary between runs"));
 * assert.deepEqual(reportWarnings({ ...report, kit: { ...report.kit, dirty: true } }).at(-1), "the checkout had uncommitted changes");
 * ```
 */
export function reportWarnings(report: Report): string[] {
  const list: string[] = [];
  const env = report.environment;
  const quiet = env.cpuActivity.idleCheck;
  const load = env.load.before?.[0];
  if (quiet !== null) {
    if (quiet.busy > BUSY_WARNING) {
      list.push(
        `machine busy: the CPUs were ${percent(quiet.busy)} busy in the ${
          quiet.seconds.toFixed(1)
        } s before the run`,
      );
    }
  } else if (load !== undefined && load >= Math.max(1, env.cpu.count / 4)) {
    list.push(`machine busy: load average ${load} before the run`);
  }
  const run = env.cpuActivity.run;
  if (run !== null && run.others !== undefined && run.others > OTHERS_WARNING) {
    list.push(
      `other processes used ${percent(run.others)} of all CPU time during the run (not this ` +
        "bench's): they competed with the loops; run on a quiet machine",
    );
  }
  if (run !== null && run.steal > STEAL_WARNING) {
    list.push(`the hypervisor took ${percent(run.steal)} of CPU time during the run (steal)`);
  }
  if (env.cpu.governor !== null && env.cpu.governor !== "performance") {
    list.push(`CPU frequency governor is '${env.cpu.governor}', not 'performance'`);
  }
  if (env.cpu.virtualMachine) {
    list.push("virtual machine: other guests share the CPUs, so figures vary between runs");
  }
  for (const p of report.processes) {
    if (p.niceRequested !== null && p.niceAchieved !== p.niceRequested) {
      list.push(
        `${p.role} asked for nice ${p.niceRequested} and ran at ${p.niceAchieved ?? "unknown"}` +
          (p.niceError ? ` (${p.niceError}); run under sudo to lower it` : ""),
      );
    }
    if (p.affinityError !== null) {
      list.push(`${p.role} could not be pinned to CPU ${p.affinityRequested} (${p.affinityError})`);
    }
  }
  for (const control of report.controls ?? []) {
    const result = controlSeries(report.results, control);
    const warning = result && controlWarning(control, result.nsPerItem.median, seriesLabel(result));
    if (warning) list.push(warning);
  }
  const group = env.scheduler;
  const producer = report.processes.find((p) => p.role === "producer");
  if (group?.autogroup && producer?.niceAchieved !== null && (producer?.niceAchieved ?? 0) < 0) {
    list.push(
      `nice ${
        producer!.niceAchieved
      } was achieved inside an autogroup (kernel.sched_autogroup_enabled=1): ` +
        "it ranks the loops only among this session's processes, not against other sessions'; " +
        "for that, set kernel.sched_autogroup_enabled=0 or run in a cgroup of its own",
    );
  }
  if (group?.cpuLimit !== null && group?.cpuLimit !== undefined && group.cpuLimit < env.cpu.count) {
    list.push(
      `the bench's cgroup (${group.cgroup}) may use ${group.cpuLimit} CPUs of ${env.cpu.count}: ` +
        "its loops are throttled when they exceed it",
    );
  }
  if (env.cpu.count < 2) {
    list.push("only one CPU: both processes share it, and the spinning ring waits for time slices");
  }
  const label = (r: ResultEntry) => seriesLabel(r);
  const shared = report.results.filter((r) =>
    r.placement !== "same" &&
    r.samples.some((s) =>
      s.producer.cpuStart === s.consumer.cpuStart || s.producer.cpuEnd === s.consumer.cpuEnd
    )
  );
  if (shared.length > 0) {
    list.push(`both loops ran on one CPU in some trials of ${nameSome(shared.map(label))}`);
  }
  const noisy = report.results.filter((r) => r.nsPerItem.cv > CV_WARNING);
  if (noisy.length > 0) {
    list.push(
      `the trials vary a lot (CV above ${percent(CV_WARNING)}): ` +
        nameSome(noisy.map((r) => `${label(r)} ${percent(r.nsPerItem.cv)}`)),
    );
  }
  for (const r of report.results) {
    const modes = twoModes(r.samples.map((s) => s.nsPerItem));
    if (modes !== null) {
      list.push(
        `${label(r)}: the trials fall into two groups (${modes.low.count} near ${
          formatNs(modes.low.median)
        } ns, ` +
          `${modes.high.count} near ${
            formatNs(modes.high.median)
          } ns): the machine changed state during the run`,
      );
    }
  }
  const dependent = report.results.filter((r) => r.nsPerItem.lag1 > HIGH_LAG1);
  if (dependent.length > 0) {
    list.push(
      `neighbouring trials are alike (lag-1 autocorrelation above ${HIGH_LAG1}): ` +
        nameSome(dependent.map((r) => `${label(r)} ${r.nsPerItem.lag1.toFixed(2)}`)) +
        "; their intervals are widened for it, and more rounds narrow them more than longer trials",
    );
  }
  const every = report.parameters.latencyEvery ?? 1;
  const aligned = report.results.filter((r) =>
    r.mode === "pingpong" && !r.paceNs && r.ringSlots !== null && r.sizeBytes < CACHE_LINE_BYTES
  );
  if (every > 1 && every % 2 === 0 && aligned.length > 0) {
    list.push(
      `--latency-every ${every} is even: in ${
        nameSome(aligned.map(label))
      } the timed round trips fall on the same few slot positions of each ${CACHE_LINE_BYTES}-byte ` +
        "cache line, so the percentiles describe those positions, not every round trip; an odd " +
        "value times them all alike",
    );
  }
  const few = report.results.filter((r) => r.samples.length < FEW_TRIALS);
  if (few.length > 0) {
    list.push(
      `fewer than ${FEW_TRIALS} timed trials: ` +
        nameSome(few.map((r) => `${label(r)} (${r.samples.length})`)),
    );
  }
  const slow = report.results.filter((r) =>
    r.samples.length > 0 && r.samples[0].nsPerItem > SLOW_FIRST_TRIAL * r.nsPerItem.median
  );
  if (slow.length > 0) {
    list.push(
      `slow first timed trial (above ${SLOW_FIRST_TRIAL}x the median): ` +
        nameSome(
          slow.map((r) =>
            `${label(r)} ${(r.samples[0].nsPerItem / r.nsPerItem.median).toFixed(2)}x`
          ),
        ),
    );
  }
  if (report.sampling.targetReached === false) {
    const wide = report.results.filter((r) => halfWidth(r) > report.parameters.targetCi);
    // The interval as it is (asymmetric), and its half-width, which is what the target bounds.
    const widths = nameSome(wide.map((r) => {
      const ci = r.nsPerItem.medianCi;
      return ci.level < 0.95
        ? `${label(r)} too few trials for 95%`
        : `${label(r)} ${formatNs(ci.low)}-${formatNs(ci.high)} ns, half-width ${
          percent(halfWidth(r))
        }`;
    }));
    list.push(
      `the CI target ±${
        percent(report.parameters.targetCi)
      } was not reached for ${wide.length} of ` +
        `${report.results.length} series (${widths}); ` +
        `stopped because the ${
          report.sampling.stopReason === "budget-spent"
            ? "time budget was spent"
            : "trial limit was hit"
        }`,
    );
  }
  if (report.kit.dirty) list.push("the checkout had uncommitted changes");
  return list;
}
