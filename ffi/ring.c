/*
 * ring.c - the `shm` transport: single-producer single-consumer rings of
 * message-sized slots in the trial's shared segment; both sides spin (or
 * yield, when they share a CPU), nothing enters the kernel.
 *
 * Each side keeps a private copy of the other's index and reads the shared
 * one only when the copy says the ring is full (sender) or empty (receiver),
 * so in steady state a cache line moves only when there is news. The sender
 * fills the slot in place (no copy), the receiver checks it in place.
 */
#include "ringpipe.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <linux/futex.h>
#include <poll.h>
#include <sys/syscall.h>

/*
 * Head and tail sit 128 bytes apart, so the two sides never share a cache
 * line, nor the pair of lines that adjacent-line prefetch fetches together.
 */
struct rp_ring {
  _Alignas(RP_LINE_PAIR) _Atomic uint64_t head; /* next slot to fill; written by the sender */
  _Alignas(RP_LINE_PAIR) _Atomic uint64_t tail; /* next slot to drain; written by the receiver */
  /* Sleeping policies only: 1 while the sender (0) or the receiver (1) sleeps. */
  _Alignas(RP_LINE_PAIR) _Atomic uint32_t sleeping[2];
  _Alignas(RP_LINE_PAIR) uint64_t slots[];
};
_Static_assert(offsetof(struct rp_ring, tail) - offsetof(struct rp_ring, head) >= RP_LINE_PAIR,
               "head and tail must sit a pair of cache lines apart");

/*
 * With the futex and pipe policies, a side that finds nothing to do keeps
 * looking for ctl->spin_ns before it sleeps (the kit's default, 10 µs, is
 * about what a wake-up costs on a VM, so a peer that answers quickly never
 * pays for one). The value comes from TypeScript (--spin-before-sleep).
 */
/* True once a side has been looking for longer than spin_ns (clock read every 64 looks). */
static inline int tired(unsigned *looks, uint64_t *since, uint64_t spin_ns) {
  if ((++*looks & 63u) != 0) return 0;
  uint64_t now = rp_now_ns();
  if (*since == 0) *since = now;
  return now - *since > spin_ns;
}

static long futex(_Atomic uint32_t *word, int op, uint32_t value, const struct timespec *timeout) {
  return syscall(SYS_futex, (uint32_t *)word, op, value, timeout, NULL, 0);
}

/*
 * One side's view of one ring. Its address reaches the slow paths, so `mine`
 * and `theirs` live in memory; passing scalars instead (indices in registers)
 * was measured: the round trip got faster, the 8-byte stream 2 to 5 times
 * slower, as a receiver that keeps up reads the head's line for every item.
 */
struct ring_end {
  struct rp_control *ctl;
  struct rp_ring *ring;
  uint64_t mask, slots, stride_words;
  uint64_t mine;   /* my index: head for the sender, tail for the receiver */
  uint64_t theirs; /* my last look at the other index */
  unsigned spins;
  int futex;       /* the futex policy: sleep when idle, wake a sleeping peer */
  int pipe_wake;   /* the pipe and eventfd policies: the same, sleeping in poll() on wake_in */
  int eventfd;     /* wake_in and wake_out are eventfds: 8-byte reads and writes */
  int wake_in;     /* my wake-up pipe's read end (pipe policy) */
  int wake_out;    /* the peer's wake-up pipe's write end (pipe policy) */
};

/*
 * Futex policy: after RP_SPIN_BEFORE_SLEEP_NS of empty looks, announce "asleep"
 * (seq_cst), look once more, and sleep on the announcement; the peer, after
 * publishing (and a full fence), wakes the sleeper only if it announced. The
 * store-then-load on both sides makes sure one of them sees the other. Sleeps
 * time out every 100 ms; only then does the side ask the kernel whether the
 * run is still wanted (a system call): a side that was woken goes straight
 * back to the index, paying nothing the pipe's wake-up does not pay.
 */
