/*
 * uring.c - io_uring driven by hand (io_uring_setup, io_uring_enter and the
 * three mapped regions; no liburing): the `pipe-uring` and `pipe-uring-sqpoll`
 * transports, which move the `pipe` transport's messages through a pipe(2)
 * with each side's write() and read() submitted through its own ring, and the
 * file server's io_uring yardstick, which reads a file through one.
 *
 * Plain rings submit a batch and wait for it in one io_uring_enter(). With
 * SQPOLL a kernel thread takes submissions off the ring, so a side enters the
 * kernel only to wake that thread (IORING_SQ_NEED_WAKEUP) or, after looking
 * at the completion ring for `spin_ns`, to sleep until its completions come.
 * The messages of a batch are linked (IOSQE_IO_LINK), so they reach the pipe
 * in order; a short transfer ends the chain, and the rest is finished one
 * operation at a time. Which setup flags, batch and CPU the kernel thread
 * gets is decided in TypeScript and recorded.
 */
#include "ringpipe.h" /* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>

/*
 * Kernel headers before 5.6 (Ubuntu 20.04 has 5.4, RHEL 8 4.18) lack the
 * read and write opcodes, or io_uring altogether: the transports are then
 * built as stubs that answer -ENOSYS, which TypeScript reports as
 * unavailable, and every other transport still builds. The system call
 * numbers come from the kernel's table (one table for every architecture
 * since 5.1), not from the C library, which names them from glibc 2.30 on.
 */
#if defined(__has_include)
#if __has_include(<linux/io_uring.h>)
#include <linux/io_uring.h>
#endif
#endif
#if defined(IORING_FEAT_RW_CUR_POS) && !defined(RINGPIPE_NO_URING) /* 5.6 headers: READ, WRITE */
#define RP_HAVE_URING 1
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif
#else
#define RP_HAVE_URING 0
#endif

#if RP_HAVE_URING

struct uring {
  int fd;
  int sqpoll;
  uint32_t sq_mask, sq_entries, cq_mask;
  uint32_t sq_tail; /* my copy of the submission tail */
  _Atomic uint32_t *sq_head, *sq_ktail, *sq_flags, *cq_head, *cq_tail;
  struct io_uring_sqe *sqes;
  struct io_uring_cqe *cqes;
  void *sq_map, *cq_map;
  size_t sq_bytes, cq_bytes, sqe_bytes;
  uint64_t spin_ns; /* SQPOLL: how long to look at the completion ring before sleeping */
  clockid_t helper; /* the SQPOLL thread's CPU clock, or -1 */
};

static int enter(int fd, unsigned submit, unsigned wait, unsigned flags) {
  return (int)syscall(__NR_io_uring_enter, fd, submit, wait, flags, NULL, 0);
}

/* The SQPOLL thread's id, from the ring's fdinfo ("SqThread:"), or -1. */
static int sq_thread_of(int ring_fd) {
  char path[64], text[2048];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", ring_fd);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return -1;
  text[n] = 0;
  const char *line = strstr(text, "SqThread:");
  int tid = -1;
  if (line == NULL || sscanf(line, "SqThread: %d", &tid) != 1) return -1;
  return tid;
}

static void uring_close(struct uring *u) {
  if (u->sqes != NULL && u->sqes != MAP_FAILED) munmap(u->sqes, u->sqe_bytes);
  if (u->cq_map != NULL && u->cq_map != MAP_FAILED && u->cq_map != u->sq_map)
    munmap(u->cq_map, u->cq_bytes);
  if (u->sq_map != NULL && u->sq_map != MAP_FAILED) munmap(u->sq_map, u->sq_bytes);
  if (u->fd >= 0) close(u->fd);
  u->fd = -1;
}

/*
 * Sets a ring of `entries` up with `flags` (IORING_SETUP_*); with SQPOLL its
 * kernel thread idles after `idle_ms` and runs on `sq_cpu` when >= 0, and its
 * CPU clock is found through the thread id the kernel names in the ring's
 * fdinfo (-ESRCH where it does not).
 */
