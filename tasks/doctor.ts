/**
 * `deno task doctor`: read-only checks of this machine for quiet IPC figures,
 * each with advice. Changes nothing; measures the clock with the shim only if
 * it is already built.
 *
 * @module
 */

import { planBuild } from "../ffi/build.ts";
import type { CompilerInfo } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import type { Check } from "../src/context/doctor.ts";
import { uringSupport } from "../src/transports/uring.ts";
import { doctorChecks } from "../src/context/doctor.ts";
import { idleCheck, loadAverage, readEnvironment } from "../src/context/environment.ts";
import { requireLinux, runMain, UsageError } from "../src/base/errors.ts";
import { colorsFor } from "../src/base/format.ts";

/** Whether io_uring rings, plain and SQPOLL, can be set up here (for pipe-uring*, the file server). */
function uringChecks(shim: Shim | null): Check[] {
  if (shim === null) {
    return [{
      status: "info",
      topic: "io_uring",
      finding: "not checked: the shim is not built yet",
      advice: "deno task build, then run doctor again",
    }];
  }
  const support = uringSupport(shim);
  return ([["io_uring", support.plain], ["io_uring SQPOLL", support.sqpoll]] as const).map((
    [topic, ring],
  ) =>
    "unavailable" in ring
      ? {
        status: "info",
        topic,
        finding: `unavailable: ${ring.unavailable}`,
        advice: topic === "io_uring"
          ? "pipe-uring transports and the file server's io_uring reads are skipped here"
          : "pipe-uring-sqpoll and the SQPOLL reads are skipped here",
      }
      : {
        status: "ok",
        topic,
        finding: `rings can be set up (flags ${ring.names.join("|") || "none"})`,
        advice: null,
      }
  );
}

async function main(): Promise<void> {
  requireLinux();
  const loadBefore = loadAverage();
  const extra: Check[] = [];
  let compiler: CompilerInfo = {
    command: "cc",
    path: null,
    version: "none",
    cflags: [],
    arguments: [],
  };
  let shim: Shim | null = null;
  try {
    const plan = await planBuild();
    compiler = plan.compiler;
    extra.push({
      status: "ok",
      topic: "compiler",
      finding: `${compiler.command}: ${compiler.version}`,
      advice: null,
    });
    if (plan.built) shim = Shim.open(plan.libraryPath);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    extra.push({
      status: "warn",
      topic: "compiler",
      finding: error.message,
      advice: "apt-get install gcc, or set CC",
    });
  }
  extra.push(...uringChecks(shim));
  try {
    const observed = { loadBefore, idleCheck: await idleCheck(500), runStart: null };
    const checks = [...extra, ...doctorChecks(readEnvironment(compiler, shim, observed))];
    const c = colorsFor(Deno.stdout);
    const label = { ok: c.dim("ok  "), warn: c.yellow("warn"), info: "info" };
    console.log("ringpipe doctor: read-only checks; nothing was changed\n");
    for (const check of checks) {
      console.log(`${label[check.status]}  ${check.topic}: ${check.finding}`);
      if (check.advice !== null) console.log(`      ${c.dim(`-> ${check.advice}`)}`);
    }
    const warnings = checks.filter((check) => check.status === "warn").length;
    console.log(`\n${checks.length} checks, ${warnings} warning${warnings === 1 ? "" : "s"}`);
  } finally {
    shim?.close();
  }
}

if (import.meta.main) await runMain("doctor", main);
