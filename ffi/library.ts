/**
 * Loads the built shim and wraps the calls that can fail, so callers get
 * `ShimError`s with the C error text instead of bare numbers.
 *
 * @module
 */

import { ABI_VERSION, HISTOGRAM_BUCKETS, ResultField, Status, symbols } from "./symbols.ts";
import type { ShimSymbols } from "./symbols.ts";

const encoder = new TextEncoder();

/**
 * A failed call into the shim, with the `errno` (or shim status) it returned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ShimError } from "./library.ts";
 * const error = new ShimError("shm_open /ringpipe-1: File exists", 17);
 * assert.deepEqual(error.code, 17);
 * ```
 */
export class ShimError extends Error {
  /** The positive `errno`, or a shim status from {@link Status}. */
  readonly code: number;
  /** Creates an error for a failed shim call. */
  constructor(message: string, code: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "ShimError";
    this.code = code;
  }
}

/**
 * Encodes a string as a NUL-terminated C string for a `buffer` parameter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cString } from "./library.ts";
 * assert.deepEqual(cString("ab"), new Uint8Array([97, 98, 0]));
 * ```
 */
export function cString(value: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${value}\0`);
}

/**
 * The name of a Linux scheduling policy number (`sched_getscheduler`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { schedPolicyName } from "./library.ts";
 * assert.deepEqual(schedPolicyName(0), "SCHED_OTHER");
 * ```
 */
export function schedPolicyName(policy: number): string {
  const names: Record<number, string> = {
    0: "SCHED_OTHER",
    1: "SCHED_FIFO",
    2: "SCHED_RR",
    3: "SCHED_BATCH",
    5: "SCHED_IDLE",
    6: "SCHED_DEADLINE",
  };
  return names[policy & 0xff] ?? `policy ${policy}`;
}

/**
 * The loaded shim: its raw symbols plus the few helpers every caller needs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildShim } from "./build.ts";
 * import { Shim } from "./library.ts";
 * import { ABI_VERSION } from "./symbols.ts";
 * using shim = Shim.open((await buildShim()).libraryPath); // the ABI is checked on load
 * assert.equal(shim.symbols.rp_abi_version(), ABI_VERSION);
 * assert.ok(shim.controlBytes > 0);
 * ```
 */
export class Shim implements Disposable {
  /** The raw FFI symbols; see `symbols.ts` for their C signatures. */
  readonly symbols: ShimSymbols;
  /** Size of the control block at the start of every trial segment. */
  readonly controlBytes: number;
  readonly #library: Deno.DynamicLibrary<typeof symbols>;

  private constructor(library: Deno.DynamicLibrary<typeof symbols>) {
    this.#library = library;
    this.symbols = library.symbols;
    this.controlBytes = Number(library.symbols.rp_control_bytes());
  }

  /** Loads the library at `path` and checks that it speaks this ABI. */
  static open(path: string): Shim {
    let library: Deno.DynamicLibrary<typeof symbols>;
    try {
      library = Deno.dlopen(path, symbols);
    } catch (error) {
      throw new ShimError(`cannot load the shim ${path}`, 0, { cause: error });
    }
    const abi = library.symbols.rp_abi_version();
    const fields = library.symbols.rp_result_fields();
    const buckets = library.symbols.rp_hist_buckets();
    if (abi !== ABI_VERSION || fields !== ResultField.FIELDS || buckets !== HISTOGRAM_BUCKETS) {
      library.close();
      throw new ShimError(
        `the shim ${path} has ABI ${abi} (${fields} result fields, ${buckets} histogram buckets); ` +
          `expected ABI ${ABI_VERSION} (${ResultField.FIELDS}, ${HISTOGRAM_BUCKETS}): rebuild it`,
        0,
      );
    }
    return new Shim(library);
  }

  /** The C library's text for a positive `errno`. */
  errorText(errno: number): string {
    const pointer = this.symbols.rp_strerror(errno);
    return pointer === null ? `errno ${errno}` : Deno.UnsafePointerView.getCString(pointer);
  }

  /** Describes a loop's return code: a shim status or a negative `errno`. */
  statusText(code: number): string {
    switch (code) {
      case Status.OK:
        return "ok";
      case Status.ABORTED:
        return "aborted by the supervisor";
      case Status.BAD_DATA:
        return "an item did not check out";
      case Status.PEER_CLOSED:
        return "the peer closed its end before the last item";
      case Status.BAD_SEGMENT:
        return "the shared segment was not set up for this ABI";
      case Status.ORPHANED:
        return "the supervisor went away";
      case Status.BAD_ARGUMENT:
        return "a size, role or mode the loops do not take";
      case Status.BAD_REQUEST:
        return "a request asked for bytes outside the file";
      default:
        return code < 0 ? this.errorText(-code) : `unknown status ${code}`;
    }
  }

  /** Throws a {@link ShimError} for a negative `-errno` return, naming what was tried. */
  check(result: number, what: string): number {
    if (result < 0) throw new ShimError(`${what}: ${this.errorText(-result)}`, -result);
    return result;
  }

  /** The CPUs the calling thread may run on, ascending. */
  allowedCpus(): number[] {
    const mask = new Uint8Array(128); // CPU_SETSIZE (1024) bits
    this.check(this.symbols.rp_affinity_get(mask, mask.length), "sched_getaffinity");
    const cpus: number[] = [];
    mask.forEach((byte, i) => {
      for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) cpus.push(i * 8 + bit);
    });
    return cpus;
  }

  /** The calling thread's scheduling policy by name (`SCHED_OTHER`, ...). */
  schedPolicy(): string {
    const policy = this.symbols.rp_sched_policy();
    return policy < 0 ? `unknown (${this.errorText(-policy)})` : schedPolicyName(policy);
  }

  /** Unloads the library. Nothing from it may be used afterwards. */
  close(): void {
    this.#library.close();
  }

  /** Same as {@link Shim.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}