static int uring_open(struct uring *u, uint32_t entries, uint32_t flags, int32_t sq_cpu,
                      uint32_t idle_ms) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  memset(u, 0, sizeof *u);
  u->helper = -1;
  p.flags = flags;
  if (flags & IORING_SETUP_SQPOLL) {
    p.sq_thread_idle = idle_ms;
    if (sq_cpu >= 0) {
      p.flags |= IORING_SETUP_SQ_AFF;
      p.sq_thread_cpu = (uint32_t)sq_cpu;
    }
  }
  u->fd = (int)syscall(__NR_io_uring_setup, entries, &p);
  if (u->fd < 0) return -errno;
  /* SQPOLL on descriptors that are not registered needs 5.11; before, every operation fails. */
  if ((flags & IORING_SETUP_SQPOLL) && !(p.features & IORING_FEAT_SQPOLL_NONFIXED)) {
    close(u->fd);
    return -EOPNOTSUPP;
  }
  u->sqpoll = (flags & IORING_SETUP_SQPOLL) != 0;
  u->sq_bytes = p.sq_off.array + p.sq_entries * sizeof(uint32_t);
  u->cq_bytes = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  if (p.features & IORING_FEAT_SINGLE_MMAP)
    u->sq_bytes = u->cq_bytes = u->sq_bytes > u->cq_bytes ? u->sq_bytes : u->cq_bytes;
  u->sqe_bytes = p.sq_entries * sizeof(struct io_uring_sqe);
  const int prot = PROT_READ | PROT_WRITE, share = MAP_SHARED | MAP_POPULATE;
  u->sq_map = mmap(NULL, u->sq_bytes, prot, share, u->fd, IORING_OFF_SQ_RING);
  u->cq_map = (p.features & IORING_FEAT_SINGLE_MMAP) || u->sq_map == MAP_FAILED
                  ? u->sq_map
                  : mmap(NULL, u->cq_bytes, prot, share, u->fd, IORING_OFF_CQ_RING);
  u->sqes = mmap(NULL, u->sqe_bytes, prot, share, u->fd, IORING_OFF_SQES);
  if (u->sq_map == MAP_FAILED || u->cq_map == MAP_FAILED || u->sqes == MAP_FAILED) {
    int saved = errno;
    uring_close(u);
    return -saved;
  }
  char *sq = u->sq_map, *cq = u->cq_map;
  u->sq_head = (_Atomic uint32_t *)(sq + p.sq_off.head);
  u->sq_ktail = (_Atomic uint32_t *)(sq + p.sq_off.tail);
  u->sq_flags = (_Atomic uint32_t *)(sq + p.sq_off.flags);
  u->sq_mask = *(uint32_t *)(sq + p.sq_off.ring_mask);
  u->sq_entries = p.sq_entries;
  uint32_t *array = (uint32_t *)(sq + p.sq_off.array);
  for (uint32_t i = 0; i < p.sq_entries; i++) array[i] = i; /* slot i holds SQE i, always */
  u->cq_head = (_Atomic uint32_t *)(cq + p.cq_off.head);
  u->cq_tail = (_Atomic uint32_t *)(cq + p.cq_off.tail);
  u->cq_mask = *(uint32_t *)(cq + p.cq_off.ring_mask);
  u->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
  u->sq_tail = atomic_load_explicit(u->sq_ktail, memory_order_relaxed);
  if (u->sqpoll) {
    /* Its CPU time is part of the cost: a kernel that does not name the thread cannot be measured. */
    int tid = sq_thread_of(u->fd);
    if (tid <= 0) {
      uring_close(u);
      return -ESRCH;
    }
    /* CPUCLOCK_SCHED of a thread: ~tid << 3 | 6, shifted as unsigned (a negative shift is undefined). */
    u->helper = (clockid_t)(((uint32_t)~(uint32_t)tid << 3) | 6u);
  }
  return RP_OK;
}

/* Queues one read or write of `len` bytes at `buf` (file offset `offset`, -1 for a pipe). */
static void queue(struct uring *u, uint8_t op, int fd, void *buf, uint32_t len, uint64_t offset,
                  uint64_t tag, int linked) {
  struct io_uring_sqe *sqe = &u->sqes[u->sq_tail & u->sq_mask];
  memset(sqe, 0, sizeof *sqe);
  sqe->opcode = op;
  sqe->fd = fd;
  sqe->addr = (uint64_t)(uintptr_t)buf;
  sqe->len = len;
  sqe->off = offset;
  sqe->user_data = tag;
  sqe->flags = linked ? IOSQE_IO_LINK : 0;
  u->sq_tail++;
}

