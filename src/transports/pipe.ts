/**
 * `pipe`: a kernel pipe, reached as a named FIFO in the run's private
 * directory (the same kernel object as `pipe(2)`), one `write()` and one
 * `read()` of one 8-byte item per iteration, as in the original.
 *
 * @module
 */

import { cString } from "../../ffi/library.ts";
import type { Transport } from "./types.ts";

/**
 * The kernel pipe, as in the original experiment's "KERNEL" build.
 *
 * @example
 * ```ts
 * import { pipe } from "./pipe.ts";
 * console.log(pipe.name, pipe.originalLabel); // "pipe" "KERNEL"
 * ```
 */
export const pipe: Transport = {
  name: "pipe",
  originalLabel: "KERNEL",
  description: "kernel pipe (named FIFO), one write() and one read() per item",
  segmentBytes: () => 0,
  prepare: ({ shim, privateDir, trialId }) => {
    const fifo = `${privateDir}/${trialId}.fifo`;
    shim.check(shim.symbols.rp_fifo_make(cString(fifo)), `mkfifo ${fifo}`);
    return { fifo };
  },
  runSide: ({ shim, segment, role, endpoint, iterations, out }) => {
    const fifo = String(endpoint.fifo);
    const forWriting = role === "producer" ? 1 : 0;
    const fd = shim.check(
      shim.symbols.rp_fifo_open(segment.pointer, cString(fifo), forWriting),
      `open ${fifo}`,
    );
    try {
      return role === "producer"
        ? shim.symbols.rp_pipe_send(segment.pointer, fd, BigInt(iterations), out)
        : shim.symbols.rp_pipe_recv(segment.pointer, fd, BigInt(iterations), out);
    } finally {
      shim.symbols.rp_close(fd);
    }
  },
};
