/**
 * The symbol table of the C shim (`ffi/shim.c` and the transports' files), one entry per exported
 * function, with its C signature beside each parameter.
 *
 * The loop functions (`rp_*_send`, `rp_*_recv`) run a whole timed run in one
 * call, so their `buffer` arguments cost nothing that matters.
 *
 * @module
 */

import type { Mode as ModeName, WaitPolicy } from "../src/base/names.ts";
// The histogram's layout is shared with C; it is defined below `ffi/`, so reports can be read
// without the shim.
export { HISTOGRAM_BUCKETS, SUB_BITS } from "../src/base/histogram_layout.ts";

/** The ABI version this table matches; `rp_abi_version()` must return it. */
export const ABI_VERSION = 22;

/**
 * Slots of the `uint64_t` result array each loop fills (C `enum rp_field`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ResultField } from "./symbols.ts";
 * const out = new BigUint64Array(ResultField.FIELDS);
 * assert.ok(ResultField.T_START < ResultField.FIELDS);
 * assert.equal(out[ResultField.T_START], 0n); // filled by a loop
 * ```
 */
export const ResultField = {
  T_START: 0,
  T_END: 1,
  ITEMS: 2,
  CHECKSUM: 3,
  BAD_INDEX: 4,
  BAD_OFFSET: 5,
  BAD_EXPECTED: 6,
  BAD_GOT: 7,
  UTIME_NS: 8,
  STIME_NS: 9,
  NVCSW: 10,
  NIVCSW: 11,
  CPU_START: 12,
  CPU_END: 13,
  LAT_MIN: 14,
  LAT_MAX: 15,
  LAT_SUM: 16,
  CPU_NS: 17,
  HELPER_CPU_NS: 18,
  FIELDS: 19,
} as const;

/**
 * Slots of the `uint64_t` array that sets an io_uring run up (C `enum rp_uring_setting`): the
 * `IORING_SETUP_*` flags, the SQPOLL thread's CPU (-1 for the kernel's choice) and idle time in
 * ms, the largest batch, and how long a side looks at its completions before it sleeps, ns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UringSetting } from "./symbols.ts";
 * const setup = new BigUint64Array(UringSetting.SETTINGS);
 * setup[UringSetting.SQ_CPU] = BigInt.asUintN(64, -1n); // -1: no CPU asked for
 * assert.equal(BigInt.asIntN(64, setup[UringSetting.SQ_CPU]), -1n);
 * ```
 */
export const UringSetting = {
  FLAGS: 0,
  SQ_CPU: 1,
  IDLE_MS: 2,
  BATCH: 3,
  SPIN_NS: 4,
  SETTINGS: 5,
} as const;

/**
 * Positive return codes of the loops (C `enum rp_status`); negative codes are `-errno`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Status } from "./symbols.ts";
 * assert.deepEqual(Status.ABORTED, 1);
 * ```
 */
export const Status = {
  OK: 0,
  ABORTED: 1,
  BAD_DATA: 2,
  PEER_CLOSED: 3,
  BAD_SEGMENT: 4,
  ORPHANED: 5,
  BAD_ARGUMENT: 6,
  BAD_REQUEST: 7,
} as const;

/** What `rp_nice_get` returns when the thread's nice value cannot be read (INT32_MIN). */
export const NICE_UNKNOWN = -2147483648;

/**
 * Loop modes (C `enum rp_mode`) and wait policies (C `enum rp_wait`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mode, Wait } from "./symbols.ts";
 * assert.deepEqual([Mode.PINGPONG, Wait.YIELD], [1, 1]);
 * ```
 */
export const Mode = { STREAM: 0, PINGPONG: 1, FILESERVER: 2 } as const;
/** See {@link Mode}. */
export const Wait = { SPIN: 0, YIELD: 1, FUTEX: 2, PIPE: 3, EVENTFD: 4 } as const;

/**
 * The shim's number for a mode.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modeCode } from "./symbols.ts";
 * assert.equal(modeCode("fileserver"), 2);
 * ```
 */
