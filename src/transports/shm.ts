/**
 * The ring transports: single-producer single-consumer rings of
 * message-sized slots in the trial's shared segment (one ring for a stream, a
 * second for ping-pong replies); nothing enters the kernel while data flows.
 * `shm` spins when idle, as the original did; `ring-futex` spins briefly and
 * then sleeps on a futex, and the other side wakes it only when it sleeps;
 * `ring-pipewake` sleeps in poll() on a wake-up pipe instead (the classic
 * "ring for data, a file descriptor for wake-ups"). The C side is `ffi/ring.c`.
 *
 * @module
 */

import { modeCode } from "../../ffi/symbols.ts";
import { cString } from "../../ffi/library.ts";
import { Channel, useShim } from "../channel/channel.ts";
import { denoRingSide } from "./deno_loops.ts";
import type { Endpoint, SideContext, Transport } from "./types.ts";
import { roleIndex } from "./types.ts";

/** Runs one side over the rings, with this side's and the peer's wake-up descriptors (or -1). */
function runRing(context: SideContext, wakeIn = -1, wakeOut = -1): number {
  const { shim, segment, role, mode, sizeBytes, iterations, out, hist } = context;
  return shim.symbols.rp_ring_run(
    segment.pointer,
    roleIndex(role),
    modeCode(mode),
    BigInt(sizeBytes),
    BigInt(iterations),
    wakeIn,
    wakeOut,
    out,
    hist,
  );
}

/** Runs one side with the two descriptors in `fds`, and closes them however it ends. */
function runRingWaking(context: SideContext, fds: Int32Array): number {
  try {
    return runRing(context, fds[0], fds[1]);
  } finally {
    context.shim.symbols.rp_close(fds[0]);
    context.shim.symbols.rp_close(fds[1]);
  }
}

function ring(
  name: string,
  description: string,
  extra: Partial<Pick<Transport, "wait">> = {},
): Transport {
  return {
    name,
    description,
    spins: extra.wait === undefined,
    ...extra,
    rings: (mode) => (mode === "stream" ? 1 : 2),
    prepare: () => ({}),
    // No wake-up descriptors: these rings spin or sleep on a futex.
    runSide: (context) => runRing(context),
  };
}

/**
 * The deno engine's rings: {@link Channel}s of fixed-size records that the
 * supervisor creates (one per direction, as many slots as the native ring) and
 * closes at once, so the workers can take their ends by name; `sleeps` tells
 * the loops to sleep on the futex when idle (`ring-futex`) instead of spinning.
 */
const denoRings = (sleeps: boolean): Pick<Transport, "prepare" | "cleanup" | "runSideDeno"> => ({
  prepare: async (
    { shim, engine, mode, sizeBytes, ringSlots, cpus, spinBeforeSleepNs },
  ): Promise<Endpoint> => {
    if (engine !== "deno") return {};
    useShim(shim);
    const names = [];
    for (let k = 0; k < (mode === "stream" ? 1 : 2); k++) {
      const channel = await Channel.create({
        slots: ringSlots,
        slotBytes: sizeBytes,
        fixedSize: true,
      });
      channel.close(); // the workers attach by name; the supervisor unlinks it after the trial
      names.push(channel.name);
    }
    return {
      channel: names[0],
      ...(names[1] ? { replies: names[1] } : {}),
      sleeps: sleeps ? 1 : 0,
      // How long a sleeping side looks before it sleeps (`--spin-before-sleep`), as the C loops.
      spinNs: spinBeforeSleepNs,
      // Both loops on one CPU: a spinning side must give the CPU away, as the native `yield` wait does.
      yields: cpus !== null && cpus[0] === cpus[1] ? 1 : 0,
    };
  },
  cleanup: (shim, endpoint) => {
    for (const name of [endpoint.channel, endpoint.replies]) {
      if (name) shim.symbols.rp_shm_unlink(cString(String(name)));
    }
  },
  runSideDeno: denoRingSide,
});

/**
 * The shared-memory ring, as in the original experiment's "SHMEM" build.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shm } from "./shm.ts";
 * assert.deepEqual([shm.name, shm.rings("stream"), shm.rings("pingpong")], ["shm", 1, 2]);
 * ```
 */
