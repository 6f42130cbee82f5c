/**
 * `@ringpipe/ringpipe/channel`: a shared-memory channel between two Deno
 * processes, the ring of the bench as a library (see `channel.ts`).
 *
 * @example Send and receive (two processes work the same way, with `attach`)
 * ```ts
 * import assert from "node:assert/strict";
 * import { Channel } from "./mod.ts";
 *
 * using sender = await Channel.create({ slots: 8, slotBytes: 64 });
 * using receiver = await Channel.attach(sender.name, { role: "receiver" });
 * sender.send(new TextEncoder().encode("hello"));
 * assert.equal(new TextDecoder().decode((await receiver.receiveAsync(1000))!), "hello");
 * sender.unlink();
 * ```
 *
 * @module
 */

export { Channel, CHANNEL_LAYOUT, ChannelError } from "./channel.ts";
export type { ChannelOptions, ChannelRole } from "./channel.ts";
