/*
 * ringpipe.h - what every part of the shim shares: the trial segment's control
 * block, the result slots, the message pattern, the latency histogram, and the
 * two loops (stream and ping-pong) that every transport runs.
 *
 * A transport (ring.c, pipe.c, ...) provides four small operations on an
 * endpoint (acquire a buffer to send or to read, release it), and one exported
 * run function that sets its endpoints up and calls the loops below. The loops
 * are `static inline` and the operations are passed as constant function
 * pointers, so the compiler inlines them: each transport gets its own
 * specialised copy of the loop, with no indirect call per message.
 *
 * Nothing in a loop allocates or leaves C. Streaming reads the clock twice per
 * trial; ping-pong reads it once per round trip, to time each one.
 */
#ifndef RINGPIPE_H
#define RINGPIPE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* The ring's indices and the control words are shared between processes: only lock-free atomics work there. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free to be shared between processes");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "32-bit atomics must be lock-free to be shared between processes");

#include "ringpipe_api.h"

/* Internal to the shim: shared between its sources, not exported. */
#define RP_INTERNAL __attribute__((visibility("hidden")))

/* Bump whenever a signature (ringpipe_api.h), the layout or enum rp_field changes. */
#define RP_ABI_VERSION 22u
#define RP_MAGIC 0x52504950u /* "RPIP" */
#define RP_CACHE_LINE 64
/* Two cache lines: what adjacent-line prefetch fetches together; rings are aligned to it. */
#define RP_LINE_PAIR 128
#define RP_CONTROL_BYTES 256

/* Return codes: 0 is success, a positive value one of these, a negative value -errno. */
enum rp_status {
  RP_OK = 0,
  RP_ABORTED = 1,     /* the supervisor set the abort word */
  RP_BAD_DATA = 2,    /* a message did not check out */
  RP_PEER_CLOSED = 3, /* end of file before the last message */
  RP_BAD_SEGMENT = 4, /* the segment was not set up by rp_segment_init for this use */
  RP_ORPHANED = 5,    /* the supervisor that created the segment is gone */
  RP_BAD_ARGUMENT = 6, /* a size, role or mode the loops do not take */
  RP_BAD_REQUEST = 7   /* a file-server request outside the file (or not word-aligned) */
};

/* Slots of the result array every run fills (all uint64_t). */
enum rp_field {
  RP_T_START,      /* CLOCK_MONOTONIC ns just before the first message moved */
  RP_T_END,        /* CLOCK_MONOTONIC ns just after the last message moved */
  RP_ITEMS,        /* messages (or round trips) this side completed */
  RP_CHECKSUM,     /* sum of the sequence numbers moved, modulo 2^64 */
  RP_BAD_INDEX,    /* first message that did not check out (RP_BAD_DATA) */
  RP_BAD_OFFSET,   /* byte offset of the first bad word in it */
  RP_BAD_EXPECTED, /* what that word should have been */
  RP_BAD_GOT,      /* what arrived */
  RP_UTIME_NS,     /* user CPU time of this thread during the loop */
  RP_STIME_NS,     /* system CPU time of this thread during the loop */
  RP_NVCSW,        /* voluntary context switches during the loop */
  RP_NIVCSW,       /* involuntary context switches during the loop */
  RP_CPU_START,    /* CPU the loop started on */
  RP_CPU_END,      /* CPU the loop ended on */
  RP_LAT_MIN,      /* ping-pong client: shortest round trip, ns */
  RP_LAT_MAX,      /* ping-pong client: longest round trip, ns */
  RP_LAT_SUM,      /* ping-pong client: sum of round trips, ns */
  RP_CPU_NS,       /* CPU time of this thread during the loop, ns (CLOCK_THREAD_CPUTIME_ID) */
  RP_HELPER_CPU_NS, /* CPU ns of a kernel thread working for this side (io_uring SQPOLL), or UINT64_MAX: none */
  RP_FIELDS
};

/* The producer sends in a stream and is the client in ping-pong; the consumer is the server. */
enum rp_role { RP_PRODUCER = 0, RP_CONSUMER = 1 };
/* RP_FILESERVER: requests {offset, length} one way, `length` bytes of a file back (see below). */
enum rp_mode { RP_STREAM = 0, RP_PINGPONG = 1, RP_FILESERVER = 2 };
/*
 * How a side that finds nothing to do waits: spin on the cache line, give the
 * CPU away, or (rings only) spin briefly and then sleep, on a futex or in
 * poll() on a wake-up pipe or an eventfd.
 */