static unsigned cq_ready(struct uring *u) {
  return atomic_load_explicit(u->cq_tail, memory_order_acquire) -
         atomic_load_explicit(u->cq_head, memory_order_relaxed);
}

/*
 * Hands what was queued to the kernel and returns once `want` completions are
 * on the ring. Plain: one io_uring_enter() submits and waits. SQPOLL: the
 * kernel thread takes the submissions (woken if it sleeps); this side looks
 * at the completion ring for spin_ns (reading the clock every 64 looks), then
 * sleeps in io_uring_enter() until they come.
 */
static int submit_and_wait(struct uring *u, unsigned want) {
  atomic_store_explicit(u->sq_ktail, u->sq_tail, memory_order_release);
  if (!u->sqpoll) {
    for (;;) {
      unsigned pending = u->sq_tail - atomic_load_explicit(u->sq_head, memory_order_acquire);
      unsigned have = cq_ready(u);
      if (pending == 0 && have >= want) return RP_OK;
      /* min_complete counts what is on the ring already: ask for all `want`, not the rest. */
      if (enter(u->fd, pending, have >= want ? 0 : want, IORING_ENTER_GETEVENTS) < 0 &&
          errno != EINTR)
        return -errno;
    }
  }
  /* The thread sets NEED_WAKEUP before it sleeps; the fence orders our tail store before the look. */
  atomic_thread_fence(memory_order_seq_cst);
  if ((atomic_load_explicit(u->sq_flags, memory_order_relaxed) & IORING_SQ_NEED_WAKEUP) &&
      enter(u->fd, 0, 0, IORING_ENTER_SQ_WAKEUP) < 0 && errno != EINTR)
    return -errno;
  uint64_t since = 0;
  unsigned looks = 0;
  while (cq_ready(u) < want) {
    if (u->spin_ns > 0) {
      rp_cpu_relax();
      if ((++looks & 63u) != 0) continue;
      uint64_t now = rp_now_ns();
      if (since == 0) since = now;
      if (now - since < u->spin_ns) continue;
    }
    unsigned flags = IORING_ENTER_GETEVENTS;
    if (atomic_load_explicit(u->sq_flags, memory_order_relaxed) & IORING_SQ_NEED_WAKEUP)
      flags |= IORING_ENTER_SQ_WAKEUP;
    unsigned have = cq_ready(u);
    if (have < want && enter(u->fd, 0, want, flags) < 0 && errno != EINTR) return -errno;
  }
  return RP_OK;
}

/* Takes the next completion off the ring: its result, and its tag in `tag`. */
static int32_t take(struct uring *u, uint64_t *tag) {
  uint32_t head = atomic_load_explicit(u->cq_head, memory_order_relaxed);
  const struct io_uring_cqe *cqe = &u->cqes[head & u->cq_mask];
  int32_t res = cqe->res;
  *tag = cqe->user_data;
  atomic_store_explicit(u->cq_head, head + 1, memory_order_release);
  return res;
}

/* ---- the pipe transports ---- */

/*
 * One side's view of one pipe: `batch` buffers of `size` bytes. A sender fills
 * them one by one and sends the batch (linked writes) when it is full or holds
 * the last message; a receiver reads a batch (linked reads) when it has
 * checked the last one. `left` counts the messages still to move this way.
 */
struct uring_end {
  struct uring *ring;
  int fd;
  uint8_t op; /* IORING_OP_WRITE or IORING_OP_READ */
  uint32_t size;
  uint64_t batch, next, filled, left;
  uint64_t *buffers; /* batch * stride_words words */
  uint64_t stride_words;
  int64_t done[RP_MAX_DEPTH];
};

