/**
 * Where a side's pipe ends come from: `pipe(2)` made by the consumer and
 * handed over a Unix socket (SCM_RIGHTS) for `pipe` and `pipe-splice`, or
 * named FIFOs opened by path for `fifo`. Shared by the C loops and the deno
 * engine's pipe.
 *
 * @module
 */

import { cString } from "../../ffi/library.ts";
import type { SideContext } from "./types.ts";

/**
 * This side's ends of the trial's pipes: from `pipe(2)` through the socket the consumer listens
 * on, or opened by name for FIFOs. fds[1] is -1 for a stream.
 */
export function pipeEnds(context: SideContext): number[] {
  const { shim, segment, role, endpoint, mode } = context;
  const producer = role === "producer";
  if (endpoint.socket !== undefined) {
    const fds = new Int32Array(2);
    shim.check(
      shim.symbols.rp_pipe_share(
        segment.pointer,
        cString(String(endpoint.socket)),
        producer ? 0 : 1,
        mode === "stream" ? 1 : 2,
        fds,
      ),
      `pass pipe ends over ${endpoint.socket}`,
    );
    return [fds[0], fds[1]];
  }
  // The producer (client) writes a and reads b; the consumer (server) reads a and writes b.
  const open = (path: string, forWriting: boolean) =>
    shim.check(
      shim.symbols.rp_fifo_open(segment.pointer, cString(path), forWriting ? 1 : 0),
      `open ${path}`,
    );
  const fds = [open(String(endpoint.a), producer)];
  try {
    fds.push(mode === "stream" ? -1 : open(String(endpoint.b), !producer));
  } catch (error) {
    shim.symbols.rp_close(fds[0]);
    throw error;
  }
  return fds;
}

/**
 * Runs one side of a C loop over this side's pipe ends (see {@link pipeEnds}):
 * `run(a, b)` gets the producer-to-consumer end and the replies' end (-1 for a
 * stream), and both are closed however it ends.
 *
 * @example
 * ```ts ignore
 * import { withPipeEnds } from "./pipe_ends.ts";
 * const status = withPipeEnds(context, (a, b) => shim.symbols.rp_pipe_run(segment, a, b, ...));
 * ```
 */
export function withPipeEnds(context: SideContext, run: (a: number, b: number) => number): number {
  const fds = pipeEnds(context);
  try {
    return run(fds[0], fds[1]);
  } finally {
    for (const fd of fds) if (fd >= 0) context.shim.symbols.rp_close(fd);
  }
}