enum rp_wait { RP_WAIT_SPIN = 0, RP_WAIT_YIELD = 1, RP_WAIT_FUTEX = 2, RP_WAIT_PIPE = 3, RP_WAIT_EVENTFD = 4 };

#define RP_MAX_RINGS 2
/* File server: a request is {offset, length}; at most this many in flight. */
#define RP_REQUEST_BYTES 16
#define RP_MAX_DEPTH 64

struct rp_control {
  uint32_t magic;
  uint32_t abi_version;
  int32_t supervisor_pid; /* the workers' parent; a worker whose parent changes stops */
  uint32_t wait_policy;   /* enum rp_wait */
  uint64_t pace_ns;       /* ping-pong: the client starts a round trip every pace_ns (0: at once) */
  uint64_t file_bytes;    /* file server: the size of the file the server holds */
  uint64_t queue_depth;   /* file server: requests the client keeps in flight (1..RP_MAX_DEPTH) */
  uint64_t spin_ns;       /* futex and pipe waits: how long an idle side looks before it sleeps */
  uint64_t latency_every; /* ping-pong client: time every this many round trips (0 or 1: each) */
  uint64_t latency_tsc;   /* 1: stamp those round trips with the TSC (TypeScript found it usable) */
  uint64_t ring_slots;    /* power of two, or 0 when the segment has no ring */
  uint64_t ring_stride;   /* bytes per slot: the message size rounded up to 8 */
  uint64_t ring_offset[RP_MAX_RINGS]; /* where each ring starts in the segment, or 0 */
  _Alignas(RP_CACHE_LINE) _Atomic uint32_t ready[2];
  _Alignas(RP_CACHE_LINE) _Atomic uint32_t abort;
};
_Static_assert(sizeof(struct rp_control) <= RP_CONTROL_BYTES, "control block grew");

/* Spinning waits look at the abort word only this often, to stay off its line, */
#define RP_ABORT_POLL_MASK 1023u
/* and every loop asks the kernel whether its parent is still the supervisor this often. */
#define RP_ORPHAN_POLL_MASK 65535u

static inline struct rp_control *rp_control_of(void *segment) { return segment; }

/*
 * `value` rounded up to a multiple of `align` (a power of two) in *out; 0, or
 * -EOVERFLOW when that is past 2^64 (a size near it would otherwise wrap to a
 * small one and allocate too little).
 */
static inline int rp_round_up(uint64_t value, uint64_t align, uint64_t *out) {
  if (value > UINT64_MAX - (align - 1)) return -EOVERFLOW;
  *out = (value + align - 1) & ~(align - 1);
  return 0;
}

/*
 * A buffer of `size` bytes rounded up to whole cache lines, aligned to one;
 * NULL when it cannot be had, or the size would wrap.
 */
static inline void *rp_line_alloc(uint64_t size) {
  uint64_t bytes;
  if (size == 0 || rp_round_up(size, RP_CACHE_LINE, &bytes) != 0 || bytes > SIZE_MAX) return NULL;
  return aligned_alloc(RP_CACHE_LINE, (size_t)bytes);
}

static inline int rp_aborted(struct rp_control *ctl) {
  return atomic_load_explicit(&ctl->abort, memory_order_acquire) != 0;
}

/* Whether to go on: RP_OK, or why not (the supervisor aborted or is gone). */
static inline int rp_still_wanted(struct rp_control *ctl) {
  if (rp_aborted(ctl)) return RP_ABORTED;
  if (getppid() != ctl->supervisor_pid) return RP_ORPHANED;
  return RP_OK;
}

/* The spin-wait hint: lets the sibling hyperthread run and eases the cache line's ping-pong. */
static inline void rp_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/*
 * Every waiting spin calls this: it yields the CPU when the policy says so,
 * and stops the worker when the supervisor aborts or dies, so no loop waits
 * forever after a crash.
 */
static inline int rp_wait_once(struct rp_control *ctl, unsigned *spins) {
  unsigned n = ++*spins;
  if (ctl->wait_policy == RP_WAIT_YIELD) sched_yield();
  else rp_cpu_relax();
  if ((n & RP_ABORT_POLL_MASK) != 0) return RP_OK;
  if ((n & RP_ORPHAN_POLL_MASK) == 0) return rp_still_wanted(ctl);
  return rp_aborted(ctl) ? RP_ABORTED : RP_OK;
}

