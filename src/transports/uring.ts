/**
 * `pipe-uring` and `pipe-uring-sqpoll`: the monolithic kernel's own answer to
 * the essay. The same anonymous pipe as `pipe`, but each side's `write()` and
 * `read()` go through an io_uring of its own: a submission ring and a
 * completion ring shared with the kernel. Plain, one `io_uring_enter()`
 * submits a batch and waits for it; with SQPOLL a kernel thread takes
 * submissions off the ring, so a busy side makes no system call at all, and
 * that thread's CPU time is counted with the side's. The C side is
 * `ffi/uring.c` (raw system calls, no liburing).
 *
 * Everything the rings are set up with is chosen here and recorded per series
 * ({@link UringSetup}): the setup flags (the best the kernel takes, probed
 * once), the batch, and where the SQPOLL threads run.
 *
 * @module
 */

import type { Shim } from "../../ffi/library.ts";
import { modeCode, UringSetting } from "../../ffi/symbols.ts";
import { allowedCpus } from "../context/topology.ts";
import { withPipeEnds } from "./pipe_ends.ts";
import { pipe } from "./pipe.ts";
import type { Endpoint, Transport, UringSetup } from "./types.ts";
import { roleIndex } from "./types.ts";

/** `IORING_SETUP_*` flags the kit uses (`<linux/io_uring.h>`), by the names reports give them. */
export const SETUP_FLAGS: Readonly<Record<string, number>> = {
  SQPOLL: 1 << 1,
  COOP_TASKRUN: 1 << 8,
  SINGLE_ISSUER: 1 << 12,
  DEFER_TASKRUN: 1 << 13,
};

/**
 * The bits of recorded flag names.
 *
 * @throws {Error} For a name the kit does not know.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setupBits } from "./uring.ts";
 * assert.equal(setupBits(["SQPOLL", "SINGLE_ISSUER"]), (1 << 1) | (1 << 12));
 * ```
 */
export function setupBits(names: readonly string[]): number {
  return names.reduce((bits, name) => {
    const bit = SETUP_FLAGS[name];
    if (bit === undefined) throw new Error(`unknown io_uring setup flag ${name}`);
    return bits | bit;
  }, 0);
}

/** Stream: messages submitted (and waited for) together, at most; fewer when 64 KiB holds fewer. */
export const URING_BATCH = 16;

/** How long an SQPOLL thread keeps polling an idle ring before it sleeps, ms. */
export const SQ_THREAD_IDLE_MS = 10;

/** Set this to `off` to run as if the kernel had no io_uring (a locked-down container, say). */
export const URING_ENV = "RINGPIPE_IO_URING";

/** How a kind of ring is set up here, or why it cannot be. */
export type RingSupport = { flags: number; names: string[] } | { unavailable: string };

/** What io_uring can do on this machine, for this process. */
export interface UringSupport {
  /** Rings that the process submits to with `io_uring_enter()`. */
  plain: RingSupport;
  /** Rings with a kernel polling thread (`IORING_SETUP_SQPOLL`). */
  sqpoll: RingSupport;
}

/** The setups tried, the best first: what the kernel refuses falls back to the next. */
const PLAIN_CHOICES: string[][] = [["SINGLE_ISSUER", "DEFER_TASKRUN"], ["COOP_TASKRUN"], []];
const SQPOLL_CHOICES: string[][] = [["SQPOLL", "SINGLE_ISSUER"], ["SQPOLL"]];

/**
 * Why io_uring_setup() failed with `errno`, in words a reader can act on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uringRefusal } from "./uring.ts";
 * assert.match(uringRefusal(1, 2), /kernel.io_uring_disabled=2/);
 * ```
 */
export function uringRefusal(errno: number, disabled: number | null): string {
  const setting = disabled === null ? "" : ` (kernel.io_uring_disabled=${disabled})`;
  if (errno === 38) {
    return "no io_uring_setup(): the kernel is too old or hides it (a seccomp filter), or the " +
      "shim was built against kernel headers without io_uring's read and write (before 5.6)";
  }
  if (errno === 95) {
    return "the kernel lacks what the transports need: the read and write operations (5.6), or " +
      "SQPOLL on descriptors that are not registered (5.11)";
  }
  if (errno === 1 || errno === 13) {
    return `io_uring is not permitted to this process${setting}: ` +
      "a sysctl, a seccomp filter or a missing privilege refuses it";
  }
  if (errno === 22) return "the kernel refused every set of setup flags the kit tries";
  if (errno === 12) return "io_uring could not get its memory (RLIMIT_MEMLOCK?)";
  if (errno === 3) {
    return "the kernel does not name the SQPOLL thread in the ring's fdinfo, so its CPU time " +
      "could not be counted";
  }
  return `io_uring_setup() failed with errno ${errno}`;
}

