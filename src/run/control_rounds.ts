/**
 * Measuring the controls planned in `../plan/controls.ts`: one round of a
 * control is one measurement of the same length as its series' trial, taken
 * right beside that trial (before it in one round, after it in the next).
 *
 * - `pipe-loop`: `rp_yardstick_pipe`, a plain C loop over `pipe(2)` run from
 *   the supervisor (a forked reader, one `write()` and one `read()` of 8 bytes
 *   per item, every item checked), on the series' two CPUs.
 * - `unstamped`: a trial of the series itself, whose client stamps only its
 *   first round trip.
 * - `pread`, `uring-read`, `null-syscall`: the file server's baselines, in
 *   the supervisor, as many calls as the series' trial has requests; the
 *   reads from a file of the server's size in the run's private directory,
 *   made for the round and removed after it.
 *
 * @module
 */

import { cString } from "../../ffi/library.ts";
import type { Shim } from "../../ffi/library.ts";
import { NICE_UNKNOWN } from "../../ffi/symbols.ts";
import { UNSTAMPED_EVERY } from "../plan/controls.ts";
import type { ControlPlan } from "../plan/controls.ts";
import { formatSize } from "../plan/series.ts";
import { settingsArray, SQ_THREAD_IDLE_MS, uringSupport } from "../transports/uring.ts";
import { FILE_BYTES } from "../plan/series.ts";
import type { TrialContext, TrialPlan, TrialResult } from "./trial.ts";

/** Runs `body` at the workers' nice (this thread's, which a forked child inherits), then puts it back. */
function atNice<T>(shim: Shim, nice: number | null, body: () => T): T {
  const before = shim.symbols.rp_nice_get();
  if (nice !== null) shim.symbols.rp_nice_set(0, nice);
  try {
    return body();
  } finally {
    if (nice !== null && before !== NICE_UNKNOWN) shim.symbols.rp_nice_set(0, before);
  }
}

/** One round of a file-server baseline: mean ns per call or read. */
function baseline(
  context: Pick<TrialContext, "shim" | "privateDir">,
  kind: "pread" | "uring-read" | "null-syscall",
  plan: TrialPlan,
): number {
  const { shim } = context;
  const count = BigInt(plan.iterations);
  const size = plan.series.sizeBytes;
  const path = cString(`${context.privateDir}/baseline`);
  if (kind === "null-syscall") {
    return Number(shim.symbols.rp_yardstick_syscall(count)) / plan.iterations;
  }
  if (kind === "pread") {
    const ns = Number(
      shim.symbols.rp_yardstick_pread(path, BigInt(FILE_BYTES), BigInt(size), count),
    );
    shim.check(ns, `pread control (${formatSize(size)})`);
    return ns / plan.iterations;
  }
  const plain = uringSupport(shim).plain;
  if ("unavailable" in plain) throw new RangeError(`io_uring reads: ${plain.unavailable}`);
  const cpu = plan.series.cpus?.[0] ?? -1;
  const setup = settingsArray({
    flags: plain.flags,
    sqCpu: -1,
    idleMs: SQ_THREAD_IDLE_MS,
    batch: 1,
    spinNs: 0,
  });
  const out = new BigUint64Array(3);
  shim.check(
    shim.symbols.rp_yardstick_uring(
      path,
      BigInt(FILE_BYTES),
      BigInt(size),
      count,
      1,
      setup,
      cpu,
      out,
    ),
    `io_uring read control (${formatSize(size)})`,
  );
  return Number(out[0]) / plan.iterations;
}

/**
 * Measures one round of `control`: ns per item (per 8-byte item, or per round trip).
 *
 * @example
 * ```ts ignore
 * import { measureControl } from "./control_rounds.ts";
 * console.log(await measureControl(context, control, plan, (p) => runTrial(context, p, "c1")));
 * ```
 * @throws {ShimError} when the pipe loop or a baseline fails (fork, pipe, a file, io_uring, or
 * data that does not check out).
 * @throws {RunError} when the unstamped trial fails, as any trial does.
 */
export async function measureControl(
  context: Pick<TrialContext, "shim" | "privateDir">,
  control: ControlPlan,
  plan: TrialPlan,
  trial: (plan: TrialPlan) => Promise<TrialResult>,
): Promise<number> {
  const { shim } = context;
  if (control.kind === "unstamped") {
    const series = { ...plan.series, latencyEvery: UNSTAMPED_EVERY };
    return (await trial({ ...plan, series })).nsPerItem;
  }
  if (control.kind !== "pipe-loop") {
    const kind = control.kind;
    return atNice(shim, plan.nice, () => baseline(context, kind, plan));
  }
  const cpus = plan.series.cpus;
  return atNice(shim, plan.nice, () => {
    const ns = Number(
      shim.symbols.rp_yardstick_pipe(BigInt(plan.iterations), cpus?.[0] ?? -1, cpus?.[1] ?? -1),
    );
    shim.check(ns, "the pipe(2) yardstick");
    return ns / plan.iterations;
  });
}
