/** Helpers to check that a test left nothing behind in /dev/shm. */

import { SEGMENT_PREFIX } from "../src/memory/segment.ts";
import { CHANNEL_PREFIX } from "../src/channel/layout.ts";

/**
 * Names of this kit's shared-memory segments and channels created by process `pid` (all pids when
 * omitted).
 */
export async function ourSegments(pid?: number): Promise<string[]> {
  const prefixes = [SEGMENT_PREFIX, CHANNEL_PREFIX].map((prefix) =>
    `${prefix.slice(1)}${pid === undefined ? "" : `${pid}-`}`
  );
  const names: string[] = [];
  for await (const entry of Deno.readDir("/dev/shm")) {
    if (prefixes.some((prefix) => entry.name.startsWith(prefix))) names.push(entry.name);
  }
  return names;
}