function readDisabled(): number | null {
  try {
    return Number(Deno.readTextFileSync("/proc/sys/kernel/io_uring_disabled").trim());
  } catch {
    return null;
  }
}

let cached: UringSupport | undefined;

/**
 * Probes, once per process, which setup flags the kernel takes for plain and
 * SQPOLL rings (the best first), or why it takes none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildShim } from "../../ffi/build.ts";
 * import { Shim } from "../../ffi/library.ts";
 * using shim = Shim.open((await buildShim()).libraryPath);
 * import { uringSupport } from "./uring.ts";
 * const support = uringSupport(shim); // each kind of ring: its flags, or why it cannot be had
 * for (const ring of [support.plain, support.sqpoll]) {
 *   assert.ok("unavailable" in ring ? ring.unavailable.length > 0 : Number.isInteger(ring.flags));
 * }
 * assert.equal(uringSupport(shim), support); // probed once per process
 * ```
 */
export function uringSupport(shim: Shim): UringSupport {
  if (cached !== undefined) return cached;
  if (Deno.env.get(URING_ENV) === "off") {
    const unavailable = `io_uring turned off by ${URING_ENV}=off`;
    return cached = { plain: { unavailable }, sqpoll: { unavailable } };
  }
  const probe = (choices: string[][]): RingSupport => {
    let errno = 0;
    for (const names of choices) {
      const flags = setupBits(names);
      const status = shim.symbols.rp_uring_probe(flags, -1);
      if (status === 0) return { flags, names };
      if (errno === 0 || errno === 22) errno = -status;
    }
    return { unavailable: uringRefusal(errno, readDisabled()) };
  };
  return cached = { plain: probe(PLAIN_CHOICES), sqpoll: probe(SQPOLL_CHOICES) };
}

/**
 * Where each side's SQPOLL thread runs, given the loops' CPUs: on CPUs the
 * loops do not use when there are any (the producer's thread on the first,
 * the consumer's on the second or the first), else on its own side's CPU,
 * where it takes turns with that side's loop; unpinned runs leave it to the
 * kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqThreadPlacement } from "./uring.ts";
 * assert.deepEqual(sqThreadPlacement([0, 1], [0, 1]).cpus, [0, 1]);
 * assert.deepEqual(sqThreadPlacement([0, 1], [0, 1, 2, 3]).cpus, [2, 3]);
 * assert.deepEqual(sqThreadPlacement(null, [0, 1]).cpus, [null, null]);
 * ```
 */
export function sqThreadPlacement(
  loops: [number, number] | null,
  online: number[],
): { cpus: [number | null, number | null]; shares: string } {
  if (loops === null) return { cpus: [null, null], shares: "unpinned: the kernel places them" };
  const spare = online.filter((cpu) => !loops.includes(cpu));
  if (spare.length > 0) {
    return { cpus: [spare[0], spare[1] ?? spare[0]], shares: "no loop: they run on spare CPUs" };
  }
  if (loops[0] === loops[1]) {
    return { cpus: [loops[0], loops[0]], shares: "both loops: one CPU for all four threads" };
  }
  return {
    cpus: [loops[0], loops[1]],
    shares: "each its own side's loop (no spare CPU): they take turns",
  };
}

/**
 * How a series' rings are set up (null when this kind of ring is unavailable here): the flags
 * probed, the batch, and for SQPOLL where the threads run and whether a side spins before it
 * sleeps (`spinNs`, only when its thread has a CPU of its own).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uringSetup } from "./uring.ts";
 * const support = { plain: { flags: 0, names: [] }, sqpoll: { unavailable: "no" } };
 * assert.equal(uringSetup(support, true, "stream", [0, 1], 10_000), null);
 * assert.equal(uringSetup(support, false, "pingpong", [0, 1], 10_000)?.batch, 1);
 * ```
 */
export function uringSetup(
  support: UringSupport,
  sqpoll: boolean,
  mode: string,
  loops: [number, number] | null,
  spinBeforeSleepNs: number,
  batch = URING_BATCH,
): UringSetup | null {
  const ring = sqpoll ? support.sqpoll : support.plain;
  if ("unavailable" in ring) return null;
  const place = sqpoll ? sqThreadPlacement(loops, allowedCpus()) : null;
  const ownCpu = place !== null && place.cpus[0] !== null && loops !== null &&
    !loops.includes(place.cpus[0]);
  return {
    flags: ring.names,
    batch: mode === "stream" ? batch : 1,
    ...(place === null ? {} : {
      sqThread: { ...place, idleMs: SQ_THREAD_IDLE_MS, spinNs: ownCpu ? spinBeforeSleepNs : 0 },
    }),
  };
}

