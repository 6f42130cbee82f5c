/*
 * channel_peer.c - the other end of a ringpipe Channel, in plain C: what a
 * program in another language needs to talk to Deno through one (layout
 * version 2, see src/channel/channel.ts and docs/deno-engine.md).
 *
 *   cc -O2 -o channel_peer docs/examples/channel_peer.c
 *   ./channel_peer NAME receive N   takes the receiver's end, reads N 8-byte records,
 *                                   checks record i holds i, prints "received N sum S"
 *   ./channel_peer NAME send N      takes the sender's end, writes records 0 .. N-1
 *
 * The channel must hold fixed-size 8-byte records (Channel.create({ slotBytes: 8,
 * fixedSize: true })). An idle side spins for 10 µs, then sleeps on its futex
 * word; after publishing, a side wakes its peer only if the peer said it sleeps.
 *
 * It trusts its peer no further than the Deno side does: an index the peer
 * publishes must stay within the ring, the header must keep its magic and
 * geometry, and a peer that is gone (or a zombie) ends the wait.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The header: little-endian 32-bit words at these byte offsets. */
enum {
  MAGIC = 0x52504348, /* "RPCH" */
  VERSION = 2,
  HEADER_BYTES = 320,
  FIXED_SIZE = 1,
  OFF_MAGIC = 0,
  OFF_VERSION = 4,
  OFF_SLOTS = 8,
  OFF_SLOT_BYTES = 12,
  OFF_SENDER_PID = 16,
  OFF_RECEIVER_PID = 20,
  OFF_SENDER_CLOSED = 24,
  OFF_RECEIVER_CLOSED = 28,
  OFF_FLAGS = 32,
  OFF_HEAD = 64,
  OFF_TAIL = 128,
  OFF_RECEIVER_SLEEPS = 192,
  OFF_SENDER_SLEEPS = 256,
};

static char *base;

static _Atomic uint32_t *at(int offset) { return (_Atomic uint32_t *)(base + offset); }

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "channel_peer: %s\n", what);
  exit(1);
}

static uint32_t slots;

