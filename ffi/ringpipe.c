/*
 * ringpipe.c - the native side of ringpipe: shared memory, FIFOs and the hot loops.
 *
 * Everything here is mechanism. Which transport runs, how often, at what
 * priority and what the numbers mean is decided in TypeScript; this file only
 * maps memory, opens files, and moves items as fast as the machine allows.
 *
 * One trial uses one shared segment:
 *
 *   +----------------------+ 0
 *   | struct rp_control    |  rendezvous flags and the abort word
 *   +----------------------+ RP_CONTROL_BYTES
 *   | transport area       |  the ring for "shm"; unused for "pipe"
 *   +----------------------+
 *
 * Each loop function is one FFI call per timed run: it marks its side ready,
 * waits for the peer, runs the loop and fills a result array (enum rp_field).
 * Nothing in a loop allocates, reads a clock or leaves C per item.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Bump whenever a signature, the layout or enum rp_field changes. */
#define RP_ABI_VERSION 3u
#define RP_MAGIC 0x52504950u /* "RPIP" */
#define RP_CACHE_LINE 64
#define RP_CONTROL_BYTES 256

/* Return codes of the loops: 0 is success, a negative value is -errno. */
enum rp_status {
  RP_OK = 0,
  RP_ABORTED = 1,     /* the supervisor set the abort word */
  RP_BAD_DATA = 2,    /* an item did not check out */
  RP_PEER_CLOSED = 3, /* end of file before the last item */
  RP_BAD_SEGMENT = 4, /* the segment was not initialised by rp_segment_init */
  RP_ORPHANED = 5,    /* the supervisor that created the segment is gone */
};

/* Slots of the result array each loop fills (all uint64_t). */
enum rp_field {
  RP_T_START,      /* CLOCK_MONOTONIC ns just before the first item moved */
  RP_T_END,        /* CLOCK_MONOTONIC ns just after the last item moved */
  RP_ITEMS,        /* items this side moved */
  RP_CHECKSUM,     /* sum of the items moved, modulo 2^64 */
  RP_BAD_INDEX,    /* first item that did not check out (RP_BAD_DATA) */
  RP_BAD_EXPECTED, /* what it should have been */
  RP_BAD_GOT,      /* what arrived */
  RP_UTIME_NS,     /* user CPU time of this thread during the loop */
  RP_STIME_NS,     /* system CPU time of this thread during the loop */
  RP_NVCSW,        /* voluntary context switches during the loop */
  RP_NIVCSW,       /* involuntary context switches during the loop */
  RP_CPU_START,    /* CPU the loop started on */
  RP_CPU_END,      /* CPU the loop ended on */
  RP_FIELDS
};

enum rp_role { RP_PRODUCER = 0, RP_CONSUMER = 1 };

struct rp_control {
  uint32_t magic;
  uint32_t abi_version;
  uint64_t ring_slots; /* power of two, or 0 when the segment has no ring */
  int32_t supervisor_pid; /* the workers' parent; a worker whose parent changes stops */
  _Alignas(RP_CACHE_LINE) _Atomic uint32_t ready[2];
  _Alignas(RP_CACHE_LINE) _Atomic uint32_t abort;
};
_Static_assert(sizeof(struct rp_control) <= RP_CONTROL_BYTES, "control block grew");

/* Head and tail sit on their own cache lines so the two sides never share one. */
struct rp_ring {
  _Alignas(RP_CACHE_LINE) _Atomic uint64_t head; /* next slot to fill; written by the producer */
  _Alignas(RP_CACHE_LINE) _Atomic uint64_t tail; /* next slot to drain; written by the consumer */
  _Alignas(RP_CACHE_LINE) uint64_t slots[];
};

/* Spinning waits look at the abort word only this often, to stay off its line, */
#define RP_ABORT_POLL_MASK 1023u
/* and ask the kernel whether their parent is still the supervisor this often. */
#define RP_ORPHAN_POLL_MASK 65535u

static inline struct rp_control *control_of(void *segment) { return segment; }

static inline struct rp_ring *ring_of(void *segment) {
  return (struct rp_ring *)((char *)segment + RP_CONTROL_BYTES);
}

