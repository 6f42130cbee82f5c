/**
 * The shared-memory segment of one trial: a control block (rendezvous and
 * abort word) followed by whatever the transport keeps there (the ring).
 *
 * The supervisor creates it with `O_CREAT|O_EXCL`, mode 0600, under a name
 * nobody can guess, and unlinks it when the trial ends; each worker attaches
 * to it by name.
 *
 * @module
 */

import { cString, ShimError } from "../../ffi/library.ts";
import type { Shim } from "../../ffi/library.ts";

/** Every segment name starts with this, followed by the creating process id. */
export const SEGMENT_PREFIX = "/ringpipe-";

/**
 * A fresh, unpredictable segment name that records the creating process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { segmentName } from "./segment.ts";
 * assert.match(segmentName(4242), /^\/ringpipe-4242-[0-9a-f]{16}$/);
 * assert.notEqual(segmentName(), segmentName()); // fresh every time
 * ```
 */
export function segmentName(pid: number = Deno.pid): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  return `${SEGMENT_PREFIX}${pid}-${
    Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

/** What a trial keeps in its segment after the control block. */
export interface SegmentLayout {
  /** Rings (0, 1 or 2), each of `ringSlots` slots of `ringStride` bytes. */
  rings: number;
  /** Slots per ring. */
  ringSlots: number;
  /** Bytes per slot. */
  ringStride: number;
  /** How waiting sides wait (the shim's `Wait` code). */
  wait: number;
  /** Ping-pong: ns between the starts of round trips, or 0 for back to back. */
  paceNs: number;
  /** File server: the file's size and the requests in flight (0 otherwise). */
  fileBytes: number;
  /** File server: requests in flight (0 otherwise). */
  queueDepth: number;
  /** Futex and pipe waits: how long an idle side looks before it sleeps, ns (0 for other waits). */
  spinNs: number;
  /** Ping-pong client: time every this many round trips (1: each; 0 elsewhere). */
  latencyEvery: number;
  /** Ping-pong client: stamp those round trips with the TSC instead of the clock (absent: no). */
  latencyTsc?: boolean;
}

/**
 * Bytes a segment of this layout needs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildShim } from "../../ffi/build.ts";
 * import { Shim } from "../../ffi/library.ts";
 * using shim = Shim.open((await buildShim()).libraryPath);
 * import { segmentBytes } from "./segment.ts";
 * const layout = {
 *   rings: 1, ringSlots: 4096, ringStride: 8, wait: 0, paceNs: 0, fileBytes: 0, queueDepth: 0, spinNs: 0, latencyEvery: 0,
 * };
 * const one = segmentBytes(shim, layout);
 * assert.ok(one >= 4096 * 8); // the slots, and the control block before them
 * assert.equal(segmentBytes(shim, { ...layout, rings: 2 }) - one, 4096 * 8 + (one - 4096 * 8 - shim.controlBytes));
 * ```
 */
export function segmentBytes(shim: Shim, layout: SegmentLayout): number {
  return Number(
    shim.symbols.rp_segment_bytes(
      BigInt(layout.ringSlots),
      BigInt(layout.ringStride),
      layout.rings,
    ),
  );
}

/**
 * One process's mapping of a trial segment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildShim } from "../../ffi/build.ts";
 * import { Shim } from "../../ffi/library.ts";
 * using shim = Shim.open((await buildShim()).libraryPath);
 * import { Segment } from "./segment.ts";
 * const segment = Segment.create(shim, {
 *   rings: 1, ringSlots: 4096, ringStride: 8, wait: 0, paceNs: 0, fileBytes: 0, queueDepth: 0, spinNs: 0, latencyEvery: 0,
 * });
 * try {
 *   // hand segment.name and segment.bytes to the workers
 *   assert.ok((await Deno.stat(`/dev/shm${segment.name}`)).isFile);
 * } finally {
 *   segment.unlink();
 *   segment.unmap();
 * }
 * await assert.rejects(Deno.stat(`/dev/shm${segment.name}`), Deno.errors.NotFound); // nothing left
 * ```
 */