/* Moves the first `n` buffers through the pipe: linked, in one submission; short ones finished. */
static int move_batch(struct uring_end *e, uint64_t n) {
  for (uint64_t j = 0; j < n; j++)
    queue(e->ring, e->op, e->fd, e->buffers + j * e->stride_words, e->size, (uint64_t)-1, j,
          j + 1 < n);
  int status = submit_and_wait(e->ring, (unsigned)n);
  if (status != RP_OK) return status;
  for (uint64_t j = 0, tag; j < n; j++) {
    int32_t res = take(e->ring, &tag);
    e->done[tag] = res;
  }
  /* A short transfer cancels the rest of the chain: finish each in order, one at a time. */
  for (uint64_t j = 0; j < n; j++) {
    uint64_t moved = 0;
    int64_t res = e->done[j];
    for (;;) {
      if (res == 0 && e->op == IORING_OP_READ) return RP_PEER_CLOSED;
      if (res > 0) moved += (uint64_t)res;
      else if (res != -ECANCELED && res != -EINTR && res != -EAGAIN && res != 0) return (int)res;
      if (moved >= e->size) break;
      queue(e->ring, e->op, e->fd, (char *)(e->buffers + j * e->stride_words) + moved,
            e->size - (uint32_t)moved, (uint64_t)-1, j, 0);
      if ((status = submit_and_wait(e->ring, 1)) != RP_OK) return status;
      uint64_t tag;
      res = take(e->ring, &tag);
    }
  }
  return RP_OK;
}

RP_INLINE int uring_send_acquire(void *endpoint, uint64_t **words) {
  struct uring_end *e = endpoint;
  *words = e->buffers + e->next * e->stride_words;
  return RP_OK;
}

RP_INLINE int uring_send_release(void *endpoint) {
  struct uring_end *e = endpoint;
  e->next++;
  e->left--;
  if (e->next < e->batch && e->left > 0) return RP_OK;
  int status = move_batch(e, e->next);
  e->next = 0;
  return status;
}

RP_INLINE int uring_recv_acquire(void *endpoint, uint64_t **words) {
  struct uring_end *e = endpoint;
  if (e->next == e->filled) {
    uint64_t n = e->left < e->batch ? e->left : e->batch;
    int status = move_batch(e, n);
    if (status != RP_OK) return status;
    e->filled = n;
    e->next = 0;
  }
  *words = e->buffers + e->next * e->stride_words;
  return RP_OK;
}

RP_INLINE int uring_recv_release(void *endpoint) {
  struct uring_end *e = endpoint;
  e->next++;
  e->left--;
  return RP_OK;
}

/*
 * What every io_uring run takes from TypeScript, as uint64_t slots: the
 * IORING_SETUP_* flags (IORING_SETUP_SQPOLL for a kernel thread), that
 * thread's CPU (-1 as uint64_t: the kernel's choice) and idle time, the
 * largest batch, and how long to look at the completions before sleeping.
 */
enum rp_uring_setting { RP_UR_FLAGS, RP_UR_SQ_CPU, RP_UR_IDLE_MS, RP_UR_BATCH, RP_UR_SPIN_NS, RP_UR_SETTINGS };

static int open_as(struct uring *u, uint32_t entries, const uint64_t *setup) {
  int status = uring_open(u, entries, (uint32_t)setup[RP_UR_FLAGS], (int32_t)setup[RP_UR_SQ_CPU],
                          (uint32_t)setup[RP_UR_IDLE_MS]);
  u->spin_ns = setup[RP_UR_SPIN_NS];
  return status;
}

/* 0 when the ring supports the read and write operations (IORING_REGISTER_PROBE, 5.6), else -errno. */
static int probe_ops(int fd) {
  const unsigned ops = 256;
  size_t bytes = sizeof(struct io_uring_probe) + ops * sizeof(struct io_uring_probe_op);
  struct io_uring_probe *probe = calloc(1, bytes);
  if (probe == NULL) return -ENOMEM;
  int status = 0;
  if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_PROBE, probe, ops) != 0) {
    status = -errno;
  } else {
    const unsigned wanted[] = {IORING_OP_READ, IORING_OP_WRITE};
    for (unsigned k = 0; k < 2 && status == 0; k++)
      if (wanted[k] > probe->last_op || !(probe->ops[wanted[k]].flags & IO_URING_OP_SUPPORTED))
        status = -EOPNOTSUPP;
  }
  free(probe);
  return status;
}

/*
 * 0 when a ring with `flags` (and this SQPOLL CPU) can be set up here and
 * supports what the transports submit, else -errno: -EOPNOTSUPP for a kernel
 * whose SQPOLL needs registered files or that lacks the read or write
 * operation, -ENOSYS where io_uring is not built in or these headers lack it.
 */