static inline int aborted(struct rp_control *ctl) {
  return atomic_load_explicit(&ctl->abort, memory_order_acquire) != 0;
}

/* Whether to go on: RP_OK, or why not (the supervisor aborted or is gone). */
static int still_wanted(struct rp_control *ctl) {
  if (aborted(ctl)) return RP_ABORTED;
  if (getppid() != ctl->supervisor_pid) return RP_ORPHANED;
  return RP_OK;
}

/*
 * Every spinning wait calls this once per spin: a worker stops when the
 * supervisor sets the abort word, or when the supervisor died (its parent
 * changed), so no loop spins on forever after a crash.
 */
static inline int should_stop(struct rp_control *ctl, unsigned *spins) {
  unsigned n = ++*spins;
  if ((n & RP_ABORT_POLL_MASK) != 0) return RP_OK;
  if ((n & RP_ORPHAN_POLL_MASK) == 0) return still_wanted(ctl);
  return aborted(ctl) ? RP_ABORTED : RP_OK;
}

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t timeval_ns(struct timeval tv) {
  return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

/* ---- setup and teardown: not timed ---- */

uint32_t rp_abi_version(void) { return RP_ABI_VERSION; }

uint32_t rp_result_fields(void) { return RP_FIELDS; }

uint64_t rp_control_bytes(void) { return RP_CONTROL_BYTES; }

uint64_t rp_ring_bytes(uint64_t slots) { return sizeof(struct rp_ring) + slots * sizeof(uint64_t); }

const char *rp_strerror(int32_t errnum) { return strerror(errnum); }

/* Maps a POSIX shared-memory object; creates it (O_EXCL, mode 0600) when `create`. */
void *rp_shm_map(const char *name, uint64_t bytes, int32_t create, int32_t *err) {
  int fd = shm_open(name, create ? O_RDWR | O_CREAT | O_EXCL : O_RDWR, 0600);
  if (fd < 0) {
    *err = errno;
    return NULL;
  }
  if (create && ftruncate(fd, (off_t)bytes) != 0) {
    *err = errno;
    close(fd);
    shm_unlink(name);
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

int32_t rp_shm_unlink(const char *name) { return shm_unlink(name) == 0 ? 0 : -errno; }

void rp_segment_init(void *segment, uint64_t ring_slots, int32_t supervisor_pid) {
  struct rp_control *ctl = control_of(segment);
  ctl->magic = RP_MAGIC;
  ctl->abi_version = RP_ABI_VERSION;
  ctl->ring_slots = ring_slots;
  ctl->supervisor_pid = supervisor_pid;
  atomic_store_explicit(&ctl->abort, 0, memory_order_release);
}

void rp_segment_abort(void *segment) {
  atomic_store_explicit(&control_of(segment)->abort, 1, memory_order_release);
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
  struct rp_control *ctl = control_of(segment);
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
    if (still_wanted(ctl) != RP_OK) return -ECANCELED;
    nanosleep(&pause, NULL);
  }
}

/* Bytes an unprivileged user may still write on the file system holding `path`, or 0. */
uint64_t rp_fs_available(const char *path) {
  struct statvfs st;
  return statvfs(path, &st) == 0 ? (uint64_t)st.f_bavail * (uint64_t)st.f_frsize : 0;
}

int32_t rp_close(int32_t fd) { return close(fd) == 0 ? 0 : -errno; }

/* Linux nice is per thread: this sets it for the calling thread, which must be the one that loops. */
int32_t rp_nice_set(int32_t nice) {
  return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice) == 0 ? 0 : -errno;
}

/* The calling thread's nice value (-20..19), or INT32_MIN when it cannot be read. */
int32_t rp_nice_get(void) {
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
  return (nice == -1 && errno != 0) ? INT32_MIN : nice;
}

int32_t rp_thread_id(void) { return (int32_t)syscall(SYS_gettid); }

/* Affinity, like nice, is per thread: these act on the calling thread. */
int32_t rp_affinity_set(int32_t cpu) {
  cpu_set_t set;
  if (cpu < 0 || cpu >= CPU_SETSIZE) return -EINVAL;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : -errno;
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
uint64_t rp_clock_cost_ns(uint64_t calls) {
  uint64_t start = now_ns(), sink = 0;
  for (uint64_t i = 0; i < calls; i++) sink += now_ns();
  uint64_t end = now_ns();
  __asm__ __volatile__("" : : "r"(sink));
  return end - start;
}

/* ---- the parts every loop shares ---- */

/* Marks this side ready and spins until the peer is too (or the supervisor aborts or dies). */
static int rendezvous(struct rp_control *ctl, int role) {
  unsigned spins = 0;
  int status;
  atomic_store_explicit(&ctl->ready[role], 1, memory_order_release);
  while (!atomic_load_explicit(&ctl->ready[1 - role], memory_order_acquire))
    if ((status = should_stop(ctl, &spins)) != RP_OK) return status;
  return RP_OK;
}

static void usage_begin(uint64_t *out) {
  struct rusage ru;
  getrusage(RUSAGE_THREAD, &ru);
  out[RP_UTIME_NS] = timeval_ns(ru.ru_utime);
  out[RP_STIME_NS] = timeval_ns(ru.ru_stime);
  out[RP_NVCSW] = (uint64_t)ru.ru_nvcsw;
  out[RP_NIVCSW] = (uint64_t)ru.ru_nivcsw;
  out[RP_CPU_START] = (uint64_t)sched_getcpu();
}

static void usage_end(uint64_t *out) {
  struct rusage ru;
  out[RP_CPU_END] = (uint64_t)sched_getcpu();
  getrusage(RUSAGE_THREAD, &ru);
  out[RP_UTIME_NS] = timeval_ns(ru.ru_utime) - out[RP_UTIME_NS];
  out[RP_STIME_NS] = timeval_ns(ru.ru_stime) - out[RP_STIME_NS];
  out[RP_NVCSW] = (uint64_t)ru.ru_nvcsw - out[RP_NVCSW];
  out[RP_NIVCSW] = (uint64_t)ru.ru_nivcsw - out[RP_NIVCSW];
}

static int bad_item(uint64_t *out, uint64_t index, uint64_t expected, uint64_t got) {
  out[RP_BAD_INDEX] = index;
  out[RP_BAD_EXPECTED] = expected;
  out[RP_BAD_GOT] = got;
  return RP_BAD_DATA;
}

static int begin(void *segment, int role, uint64_t *out) {
  struct rp_control *ctl = control_of(segment);
  memset(out, 0, RP_FIELDS * sizeof *out);
  if (ctl->magic != RP_MAGIC || ctl->abi_version != RP_ABI_VERSION) return RP_BAD_SEGMENT;
  int status = rendezvous(ctl, role);
  if (status == RP_OK) usage_begin(out);
  return status;
}

/* ---- shm: a single-producer single-consumer ring of 8-byte items ---- */

/*
 * Each side keeps a private copy of the other's index and reads the shared one
 * only when the copy says the ring is full (producer) or empty (consumer), so
 * in steady state a cache line moves only when there is news.
 */
int32_t rp_ring_send(void *segment, uint64_t count, uint64_t *out) {
  struct rp_control *ctl = control_of(segment);
  struct rp_ring *ring = ring_of(segment);
  int status = begin(segment, RP_PRODUCER, out);
  if (status != RP_OK) return status;
  const uint64_t slots = ctl->ring_slots, mask = slots - 1;
  if (slots == 0 || (slots & mask) != 0) return RP_BAD_SEGMENT;
  uint64_t head = 0, tail_seen = 0, sum = 0;
  unsigned spins = 0;

  out[RP_T_START] = now_ns();
  for (uint64_t i = 0; i < count; i++) {
    while (head - tail_seen == slots) {
      tail_seen = atomic_load_explicit(&ring->tail, memory_order_acquire);
      if ((status = should_stop(ctl, &spins)) != RP_OK) return status;
    }
    ring->slots[head & mask] = i;
    sum += i;
    atomic_store_explicit(&ring->head, ++head, memory_order_release);
  }
  out[RP_T_END] = now_ns();

  usage_end(out);
  out[RP_ITEMS] = count;
  out[RP_CHECKSUM] = sum;
  return RP_OK;
}

int32_t rp_ring_recv(void *segment, uint64_t count, uint64_t *out) {
  struct rp_control *ctl = control_of(segment);
  struct rp_ring *ring = ring_of(segment);
  int status = begin(segment, RP_CONSUMER, out);
  if (status != RP_OK) return status;
  const uint64_t slots = ctl->ring_slots, mask = slots - 1;
  if (slots == 0 || (slots & mask) != 0) return RP_BAD_SEGMENT;
  uint64_t tail = 0, head_seen = 0, sum = 0;
  unsigned spins = 0;

  out[RP_T_START] = now_ns();
  for (uint64_t i = 0; i < count; i++) {
    while (tail == head_seen) {
      head_seen = atomic_load_explicit(&ring->head, memory_order_acquire);
      if ((status = should_stop(ctl, &spins)) != RP_OK) return status;
    }
    uint64_t item = ring->slots[tail & mask];
    if (item != i) return bad_item(out, i, i, item);
    sum += item;
    atomic_store_explicit(&ring->tail, ++tail, memory_order_release);
  }
  out[RP_T_END] = now_ns();

  usage_end(out);
  out[RP_ITEMS] = count;
  out[RP_CHECKSUM] = sum;
  return RP_OK;
}

/*
 * ---- pipe: one write() and one read() of one 8-byte item per iteration ----
 *
 * Every 65,536 items the loops also ask whether they are still wanted (one
 * getppid(), about a microsecond here, so under 0.02 ns per item).
 */

/* Items are at most PIPE_BUF bytes, so each write is atomic; the loops still finish short transfers. */
static int write_full(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n > 0) {
      p += n;
      len -= (size_t)n;
    } else if (n < 0 && errno != EINTR) {
      return -errno;
    }
  }
  return RP_OK;
}

