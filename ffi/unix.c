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
