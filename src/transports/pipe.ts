/**
 * `pipe`: kernel pipes, reached as named FIFOs in the run's private directory
 * (the same kernel object as `pipe(2)`): one for a stream, a second for
 * ping-pong replies. One `write()` and one `read()` per message, as in the
 * original, finishing short transfers. The C side is `ffi/pipe.c`.
 *
 * @module
 */

import { modeCode } from "../../ffi/symbols.ts";
import { cString } from "../../ffi/library.ts";
import { denoPipeSide } from "./deno_loops.ts";
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
  ...pipeLike(
    "pipe",
    "kernel pipe (named FIFO), one write() and one read() per message",
    false,
    { originalLabel: "KERNEL" },
  ),
  runSideDeno: denoPipeSide,
};

/**
 * The same pipes, but the sender hands its pages to the kernel with
 * `vmsplice()` instead of copying them (the receiver still `read()`s). A page
 * must not change until it has been read, so the sender rotates through more
 * page-aligned buffers than the pipe has slots; messages of a page or more.
 *
 * @example
 * ```ts
 * import { pipeSplice } from "./pipe.ts";
 * console.log(pipeSplice.name, pipeSplice.messageLimits?.()?.min); // "pipe-splice" 4096
 * ```
 */
export const pipeSplice: Transport = pipeLike(
  "pipe-splice",
  "the same pipe; the sender vmsplice()s its pages instead of write() (pages of 4 KiB and up)",
  true,
  {
    messageLimits: () => ({
      min: 4096,
      why: "vmsplice() moves whole pages; smaller messages would share them",
    }),
  },
);

function pipeLike(
  name: string,
  description: string,
  splice: boolean,
  extra: Partial<Pick<Transport, "originalLabel" | "messageLimits" | "fileServer">>,
): Transport {
  return {
    name,
    description,
    ...extra,
    spins: false,
    rings: () => 0,
    prepare: ({ shim, privateDir, trialId, mode }) => {
      const names = mode === "stream" ? ["messages"] : ["requests", "replies"];
      const paths = names.map((n) => `${privateDir}/${trialId}.${n}.fifo`);
      for (const path of paths) {
        shim.check(shim.symbols.rp_fifo_make(cString(path)), `mkfifo ${path}`);
      }
      return { a: paths[0], b: paths[1] ?? "" };
    },
    runSide: ({ shim, segment, role, endpoint, mode, sizeBytes, iterations, out, hist }) => {
      const producer = role === "producer";
      // The producer (client) writes a and reads b; the consumer (server) reads a and writes b.
      const open = (path: string, forWriting: boolean) =>
        shim.check(
          shim.symbols.rp_fifo_open(segment.pointer, cString(path), forWriting ? 1 : 0),
          `open ${path}`,
        );
      const fds: number[] = [];
      try {
        fds.push(open(String(endpoint.a), producer));
        if (mode !== "stream") fds.push(open(String(endpoint.b), !producer));
        const run = splice ? shim.symbols.rp_splice_run : shim.symbols.rp_pipe_run;
        return run(
          segment.pointer,
          fds[0],
          fds[1] ?? -1,
          producer ? 0 : 1,
          modeCode(mode),
          BigInt(sizeBytes),
          BigInt(iterations),
          out,
          hist,
        );
      } finally {
        for (const fd of fds) shim.symbols.rp_close(fd);
      }
    },
  };
}
