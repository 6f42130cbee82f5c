/*
 * unix.c - the `unix` transport's set-up: a Unix domain stream socket
 * between the two workers. The consumer (server) listens on a path in the
 * run's private directory and accepts one connection; the producer (client)
 * connects. Neither waits for good: both poll every millisecond and give up
 * (-ECANCELED) when the supervisor aborts or dies. The loops are the pipe's
 * (pipe.c): one write() and one read() per message, both ways on one socket.
 */
#include "ringpipe.h" /* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <sys/un.h>

static const struct timespec pause_1ms = {0, 1000000};

static int set_path(struct sockaddr_un *addr, const char *path) {
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr->sun_path) return -ENAMETOOLONG;
  strcpy(addr->sun_path, path);
  return 0;
}

/* Server: binds and listens at `path` (mode 0600 by the private directory), accepts one client. */
int32_t rp_unix_accept(void *segment, const char *path) {
  struct rp_control *ctl = rp_control_of(segment);
  struct sockaddr_un addr;
  int status = set_path(&addr, path);
  if (status != 0) return status;
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listener < 0) return -errno;
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 1) != 0) {
    int saved = errno;
    close(listener);
    return -saved;
  }
  for (;;) {
    int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0) {
      close(listener);
      return fd; /* blocking: accept4 does not inherit O_NONBLOCK */
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      int saved = errno;
      close(listener);
      return -saved;
    }
    if (rp_still_wanted(ctl) != RP_OK) {
      close(listener);
      return -ECANCELED;
    }
    nanosleep(&pause_1ms, NULL);
  }
}

/* Client: connects to the server's `path`, retrying until it listens. */
int32_t rp_unix_connect(void *segment, const char *path) {
  struct rp_control *ctl = rp_control_of(segment);
  struct sockaddr_un addr;
  int status = set_path(&addr, path);
  if (status != 0) return status;
  for (;;) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) return fd;
    int saved = errno;
    close(fd);
    if (saved != ENOENT && saved != ECONNREFUSED && saved != EINTR) return -saved;
    if (rp_still_wanted(ctl) != RP_OK) return -ECANCELED;
    nanosleep(&pause_1ms, NULL);
  }
}

/*
 * Hands `n` (1 or 2) descriptors from the consumer to the producer over a Unix
 * socket at `path` (SCM_RIGHTS): the consumer accepts and sends `fds`, the
 * producer connects and receives into `fds`; then both close the socket.
 * Returns 0 or -errno (-EPROTO: the message was not what was expected).
 */
static int hand_over(void *segment, const char *path, int32_t role, int n, int32_t *fds) {
  char byte = 'f';
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    struct cmsghdr header;
    char space[CMSG_SPACE(2 * sizeof(int))];
  } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space,
                       .msg_controllen = CMSG_SPACE((size_t)n * sizeof(int))};
  if (role == RP_CONSUMER) {
    int sock = rp_unix_accept(segment, path);
    if (sock < 0) return sock;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
    memcpy(CMSG_DATA(c), fds, (size_t)n * sizeof(int));
    ssize_t sent;
    while ((sent = sendmsg(sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
    }
    int status = sent == 1 ? 0 : sent < 0 ? -errno : -EPROTO;
    close(sock);
    return status;
  }
  int sock = rp_unix_connect(segment, path);
  if (sock < 0) return sock;
  ssize_t got;
  while ((got = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  int saved = errno;
  close(sock);
  if (got < 0) return -saved;
  /* Whatever arrived is ours to close unless it is exactly what was expected. */
  int expected = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int arrived[2];
    for (size_t k = 0; k < count; k++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof fd);
      if (!expected && count == (size_t)n && k < 2) arrived[k] = fd;
      else close(fd);
    }
    if (!expected && count == (size_t)n) {
      memcpy(fds, arrived, (size_t)n * sizeof(int));
      expected = 1;
    }
  }
  if (got == 1 && expected && (msg.msg_flags & MSG_CTRUNC) == 0) return 0;
  if (expected)
    for (int k = 0; k < n; k++) {
      close(fds[k]);
      fds[k] = -1;
    }
  return -EPROTO;
}

/*
 * Anonymous pipes for two processes that share no parent's descriptors, as
 * pipe(2) makes them (a named FIFO is a different path through the kernel,
 * and slower): the consumer creates them with pipe2() and hands the producer
 * its ends (hand_over). `pairs` is 1 (pipe a, producer to consumer) or 2
 * (also b, consumer to producer). On return fds[0] is this side's end of a
 * (the producer's write end, the consumer's read end) and fds[1] its end of b,
 * or -1.
 */
int32_t rp_pipe_share(void *segment, const char *path, int32_t role, int32_t pairs, int32_t *fds) {
  if ((role != RP_PRODUCER && role != RP_CONSUMER) || pairs < 1 || pairs > 2) return -EINVAL;
  fds[0] = fds[1] = -1;
  if (role == RP_PRODUCER) return hand_over(segment, path, role, pairs, fds);
  int a[2], b[2] = {-1, -1};
  if (pipe2(a, O_CLOEXEC) != 0) return -errno;
  if (pairs == 2 && pipe2(b, O_CLOEXEC) != 0) {
    int saved = errno;
    close(a[0]);
    close(a[1]);
    return -saved;
  }
  int32_t theirs[2] = {a[1], b[0]};
  int status = hand_over(segment, path, role, pairs, theirs);
  close(a[1]);
  if (pairs == 2) close(b[0]);
  if (status < 0) {
    close(a[0]);
    if (pairs == 2) close(b[1]);
    return status;
  }
  fds[0] = a[0];
  fds[1] = b[1];
  return 0;
}

/*
 * The eventfds of ring-eventfd: the consumer makes one per side (non-blocking)
 * and hands the producer both (hand_over). On return fds[0] is this side's own
 * (to sleep on) and fds[1] its peer's (to wake it).
 */
int32_t rp_eventfd_share(void *segment, const char *path, int32_t role, int32_t *fds) {
  if (role != RP_PRODUCER && role != RP_CONSUMER) return -EINVAL;
  fds[0] = fds[1] = -1;
  if (role == RP_PRODUCER) return hand_over(segment, path, role, 2, fds); /* its own first */
  /* efd[0]: the producer's, efd[1]: the consumer's. */
  int32_t efd[2] = {eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
  int status = efd[0] < 0 || efd[1] < 0 ? -errno : hand_over(segment, path, role, 2, efd);
  if (status < 0) {
    if (efd[0] >= 0) close(efd[0]);
    if (efd[1] >= 0) close(efd[1]);
    return status;
  }
  fds[0] = efd[1];
  fds[1] = efd[0];
  return 0;
}
