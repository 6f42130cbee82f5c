/*
 * pipe.c - the `pipe` transport: kernel pipes reached as named FIFOs. One
 * write() and one read() per message as the original did (finishing short
 * transfers, which messages larger than PIPE_BUF produce); the bytes go
 * through a private buffer on each side, as a program using pipes would.
 */
#include "ringpipe.h" /* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

/* One side's view of one pipe. */
struct pipe_end {
  int fd;
  uint64_t size;
  uint64_t *buffer; /* the message being built or checked */
  struct rp_control *ctl; /* its abort word is read before every blocking call (a load, no call) */
};

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

RP_INLINE int send_acquire(void *endpoint, uint64_t **words) {
  *words = ((struct pipe_end *)endpoint)->buffer;
  return RP_OK;
}

RP_INLINE int send_release(void *endpoint) {
  struct pipe_end *e = endpoint;
  if (rp_aborted(e->ctl)) return RP_ABORTED;
  return write_full(e->fd, e->buffer, e->size);
}

RP_INLINE int recv_acquire(void *endpoint, uint64_t **words) {
  struct pipe_end *e = endpoint;
  *words = e->buffer;
  if (rp_aborted(e->ctl)) return RP_ABORTED;
  return read_full(e->fd, e->buffer, e->size);
}

RP_INLINE int recv_release(void *endpoint) {
  (void)endpoint;
  return RP_OK;
}

/*
 * Runs one side of a trial. `fd_a` is the producer-to-consumer pipe (write end
 * for the producer, read end for the consumer); `fd_b`, for ping-pong only,
 * carries the replies (read end for the client, write end for the server).
 */
int32_t rp_pipe_run(void *segment, int32_t fd_a, int32_t fd_b, int32_t role, int32_t mode,
                    uint64_t size, uint64_t count, uint64_t *out, uint64_t *hist) {
  memset(out, 0, RP_FIELDS * sizeof *out);
  int status = rp_check_run(segment, role, mode, size);
  if (status != RP_OK) return status;
  /* Two buffers, allocated once, outside the loop. */
  uint64_t *buffer_a = rp_line_alloc(size);
  uint64_t *buffer_b = rp_line_alloc(size);
  if (buffer_a == NULL || buffer_b == NULL) {
    free(buffer_a);
    free(buffer_b);
    return -ENOMEM;
  }
  memset(buffer_a, 0, size); /* touch the pages before the clock starts */
  memset(buffer_b, 0, size);
  /* File server: requests (on a) are {offset, length}; replies (on b) are `size` bytes. */
  struct rp_control *ctl = rp_control_of(segment);
  struct pipe_end a = {fd_a, mode == RP_FILESERVER ? RP_REQUEST_BYTES : size, buffer_a, ctl},
                  b = {fd_b, size, buffer_b, ctl};
  /* Each branch names its operations as constants, so the loops are inlined with them. */
  if (role == RP_PRODUCER) {
    struct rp_end tx = {&a, send_acquire, send_release}, rx = {&b, recv_acquire, recv_release};
    status = rp_run_side(segment, role, mode, size, count, tx, rx, out, hist);
  } else {
    struct rp_end rx = {&a, recv_acquire, recv_release}, tx = {&b, send_acquire, send_release};
    status = rp_run_side(segment, role, mode, size, count, rx, tx, out, hist);
  }
  free(buffer_a);
  free(buffer_b);
  return status;
}

/*
 * ---- pipe-splice: the sender gives the kernel its pages with vmsplice() ----
 *
 * vmsplice() puts references to the sender's pages into the pipe instead of
 * copying them; the receiver read()s as usual. Caveat: a page must not change
 * until the receiver has read it, or the receiver sees the new contents. The
 * pipe holds at most one page reference per slot (16 by default), so the
 * sender rotates through that many page-aligned buffers, plus two: a buffer
 * comes round again only after everything spliced from it has been read. The
 * receiver's check of every word would catch it if that reasoning were wrong.
 */
struct splice_end {
  int fd;
  uint64_t size;
  uint64_t *buffers; /* `count` buffers of `stride_words` words, page-aligned */
  uint64_t stride_words;
  uint64_t count, next;
  uint64_t *current;
};

