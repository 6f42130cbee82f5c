/**
 * The file `deno task bench:micro` saves beside the bench reports
 * (`<stem>.micro.json`, `format: "ringpipe-micro"`): mitata's summary of each
 * micro-benchmark, with the machine and commit it ran on. One type for the
 * task that writes it and the docs that cite it.
 *
 * @module
 */

import type { Machine } from "../context/machine.ts";

/** One micro-benchmark's figures, ns per call. */
export interface MicroRow {
  /** The benchmark's name as mitata printed it. */
  name: string;
  /** Mean per call. */
  avgNs: number;
  /** Fastest call. */
  minNs: number;
  /** Median call. */
  p50Ns: number;
  /** 75th percentile. */
  p75Ns: number;
  /** 99th percentile. */
  p99Ns: number;
  /** Slowest call. */
  maxNs: number;
  /** How many samples mitata took. */
  samples: number;
}

/** A `.micro.json` file. */
export interface MicroFile {
  /** Always `ringpipe-micro`. */
  format: "ringpipe-micro";
  /** The file's version: 1. */
  version: 1;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** The archive's machine (folder id and fingerprint). */
  machine: Machine;
  /** `Deno.version` of the run. */
  deno: { deno: string; v8: string; typescript: string };
  /** The kit's git commit, or null outside a checkout. */
  commit: string | null;
  /** A `--quick` run: the FFI and clock rows only. */
  quick: boolean;
  /** Every benchmark, in the order they ran. */
  benchmarks: MicroRow[];
}

/**
 * Reads a `.micro.json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMicro } from "./micro.ts";
 * const url = new URL("../../results/vm-d092e051/2026-12-04T23-46-24Z_58e9709.micro.json", import.meta.url);
 * const file = await loadMicro(url.pathname);
 * assert.equal(file.benchmarks[0].name, "FFI call, no work");
 * ```
 *
 * @throws {Error} when the file is not a ringpipe-micro file of version 1 (the cause: what was read).
 */
export async function loadMicro(path: string): Promise<MicroFile> {
  const file = JSON.parse(await Deno.readTextFile(path));
  if (file?.format !== "ringpipe-micro" || file.version !== 1 || !Array.isArray(file.benchmarks)) {
    throw new Error(`${path} is not a ringpipe-micro file of version 1`, {
      cause: { format: file?.format, version: file?.version },
    });
  }
  return file as MicroFile;
}