static inline uint64_t rp_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * A stamp for the latency histogram: the time-stamp counter (ticks) when
 * `tsc`, else CLOCK_MONOTONIC (ns). A plain rdtsc costs less than half a
 * clock_gettime() and, unlike it, measured no cost in the loop's own time;
 * TypeScript asks for it only where the kernel's clock source is the TSC and
 * the CPU says it is constant and does not stop.
 */
static inline uint64_t rp_stamp(int tsc) {
#if defined(__x86_64__) || defined(__i386__)
  if (tsc) return __builtin_ia32_rdtsc();
#else
  (void)tsc;
#endif
  return rp_now_ns();
}

/* ---- the message pattern: word k of message i is i + k * RP_PATTERN_STEP ---- */

/* Word 0 is the sequence number itself, so an 8-byte message is what the original sent. */
#define RP_PATTERN_STEP 0x9E3779B97F4A7C15ull

static inline void rp_fill(uint64_t *words, uint64_t seq, uint64_t count) {
  for (uint64_t k = 0; k < count; k++) words[k] = seq + k * RP_PATTERN_STEP;
}

/* Checks every word; on a mismatch records where and returns RP_BAD_DATA. */
static inline int rp_verify(const uint64_t *words, uint64_t seq, uint64_t count, uint64_t *out) {
  for (uint64_t k = 0; k < count; k++) {
    uint64_t expected = seq + k * RP_PATTERN_STEP;
    if (words[k] != expected) {
      out[RP_BAD_INDEX] = seq;
      out[RP_BAD_OFFSET] = k * 8;
      out[RP_BAD_EXPECTED] = expected;
      out[RP_BAD_GOT] = words[k];
      return RP_BAD_DATA;
    }
  }
  return RP_OK;
}

/* ---- the latency histogram: log-linear, HdrHistogram-style, fixed size ---- */

/*
 * Values below 256 ns have a bucket each; above, every power of two is split
 * into 128 buckets, so a bucket is never wider than 1/128 (0.8%) of its
 * values. 4,480 buckets reach 2^41 ns (about 36 minutes); longer is clamped.
 */
#define RP_HIST_SUB_BITS 8
#define RP_HIST_FIRST (1u << RP_HIST_SUB_BITS)       /* 256 */
#define RP_HIST_HALF (1u << (RP_HIST_SUB_BITS - 1)) /* 128 */
#define RP_HIST_MAGNITUDES 33
#define RP_HIST_BUCKETS (RP_HIST_FIRST + RP_HIST_MAGNITUDES * RP_HIST_HALF)

static inline uint32_t rp_hist_bucket(uint64_t value) {
  if (value < RP_HIST_FIRST) return (uint32_t)value;
  unsigned shift = 63 - (unsigned)__builtin_clzll(value) - (RP_HIST_SUB_BITS - 1);
  if (shift > RP_HIST_MAGNITUDES) return RP_HIST_BUCKETS - 1;
  return RP_HIST_FIRST + (shift - 1) * RP_HIST_HALF + (uint32_t)(value >> shift) - RP_HIST_HALF;
}

/* The smallest value in bucket `b` (the inverse of rp_hist_bucket). */
static inline uint64_t rp_hist_low(uint32_t b) {
  if (b < RP_HIST_FIRST) return b;
  uint32_t shift = (b - RP_HIST_FIRST) / RP_HIST_HALF + 1;
  return (uint64_t)((b - RP_HIST_FIRST) % RP_HIST_HALF + RP_HIST_HALF) << shift;
}

/*
 * Turns a client's latency figures from TSC ticks into ns, `ns_per_tick` at a
 * time: the extremes and the sum exactly, and each bucket's count into the
 * bucket of its middle value in ns (buckets are at most 0.8% wide). Runs after
 * the loop, outside the timed region.
 */