static int sleep_until(struct ring_end *e, int me, _Atomic uint64_t *index, uint64_t blocked_at) {
  static const struct timespec timeout = {0, 100000000};
  int timed_out = 0;
  atomic_store_explicit(&e->ring->sleeping[me], 1, memory_order_seq_cst);
  if (atomic_load_explicit(index, memory_order_seq_cst) == blocked_at) {
    if (e->pipe_wake) {
      struct pollfd fd = {.fd = e->wake_in, .events = POLLIN};
      uint64_t drain[8];
      int ready = poll(&fd, 1, 100);
      if (ready > 0)
        while (read(e->wake_in, drain, e->eventfd ? sizeof drain[0] : sizeof drain) > 0) {
        }
      timed_out = ready == 0;
    } else {
      timed_out = futex(&e->ring->sleeping[me], FUTEX_WAIT, 1, &timeout) != 0 && errno == ETIMEDOUT;
    }
  }
  atomic_store_explicit(&e->ring->sleeping[me], 0, memory_order_relaxed);
  if (timed_out) return rp_still_wanted(e->ctl);
  return rp_aborted(e->ctl) ? RP_ABORTED : RP_OK;
}

static void wake(struct ring_end *e, int peer) {
  atomic_thread_fence(memory_order_seq_cst);
  if (atomic_load_explicit(&e->ring->sleeping[peer], memory_order_relaxed)) {
    atomic_store_explicit(&e->ring->sleeping[peer], 0, memory_order_relaxed);
    if (e->pipe_wake) {
      /* Non-blocking: a full wake-up pipe (or a saturated eventfd) already holds a wake-up. */
      static const uint64_t one = 1;
      ssize_t ignored = write(e->wake_out, &one, e->eventfd ? sizeof one : 1);
      (void)ignored;
    } else {
      futex(&e->ring->sleeping[peer], FUTEX_WAKE, 1, NULL);
    }
  }
}

/* Wakes both sides of a ring if they sleep on its futex words (an abort must not wait for a timeout). */
void rp_ring_wake_sleepers(void *ring_memory) {
  struct rp_ring *ring = ring_memory;
  for (int side = 0; side < 2; side++) futex(&ring->sleeping[side], FUTEX_WAKE, INT32_MAX, NULL);
}

/* A ring's bytes, or UINT64_MAX when slots * stride would not fit 64 bits. */
uint64_t rp_ring_bytes(uint64_t slots, uint64_t stride) {
  uint64_t area;
  if (__builtin_mul_overflow(slots, stride, &area) || area > UINT64_MAX - sizeof(struct rp_ring))
    return UINT64_MAX;
  return sizeof(struct rp_ring) + area;
}

RP_INLINE int send_acquire(void *endpoint, uint64_t **words) {
  struct ring_end *e = endpoint;
  int status;
  unsigned looks = 0;
  uint64_t since = 0;
  while (e->mine - e->theirs == e->slots) {
    e->theirs = atomic_load_explicit(&e->ring->tail, memory_order_acquire);
    if (e->mine - e->theirs != e->slots) break;
    if ((e->futex || e->pipe_wake) && tired(&looks, &since, e->ctl->spin_ns))
      status = sleep_until(e, 0, &e->ring->tail, e->theirs);
    else
      status = rp_wait_once(e->ctl, &e->spins);
    if (status != RP_OK) return status;
  }
  *words = e->ring->slots + (e->mine & e->mask) * e->stride_words;
  return RP_OK;
}

RP_INLINE int send_release(void *endpoint) {
  struct ring_end *e = endpoint;
  atomic_store_explicit(&e->ring->head, ++e->mine, memory_order_release);
  if (e->futex || e->pipe_wake) wake(e, 1);
  return RP_OK;
}

RP_INLINE int recv_acquire(void *endpoint, uint64_t **words) {
  struct ring_end *e = endpoint;
  int status;
  unsigned looks = 0;
  uint64_t since = 0;
  while (e->mine == e->theirs) {
    e->theirs = atomic_load_explicit(&e->ring->head, memory_order_acquire);
    if (e->mine != e->theirs) break;
    if ((e->futex || e->pipe_wake) && tired(&looks, &since, e->ctl->spin_ns))
      status = sleep_until(e, 1, &e->ring->head, e->theirs);
    else
      status = rp_wait_once(e->ctl, &e->spins);
    if (status != RP_OK) return status;
  }
  *words = e->ring->slots + (e->mine & e->mask) * e->stride_words;
  return RP_OK;
}