/* A peer is alive while /proc/PID/stat exists and its state is not Z (zombie) or X. */
static int alive(uint32_t pid) {
  char path[32], stat[512];
  snprintf(path, sizeof path, "/proc/%u/stat", pid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return 0;
  size_t n = fread(stat, 1, sizeof stat - 1, f);
  fclose(f);
  stat[n] = 0;
  const char *paren = strrchr(stat, ')');
  return paren == NULL || (paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X');
}

/* The header as it was when this side attached, or die. */
static void check_layout(void) {
  if (atomic_load(at(OFF_MAGIC)) != MAGIC || atomic_load(at(OFF_VERSION)) != VERSION ||
      atomic_load(at(OFF_SLOTS)) != slots || atomic_load(at(OFF_SLOT_BYTES)) != 8 ||
      !(atomic_load(at(OFF_FLAGS)) & FIXED_SIZE))
    die("the header changed under this side");
}

/* After publishing: wake the peer if it announced that it sleeps. */
static void wake(int sleeps) {
  atomic_thread_fence(memory_order_seq_cst);
  if (atomic_load_explicit(at(sleeps), memory_order_relaxed) != 0) {
    atomic_store_explicit(at(sleeps), 0, memory_order_relaxed);
    syscall(SYS_futex, at(sleeps), FUTEX_WAKE, 1, NULL, NULL, 0);
  }
}

/*
 * Waits until the index at `offset` differs from `seen`: spins for 10 µs,
 * then announces on `sleeps`, looks once more and sleeps (100 ms at most, to
 * notice a peer that closed). Returns the new index, or exits when the peer
 * closed without moving it.
 */
static uint32_t wait_for(int offset, uint32_t seen, int sleeps, int peer_closed, int peer_pid) {
  uint64_t start = now_ns();
  for (;;) {
    uint32_t index = atomic_load_explicit(at(offset), memory_order_acquire);
    if (index != seen) return index;
    if (now_ns() - start < 10000) continue;
    atomic_store_explicit(at(sleeps), 1, memory_order_seq_cst);
    index = atomic_load_explicit(at(offset), memory_order_seq_cst);
    if (index == seen) {
      if (atomic_load_explicit(at(peer_closed), memory_order_acquire)) die("the peer closed");
      uint32_t pid = atomic_load(at(peer_pid));
      if (pid != 0 && !alive(pid)) die("the peer is gone");
      check_layout();
      struct timespec timeout = {0, 100000000};
      syscall(SYS_futex, at(sleeps), FUTEX_WAIT, 1, &timeout, NULL, 0);
    }
    atomic_store_explicit(at(sleeps), 0, memory_order_relaxed);
  }
}

/* Takes an end: its pid word must be 0, or its holder closed it or is gone. */
static void claim(int pid_offset, int closed_offset) {
  uint32_t holder = atomic_load(at(pid_offset));
  int free = holder == 0 || atomic_load(at(closed_offset)) ||
             !alive(holder);
  if (!free || !atomic_compare_exchange_strong(at(pid_offset), &holder, (uint32_t)getpid()))
    die("that end of the channel is held by a live process");
  atomic_store(at(closed_offset), 0);
}

int main(int argc, char **argv) {
  if (argc != 4) die("usage: channel_peer NAME receive|send N");
  const char *name = argv[1], *action = argv[2];
  uint64_t count = strtoull(argv[3], NULL, 10);
  int fd = shm_open(name, O_RDWR, 0);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < HEADER_BYTES) die("cannot open the channel");
  base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (base == MAP_FAILED) die("cannot map the channel");
  if (atomic_load(at(OFF_MAGIC)) != MAGIC || atomic_load(at(OFF_VERSION)) != VERSION)
    die("not a version 2 ringpipe channel");
  slots = atomic_load(at(OFF_SLOTS));
  if (slots < 2 || (slots & (slots - 1)) != 0) die("the channel's slot count is not a power of two");
  if (atomic_load(at(OFF_SLOT_BYTES)) != 8 || !(atomic_load(at(OFF_FLAGS)) & FIXED_SIZE) ||
      (uint64_t)st.st_size < HEADER_BYTES + (uint64_t)slots * 8)
    die("this example wants fixed-size 8-byte records");
  volatile uint64_t *records = (uint64_t *)(base + HEADER_BYTES);
  uint32_t mask = slots - 1;
  if (strcmp(action, "receive") == 0) {
    claim(OFF_RECEIVER_PID, OFF_RECEIVER_CLOSED);
    uint32_t tail = atomic_load(at(OFF_TAIL)), head = atomic_load(at(OFF_HEAD));
    if (head - tail > slots) die("the sender published a head outside the ring");
    uint64_t sum = 0;
    for (uint64_t i = 0; i < count; i++) {
      if (tail == head) {
        head = wait_for(OFF_HEAD, head, OFF_RECEIVER_SLEEPS, OFF_SENDER_CLOSED, OFF_SENDER_PID);
        if (head - tail > slots) die("the sender published a head outside the ring");
      }
      uint64_t value = records[tail & mask];
      if (value != i) {
        fprintf(stderr, "channel_peer: record %llu holds %llu\n", (unsigned long long)i,
                (unsigned long long)value);
        return 1;
      }
      sum += value;
      atomic_store_explicit(at(OFF_TAIL), ++tail, memory_order_release);
      wake(OFF_SENDER_SLEEPS);
    }
    printf("received %llu sum %llu\n", (unsigned long long)count, (unsigned long long)sum);
    atomic_store(at(OFF_RECEIVER_CLOSED), 1);
    wake(OFF_SENDER_SLEEPS);
  } else if (strcmp(action, "send") == 0) {
    claim(OFF_SENDER_PID, OFF_SENDER_CLOSED);
    uint32_t head = atomic_load(at(OFF_HEAD)), tail = atomic_load(at(OFF_TAIL));
    if (head - tail > slots) die("the receiver published a tail outside the ring");
    for (uint64_t i = 0; i < count; i++) {
      while (head - tail == slots) {
        tail = wait_for(OFF_TAIL, tail, OFF_SENDER_SLEEPS, OFF_RECEIVER_CLOSED, OFF_RECEIVER_PID);
        if (head - tail > slots) die("the receiver published a tail outside the ring");
      }
      records[head & mask] = i;
      atomic_store_explicit(at(OFF_HEAD), ++head, memory_order_release);
      wake(OFF_RECEIVER_SLEEPS);
    }
    printf("sent %llu\n", (unsigned long long)count);
    atomic_store(at(OFF_SENDER_CLOSED), 1);
    wake(OFF_RECEIVER_SLEEPS);
  } else {
    die("the action is receive or send");
  }
  return 0;
}