export const shm: Transport = {
  ...ring(
    "shm",
    "SPSC ring in shared memory, cached indices, spinning on both sides",
  ),
  ...denoRings(false),
};

/**
 * The same ring with the two copies a pipe makes: the sender builds each message in a private
 * buffer and copies it into the slot, the receiver copies it out before checking it. Set beside
 * `shm` (in place) and `pipe` (the kernel), it separates the cost of the copies from the cost of
 * the kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shmCopy } from "./shm.ts";
 * assert.equal(shmCopy.fileServer, false);
 * ```
 */
export const shmCopy: Transport = {
  ...ring(
    "shm-copy",
    "the same ring, copying each message in from and out to a private buffer, as a pipe does",
  ),
  fileServer: false,
  runSide: ({ shim, segment, role, mode, sizeBytes, iterations, out, hist }) =>
    shim.symbols.rp_ring_copy_run(
      segment.pointer,
      roleIndex(role),
      modeCode(mode),
      BigInt(sizeBytes),
      BigInt(iterations),
      out,
      hist,
    ),
};

/**
 * The ring a real program would ship: spin briefly, then sleep on a futex.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ringFutex } from "./shm.ts";
 * assert.deepEqual([ringFutex.name, ringFutex.wait], ["ring-futex", "futex"]);
 * ```
 */
export const ringFutex: Transport = {
  ...ring(
    "ring-futex",
    "the same ring; an idle side spins briefly, then sleeps on a futex until woken",
    { wait: "futex" },
  ),
  ...denoRings(true),
};

/**
 * The ring for data and a pipe per side for wake-ups: an idle side spins
 * briefly, then sleeps in poll() on its wake-up pipe; the other side writes a
 * byte to it only when it announced that it sleeps. The pipes are real
 * `pipe(2)` pipes, made by the consumer and handed to the producer over a Unix
 * socket (SCM_RIGHTS), as `pipe`'s are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ringPipewake } from "./shm.ts";
 * assert.deepEqual([ringPipewake.name, ringPipewake.wait], ["ring-pipewake", "pipe"]);
 * ```
 */
export const ringPipewake: Transport = {
  ...ring(
    "ring-pipewake",
    "the same ring; an idle side spins briefly, then sleeps in poll() on a wake-up pipe",
    { wait: "pipe" },
  ),
  prepare: ({ privateDir, trialId }) => ({ socket: `${privateDir}/${trialId}.wake.sock` }),
  runSide: (context) => {
    const { shim, segment, role, endpoint } = context;
    const ends = new Int32Array(2);
    shim.check(
      shim.symbols.rp_pipe_share(
        segment.pointer,
        cString(String(endpoint.socket)),
        roleIndex(role),
        2,
        ends,
      ),
      `pass the wake-up pipes over ${endpoint.socket}`,
    );
    // Pipe a wakes the consumer (it reads a), pipe b the producer (it reads b): the producer's
    // ends are a's write end and b's read end, the consumer's a's read end and b's write end.
    const fds = role === "producer" ? Int32Array.of(ends[1], ends[0]) : ends;
    return runRingWaking(context, fds);
  },
};

/**
 * The ring with an eventfd per side for wake-ups, the futex ring's protocol
 * otherwise: the consumer makes both eventfds and hands the producer them over
 * a Unix socket (SCM_RIGHTS), since unrelated processes cannot share one
 * otherwise. The usual Linux answer to "a ring for data, a descriptor to wait
 * on" (what io_uring and epoll loops pair with shared memory).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ringEventfd } from "./shm.ts";
 * assert.equal(ringEventfd.wait, "eventfd");
 * ```
 */
export const ringEventfd: Transport = {
  ...ring(
    "ring-eventfd",
    "the same ring; an idle side spins briefly, then sleeps in poll() on an eventfd",
    { wait: "eventfd" },
  ),
  prepare: ({ privateDir, trialId }) => ({ socket: `${privateDir}/${trialId}.eventfd.sock` }),
  runSide: (context) => {
    const { shim, segment, role, endpoint } = context;
    const fds = new Int32Array(2);
    shim.check(
      shim.symbols.rp_eventfd_share(
        segment.pointer,
        cString(String(endpoint.socket)),
        roleIndex(role),
        fds,
      ),
      `pass the eventfds over ${endpoint.socket}`,
    );
    return runRingWaking(context, fds);
  },
};
