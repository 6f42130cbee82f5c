/**
 * `@ringpipe/ringpipe/channel`: a shared-memory channel between two Deno
 * processes, the ring of the bench as a library (see `channel.ts`).
 *
 * @example Send and receive (two processes work the same way, with `attach`)
 * ```ts
 * import assert from "node:assert/strict";
 * import { Channel } from "./mod.ts";
 *
 * const sender = await Channel.create({ slots: 8, slotBytes: 64 });
 * const receiver = await Channel.attach(sender.name);
 * sender.send(new TextEncoder().encode("hello"));
 * assert.equal(new TextDecoder().decode(receiver.receive()!), "hello");
 * receiver.close();
 * sender.close();
 * sender.unlink();
 * ```
 *
 * @module
 */

export { Channel, ChannelError } from "./channel.ts";
export type { ChannelOptions } from "./channel.ts";