export class Segment {
  /** The POSIX shared-memory name (`/ringpipe-...`). */
  readonly name: string;
  /** The mapping's size in bytes. */
  readonly bytes: number;
  /** Where it is mapped in this process. */
  readonly pointer: Deno.PointerObject;
  readonly #shim: Shim;
  #mapped = true;

  private constructor(shim: Shim, name: string, bytes: number, pointer: Deno.PointerObject) {
    this.#shim = shim;
    this.name = name;
    this.bytes = bytes;
    this.pointer = pointer;
  }

  /** Creates and maps a new segment for `layout`, and writes its control block. */
  static create(shim: Shim, layout: SegmentLayout): Segment {
    const bytes = segmentBytes(shim, layout);
    const name = segmentName();
    const segment = new Segment(shim, name, bytes, map(shim, name, bytes, true));
    shim.symbols.rp_segment_init(
      segment.pointer,
      BigInt(layout.ringSlots),
      BigInt(layout.ringStride),
      layout.rings,
      Deno.pid,
      layout.wait,
      BigInt(layout.paceNs),
      BigInt(layout.fileBytes),
      layout.queueDepth,
      BigInt(layout.spinNs),
      BigInt(layout.latencyEvery),
      layout.latencyTsc ? 1 : 0,
    );
    return segment;
  }

  /**
   * Creates and maps a new zero-filled segment of `bytes`, with no control block (for a `Channel`,
   * which names its own), its pages reserved: a `/dev/shm` without room for them is an error here.
   */
  static createRaw(shim: Shim, bytes: number, name: string = segmentName()): Segment {
    return new Segment(shim, name, bytes, map(shim, name, bytes, true));
  }

  /** Maps an existing segment that the supervisor created. */
  static attach(shim: Shim, name: string, bytes: number): Segment {
    return new Segment(shim, name, bytes, map(shim, name, bytes, false));
  }

  /** Tells both loops to stop at their next wait; they return "aborted". */
  abort(): void {
    if (this.#mapped) this.#shim.symbols.rp_segment_abort(this.pointer);
  }

  /** Removes the name; mappings stay valid until unmapped. Safe to call twice. */
  unlink(): void {
    const result = this.#shim.symbols.rp_shm_unlink(cString(this.name));
    if (result < 0 && -result !== 2 /* ENOENT: already gone */) {
      this.#shim.check(result, `shm_unlink ${this.name}`);
    }
  }

  /**
   * Lets the shared memory go while keeping the range mapped: the pages become private zeros, so
   * a pointer or view into it stays safe to touch (until {@link Segment.unmap}).
   */
  blank(): void {
    if (!this.#mapped) return;
    this.#shim.check(
      this.#shim.symbols.rp_shm_blank(this.pointer, BigInt(this.bytes)),
      `mmap over ${this.name}`,
    );
  }

  /** Unmaps the segment in this process. Nothing may touch it afterwards. */
  unmap(): void {
    if (!this.#mapped) return;
    this.#mapped = false;
    this.#shim.check(
      this.#shim.symbols.rp_shm_unmap(this.pointer, BigInt(this.bytes)),
      `munmap ${this.name}`,
    );
  }
}

function map(shim: Shim, name: string, bytes: number, create: boolean): Deno.PointerObject {
  const err = new Int32Array(1);
  const pointer = shim.symbols.rp_shm_map(cString(name), BigInt(bytes), create ? 1 : 0, err);
  if (pointer === null) {
    const verb = create ? "create" : "open";
    const why = !create && err[0] === 22 /* EINVAL */
      ? `it is smaller than ${bytes} bytes`
      : shim.errorText(err[0]);
    throw new ShimError(`cannot ${verb} shared memory ${name}: ${why}`, err[0]);
  }
  return pointer;
}