RP_INLINE int recv_release(void *endpoint) {
  struct ring_end *e = endpoint;
  atomic_store_explicit(&e->ring->tail, ++e->mine, memory_order_release);
  if (e->futex || e->pipe_wake) wake(e, 0);
  return RP_OK;
}

/*
 * bench:micro: the bench's own ring operations (send_acquire .. recv_release
 * above, as `shm` inlines them), one 8-byte message pushed and popped `pairs`
 * times in one process: what the ring's bookkeeping costs without a second
 * core. `mem` is zeroed, aligned to RP_LINE_PAIR and holds rp_ring_bytes(1024,
 * 8) bytes; the ring is empty between calls. Returns the sum of what was
 * popped, so nothing is optimised away.
 */
uint64_t rp_micro_ring(void *mem, uint64_t pairs) {
  struct rp_ring *ring = mem;
  uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
  struct ring_end tx = {.ring = ring, .mask = 1023, .slots = 1024, .stride_words = 1,
                        .mine = head, .theirs = head, .wake_in = -1, .wake_out = -1};
  struct ring_end rx = tx;
  uint64_t sum = 0, *words;
  for (uint64_t i = 0; i < pairs; i++) {
    if (send_acquire(&tx, &words) != RP_OK) break; /* never full: one message at a time */
    words[0] = i;
    send_release(&tx);
    if (recv_acquire(&rx, &words) != RP_OK) break; /* never empty: it was just pushed */
    sum += words[0];
    recv_release(&rx);
  }
  return sum;
}

static int open_end(struct rp_control *ctl, int index, uint64_t size, int wake_in, int wake_out,
                    struct ring_end *e) {
  uint64_t slots = ctl->ring_slots;
  if (slots == 0 || (slots & (slots - 1)) != 0 || ctl->ring_offset[index] == 0) return RP_BAD_SEGMENT;
  *e = (struct ring_end){
      .ctl = ctl,
      .ring = (struct rp_ring *)((char *)ctl + ctl->ring_offset[index]),
      .mask = slots - 1,
      .slots = slots,
      .stride_words = size / 8,
      .futex = ctl->wait_policy == RP_WAIT_FUTEX,
      .pipe_wake = ctl->wait_policy == RP_WAIT_PIPE || ctl->wait_policy == RP_WAIT_EVENTFD,
      .eventfd = ctl->wait_policy == RP_WAIT_EVENTFD,
      .wake_in = wake_in,
      .wake_out = wake_out,
  };
  if (e->pipe_wake && (wake_in < 0 || wake_out < 0)) return RP_BAD_ARGUMENT;
  return RP_OK;
}

/*
 * Runs one side of a trial over ring 0 (producer to consumer) and, for
 * ping-pong, ring 1 (replies). `hist` (RP_HIST_BUCKETS slots) is used by the
 * ping-pong client only. Slots are packed at the message size. `wake_in` and
 * `wake_out` (the pipe and eventfd policies; else -1) are this side's wake-up
 * descriptor to sleep on and the peer's to wake it; both are set non-blocking.
 */
int32_t rp_ring_run(void *segment, int32_t role, int32_t mode, uint64_t size, uint64_t count,
                    int32_t wake_in, int32_t wake_out, uint64_t *out, uint64_t *hist) {
  struct rp_control *ctl = rp_control_of(segment);
  memset(out, 0, RP_FIELDS * sizeof *out);
  int status = rp_check_run(segment, role, mode, size);
  if (status != RP_OK) return status;
  if (ctl->ring_stride != size) return RP_BAD_SEGMENT;
  /* A side drains its wake-ups until the pipe is empty and must never block on a full one. */
  for (int k = 0; k < 2; k++) {
    int fd = k == 0 ? wake_in : wake_out;
    int flags = fd < 0 ? 0 : fcntl(fd, F_GETFL);
    if (fd >= 0 && (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)) return -errno;
  }
  struct ring_end a, b = {0};
  if ((status = open_end(ctl, 0, size, wake_in, wake_out, &a)) != RP_OK) return status;
  if (mode != RP_STREAM && (status = open_end(ctl, 1, size, wake_in, wake_out, &b)) != RP_OK)
    return status;
  /* Each branch names its operations as constants, so the loops are inlined with them. */
  if (role == RP_PRODUCER) {
    struct rp_end tx = {&a, send_acquire, send_release}, rx = {&b, recv_acquire, recv_release};
    return rp_run_side(segment, role, mode, size, count, tx, rx, out, hist);
  }
  struct rp_end rx = {&a, recv_acquire, recv_release}, tx = {&b, send_acquire, send_release};
  return rp_run_side(segment, role, mode, size, count, rx, tx, out, hist);
}

