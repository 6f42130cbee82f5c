/*
 * shim.c - setting a trial up and tearing it down: shared memory, FIFOs, the
 * calling thread's nice and affinity, the clock, the histogram's shape. None
 * of it is timed; the loops live in ringpipe.h and the transports' files.
 *
 * One trial uses one shared segment:
 *
 *   +----------------------+ 0
 *   | struct rp_control    |  rendezvous flags, abort word, ring layout
 *   +----------------------+ RP_CONTROL_BYTES
 *   | ring 0               |  shm: producer to consumer (absent for pipe)
 *   +----------------------+
 *   | ring 1               |  shm ping-pong: the replies
 *   +----------------------+
 */
#include "ringpipe.h" /* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/futex.h>


/* A ring's bytes, rounded up to whole line pairs so the next one starts on one; UINT64_MAX: too large. */
static uint64_t ring_span(uint64_t slots, uint64_t stride) {
  uint64_t span;
  return rp_round_up(rp_ring_bytes(slots, stride), RP_LINE_PAIR, &span) == 0 ? span : UINT64_MAX;
}

uint32_t rp_hist_buckets(void) { return RP_HIST_BUCKETS; }

uint32_t rp_hist_index(uint64_t value) { return rp_hist_bucket(value); }

/* ---- setup and teardown: not timed ---- */

uint32_t rp_abi_version(void) { return RP_ABI_VERSION; }

uint32_t rp_result_fields(void) { return RP_FIELDS; }

uint64_t rp_control_bytes(void) { return RP_CONTROL_BYTES; }

const char *rp_strerror(int32_t errnum) { return strerror(errnum); }

/* Maps a POSIX shared-memory object; creates it (O_EXCL, mode 0600) when `create`. */
void *rp_shm_map(const char *name, uint64_t bytes, int32_t create, int32_t *err) {
  int fd = shm_open(name, create ? O_RDWR | O_CREAT | O_EXCL : O_RDWR, 0600);
  if (fd < 0) {
    *err = errno;
    return NULL;
  }
  /*
   * ftruncate reserves nothing on tmpfs: a full /dev/shm would be a SIGBUS at
   * the first write past the free space. posix_fallocate takes the pages now,
   * so a segment that does not fit is ENOSPC here.
   */
  int failed = create && ftruncate(fd, (off_t)bytes) != 0 ? errno : 0;
  while (create && failed == 0 && (failed = posix_fallocate(fd, 0, (off_t)bytes)) == EINTR) failed = 0;
  if (failed != 0) {
    *err = failed;
    close(fd);
    shm_unlink(name);
    return NULL;
  }
  /* Touching a mapping past the object's end is SIGBUS: refuse a short object. */
  struct stat st;
  if (!create && fstat(fd, &st) != 0) {
    *err = errno;
    close(fd);
    return NULL;
  }
  if (!create && (uint64_t)st.st_size < bytes) {
    *err = EINVAL;
    close(fd);
    return NULL;
  }
  /* MAP_POPULATE: page faults happen here, not inside the timed loop. */
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
  int saved = errno;
  close(fd);
  if (p == MAP_FAILED) {
    *err = saved;
    if (create) shm_unlink(name);
    return NULL;
  }
  *err = 0;
  return p;
}

int32_t rp_shm_unmap(void *p, uint64_t bytes) { return munmap(p, bytes) == 0 ? 0 : -errno; }

/*
 * Replaces a mapping with private zero pages in one step (MAP_FIXED over it):
 * the shared memory is let go, while pointers into the range stay valid (a
 * JavaScript view kept past a channel's close reads zeros, never unmapped
 * memory). Pages are taken only if written. Unmap it with rp_shm_unmap.
 */