int32_t rp_uring_probe(uint32_t flags, int32_t sq_cpu) {
  struct uring u;
  int status = uring_open(&u, 4, flags, sq_cpu, 10);
  if (status == RP_OK) {
    status = probe_ops(u.fd);
    uring_close(&u);
  }
  return status;
}

/*
 * Runs one side of a trial over pipes as rp_pipe_run does (fd_a from producer
 * to consumer, fd_b the replies), with every write() and read() submitted
 * through this side's own ring, set up as `setup` says (RP_UR_SETTINGS
 * slots). Streams move up to the batch setting's messages per submission
 * (fewer when 64 KiB, a pipe's buffer, holds fewer); ping-pong one. With
 * SQPOLL, RP_HELPER_CPU_NS is the kernel thread's CPU time during the loop.
 */
int32_t rp_uring_pipe_run(void *segment, int32_t fd_a, int32_t fd_b, int32_t role, int32_t mode,
                          uint64_t size, uint64_t count, const uint64_t *setup, uint64_t *out,
                          uint64_t *hist) {
  memset(out, 0, RP_FIELDS * sizeof *out);
  int status = rp_check_run(segment, role, mode, size);
  if (status != RP_OK) return status;
  uint64_t batch = setup[RP_UR_BATCH], fits = 65536 / size;
  if (mode == RP_FILESERVER || size > UINT32_MAX || batch == 0) return RP_BAD_ARGUMENT;
  batch = mode != RP_STREAM ? 1 : fits == 0 ? 1 : fits < batch ? fits : batch;
  if (batch > RP_MAX_DEPTH) batch = RP_MAX_DEPTH;
  struct uring ring;
  if ((status = open_as(&ring, batch < 4 ? 4 : (uint32_t)batch, setup)) != RP_OK) return status;
  uint64_t stride;
  if (rp_round_up(size, RP_CACHE_LINE, &stride) != 0) {
    uring_close(&ring);
    return -EOVERFLOW;
  }
  uint64_t stride_words = stride / 8;
  uint64_t *buffers = aligned_alloc(RP_CACHE_LINE, 2 * batch * stride_words * 8);
  if (buffers == NULL) {
    uring_close(&ring);
    return -ENOMEM;
  }
  memset(buffers, 0, 2 * batch * stride_words * 8); /* touch the pages before the clock starts */
  int producer = role == RP_PRODUCER;
  /* a: the producer writes, the consumer reads; b (ping-pong): the other way round. */
  struct uring_end a = {&ring, fd_a, producer ? IORING_OP_WRITE : IORING_OP_READ, (uint32_t)size,
                        batch, 0, 0, count, buffers, stride_words, {0}};
  struct uring_end b = {&ring, fd_b, producer ? IORING_OP_READ : IORING_OP_WRITE, (uint32_t)size,
                        batch, 0, 0, count, buffers + batch * stride_words, stride_words, {0}};
  if (producer) {
    struct rp_end tx = {&a, uring_send_acquire, uring_send_release},
                  rx = {&b, uring_recv_acquire, uring_recv_release};
    status = rp_run_side_helped(segment, role, mode, size, count, tx, rx, out, hist, ring.helper);
  } else {
    struct rp_end rx = {&a, uring_recv_acquire, uring_recv_release},
                  tx = {&b, uring_send_acquire, uring_send_release};
    status = rp_run_side_helped(segment, role, mode, size, count, rx, tx, out, hist, ring.helper);
  }
  uring_close(&ring);
  free(buffers);
  return status;
}

/* ---- the file server's yardstick ---- */

/*
 * `count` reads of `length` bytes from a file of `file_bytes` made at `path`
 * (as the pread() yardstick makes it, and removed at the end), at the file
 * server client's offsets, `depth` in flight, through a ring set up as `setup` says;
 * every word checked. out[0]: ns from the first submission to the last
 * completion; out[1]: this thread's CPU ns; out[2]: the SQPOLL thread's CPU ns
 * (0 without one). The calling thread runs on `cpu` meanwhile when it is >= 0
 * (its affinity is put back). Returns 0, -errno or -RP_BAD_DATA.
 */