export function modeCode(mode: ModeName): number {
  return mode === "stream" ? Mode.STREAM : mode === "pingpong" ? Mode.PINGPONG : Mode.FILESERVER;
}

/**
 * The shim's number for a wait policy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { waitCode } from "./symbols.ts";
 * assert.equal(waitCode("futex"), 2);
 * ```
 */
export function waitCode(policy: WaitPolicy): number {
  const codes = {
    spin: Wait.SPIN,
    yield: Wait.YIELD,
    futex: Wait.FUTEX,
    pipe: Wait.PIPE,
    eventfd: Wait.EVENTFD,
  };
  return codes[policy];
}

/**
 * Every symbol `Deno.dlopen` loads from the shim.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ABI_VERSION, symbols } from "./symbols.ts";
 * import { buildShim } from "./build.ts";
 * const lib = Deno.dlopen((await buildShim()).libraryPath, symbols);
 * assert.equal(lib.symbols.rp_abi_version(), ABI_VERSION);
 * lib.close();
 * ```
 */
export const symbols = {
  /** uint32_t rp_abi_version(void) */
  rp_abi_version: { parameters: [], result: "u32" },
  /** uint32_t rp_result_fields(void) */
  rp_result_fields: { parameters: [], result: "u32" },
  /** uint64_t rp_control_bytes(void) */
  rp_control_bytes: { parameters: [], result: "u64" },
  /** uint64_t rp_ring_bytes(uint64_t slots, uint64_t stride) */
  rp_ring_bytes: {
    parameters: [
      "u64", /* uint64_t slots */
      "u64", /* uint64_t stride (bytes per slot) */
    ],
    result: "u64",
  },
  /** uint64_t rp_segment_bytes(uint64_t ring_slots, uint64_t ring_stride, uint32_t rings) */
  rp_segment_bytes: {
    parameters: [
      "u64", /* uint64_t ring_slots */
      "u64", /* uint64_t ring_stride */
      "u32", /* uint32_t rings */
    ],
    result: "u64",
  },
  /** uint32_t rp_hist_buckets(void) */
  rp_hist_buckets: { parameters: [], result: "u32" },
  /** uint32_t rp_hist_index(uint64_t value) */
  rp_hist_index: { parameters: ["u64" /* uint64_t value (ns) */], result: "u32" },
  /** const char *rp_strerror(int32_t errnum) */
  rp_strerror: { parameters: ["i32" /* int32_t errnum */], result: "pointer" },
  /** void *rp_shm_map(const char *name, uint64_t bytes, int32_t create, int32_t *err) */
  rp_shm_map: {
    parameters: [
      "buffer", /* const char *name (NUL-terminated) */
      "u64", /* uint64_t bytes */
      "i32", /* int32_t create */
      "buffer", /* int32_t *err */
    ],
    result: "pointer",
  },
  /** int32_t rp_shm_unmap(void *p, uint64_t bytes) */
  rp_shm_unmap: {
    parameters: [
      "pointer", /* void *p */
      "u64", /* uint64_t bytes */
    ],
    result: "i32",
  },
  /** int32_t rp_shm_blank(void *p, uint64_t bytes) */
  rp_shm_blank: {
    parameters: [
      "pointer", /* void *p */
      "u64", /* uint64_t bytes */
    ],
    result: "i32",
  },
  /** int32_t rp_shm_unlink(const char *name) */
  rp_shm_unlink: { parameters: ["buffer" /* const char *name */], result: "i32" },
  /**
   * void rp_segment_init(void *segment, uint64_t ring_slots, uint64_t ring_stride,
   *                      uint32_t rings, int32_t supervisor_pid, uint32_t wait_policy,
   *                      uint64_t pace_ns, uint64_t file_bytes, uint32_t queue_depth,
   *                      uint64_t spin_ns, uint64_t latency_every, uint32_t latency_tsc)
   */
  rp_segment_init: {
    parameters: [
      "pointer", /* void *segment */
      "u64", /* uint64_t ring_slots */
      "u64", /* uint64_t ring_stride */
      "u32", /* uint32_t rings */
      "i32", /* int32_t supervisor_pid */
      "u32", /* uint32_t wait_policy (Wait) */
      "u64", /* uint64_t pace_ns (ping-pong client; 0: unpaced) */
      "u64", /* uint64_t file_bytes (file server: the file's size; else 0) */
      "u32", /* uint32_t queue_depth (file server: requests in flight; else 0) */
      "u64", /* uint64_t spin_ns (futex and pipe waits: look this long before sleeping) */
      "u64", /* uint64_t latency_every (ping-pong client: time every this many round trips) */
      "u32", /* uint32_t latency_tsc (1: stamp them with the TSC) */
    ],
    result: "void",
  },
  /** void rp_segment_abort(void *segment) */
  rp_segment_abort: { parameters: ["pointer" /* void *segment */], result: "void" },
  /** int32_t rp_fifo_make(const char *path) */
  rp_fifo_make: { parameters: ["buffer" /* const char *path */], result: "i32" },
  /** int32_t rp_fifo_open(void *segment, const char *path, int32_t for_writing) */
  rp_fifo_open: {
    parameters: [
      "pointer", /* void *segment (for the abort word and the supervisor's pid) */
      "buffer", /* const char *path */
      "i32", /* int32_t for_writing */
    ],
    result: "i32",
  },
  /** uint64_t rp_fs_available(const char *path) */
  rp_fs_available: { parameters: ["buffer" /* const char *path */], result: "u64" },
  /** int32_t rp_eventfd_share(void *segment, const char *path, int32_t role, int32_t *fds) */
  rp_eventfd_share: {
    parameters: [
      "pointer", /* void *segment */
      "buffer", /* const char *path (the Unix socket the eventfds are handed over on) */
      "i32", /* int32_t role (0 producer: receives them; 1 consumer: makes them) */
      "buffer", /* int32_t *fds (out: this side's eventfd, the peer's) */
    ],
    result: "i32",
  },
  /**
   * int32_t rp_ring_copy_run(void *segment, int32_t role, int32_t mode, uint64_t size,
   *                          uint64_t count, uint64_t *out, uint64_t *hist)
   */
  rp_ring_copy_run: {
    parameters: [
      "pointer", /* void *segment */
      "i32", /* int32_t role */
      "i32", /* int32_t mode (stream or ping-pong) */
      "u64", /* uint64_t size */
      "u64", /* uint64_t count */
      "buffer", /* uint64_t *out */
      "buffer", /* uint64_t *hist */
    ],
    result: "i32",
  },
  /** int32_t rp_unix_accept(void *segment, const char *path) */
  rp_unix_accept: {
    parameters: [
      "pointer", /* void *segment (for the abort word and the supervisor's pid) */
      "buffer", /* const char *path */
    ],
    result: "i32",
  },
  /** int32_t rp_unix_connect(void *segment, const char *path) */
  rp_unix_connect: {
    parameters: [
      "pointer", /* void *segment */
      "buffer", /* const char *path */
    ],
    result: "i32",
  },
  /** int32_t rp_pipe_share(void *segment, const char *path, int32_t role, int32_t pairs, int32_t *fds) */
  rp_pipe_share: {
    parameters: [
      "pointer", /* void *segment */
      "buffer", /* const char *path (the Unix socket the ends are handed over on) */
      "i32", /* int32_t role (0 producer: receives its ends; 1 consumer: makes the pipes) */
      "i32", /* int32_t pairs (1: stream; 2: ping-pong) */
      "buffer", /* int32_t *fds (out: this side's end of pipe a, and of b or -1) */
    ],
    result: "i32",
  },
  /** int32_t rp_mq_create(const char *name, uint64_t size, uint32_t depth) */
  rp_mq_create: {
    parameters: [
      "buffer", /* const char *name */
      "u64", /* uint64_t size (bytes per message) */
      "u32", /* uint32_t depth (messages the queue holds) */
    ],
    result: "i32",
  },
  /** int32_t rp_mq_unlink(const char *name) */
  rp_mq_unlink: { parameters: ["buffer" /* const char *name */], result: "i32" },
  /**
   * int32_t rp_file_answer_test(uint64_t file_bytes, uint64_t offset, uint64_t length,
   *                             uint64_t *reply, uint64_t capacity)
   */
  rp_file_answer_test: {
    parameters: [
      "u64", /* uint64_t file_bytes */
      "u64", /* uint64_t offset */
      "u64", /* uint64_t length */
      "buffer", /* uint64_t *reply (capacity bytes) */
      "u64", /* uint64_t capacity */
    ],
    result: "i32",
  },
  /** int64_t rp_yardstick_pipe(uint64_t count, int32_t cpu_writer, int32_t cpu_reader) */
  rp_yardstick_pipe: {
    parameters: [
      "u64", /* uint64_t count (8-byte items) */
      "i32", /* int32_t cpu_writer (this thread, or -1) */
      "i32", /* int32_t cpu_reader (the forked reader, or -1) */
    ],
    result: "i64",
  },
  /** uint64_t rp_yardstick_syscall(uint64_t count) */
  rp_yardstick_syscall: { parameters: ["u64" /* uint64_t count */], result: "u64" },
  /** int64_t rp_yardstick_pread(const char *path, uint64_t file_bytes, uint64_t length, uint64_t count) */
  rp_yardstick_pread: {
    parameters: [
      "buffer", /* const char *path (created and removed) */
      "u64", /* uint64_t file_bytes */
      "u64", /* uint64_t length */
      "u64", /* uint64_t count */
    ],
    result: "i64",
  },
  /** int32_t rp_uring_probe(uint32_t flags, int32_t sq_cpu) */
  rp_uring_probe: {
    parameters: [
      "u32", /* uint32_t flags (IORING_SETUP_*) */
      "i32", /* int32_t sq_cpu (SQPOLL thread's CPU, or -1) */
    ],
    result: "i32",
  },
  /**
   * int32_t rp_uring_pipe_run(void *segment, int32_t fd_a, int32_t fd_b, int32_t role,
   *                           int32_t mode, uint64_t size, uint64_t count,
   *                           const uint64_t *setup, uint64_t *out, uint64_t *hist)
   */
  rp_uring_pipe_run: {
    parameters: [
      "pointer", /* void *segment */
      "i32", /* int32_t fd_a (producer to consumer) */
      "i32", /* int32_t fd_b (replies, ping-pong only; else -1) */
      "i32", /* int32_t role */
      "i32", /* int32_t mode (stream or ping-pong) */
      "u64", /* uint64_t size */
      "u64", /* uint64_t count */
      "buffer", /* const uint64_t *setup (UringSetting slots) */
      "buffer", /* uint64_t *out */
      "buffer", /* uint64_t *hist */
    ],
    result: "i32",
  },
  /**
   * int32_t rp_yardstick_uring(const char *path, uint64_t file_bytes, uint64_t length,
   *                            uint64_t count, uint32_t depth, const uint64_t *setup,
   *                            int32_t cpu, uint64_t *out)
   */
  rp_yardstick_uring: {
    parameters: [
      "buffer", /* const char *path (created and removed) */
      "u64", /* uint64_t file_bytes */
      "u64", /* uint64_t length */
      "u64", /* uint64_t count */
      "u32", /* uint32_t depth (reads in flight) */
      "buffer", /* const uint64_t *setup (UringSetting slots) */
      "i32", /* int32_t cpu (this thread's CPU meanwhile, or -1) */
      "buffer", /* uint64_t *out (3 slots: wall ns, this thread's CPU ns, SQPOLL thread's CPU ns) */
    ],
    result: "i32",
  },
  /** int32_t rp_futex_wait(void *word, uint32_t expected, uint64_t timeout_ns): on a worker thread */
  rp_futex_wait: {
    parameters: [
      "pointer", /* void *word (4-byte aligned, in shared memory) */
      "u32", /* uint32_t expected */
      "u64", /* uint64_t timeout_ns */
    ],
    result: "i32",
    nonblocking: true,
  },
  /** int32_t rp_futex_wait(void *word, uint32_t expected, uint64_t timeout_ns): on the calling thread */
  rp_futex_wait_here: {
    name: "rp_futex_wait",
    parameters: [
      "pointer", /* void *word (4-byte aligned, in shared memory) */
      "u32", /* uint32_t expected */
      "u64", /* uint64_t timeout_ns */
    ],
    result: "i32",
  },
  /** void rp_yield(void): sched_yield() */
  rp_yield: { parameters: [], result: "void" },
  /** void rp_sleep_until(double when_ns): until CLOCK_MONOTONIC reaches when_ns */
  rp_sleep_until: { parameters: ["f64" /* double when_ns */], result: "void" },
  /** int32_t rp_futex_wake(void *word, int32_t count) */
  rp_futex_wake: {
    parameters: ["pointer", /* void *word */ "i32" /* int32_t count */],
    result: "i32",
  },
  /** int32_t rp_side_begin(void *segment, int32_t role, uint64_t *out) */
  rp_side_begin: {
    parameters: [
      "pointer", /* void *segment */
      "i32", /* int32_t role */
      "buffer", /* uint64_t *out (RP_FIELDS slots) */
    ],
    result: "i32",
  },
  /** void rp_side_end(uint64_t *out, uint64_t items, uint64_t checksum) */
  rp_side_end: {
    parameters: [
      "buffer", /* uint64_t *out */
      "u64", /* uint64_t items */
      "u64", /* uint64_t checksum */
    ],
    result: "void",
  },
  /** int32_t rp_still_wanted_ffi(void *segment) */
  rp_still_wanted_ffi: { parameters: ["pointer" /* void *segment */], result: "i32" },
  /** void rp_noop(void) */
  rp_noop: { parameters: [], result: "void" },
  /** uint64_t rp_noop_ptr(const uint64_t *p) */
  rp_noop_ptr: { parameters: ["pointer" /* const uint64_t *p */], result: "u64" },
  /** double rp_now_ns_ffi(void): CLOCK_MONOTONIC ns, exact below 2^53 */
  rp_now_ns_ffi: { parameters: [], result: "f64" },
  /** uint64_t rp_micro_ring(void *mem, uint64_t pairs) */
  rp_micro_ring: {
    parameters: [
      "pointer", /* void *mem (zeroed, rp_ring_bytes(1024, 8) bytes, 128-byte aligned) */
      "u64", /* uint64_t pairs */
    ],
    result: "u64",
  },
  /** int32_t rp_close(int32_t fd) */
  rp_close: { parameters: ["i32" /* int32_t fd */], result: "i32" },
  /** int32_t rp_nice_set(int32_t tid, int32_t nice) */
  rp_nice_set: { parameters: ["i32", /* int32_t tid */ "i32" /* int32_t nice */], result: "i32" },
  /** int32_t rp_nice_get(void) */
  rp_nice_get: { parameters: [], result: "i32" },
  /** int32_t rp_thread_id(void) */
  rp_thread_id: { parameters: [], result: "i32" },
  /** int32_t rp_affinity_set(int32_t tid, int32_t cpu) */
  rp_affinity_set: {
    parameters: ["i32", /* int32_t tid */ "i32" /* int32_t cpu */],
    result: "i32",
  },
  /** int32_t rp_affinity_get(uint8_t *mask, uint32_t bytes) */
  rp_affinity_get: {
    parameters: [
      "buffer", /* uint8_t *mask */
      "u32", /* uint32_t bytes */
    ],
    result: "i32",
  },
  /** int32_t rp_sched_policy(void) */
  rp_sched_policy: { parameters: [], result: "i32" },
  /** uint64_t rp_clock_resolution_ns(void) */
  rp_clock_resolution_ns: { parameters: [], result: "u64" },
  /** void rp_ticks_to_ns_test(uint64_t *out, uint64_t *hist, double ns_per_tick) */
  rp_ticks_to_ns_test: {
    parameters: [
      "buffer", /* uint64_t *out (RP_FIELDS slots) */
      "buffer", /* uint64_t *hist (RP_HIST_BUCKETS slots) */
      "f64", /* double ns_per_tick */
    ],
    result: "void",
  },
  /** uint64_t rp_tsc_cost_ns(uint64_t calls) */
  rp_tsc_cost_ns: { parameters: ["u64" /* uint64_t calls */], result: "u64" },
  /** uint64_t rp_clock_cost_ns(uint64_t calls) */
  rp_clock_cost_ns: { parameters: ["u64" /* uint64_t calls */], result: "u64" },
  /**
   * int32_t rp_ring_run(void *segment, int32_t role, int32_t mode, uint64_t size,
   *                     uint64_t count, int32_t wake_in, int32_t wake_out, uint64_t *out,
   *                     uint64_t *hist)
   */
  rp_ring_run: {
    parameters: [
      "pointer", /* void *segment */
      "i32", /* int32_t role (0 producer/client, 1 consumer/server) */
      "i32", /* int32_t mode (Mode) */
      "u64", /* uint64_t size (bytes per message, a multiple of 8) */
      "u64", /* uint64_t count (messages or round trips) */
      "i32", /* int32_t wake_in (pipe wait policy: my wake-up pipe; else -1) */
      "i32", /* int32_t wake_out (pipe wait policy: the peer's; else -1) */
      "buffer", /* uint64_t *out (RP_FIELDS slots) */
      "buffer", /* uint64_t *hist (RP_HIST_BUCKETS slots; ping-pong client) */
    ],
    result: "i32",
  },
  /**
   * int32_t rp_pipe_run(void *segment, int32_t fd_a, int32_t fd_b, int32_t role, int32_t mode,
   *                     uint64_t size, uint64_t count, uint64_t *out, uint64_t *hist)
   */
  rp_pipe_run: {
    parameters: [
      "pointer", /* void *segment */
      "i32", /* int32_t fd_a (producer to consumer) */
      "i32", /* int32_t fd_b (replies, ping-pong only; else -1) */
      "i32", /* int32_t role */
      "i32", /* int32_t mode */
      "u64", /* uint64_t size */
      "u64", /* uint64_t count */
      "buffer", /* uint64_t *out */
      "buffer", /* uint64_t *hist */
    ],
    result: "i32",
  },
  /**
   * int32_t rp_mq_run(void *segment, const char *name_a, const char *name_b, int32_t role,
   *                   int32_t mode, uint64_t size, uint64_t count, uint64_t *out, uint64_t *hist)
   */
  rp_mq_run: {
    parameters: [
      "pointer", /* void *segment */
      "buffer", /* const char *name_a (producer to consumer) */
      "buffer", /* const char *name_b (replies, ping-pong only) */
      "i32", /* int32_t role */
      "i32", /* int32_t mode */
      "u64", /* uint64_t size */
      "u64", /* uint64_t count */
      "buffer", /* uint64_t *out */
      "buffer", /* uint64_t *hist */
    ],
    result: "i32",
  },
  /**
   * int32_t rp_splice_run(void *segment, int32_t fd_a, int32_t fd_b, int32_t role, int32_t mode,
   *                       uint64_t size, uint64_t count, uint64_t *out, uint64_t *hist)
   */
  rp_splice_run: {
    parameters: [
      "pointer", /* void *segment */
      "i32", /* int32_t fd_a (producer to consumer) */
      "i32", /* int32_t fd_b (replies, ping-pong only; else -1) */
      "i32", /* int32_t role */
      "i32", /* int32_t mode */
      "u64", /* uint64_t size */
      "u64", /* uint64_t count */
      "buffer", /* uint64_t *out */
      "buffer", /* uint64_t *hist */
    ],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded shim's symbols, typed from {@link symbols}. */
export type ShimSymbols = Deno.DynamicLibrary<typeof symbols>["symbols"];