static inline void rp_ticks_to_ns(uint64_t *out, uint64_t *hist, double ns_per_tick) {
  out[RP_LAT_MIN] = (uint64_t)((double)out[RP_LAT_MIN] * ns_per_tick + 0.5);
  out[RP_LAT_MAX] = (uint64_t)((double)out[RP_LAT_MAX] * ns_per_tick + 0.5);
  out[RP_LAT_SUM] = (uint64_t)((double)out[RP_LAT_SUM] * ns_per_tick + 0.5);
  /* A bucket's counts move down (fewer ns than ticks) or up; walk so none is moved twice. */
  const int down = ns_per_tick <= 1.0;
  for (uint32_t k = 0; k < RP_HIST_BUCKETS; k++) {
    uint32_t b = down ? k : RP_HIST_BUCKETS - 1 - k;
    if (hist[b] == 0) continue;
    double middle = (double)(rp_hist_low(b) + rp_hist_low(b + 1 < RP_HIST_BUCKETS ? b + 1 : b)) / 2.0;
    uint32_t to = rp_hist_bucket((uint64_t)(middle * ns_per_tick + 0.5));
    if (to == b) continue;
    hist[to] += hist[b];
    hist[b] = 0;
  }
}

/* ---- what surrounds every loop: rendezvous, usage, results ---- */