static int read_full(int fd, void *buf, size_t len) {
  char *p = buf;
  while (len > 0) {
    ssize_t n = read(fd, p, len);
    if (n > 0) {
      p += n;
      len -= (size_t)n;
    } else if (n == 0) {
      return RP_PEER_CLOSED;
    } else if (errno != EINTR) {
      return -errno;
    }
  }
  return RP_OK;
}

int32_t rp_pipe_send(void *segment, int32_t fd, uint64_t count, uint64_t *out) {
  struct rp_control *ctl = control_of(segment);
  int status = begin(segment, RP_PRODUCER, out);
  if (status != RP_OK) return status;
  uint64_t sum = 0;

  out[RP_T_START] = now_ns();
  for (uint64_t i = 0; i < count; i++) {
    if ((i & RP_ORPHAN_POLL_MASK) == 0 && (status = still_wanted(ctl)) != RP_OK) return status;
    status = write_full(fd, &i, sizeof i);
    if (status != RP_OK) return status;
    sum += i;
  }
  out[RP_T_END] = now_ns();

  usage_end(out);
  out[RP_ITEMS] = count;
  out[RP_CHECKSUM] = sum;
  return RP_OK;
}

int32_t rp_pipe_recv(void *segment, int32_t fd, uint64_t count, uint64_t *out) {
  struct rp_control *ctl = control_of(segment);
  int status = begin(segment, RP_CONSUMER, out);
  if (status != RP_OK) return status;
  uint64_t sum = 0, item;

  out[RP_T_START] = now_ns();
  for (uint64_t i = 0; i < count; i++) {
    if ((i & RP_ORPHAN_POLL_MASK) == 0 && (status = still_wanted(ctl)) != RP_OK) return status;
    status = read_full(fd, &item, sizeof item);
    if (status != RP_OK) return status;
    if (item != i) return bad_item(out, i, i, item);
    sum += item;
  }
  out[RP_T_END] = now_ns();

  usage_end(out);
  out[RP_ITEMS] = count;
  out[RP_CHECKSUM] = sum;
  return RP_OK;
}