RP_INLINE int splice_acquire(void *endpoint, uint64_t **words) {
  struct splice_end *e = endpoint;
  e->current = e->buffers + (e->next++ % e->count) * e->stride_words;
  *words = e->current;
  return RP_OK;
}

RP_INLINE int splice_release(void *endpoint) {
  struct splice_end *e = endpoint;
  struct iovec iov = {e->current, e->size};
  while (iov.iov_len > 0) {
    ssize_t n = vmsplice(e->fd, &iov, 1, 0);
    if (n > 0) {
      iov.iov_base = (char *)iov.iov_base + n;
      iov.iov_len -= (size_t)n;
    } else if (n < 0 && errno != EINTR) {
      return -errno;
    }
  }
  return RP_OK;
}

static int splice_setup(struct splice_end *e, int fd, uint64_t size) {
  const uint64_t page = 4096;
  int capacity = fcntl(fd, F_GETPIPE_SZ);
  if (capacity <= 0) return -errno;
  e->fd = fd;
  e->size = size;
  e->stride_words = (size + page - 1) / page * page / 8;
  e->count = (uint64_t)capacity / page + 2;
  e->next = 0;
  e->buffers = aligned_alloc(page, e->count * e->stride_words * 8);
  if (e->buffers == NULL) return -ENOMEM;
  memset(e->buffers, 0, e->count * e->stride_words * 8);
  return RP_OK;
}

/*
 * The pipe holds references to the sender's pages until the receiver has read
 * them, so the buffers may be freed (and reused: a worker process runs trial
 * after trial) only once the pipe is empty. Waits for that outside the timed
 * loop; a run stopped meanwhile leaves them allocated, since they may still be
 * read.
 */
static void splice_teardown(struct splice_end *e, struct rp_control *ctl) {
  if (e->buffers == NULL) return;
  for (;;) {
    int queued = 0;
    if (ioctl(e->fd, FIONREAD, &queued) != 0 || queued == 0) break;
    if (rp_still_wanted(ctl) != RP_OK) return;
    struct timespec pause = {0, 20 * 1000};
    nanosleep(&pause, NULL);
  }
  free(e->buffers);
}

/* Like rp_pipe_run, but every message is sent with vmsplice() (see above). */
int32_t rp_splice_run(void *segment, int32_t fd_a, int32_t fd_b, int32_t role, int32_t mode,
                      uint64_t size, uint64_t count, uint64_t *out, uint64_t *hist) {
  memset(out, 0, RP_FIELDS * sizeof *out);
  int status = rp_check_run(segment, role, mode, size);
  if (status != RP_OK) return status;
  if (mode == RP_FILESERVER) return RP_BAD_ARGUMENT; /* requests are smaller than a page */
  /* The producer sends on a, the consumer on b (ping-pong replies). */
  int send_fd = role == RP_PRODUCER ? fd_a : fd_b;
  int recv_fd = role == RP_PRODUCER ? fd_b : fd_a;
  struct splice_end tx_end = {0};
  uint64_t *rx_buffer = rp_line_alloc(size);
  if (rx_buffer == NULL) return -ENOMEM;
  memset(rx_buffer, 0, size);
  int sends = role == RP_PRODUCER || mode == RP_PINGPONG;
  if (sends && (status = splice_setup(&tx_end, send_fd, size)) != RP_OK) {
    free(rx_buffer);
    return status;
  }
  struct pipe_end rx_end = {recv_fd, size, rx_buffer, rp_control_of(segment)};
  /* Each branch names its operations as constants, so the loops are inlined with them. */
  if (role == RP_PRODUCER) {
    struct rp_end tx = {&tx_end, splice_acquire, splice_release}, rx = {&rx_end, recv_acquire, recv_release};
    status = rp_run_side(segment, role, mode, size, count, tx, rx, out, hist);
  } else {
    struct rp_end rx = {&rx_end, recv_acquire, recv_release}, tx = {&tx_end, splice_acquire, splice_release};
    status = rp_run_side(segment, role, mode, size, count, rx, tx, out, hist);
  }
  splice_teardown(&tx_end, rp_control_of(segment));
  free(rx_buffer);
  return status;
}