static inline uint64_t rp_timeval_ns(struct timeval tv) {
  return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

/* Marks this side ready and waits until the peer is too (or the supervisor aborts or dies). */
static inline int rp_rendezvous(struct rp_control *ctl, int role) {
  unsigned spins = 0;
  int status;
  atomic_store_explicit(&ctl->ready[role], 1, memory_order_release);
  while (!atomic_load_explicit(&ctl->ready[1 - role], memory_order_acquire))
    if ((status = rp_wait_once(ctl, &spins)) != RP_OK) return status;
  return RP_OK;
}

/* A clock's reading in ns; RP_NO_CLOCK for the clock -1 (none) or a failed read. */
#define RP_NO_CLOCK UINT64_MAX
static inline uint64_t rp_clock_ns(clockid_t clock) {
  struct timespec ts;
  if (clock == -1 || clock_gettime(clock, &ts) != 0) return RP_NO_CLOCK;
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The time between two readings, or RP_NO_CLOCK when either failed (never a wrapped 2^64 - x). */
static inline uint64_t rp_clock_since(uint64_t start, uint64_t end) {
  return start == RP_NO_CLOCK || end == RP_NO_CLOCK || end < start ? RP_NO_CLOCK : end - start;
}

static inline uint64_t rp_thread_cpu_ns(void) { return rp_clock_ns(CLOCK_THREAD_CPUTIME_ID); }

/* shim.c: the yardsticks' file, filled like the file server's and in the page cache; fd or -errno. */
RP_INTERNAL int rp_file_make(const char *path, uint64_t file_bytes);
/* ring.c: wakes both sides of a ring asleep on its futex words. */
RP_INTERNAL void rp_ring_wake_sleepers(void *ring_memory);

/*
 * getrusage() splits CPU time into user and system but counts it in scheduler
 * ticks on many kernels, too coarse for a trial of a few milliseconds; the
 * thread CPU clock is exact, so it gives the total.
 */
static inline void rp_usage_begin(uint64_t *out, clockid_t helper) {
  struct rusage ru;
  out[RP_HELPER_CPU_NS] = rp_clock_ns(helper);
  out[RP_CPU_NS] = rp_thread_cpu_ns();
  getrusage(RUSAGE_THREAD, &ru);
  out[RP_UTIME_NS] = rp_timeval_ns(ru.ru_utime);
  out[RP_STIME_NS] = rp_timeval_ns(ru.ru_stime);
  out[RP_NVCSW] = (uint64_t)ru.ru_nvcsw;
  out[RP_NIVCSW] = (uint64_t)ru.ru_nivcsw;
  out[RP_CPU_START] = (uint64_t)sched_getcpu();
}

static inline void rp_usage_end(uint64_t *out, clockid_t helper) {
  struct rusage ru;
  out[RP_CPU_END] = (uint64_t)sched_getcpu();
  getrusage(RUSAGE_THREAD, &ru);
  out[RP_UTIME_NS] = rp_timeval_ns(ru.ru_utime) - out[RP_UTIME_NS];
  out[RP_STIME_NS] = rp_timeval_ns(ru.ru_stime) - out[RP_STIME_NS];
  out[RP_NVCSW] = (uint64_t)ru.ru_nvcsw - out[RP_NVCSW];
  out[RP_NIVCSW] = (uint64_t)ru.ru_nivcsw - out[RP_NIVCSW];
  out[RP_CPU_NS] = rp_clock_since(out[RP_CPU_NS], rp_thread_cpu_ns());
  out[RP_HELPER_CPU_NS] = rp_clock_since(out[RP_HELPER_CPU_NS], rp_clock_ns(helper));
}

/*
 * Runs this thread on `cpu` for a while (cpu >= 0), keeping what it was
 * allowed in `before`; returns 1 when rp_unpin must put that back.
 */
static inline int rp_pin(int32_t cpu, cpu_set_t *before) {
  if (cpu < 0 || sched_getaffinity(0, sizeof *before, before) != 0) return 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
  return 1;
}

static inline void rp_unpin(int pinned, const cpu_set_t *before) {
  if (pinned) sched_setaffinity(0, sizeof *before, before);
}

/* Checks the segment and the arguments every run shares. */
static inline int rp_check_run(void *segment, int32_t role, int32_t mode, uint64_t size) {
  struct rp_control *ctl = rp_control_of(segment);
  if (ctl->magic != RP_MAGIC || ctl->abi_version != RP_ABI_VERSION) return RP_BAD_SEGMENT;
  if ((role != RP_PRODUCER && role != RP_CONSUMER) || mode < RP_STREAM || mode > RP_FILESERVER)
    return RP_BAD_ARGUMENT;
  if (size == 0 || size % 8 != 0) return RP_BAD_ARGUMENT;
  if (mode == RP_FILESERVER &&
      (size < RP_REQUEST_BYTES || ctl->queue_depth == 0 || ctl->queue_depth > RP_MAX_DEPTH ||
       ctl->file_bytes < size || ctl->file_bytes % 8 != 0))
    return RP_BAD_ARGUMENT;
  /* A ring with fewer slots than requests in flight deadlocks both sides: refuse it here too. */
  if (mode == RP_FILESERVER && ctl->ring_slots != 0 && ctl->ring_slots < ctl->queue_depth)
    return RP_BAD_ARGUMENT;
  return RP_OK;
}

/* ---- the loops ---- */

/*
 * What a transport lends the loops: a buffer to fill or read, and handing it
 * back. Transports define these with RP_INLINE: an operation the compiler
 * declines to inline costs a call per message and keeps the endpoint in
 * memory, which doubled the 8-byte ring's time per item when it happened.
 */
typedef int (*rp_acquire_fn)(void *endpoint, uint64_t **words);
typedef int (*rp_release_fn)(void *endpoint);

/* One end of a transport, as the loops see it. */
struct rp_end {
  void *endpoint;
  rp_acquire_fn acquire;
  rp_release_fn release;
};

#define RP_INLINE static inline __attribute__((always_inline))

/* Stream, producer side: fill and send message i, for every i. */
RP_INLINE int rp_stream_send(struct rp_control *ctl, struct rp_end tx, uint64_t words,
                             uint64_t count, uint64_t *out) {
  uint64_t sum = 0, *buf;
  int status;
  out[RP_T_START] = rp_now_ns();
  for (uint64_t i = 0; i < count; i++) {
    if ((i & RP_ORPHAN_POLL_MASK) == 0 && (status = rp_still_wanted(ctl)) != RP_OK) return status;
    if ((status = tx.acquire(tx.endpoint, &buf)) != RP_OK) return status;
    rp_fill(buf, i, words);
    if ((status = tx.release(tx.endpoint)) != RP_OK) return status;
    sum += i;
  }
  out[RP_T_END] = rp_now_ns();
  out[RP_ITEMS] = count;
  out[RP_CHECKSUM] = sum;
  return RP_OK;
}

/* Stream, consumer side: receive and check message i, for every i. */
RP_INLINE int rp_stream_recv(struct rp_control *ctl, struct rp_end rx, uint64_t words,
                             uint64_t count, uint64_t *out) {
  uint64_t sum = 0, *buf;
  int status;
  out[RP_T_START] = rp_now_ns();
  for (uint64_t i = 0; i < count; i++) {
    if ((i & RP_ORPHAN_POLL_MASK) == 0 && (status = rp_still_wanted(ctl)) != RP_OK) return status;
    if ((status = rx.acquire(rx.endpoint, &buf)) != RP_OK) return status;
    if ((status = rp_verify(buf, i, words, out)) != RP_OK) return status;
    if ((status = rx.release(rx.endpoint)) != RP_OK) return status;
    sum += i;
  }
  out[RP_T_END] = rp_now_ns();
  out[RP_ITEMS] = count;
  out[RP_CHECKSUM] = sum;
  return RP_OK;
}

/*
 * Ping-pong, client side: send request i, wait for reply i, check it. The
 * loop's own time (T_START to T_END) is what a round trip costs on average.
 * For the latency histogram the client times every `latency_every`-th round
 * trip with two clock reads of its own and leaves the others alone, so the
 * clock is a small, stated share of the loop; with `latency_every` 1 (or
 * paced) it times every round trip with one read each, the end of one being
 * the start of the next. Paced (pace_ns), the client sleeps between round
 * trips and reads the clock again before each send; its time ends with the
 * last reply either way.
 */
RP_INLINE int rp_pingpong_client(struct rp_control *ctl, struct rp_end tx, struct rp_end rx,
                                 uint64_t words, uint64_t count, uint64_t *out, uint64_t *hist) {
  uint64_t sum = 0, lat_min = UINT64_MAX, lat_max = 0, lat_sum = 0, *buf;
  int status;
  const uint64_t pace = ctl->pace_ns;
  const uint64_t every = pace != 0 || ctl->latency_every <= 1 ? 1 : ctl->latency_every;
  /* The TSC only when sampling: timing every round trip chains its stamps into the loop's time. */
  const int tsc = every > 1 && ctl->latency_tsc != 0;
  uint64_t before = rp_now_ns(), next = before, last_reply = before, countdown = 0;
  out[RP_T_START] = before;
  const uint64_t tsc_start = rp_stamp(tsc);
  for (uint64_t i = 0; i < count; i++) {
    if ((i & RP_ORPHAN_POLL_MASK) == 0 && (status = rp_still_wanted(ctl)) != RP_OK) return status;
    const int timed = countdown == 0;
    if (every > 1 && timed) before = rp_stamp(tsc);
    if ((status = tx.acquire(tx.endpoint, &buf)) != RP_OK) return status;
    rp_fill(buf, i, words);
    if ((status = tx.release(tx.endpoint)) != RP_OK) return status;
    if ((status = rx.acquire(rx.endpoint, &buf)) != RP_OK) return status;
    if ((status = rp_verify(buf, i, words, out)) != RP_OK) return status;
    if ((status = rx.release(rx.endpoint)) != RP_OK) return status;
    if (timed) {
      uint64_t after = rp_stamp(tsc), rtt = after - before;
      hist[rp_hist_bucket(rtt)]++;
      lat_min = rtt < lat_min ? rtt : lat_min;
      lat_max = rtt > lat_max ? rtt : lat_max;
      lat_sum += rtt;
      before = last_reply = after;
    }
    if (every > 1) countdown = countdown == 0 ? every - 1 : countdown - 1;
    sum += i;
    if (pace != 0) {
      /* Paced: sleep until the next start, so the server is really idle; then time from the send. */
      next += pace;
      struct timespec at = {(time_t)(next / 1000000000u), (long)(next % 1000000000u)};
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {
      }
      before = rp_now_ns();
    }
  }
  /* The last reply: timed, or read now (every > 1), never after a paced client's last sleep. */
  out[RP_T_END] = every == 1 ? last_reply : rp_now_ns();
  const uint64_t tsc_end = rp_stamp(tsc);
  out[RP_ITEMS] = count;
  out[RP_CHECKSUM] = sum;
  out[RP_LAT_MIN] = lat_sum > 0 ? lat_min : 0;
  out[RP_LAT_MAX] = lat_max;
  out[RP_LAT_SUM] = lat_sum;
  /* Ticks to ns, with this trial's own ratio of CLOCK_MONOTONIC to the TSC over the loop. */
  if (tsc && tsc_end > tsc_start)
    rp_ticks_to_ns(out, hist, (double)(out[RP_T_END] - out[RP_T_START]) / (double)(tsc_end - tsc_start));
  return RP_OK;
}

/* Ping-pong, server side: receive and check request i, answer with reply i. */
RP_INLINE int rp_pingpong_server(struct rp_control *ctl, struct rp_end rx, struct rp_end tx,
                                 uint64_t words, uint64_t count, uint64_t *out) {
  uint64_t sum = 0, *buf;
  int status;
  out[RP_T_START] = rp_now_ns();
  for (uint64_t i = 0; i < count; i++) {
    if ((i & RP_ORPHAN_POLL_MASK) == 0 && (status = rp_still_wanted(ctl)) != RP_OK) return status;
    if ((status = rx.acquire(rx.endpoint, &buf)) != RP_OK) return status;
    if ((status = rp_verify(buf, i, words, out)) != RP_OK) return status;
    if ((status = rx.release(rx.endpoint)) != RP_OK) return status;
    if ((status = tx.acquire(tx.endpoint, &buf)) != RP_OK) return status;
    rp_fill(buf, i, words);
    if ((status = tx.release(tx.endpoint)) != RP_OK) return status;
    sum += i;
  }
  out[RP_T_END] = rp_now_ns();
  out[RP_ITEMS] = count;
  out[RP_CHECKSUM] = sum;
  return RP_OK;
}

/*
 * ---- the file server: a microkernel-style server answering read requests ----
 *
 * The server holds a file in its own memory; word w of the file is
 * w * RP_PATTERN_STEP, so the client can check any reply without a copy. A
 * request is two words, {offset, length}; the reply is `length` bytes from
 * `offset`. The client keeps up to queue_depth requests in flight and times
 * each from its send to its reply. Offsets spread over the file
 * (rp_request_offset), always whole replies inside it.
 */
static inline void rp_file_fill(uint64_t *file, uint64_t file_bytes) {
  for (uint64_t w = 0; w < file_bytes / 8; w++) file[w] = w * RP_PATTERN_STEP;
}

/*
 * Copies the reply to a request into `reply` (room for `capacity` bytes), or
 * returns RP_BAD_REQUEST: a request outside the file, not word-aligned, or
 * longer than a reply can be (it would run past the reply's buffer or slot).
 */
static inline int rp_file_answer(const uint64_t *file, uint64_t file_bytes, uint64_t offset,
                                 uint64_t length, uint64_t *reply, uint64_t capacity) {
  if (offset % 8 != 0 || length % 8 != 0 || offset > file_bytes || length > file_bytes - offset ||
      length > capacity)
    return RP_BAD_REQUEST;
  memcpy(reply, file + offset / 8, length);
  return RP_OK;
}

static inline uint64_t rp_request_offset(uint64_t i, uint64_t length, uint64_t file_bytes) {
  return (i * 2654435761u) % (file_bytes / length) * length;
}

RP_INLINE int rp_fileserver_client(struct rp_control *ctl, struct rp_end tx, struct rp_end rx,
                                   uint64_t length, uint64_t count, uint64_t *out, uint64_t *hist) {
  const uint64_t depth = ctl->queue_depth, file_bytes = ctl->file_bytes;
  uint64_t sent = 0, done = 0, sum = 0, lat_min = UINT64_MAX, lat_max = 0, lat_sum = 0, *buf;
  uint64_t sent_at[RP_MAX_DEPTH];
  int status;
  out[RP_T_START] = rp_now_ns();
  while (done < count) {
    if ((done & RP_ORPHAN_POLL_MASK) == 0 && (status = rp_still_wanted(ctl)) != RP_OK) return status;
    if (sent < count && sent - done < depth) {
      if ((status = tx.acquire(tx.endpoint, &buf)) != RP_OK) return status;
      buf[0] = rp_request_offset(sent, length, file_bytes);
      buf[1] = length;
      sent_at[sent % RP_MAX_DEPTH] = rp_now_ns();
      if ((status = tx.release(tx.endpoint)) != RP_OK) return status;
      sent++;
      continue;
    }
    if ((status = rx.acquire(rx.endpoint, &buf)) != RP_OK) return status;
    uint64_t first_word = rp_request_offset(done, length, file_bytes) / 8;
    for (uint64_t k = 0; k < length / 8; k++) {
      if (buf[k] != (first_word + k) * RP_PATTERN_STEP) {
        out[RP_BAD_INDEX] = done;
        out[RP_BAD_OFFSET] = k * 8;
        out[RP_BAD_EXPECTED] = (first_word + k) * RP_PATTERN_STEP;
        out[RP_BAD_GOT] = buf[k];
        return RP_BAD_DATA;
      }
    }
    if ((status = rx.release(rx.endpoint)) != RP_OK) return status;
    uint64_t latency = rp_now_ns() - sent_at[done % RP_MAX_DEPTH];
    hist[rp_hist_bucket(latency)]++;
    lat_min = latency < lat_min ? latency : lat_min;
    lat_max = latency > lat_max ? latency : lat_max;
    lat_sum += latency;
    sum += done;
    done++;
  }
  out[RP_T_END] = rp_now_ns();
  out[RP_ITEMS] = count;
  out[RP_CHECKSUM] = sum;
  out[RP_LAT_MIN] = count > 0 ? lat_min : 0;
  out[RP_LAT_MAX] = lat_max;
  out[RP_LAT_SUM] = lat_sum;
  return RP_OK;
}

RP_INLINE int rp_fileserver_server(struct rp_control *ctl, struct rp_end rx, struct rp_end tx,
                                   const uint64_t *file, uint64_t size, uint64_t count,
                                   uint64_t *out) {
  uint64_t sum = 0, *buf, offset, length;
  int status;
  out[RP_T_START] = rp_now_ns();
  for (uint64_t i = 0; i < count; i++) {
    if ((i & RP_ORPHAN_POLL_MASK) == 0 && (status = rp_still_wanted(ctl)) != RP_OK) return status;
    if ((status = rx.acquire(rx.endpoint, &buf)) != RP_OK) return status;
    offset = buf[0];
    length = buf[1];
    if ((status = rx.release(rx.endpoint)) != RP_OK) return status;
    if ((status = tx.acquire(tx.endpoint, &buf)) != RP_OK) return status;
    if ((status = rp_file_answer(file, ctl->file_bytes, offset, length, buf, size)) != RP_OK) {
      out[RP_BAD_INDEX] = i;
      out[RP_BAD_EXPECTED] = ctl->file_bytes;
      out[RP_BAD_GOT] = offset + length;
      return status;
    }
    if ((status = tx.release(tx.endpoint)) != RP_OK) return status;
    sum += i;
  }
  out[RP_T_END] = rp_now_ns();
  out[RP_ITEMS] = count;
  out[RP_CHECKSUM] = sum;
  return RP_OK;
}

/*
 * Runs one side of one trial over the given ends: `a` is where the producer
 * (client) sends and the consumer (server) receives; `b`, for ping-pong only,
 * carries the replies back. Meets the peer first, then measures the loop.
 * `helper` is the CPU clock of a kernel thread that works for this side (an
 * io_uring SQPOLL thread), read with the loop's own, or -1.
 */
RP_INLINE int rp_run_side_helped(void *segment, int32_t role, int32_t mode, uint64_t size,
                                 uint64_t count, struct rp_end a, struct rp_end b, uint64_t *out,
                                 uint64_t *hist, clockid_t helper) {
  struct rp_control *ctl = rp_control_of(segment);
  uint64_t words = size / 8;
  uint64_t *file = NULL;
  if (mode == RP_FILESERVER && role == RP_CONSUMER) {
    /* The server's file, made before the clock starts. */
    file = malloc(ctl->file_bytes);
    if (file == NULL) return -ENOMEM;
    rp_file_fill(file, ctl->file_bytes);
  }
  int status = rp_rendezvous(ctl, role);
  if (status != RP_OK) {
    free(file);
    return status;
  }
  rp_usage_begin(out, helper);
  if (mode == RP_FILESERVER) {
    status = role == RP_PRODUCER ? rp_fileserver_client(ctl, a, b, size, count, out, hist)
                                 : rp_fileserver_server(ctl, a, b, file, size, count, out);
    free(file);
  } else if (mode == RP_STREAM)
    status = role == RP_PRODUCER ? rp_stream_send(ctl, a, words, count, out)
                                 : rp_stream_recv(ctl, a, words, count, out);
  else
    status = role == RP_PRODUCER ? rp_pingpong_client(ctl, a, b, words, count, out, hist)
                                 : rp_pingpong_server(ctl, a, b, words, count, out);
  if (status == RP_OK) rp_usage_end(out, helper);
  return status;
}

/* rp_run_side_helped with no kernel thread: what every transport but io_uring's runs. */
RP_INLINE int rp_run_side(void *segment, int32_t role, int32_t mode, uint64_t size,
                          uint64_t count, struct rp_end a, struct rp_end b, uint64_t *out,
                          uint64_t *hist) {
  return rp_run_side_helped(segment, role, mode, size, count, a, b, out, hist, -1);
}

#endif /* RINGPIPE_H */
