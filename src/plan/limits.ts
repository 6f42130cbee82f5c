/**
 * The rules that turn a request into the series to measure, kept out of the
 * task so they can be tested directly: which placements a `--placement`
 * asks for, which series a transport cannot carry (refused when named,
 * skipped with a note under `--transports all`), and the command line that
 * reruns a run.
 *
 * @module
 */

import { UsageError } from "../base/errors.ts";
import type { PlacementKind, PlacementRequest } from "../base/names.ts";
import type { Placement } from "../context/topology.ts";
import { formatSize } from "./series.ts";
import type { Series } from "./plan.ts";

/**
 * The placements to measure: the pair's two CPUs (`cross`, or `unpinned` with
 * `--pin none`), one CPU for both (`same`: the pair's first), or both.
 */
export function placementsFor(
  request: PlacementRequest,
  pair: Placement,
): { kind: PlacementKind; cpus: [number, number] | null }[] {
  const cross = pair.cpus === null
    ? { kind: "unpinned" as const, cpus: null }
    : { kind: "cross" as const, cpus: pair.cpus };
  const cpu = pair.cpus?.[0] ?? 0;
  const same = { kind: "same" as const, cpus: [cpu, cpu] as [number, number] };
  return request === "cross" ? [cross] : request === "same" ? [same] : [cross, same];
}

/**
 * Drops the series a transport cannot carry (a message above its limit):
 * refused with one line when the transport was named, skipped with a note
 * when it came with `--transports all`.
 */
export function seriesWithinLimits(
  all: Series[],
  allTransports: boolean,
): { series: Series[]; skipped: string[] } {
  const notes: string[] = [];
  const cannotServe = [
    ...new Set(
      all.filter((s) => s.mode === "fileserver" && s.transport.fileServer === false)
        .map((s) => s.transport.name),
    ),
  ];
  for (const name of cannotServe) {
    const why = `${name} cannot serve files (one message size each way)`;
    if (!allTransports) throw new UsageError(`${why}; leave ${name} out`);
    notes.push(`${name} skipped: ${why.slice(name.length + 1)}`);
  }
  // The deno engine has TypeScript loops for streams and ping-pong over some transports.
  const denoLess = all.filter((s) =>
    s.engine === "deno" && (s.transport.runSideDeno === undefined || s.mode === "fileserver")
  );
  if (denoLess.length > 0) {
    const have = [
      ...new Set(all.filter((s) => s.transport.runSideDeno).map((s) => s.transport.name)),
    ];
    notes.push(
      `the deno engine skipped ${denoLess.length} series: it has TypeScript loops for streams and ` +
        `ping-pong over ${
          have.length > 0 ? have.join(", ") : "shm, ring-futex, pipe and fifo"
        } only`,
    );
  }
  // A transport that cannot share one CPU between both loops is left out of `--placement same`.
  const notShared = all.filter((s) => s.placement === "same" && s.transport.notOnOneCpu);
  for (const name of new Set(notShared.map((s) => s.transport.name))) {
    const why = notShared.find((s) => s.transport.name === name)!.transport.notOnOneCpu!;
    notes.push(`${name} skipped with both loops on one CPU: ${why}`);
  }
  const skipped = new Map<string, { sizes: number[]; reason: string }>();
  const series = all.filter((s) => {
    if (cannotServe.includes(s.transport.name) || denoLess.includes(s) || notShared.includes(s)) {
      return false;
    }
    const limit = s.transport.messageLimits?.();
    if (limit === undefined || limit === null) return true;
    const { min = 0, max = Infinity } = limit;
    if (s.sizeBytes >= min && s.sizeBytes <= max) return true;
    const name = s.transport.name;
    const reason = s.sizeBytes > max
      ? `more than the ${max} bytes ${name} carries here (${limit.why})`
      : `less than the ${min} bytes ${name} needs (${limit.why})`;
    if (!allTransports) {
      throw new UsageError(
        `--sizes ${formatSize(s.sizeBytes)} is ${reason}; leave ${name} out or change the sizes`,
      );
    }
    const entry = skipped.get(name) ?? { sizes: [], reason };
    if (!entry.sizes.includes(s.sizeBytes)) entry.sizes.push(s.sizeBytes);
    skipped.set(name, entry);
    return false;
  });
  for (const [name, e] of skipped) {
    notes.push(`${name} skipped for ${e.sizes.map(formatSize).join(", ")}: ${e.reason}`);
  }
  if (series.length === 0) {
    throw new UsageError(`nothing to measure: ${notes.join("; ") || "no series"}`);
  }
  return { series, skipped: notes };
}

/**
 * Drops the series of transports this machine cannot run (`unavailable` says
 * why, such as io_uring refused by the kernel): refused with that reason when
 * the transport was named, skipped with one note each under `--transports all`.
 *
 * @throws {UsageError} When a named transport is unavailable, or nothing is left.
 * @example
 * ```ts ignore
 * import { seriesAvailable } from "./limits.ts";
 * const { series, skipped } = seriesAvailable(all, false, (t) => t.unavailable?.(shim) ?? null);
 * ```
 */
export function seriesAvailable(
  all: Series[],
  allTransports: boolean,
  unavailable: (transport: Series["transport"]) => string | null,
): { series: Series[]; skipped: string[] } {
  const why = new Map<string, string | null>();
  for (const s of all) {
    if (!why.has(s.transport.name)) why.set(s.transport.name, unavailable(s.transport));
  }
  const notes: string[] = [];
  for (const [name, reason] of why) {
    if (reason === null) continue;
    if (!allTransports) throw new UsageError(`${name} cannot run here: ${reason}; leave it out`);
    notes.push(`${name} skipped: ${reason}`);
  }
  const series = all.filter((s) => why.get(s.transport.name) === null);
  if (series.length === 0) throw new UsageError(`nothing to measure: ${notes.join("; ")}`);
  return { series, skipped: notes };
}

/** The command line that reruns this experiment, quoted for a POSIX shell. */
export function rerunCommand(args: string[]): string {
  const quote = (arg: string) =>
    /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
  const sudo = Deno.env.get("SUDO_UID") !== undefined && Deno.uid() === 0;
  return [sudo ? 'sudo "$(command -v deno)" task bench' : "deno task bench", ...args.map(quote)]
    .join(" ");
}