/**
 * The settings array the C side takes (`UringSetting` slots) for one side.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UringSetting } from "../../ffi/symbols.ts";
 * import { settingsArray } from "./uring.ts";
 * assert.equal(settingsArray({ flags: 2, sqCpu: -1, idleMs: 10, batch: 16, spinNs: 0 })[UringSetting.SQ_CPU], 2n ** 64n - 1n);
 * ```
 */
export function settingsArray(
  s: { flags: number; sqCpu: number; idleMs: number; batch: number; spinNs: number },
): BigUint64Array<ArrayBuffer> {
  const setup = new BigUint64Array(UringSetting.SETTINGS);
  setup[UringSetting.FLAGS] = BigInt(s.flags);
  setup[UringSetting.SQ_CPU] = BigInt.asUintN(64, BigInt(s.sqCpu));
  setup[UringSetting.IDLE_MS] = BigInt(s.idleMs);
  setup[UringSetting.BATCH] = BigInt(s.batch);
  setup[UringSetting.SPIN_NS] = BigInt(s.spinNs);
  return setup;
}

function uringPipe(name: string, sqpoll: boolean, description: string): Transport {
  return {
    name,
    description,
    spins: false,
    fileServer: false,
    rings: () => 0,
    capacity: pipe.capacity,
    unavailable: (shim) => {
      const support = uringSupport(shim);
      const ring = sqpoll ? support.sqpoll : support.plain;
      return "unavailable" in ring ? ring.unavailable : null;
    },
    uringSetup: (shim, { mode, cpus, spinBeforeSleepNs, uringBatch }) =>
      uringSetup(uringSupport(shim), sqpoll, mode, cpus, spinBeforeSleepNs ?? 0, uringBatch),
    prepare: (context): Endpoint => {
      const { shim, privateDir, trialId, mode, cpus, spinBeforeSleepNs } = context;
      // The setup the report records is the one the rings get.
      const setup = context.uring ??
        uringSetup(uringSupport(shim), sqpoll, mode, cpus, spinBeforeSleepNs);
      if (setup === null) throw new Error(`${name}: io_uring is unavailable here`);
      const [producerCpu, consumerCpu] = setup.sqThread?.cpus ?? [null, null];
      return {
        socket: `${privateDir}/${trialId}.pipes.sock`,
        flags: setupBits(setup.flags),
        batch: setup.batch,
        sqCpuProducer: producerCpu ?? -1,
        sqCpuConsumer: consumerCpu ?? -1,
        idleMs: setup.sqThread?.idleMs ?? 0,
        spinNs: setup.sqThread?.spinNs ?? 0,
      };
    },
    runSide: (context) => {
      const { shim, segment, role, mode, sizeBytes, iterations, out, hist, endpoint } = context;
      const setup = settingsArray({
        flags: Number(endpoint.flags),
        sqCpu: Number(role === "producer" ? endpoint.sqCpuProducer : endpoint.sqCpuConsumer),
        idleMs: Number(endpoint.idleMs),
        batch: Number(endpoint.batch),
        spinNs: Number(endpoint.spinNs),
      });
      return withPipeEnds(context, (a, b) =>
        shim.symbols.rp_uring_pipe_run(
          segment.pointer,
          a,
          b,
          roleIndex(role),
          modeCode(mode),
          BigInt(sizeBytes),
          BigInt(iterations),
          setup,
          out,
          hist,
        ));
    },
  };
}

/**
 * The kernel pipe with each side's reads and writes submitted through its own
 * io_uring, waited for with `io_uring_enter()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipeUring } from "./uring.ts";
 * assert.equal(pipeUring.name, "pipe-uring");
 * assert.equal(pipeUring.fileServer, false);
 * ```
 */
export const pipeUring: Transport = uringPipe(
  "pipe-uring",
  false,
  "kernel pipe, each side's write()/read() submitted through its own io_uring (io_uring_enter)",
);

/**
 * The same, with a kernel thread polling each side's submission ring
 * (`IORING_SETUP_SQPOLL`): no system call while the thread is awake.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipeUringSqpoll } from "./uring.ts";
 * assert.equal(pipeUringSqpoll.name, "pipe-uring-sqpoll");
 * ```
 */
export const pipeUringSqpoll: Transport = {
  ...uringPipe(
    "pipe-uring-sqpoll",
    true,
    "the same, with an SQPOLL kernel thread per side taking submissions (its CPU time counted)",
  ),
  notOnOneCpu:
    "its two kernel threads poll for work, and on one CPU with both loops they take the " +
    "time slices the loops wait for (a warm-up ping-pong took over 30 s here)",
};
