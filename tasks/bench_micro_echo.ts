/// <reference lib="deno.worker" />
/**
 * The echo side of `deno task bench:micro`'s round trip, run as a Worker (a
 * thread of the same process): it attaches to the request channel and the
 * reply channel it is given, and sends every 8-byte record straight back
 * through the zero-copy API, spinning while there is nothing to do, until the
 * record {@link ECHO_STOP} arrives.
 *
 * @module
 */

import { Channel } from "../src/channel/mod.ts";

/** The record that ends the echo (it is not answered). */
export const ECHO_STOP = 0xffff_ffff;

/** What the echo is told: the two channels' names, and how often it publishes its tail. */
export interface EchoStart {
  /** The request channel (the echo receives). */
  requests: string;
  /** The reply channel (the echo sends). */
  replies: string;
  /** `publishEvery` of its receiving end. */
  publishEvery: number;
}

// Only as a Worker: the bench imports this module for its names too.
if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  self.onmessage = async (event: MessageEvent<EchoStart>) => {
    const { requests, replies, publishEvery } = event.data;
    const rx = await Channel.attach(requests, { role: "receiver", publishEvery });
    const tx = await Channel.attach(replies, { role: "sender" });
    self.postMessage("ready");
    for (;;) {
      while (rx.readable(1) === 0) { /* spin */ }
      const record = rx.u32[rx.readSlot * 2];
      rx.release(1);
      if (record === ECHO_STOP) break;
      while (tx.reserve(1) === 0) { /* spin */ }
      tx.u32[tx.writeSlot * 2] = record;
      tx.commit(1);
    }
    rx.close();
    tx.close();
    self.postMessage("stopped");
  };
}