int32_t rp_shm_blank(void *p, uint64_t bytes) {
  void *q = mmap(p, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
  return q == MAP_FAILED ? -errno : 0;
}

int32_t rp_shm_unlink(const char *name) { return shm_unlink(name) == 0 ? 0 : -errno; }

/*
 * Writes the control block of a fresh (zeroed) segment: `rings` rings of
 * `ring_slots` slots of `ring_stride` bytes follow it, each starting on a
 * cache line. The segment must hold rp_segment_bytes() of the same arguments.
 */
void rp_segment_init(void *segment, uint64_t ring_slots, uint64_t ring_stride, uint32_t rings,
                     int32_t supervisor_pid, uint32_t wait_policy, uint64_t pace_ns,
                     uint64_t file_bytes, uint32_t queue_depth, uint64_t spin_ns,
                     uint64_t latency_every, uint32_t latency_tsc) {
  struct rp_control *ctl = rp_control_of(segment);
  ctl->magic = RP_MAGIC;
  ctl->abi_version = RP_ABI_VERSION;
  ctl->supervisor_pid = supervisor_pid;
  ctl->wait_policy = wait_policy;
  ctl->pace_ns = pace_ns;
  ctl->file_bytes = file_bytes;
  ctl->queue_depth = queue_depth;
  ctl->spin_ns = spin_ns;
  ctl->latency_every = latency_every;
  ctl->latency_tsc = latency_tsc;
  ctl->ring_slots = ring_slots;
  ctl->ring_stride = ring_stride;
  for (uint32_t i = 0; i < RP_MAX_RINGS; i++)
    ctl->ring_offset[i] = i < rings ? RP_CONTROL_BYTES + i * ring_span(ring_slots, ring_stride) : 0;
  atomic_store_explicit(&ctl->abort, 0, memory_order_release);
}

/* Bytes a segment needs for its control block and `rings` rings. */
/* The bytes of a segment of `rings` rings; UINT64_MAX when that does not fit 64 bits. */
uint64_t rp_segment_bytes(uint64_t ring_slots, uint64_t ring_stride, uint32_t rings) {
  uint64_t span = ring_span(ring_slots, ring_stride), all;
  if (__builtin_mul_overflow(span, (uint64_t)rings, &all) || all > UINT64_MAX - RP_CONTROL_BYTES)
    return UINT64_MAX;
  return RP_CONTROL_BYTES + all;
}

/*
 * Tells both loops to stop: sets the abort word, then wakes a side asleep on a
 * ring's futex at once (a spinning side sees the word within 1,024 looks; a
 * side blocked in the kernel on a pipe, a socket or a queue at its next
 * message, or when the peer's exit closes its end).
 */
void rp_segment_abort(void *segment) {
  struct rp_control *ctl = rp_control_of(segment);
  atomic_store_explicit(&ctl->abort, 1, memory_order_seq_cst);
  for (int k = 0; k < RP_MAX_RINGS; k++)
    if (ctl->ring_slots != 0 && ctl->ring_offset[k] != 0)
      rp_ring_wake_sleepers((char *)segment + ctl->ring_offset[k]);
}

int32_t rp_fifo_make(const char *path) { return mkfifo(path, 0600) == 0 ? 0 : -errno; }

/*
 * Opens one end of a FIFO without ever blocking for good: the reader's open
 * succeeds at once (O_NONBLOCK), the writer's is retried every millisecond
 * until a reader exists, and both give up (-ECANCELED) when the supervisor
 * aborts or dies. The descriptor is then made blocking for the loop; the
 * rendezvous that follows keeps the reader from reading before a writer exists.
 */
int32_t rp_fifo_open(void *segment, const char *path, int32_t for_writing) {
  struct rp_control *ctl = rp_control_of(segment);
  const struct timespec pause = {0, 1000000};
  for (;;) {
    int fd = open(path, (for_writing ? O_WRONLY : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      int flags = fcntl(fd, F_GETFL);
      if (flags >= 0 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0) return fd;
      int saved = errno;
      close(fd);
      return -saved;
    }
    if (errno != ENXIO && errno != EINTR) return -errno; /* ENXIO: no reader yet */
    if (rp_still_wanted(ctl) != RP_OK) return -ECANCELED;
    nanosleep(&pause, NULL);
  }
}

/* Bytes an unprivileged user may still write on the file system holding `path`, or 0. */
uint64_t rp_fs_available(const char *path) {
  struct statvfs st;
  return statvfs(path, &st) == 0 ? (uint64_t)st.f_bavail * (uint64_t)st.f_frsize : 0;
}

int32_t rp_close(int32_t fd) { return close(fd) == 0 ? 0 : -errno; }

/* Linux nice is per thread: this sets it for thread `tid` of this process (0: the calling one). */
int32_t rp_nice_set(int32_t tid, int32_t nice) {
  id_t who = tid == 0 ? (id_t)syscall(SYS_gettid) : (id_t)tid;
  return setpriority(PRIO_PROCESS, who, nice) == 0 ? 0 : -errno;
}

/* The calling thread's nice value (-20..19), or INT32_MIN when it cannot be read. */
int32_t rp_nice_get(void) {
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
  return (nice == -1 && errno != 0) ? INT32_MIN : nice;
}

int32_t rp_thread_id(void) { return (int32_t)syscall(SYS_gettid); }

/* Affinity, like nice, is per thread: this pins thread `tid` (0: the calling one) to `cpu`. */
int32_t rp_affinity_set(int32_t tid, int32_t cpu) {
  cpu_set_t set;
  if (tid < 0 || cpu < 0 || cpu >= CPU_SETSIZE) return -EINVAL;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity((pid_t)tid, sizeof set, &set) == 0 ? 0 : -errno;
}

/* Writes the calling thread's allowed CPUs as a bitmask (bit i of byte i/8); returns how many, or -errno. */
int32_t rp_affinity_get(uint8_t *mask, uint32_t bytes) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return -errno;
  memset(mask, 0, bytes);
  for (int cpu = 0; cpu < CPU_SETSIZE && cpu / 8 < (int)bytes; cpu++)
    if (CPU_ISSET(cpu, &set)) mask[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
  return CPU_COUNT(&set);
}

/* The calling thread's scheduling policy (SCHED_OTHER = 0, SCHED_FIFO = 1, ...), or -errno. */
int32_t rp_sched_policy(void) {
  int policy = sched_getscheduler(0);
  return policy >= 0 ? policy : -errno;
}

/* ---- the clock the loops use: its resolution and the cost of reading it ---- */

uint64_t rp_clock_resolution_ns(void) {
  struct timespec ts;
  clock_getres(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Reads CLOCK_MONOTONIC `calls` times in a row; returns the ns that took. */
/* For tests: rp_ticks_to_ns on a result array and a histogram. */
void rp_ticks_to_ns_test(uint64_t *out, uint64_t *hist, double ns_per_tick) {
  rp_ticks_to_ns(out, hist, ns_per_tick);
}

/* ns taken by `calls` TSC reads as the latency stamps take them (`rdtsc`; 0 where there is none). */
uint64_t rp_tsc_cost_ns(uint64_t calls) {
  uint64_t start = rp_now_ns(), sink = 0;
  for (uint64_t i = 0; i < calls; i++) sink += rp_stamp(1);
  uint64_t end = rp_now_ns();
  __asm__ __volatile__("" : : "r"(sink));
  return end - start;
}

uint64_t rp_clock_cost_ns(uint64_t calls) {
  uint64_t start = rp_now_ns(), sink = 0;
  for (uint64_t i = 0; i < calls; i++) sink += rp_now_ns();
  uint64_t end = rp_now_ns();
  __asm__ __volatile__("" : : "r"(sink));
  return end - start;
}


/* ---- the file server's yardsticks, measured in this process ---- */

/* The file server's answer to one request into `capacity` bytes, for tests: RP_OK or RP_BAD_REQUEST. */
int32_t rp_file_answer_test(uint64_t file_bytes, uint64_t offset, uint64_t length, uint64_t *reply,
                            uint64_t capacity) {
  uint64_t *file = malloc(file_bytes);
  if (file == NULL) return -ENOMEM;
  rp_file_fill(file, file_bytes);
  int status = rp_file_answer(file, file_bytes, offset, length, reply, capacity);
  free(file);
  return status;
}

/* ns taken by `count` null system calls (getppid through syscall(), not the vDSO). */
uint64_t rp_yardstick_syscall(uint64_t count) {
  uint64_t start = rp_now_ns();
  for (uint64_t i = 0; i < count; i++) syscall(SYS_getppid);
  return rp_now_ns() - start;
}

/*
 * Makes the yardsticks' file at `path` (O_EXCL, 0600), `file_bytes` filled
 * like the file server's file and read once, so it is in the page cache.
 * Returns its descriptor, or -errno (the file is then gone).
 */
int rp_file_make(const char *path, uint64_t file_bytes) {
  uint64_t *file = malloc(file_bytes);
  if (file == NULL) return -ENOMEM;
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600), status = 0;
  if (fd < 0) {
    free(file);
    return -errno;
  }
  rp_file_fill(file, file_bytes);
  if (pwrite(fd, file, file_bytes, 0) != (ssize_t)file_bytes) status = -EIO;
  if (status == 0 && pread(fd, file, file_bytes, 0) != (ssize_t)file_bytes) status = -EIO;
  free(file);
  if (status != 0) {
    close(fd);
    unlink(path);
  }
  return status != 0 ? status : fd;
}

/*
 * ns taken by `count` pread()s of `length` bytes from a file of `file_bytes`
 * made at `path` (rp_file_make; removed at the end), at the offsets the file
 * server's client asks for; every word checked, as the client checks its
 * replies. Returns the ns, or -errno, or -RP_BAD_DATA.
 */
int64_t rp_yardstick_pread(const char *path, uint64_t file_bytes, uint64_t length, uint64_t count) {
  if (length == 0 || length % 8 != 0 || file_bytes < length) return -EINVAL;
  uint64_t *buf = malloc(length);
  if (buf == NULL) return -ENOMEM;
  int fd = rp_file_make(path, file_bytes);
  if (fd < 0) {
    free(buf);
    return fd;
  }
  int64_t result = 0;
  uint64_t start = rp_now_ns();
  for (uint64_t i = 0; result == 0 && i < count; i++) {
    uint64_t offset = rp_request_offset(i, length, file_bytes);
    if (pread(fd, buf, length, (off_t)offset) != (ssize_t)length) result = -EIO;
    /* Checked word by word, as the file server's client checks its replies. */
    for (uint64_t k = 0; result == 0 && k < length / 8; k++)
      if (buf[k] != (offset / 8 + k) * RP_PATTERN_STEP) result = -RP_BAD_DATA;
  }
  if (result == 0) result = (int64_t)(rp_now_ns() - start);
  close(fd);
  unlink(path);
  free(buf);
  return result;
}

/*
 * The pipe yardstick: a plain C loop over pipe(2), as the essay's test ran
 * it, to set beside the kit's `pipe` series in the same run. fork()s a reader
 * (only async-signal-safe calls in the child), pins the writer (this thread)
 * to `cpu_writer` and the reader to `cpu_reader` when they are >= 0, and sends
 * `count` 8-byte sequence numbers, one write() and one read() each; the
 * reader checks every one and answers one byte at the end. Returns the ns
 * from the first write to that answer, or -errno, or -RP_BAD_DATA. This
 * thread's affinity is put back.
 */
int64_t rp_yardstick_pipe(uint64_t count, int32_t cpu_writer, int32_t cpu_reader) {
  int data[2], done[2];
  if (pipe2(data, O_CLOEXEC) != 0) return -errno;
  if (pipe2(done, O_CLOEXEC) != 0) {
    int saved = errno;
    close(data[0]);
    close(data[1]);
    return -saved;
  }
  pid_t child = fork();
  if (child == 0) {
    close(data[1]);
    close(done[0]);
    if (cpu_reader >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu_reader, &set);
      sched_setaffinity(0, sizeof set, &set);
    }
    char ok = 'y';
    for (uint64_t i = 0; i < count; i++) {
      uint64_t got;
      if (read(data[0], &got, sizeof got) != (ssize_t)sizeof got || got != i) {
        ok = 'n';
        break;
      }
    }
    ssize_t ignored = write(done[1], &ok, 1);
    (void)ignored;
    _exit(0);
  }
  int saved = errno;
  close(data[0]);
  close(done[1]);
  if (child < 0) {
    close(data[1]);
    close(done[0]);
    return -saved;
  }
  cpu_set_t before;
  int pinned = rp_pin(cpu_writer, &before);
  int64_t result = 0;
  char ok = 'n';
  uint64_t start = rp_now_ns();
  for (uint64_t i = 0; i < count; i++) {
    if (write(data[1], &i, sizeof i) != (ssize_t)sizeof i) {
      result = -errno;
      break;
    }
  }
  if (result == 0 && read(done[0], &ok, 1) != 1) result = -EPIPE;
  uint64_t end = rp_now_ns();
  close(data[1]);
  close(done[0]);
  while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
  }
  rp_unpin(pinned, &before);
  if (result == 0 && ok != 'y') result = -RP_BAD_DATA;
  return result == 0 ? (int64_t)(end - start) : result;
}

/* ---- for loops written in TypeScript (the deno engine): the same bookkeeping as the C loops ---- */

/* Meets the peer, then starts the usage counters and the clock, exactly as a C loop does. */
int32_t rp_side_begin(void *segment, int32_t role, uint64_t *out) {
  struct rp_control *ctl = rp_control_of(segment);
  memset(out, 0, RP_FIELDS * sizeof *out);
  if (ctl->magic != RP_MAGIC || ctl->abi_version != RP_ABI_VERSION) return RP_BAD_SEGMENT;
  int status = rp_rendezvous(ctl, role);
  if (status != RP_OK) return status;
  rp_usage_begin(out, -1);
  out[RP_T_START] = rp_now_ns();
  return RP_OK;
}

/* Stops the clock and the usage counters, and records what the loop moved. */
void rp_side_end(uint64_t *out, uint64_t items, uint64_t checksum) {
  out[RP_T_END] = rp_now_ns();
  rp_usage_end(out, -1);
  out[RP_ITEMS] = items;
  out[RP_CHECKSUM] = checksum;
}

/*
 * ---- for the Channel (src/channel/): sleeping on a word of shared memory ----
 *
 * Waits while the 32-bit word at `word` (in a MAP_SHARED mapping) holds
 * `expected`, for at most `timeout_ns`: 0 when woken (or the word had
 * changed), -ETIMEDOUT, -EINTR. TypeScript calls it as a nonblocking symbol,
 * so it sleeps on a Deno worker thread and the event loop goes on.
 */
int32_t rp_futex_wait(void *word, uint32_t expected, uint64_t timeout_ns) {
  struct timespec timeout = {(time_t)(timeout_ns / 1000000000u), (long)(timeout_ns % 1000000000u)};
  if (syscall(SYS_futex, word, FUTEX_WAIT, expected, &timeout, NULL, 0) == 0) return 0;
  return errno == EAGAIN ? 0 : -errno;
}

/* Gives the CPU away (the deno engine's loops, spinning on a CPU their peer shares). */
void rp_yield(void) { sched_yield(); }

/* Sleeps until CLOCK_MONOTONIC reaches `when_ns` (the deno engine's paced client). */
void rp_sleep_until(double when_ns) {
  uint64_t ns = (uint64_t)when_ns;
  struct timespec at = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {
  }
}

/* Wakes up to `count` waiters on `word`; returns how many, or -errno. */
int32_t rp_futex_wake(void *word, int32_t count) {
  long woken = syscall(SYS_futex, word, FUTEX_WAKE, count, NULL, NULL, 0);
  return woken < 0 ? -errno : (int32_t)woken;
}

/* RP_OK while the run is wanted: the supervisor has not aborted and is still the parent. */
int32_t rp_still_wanted_ffi(void *segment) { return rp_still_wanted(rp_control_of(segment)); }

/* ---- for the micro-benchmarks (deno task bench:micro): the smallest things an FFI call can do ---- */

void rp_noop(void) {}

/* Reads one word through the pointer, so the call has to pass it. */
uint64_t rp_noop_ptr(const uint64_t *p) { return *p; }

/* A double holds every ns below 2^53 (104 days of CLOCK_MONOTONIC) exactly; JavaScript takes it
   without allocating, where a uint64_t becomes a BigInt. */
double rp_now_ns_ffi(void) { return (double)rp_now_ns(); }