/*
 * ---- shm-copy: the same ring, with the copies a pipe makes ----
 *
 * The sender builds each message in a private buffer and copies it into the
 * slot; the receiver copies the slot out into a private buffer, hands the slot
 * back, and checks its copy. So the ring is set against the kernel with the
 * same two copies the pipe makes (and an essay's hardware pipe would), and the
 * in-place ring's advantage at large sizes is shown apart from the kernel's.
 */
struct copy_end {
  struct ring_end ring;
  uint64_t *buffer;
  uint64_t size;
};

RP_INLINE int copy_send_acquire(void *endpoint, uint64_t **words) {
  *words = ((struct copy_end *)endpoint)->buffer;
  return RP_OK;
}

RP_INLINE int copy_send_release(void *endpoint) {
  struct copy_end *c = endpoint;
  uint64_t *slot;
  int status = send_acquire(&c->ring, &slot);
  if (status != RP_OK) return status;
  memcpy(slot, c->buffer, c->size);
  return send_release(&c->ring);
}

RP_INLINE int copy_recv_acquire(void *endpoint, uint64_t **words) {
  struct copy_end *c = endpoint;
  uint64_t *slot;
  int status = recv_acquire(&c->ring, &slot);
  if (status != RP_OK) return status;
  memcpy(c->buffer, slot, c->size);
  if ((status = recv_release(&c->ring)) != RP_OK) return status;
  *words = c->buffer;
  return RP_OK;
}

RP_INLINE int copy_recv_release(void *endpoint) {
  (void)endpoint;
  return RP_OK;
}

/* One side of a trial over the rings with copies (stream and ping-pong; spinning waits). */
int32_t rp_ring_copy_run(void *segment, int32_t role, int32_t mode, uint64_t size, uint64_t count,
                         uint64_t *out, uint64_t *hist) {
  struct rp_control *ctl = rp_control_of(segment);
  memset(out, 0, RP_FIELDS * sizeof *out);
  int status = rp_check_run(segment, role, mode, size);
  if (status != RP_OK) return status;
  if (mode == RP_FILESERVER) return RP_BAD_ARGUMENT;
  if (ctl->ring_stride != size) return RP_BAD_SEGMENT;
  struct copy_end a = {.buffer = rp_line_alloc(size), .size = size},
                  b = {.buffer = rp_line_alloc(size), .size = size};
  if (a.buffer == NULL || b.buffer == NULL) {
    free(a.buffer);
    free(b.buffer);
    return -ENOMEM;
  }
  memset(a.buffer, 0, size); /* touch the pages before the clock starts */
  memset(b.buffer, 0, size);
  if ((status = open_end(ctl, 0, size, -1, -1, &a.ring)) == RP_OK && mode != RP_STREAM)
    status = open_end(ctl, 1, size, -1, -1, &b.ring);
  if (status == RP_OK) {
    if (role == RP_PRODUCER) {
      struct rp_end tx = {&a, copy_send_acquire, copy_send_release},
                    rx = {&b, copy_recv_acquire, copy_recv_release};
      status = rp_run_side(segment, role, mode, size, count, tx, rx, out, hist);
    } else {
      struct rp_end rx = {&a, copy_recv_acquire, copy_recv_release},
                    tx = {&b, copy_send_acquire, copy_send_release};
      status = rp_run_side(segment, role, mode, size, count, rx, tx, out, hist);
    }
  }
  free(a.buffer);
  free(b.buffer);
  return status;
}
