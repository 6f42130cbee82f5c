/**
 * The C shim's guards, called directly: sizes that would wrap, a file server whose ring is too
 * small for its requests in flight, and an abort that wakes a side asleep on a ring's futex.
 */
import assert from "node:assert/strict";
import { buildShim } from "../ffi/build.ts";
import { Shim } from "../ffi/library.ts";
import { modeCode, ResultField, Status } from "../ffi/symbols.ts";
import { Segment } from "../src/memory/segment.ts";
import { HISTOGRAM_BUCKETS } from "../src/stats/histogram.ts";

const shim = Shim.open((await buildShim()).libraryPath);
const UINT64_MAX = 2n ** 64n - 1n;
const layout = {
  rings: 1,
  ringSlots: 8,
  ringStride: 64,
  wait: 2, // futex
  paceNs: 0,
  fileBytes: 0,
  queueDepth: 0,
  spinNs: 0,
  latencyEvery: 0,
};

Deno.test("segment and ring sizes that would pass 2^64 are UINT64_MAX, never a small wrapped size", () => {
  assert.equal(shim.symbols.rp_ring_bytes(2n ** 62n, 8n), UINT64_MAX);
  assert.equal(shim.symbols.rp_segment_bytes(2n ** 60n, 8n, 2), UINT64_MAX);
  assert.equal(shim.symbols.rp_segment_bytes(UINT64_MAX - 100n, 1n, 1), UINT64_MAX);
  assert.ok(shim.symbols.rp_segment_bytes(8n, 64n, 1) < 4096n); // sane sizes are what they were
});

Deno.test("a file server whose ring holds fewer slots than requests in flight is refused, not deadlocked", () => {
  const segment = Segment.create(shim, {
    ...layout,
    wait: 0,
    ringSlots: 2,
    fileBytes: 4096,
    queueDepth: 8,
    rings: 2,
  });
  try {
    const out = new BigUint64Array(ResultField.FIELDS);
    const hist = new BigUint64Array(HISTOGRAM_BUCKETS);
    const status = shim.symbols.rp_ring_run(
      segment.pointer,
      0,
      modeCode("fileserver"),
      64n,
      10n,
      -1,
      -1,
      out,
      hist,
    );
    assert.equal(status, Status.BAD_ARGUMENT);
  } finally {
    segment.unlink();
    segment.unmap();
  }
});

Deno.test("an abort wakes a side asleep on a ring's futex at once, not at its 100 ms slice", async () => {
  const segment = Segment.create(shim, layout);
  try {
    // The ring starts after the 256-byte control block; its sleep words after head and tail
    // (two 128-byte line pairs): the sender's at 256 + 256.
    const word = Deno.UnsafePointer.offset(segment.pointer, 512)!;
    new Uint32Array(Deno.UnsafePointerView.getArrayBuffer(word, 4))[0] = 1; // "asleep"
    const asleep = shim.symbols.rp_futex_wait(word, 1, 30_000_000_000n); // 30 s unless woken
    await new Promise((resolve) => setTimeout(resolve, 300));
    segment.abort();
    // 0: woken (a timeout would be -ETIMEDOUT, after 30 s).
    assert.equal(await asleep, 0);
  } finally {
    segment.unlink();
    segment.unmap();
  }
});

globalThis.addEventListener("unload", () => shim.close());
