/**
 * `pipe`: anonymous kernel pipes, as `pipe(2)` makes them and the essay's test
 * used: the consumer creates them and hands the producer its ends over a Unix
 * socket in the run's private directory (SCM_RIGHTS), so two processes that
 * share no parent's descriptors still get a real pipe. `fifo`: the same loops
 * over named FIFOs, which is what unrelated processes usually use, and which
 * goes through more of the kernel (measured about a quarter slower per 8-byte
 * item on the development VM). One for a stream, a second for ping-pong
 * replies; one `write()` and one `read()` per message, as in the original,
 * finishing short transfers. The C side is `ffi/pipe.c` and `ffi/unix.c`.
 *
 * @module
 */

import { modeCode } from "../../ffi/symbols.ts";
import { cString } from "../../ffi/library.ts";
import { denoPipeSide } from "./deno_loops.ts";
import type { Endpoint, Transport } from "./types.ts";
import { withPipeEnds } from "./pipe_ends.ts";
import { roleIndex } from "./types.ts";

/**
 * The kernel pipe, as in the original experiment's "KERNEL" build.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pipe } from "./pipe.ts";
 * assert.equal(pipe.name, "pipe");
 * assert.match(pipe.description, /^kernel pipe \(pipe\(2\)/);
 * ```
 */
export const pipe: Transport = {
  ...pipeLike(
    "pipe",
    "kernel pipe (pipe(2), ends passed over a Unix socket), one write() and one read() per message",
    "anonymous",
    false,
    {},
  ),
  runSideDeno: denoPipeSide,
};

/**
 * The kernel pipe reached as named FIFOs in the run's private directory: the
 * way unrelated processes usually meet, and the kit's `pipe` before it used
 * `pipe(2)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fifo } from "./pipe.ts";
 * assert.equal(fifo.name, "fifo");
 * assert.match(fifo.description, /FIFO/);
 * ```
 */
export const fifo: Transport = {
  ...pipeLike(
    "fifo",
    "named FIFO (mkfifo), one write() and one read() per message",
    "fifo",
    false,
    {},
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
 * import assert from "node:assert/strict";
 * import { pipeSplice } from "./pipe.ts";
 * assert.deepEqual([pipeSplice.name, pipeSplice.messageLimits?.()?.min], ["pipe-splice", 4096]);
 * ```
 */
export const pipeSplice: Transport = pipeLike(
  "pipe-splice",
  "the same pipe; the sender vmsplice()s its pages instead of write() (pages of 4 KiB and up)",
  "anonymous",
  true,
  {
    messageLimits: () => ({
      min: 4096,
      why: "vmsplice() moves whole pages; smaller messages would share them",
    }),
  },
);

/** A pipe's buffer unless resized (F_SETPIPE_SZ): 16 pages of 4 KiB. */
const PIPE_PAGES = 16;
const PAGE_BYTES = 4096;

/**
 * Messages of `sizeBytes` a default pipe holds before a write waits. Linux
 * appends a small write to the last page when it fits and gives a large one
 * whole pages, so the count is exact when the size divides a page or is a
 * whole number of pages (every power of two); other sizes are not computed.
 */
function pipeMessages(sizeBytes: number): number | null {
  if (PAGE_BYTES % sizeBytes === 0) return PIPE_PAGES * (PAGE_BYTES / sizeBytes);
  if (sizeBytes % PAGE_BYTES === 0) return Math.floor(PIPE_PAGES / (sizeBytes / PAGE_BYTES));
  return null;
}

function pipeLike(
  name: string,
  description: string,
  kind: "anonymous" | "fifo",
  splice: boolean,
  extra: Partial<Pick<Transport, "messageLimits" | "fileServer">>,
): Transport {
  return {
    name,
    description,
    ...extra,
    spins: false,
    rings: () => 0,
    capacity: (sizeBytes) => ({
      messages: pipeMessages(sizeBytes),
      source: "the pipe's buffer, 16 pages of 4 KiB by default",
    }),
    prepare: ({ shim, privateDir, trialId, mode }): Endpoint => {
      if (kind === "anonymous") return { socket: `${privateDir}/${trialId}.pipes.sock` };
      const names = mode === "stream" ? ["messages"] : ["requests", "replies"];
      const paths = names.map((n) => `${privateDir}/${trialId}.${n}.fifo`);
      for (const path of paths) {
        shim.check(shim.symbols.rp_fifo_make(cString(path)), `mkfifo ${path}`);
      }
      return { a: paths[0], b: paths[1] ?? "" };
    },
    runSide: (context) => {
      const { shim, segment, role, mode, sizeBytes, iterations, out, hist } = context;
      const run = splice ? shim.symbols.rp_splice_run : shim.symbols.rp_pipe_run;
      return withPipeEnds(context, (a, b) =>
        run(
          segment.pointer,
          a,
          b,
          roleIndex(role),
          modeCode(mode),
          BigInt(sizeBytes),
          BigInt(iterations),
          out,
          hist,
        ));
    },
  };
}