int32_t rp_yardstick_uring(const char *path, uint64_t file_bytes, uint64_t length, uint64_t count,
                           uint32_t depth, const uint64_t *setup, int32_t cpu, uint64_t *out) {
  if (length == 0 || length % 8 != 0 || file_bytes < length || length > UINT32_MAX || depth == 0 ||
      depth > RP_MAX_DEPTH)
    return -EINVAL;
  memset(out, 0, 3 * sizeof *out);
  int fd = rp_file_make(path, file_bytes);
  if (fd < 0) return fd;
  cpu_set_t before;
  int pinned = rp_pin(cpu, &before);
  uint64_t stride = 0;
  uint64_t *buffers = rp_round_up(length, RP_CACHE_LINE, &stride) != 0
                          ? NULL
                          : aligned_alloc(RP_CACHE_LINE, depth * stride);
  uint64_t stride_words = stride / 8;
  struct uring u = {.fd = -1};
  int status = buffers == NULL ? -ENOMEM : open_as(&u, depth < 4 ? 4 : depth, setup);
  if (status == RP_OK) {
    memset(buffers, 0, depth * stride_words * 8);
    /* Reads finish in any order: each owns a buffer until its completion is checked. */
    uint32_t free_slots[RP_MAX_DEPTH], nfree = depth;
    for (uint32_t k = 0; k < depth; k++) free_slots[k] = k;
    uint64_t sent = 0, done = 0, cpu = rp_thread_cpu_ns(), helper = rp_clock_ns(u.helper);
    uint64_t start = rp_now_ns();
    while (status == RP_OK && done < count) {
      while (sent < count && nfree > 0) {
        uint32_t slot = free_slots[--nfree];
        queue(&u, IORING_OP_READ, fd, buffers + slot * stride_words, (uint32_t)length,
              rp_request_offset(sent, length, file_bytes), sent << 8 | slot, 0);
        sent++;
      }
      if ((status = submit_and_wait(&u, 1)) != RP_OK) break;
      while (status == RP_OK && cq_ready(&u) > 0) {
        uint64_t tag;
        int32_t res = take(&u, &tag);
        uint64_t i = tag >> 8, slot = tag & 0xff;
        uint64_t offset = rp_request_offset(i, length, file_bytes);
        const uint64_t *buf = buffers + slot * stride_words;
        if (res != (int32_t)length) status = res < 0 ? res : -EIO;
        for (uint64_t k = 0; status == RP_OK && k < length / 8; k++)
          if (buf[k] != (offset / 8 + k) * RP_PATTERN_STEP) status = -RP_BAD_DATA;
        free_slots[nfree++] = (uint32_t)slot;
        done++;
      }
    }
    out[0] = rp_now_ns() - start;
    out[1] = rp_thread_cpu_ns() - cpu;
    out[2] = rp_clock_ns(u.helper) - helper;
    uring_close(&u);
  }
  free(buffers);
  close(fd);
  unlink(path);
  rp_unpin(pinned, &before);
  return status;
}

#else /* no io_uring in these headers: the transports answer -ENOSYS, "unavailable" */

int32_t rp_uring_probe(uint32_t flags, int32_t sq_cpu) {
  (void)flags;
  (void)sq_cpu;
  return -ENOSYS;
}

int32_t rp_uring_pipe_run(void *segment, int32_t fd_a, int32_t fd_b, int32_t role, int32_t mode,
                          uint64_t size, uint64_t count, const uint64_t *setup, uint64_t *out,
                          uint64_t *hist) {
  (void)segment, (void)fd_a, (void)fd_b, (void)role, (void)mode, (void)size, (void)count;
  (void)setup, (void)hist;
  memset(out, 0, RP_FIELDS * sizeof *out);
  return -ENOSYS;
}

int32_t rp_yardstick_uring(const char *path, uint64_t file_bytes, uint64_t length, uint64_t count,
                           uint32_t depth, const uint64_t *setup, int32_t cpu, uint64_t *out) {
  (void)path, (void)file_bytes, (void)length, (void)count, (void)depth, (void)setup, (void)cpu;
  out[0] = out[1] = out[2] = 0;
  return -ENOSYS;
}

#endif /* RP_HAVE_URING */
