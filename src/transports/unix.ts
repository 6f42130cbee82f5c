/**
 * `unix`: a Unix domain stream socket between the two workers, in the run's
 * private directory; one `write()` and one `read()` per message (the pipe's
 * loops), and ping-pong replies on the same socket. The C side is
 * `ffi/unix.c` (set-up) and `ffi/pipe.c` (loops).
 *
 * @module
 */

import { modeCode } from "../../ffi/symbols.ts";
import { cString } from "../../ffi/library.ts";
import { sysctl } from "./sysctl.ts";
import type { Transport } from "./types.ts";

/**
 * The Unix domain socket transport.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unix } from "./unix.ts";
 * assert.deepEqual([unix.name, unix.spins], ["unix", false]);
 * ```
 */
export const unix: Transport = {
  name: "unix",
  description: "Unix domain stream socket, one write() and one read() per message",
  spins: false,
  rings: () => 0,
  capacity: () => ({
    messages: null,
    source: `a socket's send buffer, net.core.wmem_default = ${
      sysctl("net/core/wmem_default", 212_992)
    } bytes, which also pays for the kernel's overhead per write`,
  }),
  prepare: ({ privateDir, trialId }) => ({ socket: `${privateDir}/${trialId}.sock` }),
  runSide: ({ shim, segment, role, endpoint, mode, sizeBytes, iterations, out, hist }) => {
    const path = cString(String(endpoint.socket));
    const producer = role === "producer";
    const fd = shim.check(
      producer
        ? shim.symbols.rp_unix_connect(segment.pointer, path)
        : shim.symbols.rp_unix_accept(segment.pointer, path),
      `${producer ? "connect to" : "listen on"} ${endpoint.socket}`,
    );
    try {
      return shim.symbols.rp_pipe_run(
        segment.pointer,
        fd,
        fd,
        producer ? 0 : 1,
        modeCode(mode),
        BigInt(sizeBytes),
        BigInt(iterations),
        out,
        hist,
      );
    } finally {
      shim.symbols.rp_close(fd);
    }
  },
};
