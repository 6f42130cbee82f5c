/**
 * The shared layout of a channel segment (version 2), in one place for the
 * channel itself and for the sweep that reads the headers of channels left
 * behind: the header's byte offsets, its magic and version, and the names
 * channels are created under.
 *
 * @module
 */

/** "RPCH", the first word of every channel's header. */
export const CHANNEL_MAGIC = 0x5250_4348;
/** The layout version this module reads and writes. */
export const CHANNEL_VERSION = 2;
/** Every channel's name starts with this, followed by the creating process id. */
export const CHANNEL_PREFIX = "/ringpipe-ch-";

/**
 * Byte offsets of the channel header's fields (layout version 2), for programs
 * that open a channel without this module.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CHANNEL_LAYOUT } from "./layout.ts";
 * assert.equal(CHANNEL_LAYOUT.HEAD, 64);
 * assert.equal(CHANNEL_LAYOUT.HEADER_BYTES, 320);
 * ```
 */
export const CHANNEL_LAYOUT = {
  MAGIC: 0,
  VERSION: 4,
  SLOTS: 8,
  SLOT_BYTES: 12,
  SENDER_PID: 16,
  RECEIVER_PID: 20,
  SENDER_CLOSED: 24,
  RECEIVER_CLOSED: 28,
  FLAGS: 32,
  HEAD: 64,
  TAIL: 128,
  RECEIVER_SLEEPS: 192,
  SENDER_SLEEPS: 256,
  HEADER_BYTES: 320,
} as const;

/**
 * A fresh, unguessable channel name that records the creating process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { channelName } from "./layout.ts";
 * assert.match(channelName(4242), /^\/ringpipe-ch-4242-[0-9a-f]{16}$/);
 * assert.notEqual(channelName(), channelName());
 * ```
 */
export function channelName(pid: number = Deno.pid): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  return `${CHANNEL_PREFIX}${pid}-${
    Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}
