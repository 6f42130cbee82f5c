/**
 * `mq`: POSIX message queues, one from producer to consumer and one for
 * ping-pong replies; one `mq_send()` and one `mq_receive()` per message. The
 * kernel limits a message to `/proc/sys/fs/mqueue/msgsize_max` bytes (8,192
 * by default) and a queue to `msg_max` messages (10); larger sizes are refused
 * rather than cut. The C side is `ffi/mq.c`.
 *
 * @module
 */

import { modeCode } from "../../ffi/symbols.ts";
import { cString } from "../../ffi/library.ts";
import { segmentName } from "../memory/segment.ts";
import { QUEUE_MARK } from "../memory/stale.ts";
import { sysctl } from "./sysctl.ts";
import type { Transport } from "./types.ts";
import { roleIndex } from "./types.ts";

function readLimit(name: string, fallback: number): number {
  return sysctl(`fs/mqueue/${name}`, fallback);
}

/**
 * The POSIX message queue transport.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mq } from "./mq.ts";
 * const limits = mq.messageLimits?.(); // { max: 8192, why: "..." } on a default kernel
 * assert.ok(limits == null || (limits.max ?? 0) >= 8);
 * ```
 */
export const mq: Transport = {
  name: "mq",
  description: "POSIX message queue, one mq_send() and one mq_receive() per message",
  spins: false,
  fileServer: false,
  rings: () => 0,
  messageLimits: () => ({
    max: readLimit("msgsize_max", 8192),
    why: "the kernel's limit, /proc/sys/fs/mqueue/msgsize_max",
  }),
  capacity: () => ({
    messages: mqDepth(),
    source: "the queue's depth, 10 or fs.mqueue.msg_max if lower",
  }),
  prepare: ({ shim, mode, sizeBytes, privateDir }) => {
    const depth = mqDepth();
    const names = (mode === "stream" ? ["a"] : ["a", "b"]).map((end) => `${segmentName()}-${end}`);
    for (const name of names) {
      shim.check(
        shim.symbols.rp_mq_create(cString(name), BigInt(sizeBytes), depth),
        `mq_open ${name} (${sizeBytes}-byte messages, depth ${depth})`,
      );
      // Recorded, so a later run can remove it if this one is killed before its cleanup.
      Deno.writeTextFileSync(`${privateDir}/${QUEUE_MARK}${name.slice(1)}`, "");
    }
    return { a: names[0], b: names[1] ?? "" };
  },
  cleanup: (shim, endpoint) => {
    for (const name of [endpoint.a, endpoint.b]) {
      if (name) shim.symbols.rp_mq_unlink(cString(String(name)));
    }
  },
  runSide: ({ shim, segment, role, endpoint, mode, sizeBytes, iterations, out, hist }) =>
    shim.symbols.rp_mq_run(
      segment.pointer,
      cString(String(endpoint.a)),
      cString(String(endpoint.b)),
      roleIndex(role),
      modeCode(mode),
      BigInt(sizeBytes),
      BigInt(iterations),
      out,
      hist,
    ),
};

/** The depth the kit gives its queues: 10, or the kernel's limit if lower. */
function mqDepth(): number {
  return Math.min(10, readLimit("msg_max", 10));
}
