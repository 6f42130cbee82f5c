/** Helpers to check that a test left nothing behind in /dev/shm. */

import { SEGMENT_PREFIX } from "../src/memory/segment.ts";

/** Names of this kit's shared-memory segments created by process `pid` (all pids when omitted). */
export async function ourSegments(pid?: number): Promise<string[]> {
  const prefix = `${SEGMENT_PREFIX.slice(1)}${pid === undefined ? "" : `${pid}-`}`;
  const names: string[] = [];
  for await (const entry of Deno.readDir("/dev/shm")) {
    if (entry.name.startsWith(prefix)) names.push(entry.name);
  }
  return names;
}
