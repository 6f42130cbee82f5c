/*
 * mq.c - the `mq` transport: POSIX message queues, one from producer to
 * consumer and, for ping-pong, one for the replies. The supervisor creates
 * them (O_CREAT|O_EXCL, mode 0600) and removes them; each message is one
 * mq_send() and one mq_receive() of exactly the message size, both plain
 * blocking calls, as a pipe's read() and write() are: no clock and no timer
 * per message. To notice an abort or a dead supervisor while blocked, the
 * loop thread gets a signal every 100 ms from a timer aimed at it alone
 * (timer_create, SIGEV_THREAD_ID), which interrupts the call (EINTR) and
 * costs nothing per message.
 */
#include "ringpipe.h" /* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>

/* Creates a queue of `depth` messages of `size` bytes; -errno on failure (EINVAL: above the limits). */
int32_t rp_mq_create(const char *name, uint64_t size, uint32_t depth) {
  struct mq_attr attr = {.mq_maxmsg = depth, .mq_msgsize = (long)size};
  mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
  if (q == (mqd_t)-1) return -errno;
  mq_close(q);
  return 0;
}

int32_t rp_mq_unlink(const char *name) { return mq_unlink(name) == 0 ? 0 : -errno; }

/* One side's view of one queue. */
struct mq_end {
  struct rp_control *ctl;
  mqd_t q;
  uint64_t size;
  uint64_t *buffer;
};

RP_INLINE int send_acquire(void *endpoint, uint64_t **words) {
  *words = ((struct mq_end *)endpoint)->buffer;
  return RP_OK;
}

RP_INLINE int send_release(void *endpoint) {
  struct mq_end *e = endpoint;
  if (rp_aborted(e->ctl)) return RP_ABORTED; /* a load before each blocking call, no call */
  while (mq_send(e->q, (const char *)e->buffer, e->size, 0) != 0) {
    if (errno != EINTR) return -errno;
    int status = rp_still_wanted(e->ctl); /* woken by the watchdog: still wanted? */
    if (status != RP_OK) return status;
  }
  return RP_OK;
}

RP_INLINE int recv_acquire(void *endpoint, uint64_t **words) {
  struct mq_end *e = endpoint;
  *words = e->buffer;
  if (rp_aborted(e->ctl)) return RP_ABORTED;
  for (;;) {
    ssize_t n = mq_receive(e->q, (char *)e->buffer, e->size, NULL);
    if (n == (ssize_t)e->size) return RP_OK;
    if (n >= 0) return RP_BAD_DATA; /* a message of the wrong size */
    if (errno != EINTR) return -errno;
    int status = rp_still_wanted(e->ctl); /* woken by the watchdog: still wanted? */
    if (status != RP_OK) return status;
  }
}

/* The watchdog's signal only interrupts a blocked call; it has nothing to do. */
static void on_watchdog(int signal) { (void)signal; }

/* A running watchdog, and what it changed: the handler and the thread's signal mask. */
struct watchdog {
  timer_t timer;
  struct sigaction old_action;
  sigset_t old_mask;
};

/*
 * Starts a 100 ms periodic signal aimed at this thread alone, so blocking
 * calls return EINTR now and then. SIGRTMIN is unblocked in this thread (a
 * blocked one would never interrupt anything) and its handler installed;
 * watchdog_stop puts both back. Returns 0 or -errno.
 */
static int watchdog_start(struct watchdog *w) {
  struct sigaction action = {.sa_handler = on_watchdog}; /* no SA_RESTART: calls return EINTR */
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGRTMIN, &action, &w->old_action) != 0) return -errno;
  sigset_t rt;
  sigemptyset(&rt);
  sigaddset(&rt, SIGRTMIN);
  int failed = pthread_sigmask(SIG_UNBLOCK, &rt, &w->old_mask);
  if (failed != 0) {
    sigaction(SIGRTMIN, &w->old_action, NULL);
    return -failed;
  }
  struct sigevent event = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGRTMIN};
#ifdef sigev_notify_thread_id /* glibc 2.35 and later, musl */
  event.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
#else
  event._sigev_un._tid = (pid_t)syscall(SYS_gettid);
#endif
  struct itimerspec every = {{0, 100000000}, {0, 100000000}};
  if (timer_create(CLOCK_MONOTONIC, &event, &w->timer) != 0) {
    failed = errno;
  } else if (timer_settime(w->timer, 0, &every, NULL) != 0) {
    failed = errno;
    timer_delete(w->timer);
  }
  if (failed != 0) {
    pthread_sigmask(SIG_SETMASK, &w->old_mask, NULL);
    sigaction(SIGRTMIN, &w->old_action, NULL);
    return -failed;
  }
  return 0;
}

/* Stops the timer (no signal comes after), then puts the handler and the mask back. */
static void watchdog_stop(struct watchdog *w) {
  timer_delete(w->timer);
  sigaction(SIGRTMIN, &w->old_action, NULL);
  pthread_sigmask(SIG_SETMASK, &w->old_mask, NULL);
}

RP_INLINE int recv_release(void *endpoint) {
  (void)endpoint;
  return RP_OK;
}

/*
 * Runs one side of a trial over queue `name_a` (producer to consumer) and, for
 * ping-pong, `name_b` (replies). The queues' message size must equal `size`.
 */
int32_t rp_mq_run(void *segment, const char *name_a, const char *name_b, int32_t role, int32_t mode,
                  uint64_t size, uint64_t count, uint64_t *out, uint64_t *hist) {
  memset(out, 0, RP_FIELDS * sizeof *out);
  int status = rp_check_run(segment, role, mode, size);
  if (status != RP_OK) return status;
  struct rp_control *ctl = rp_control_of(segment);
  if (mode == RP_FILESERVER) return RP_BAD_ARGUMENT; /* one message size per queue pair */
  mqd_t qa = mq_open(name_a, O_RDWR | O_CLOEXEC);
  mqd_t qb = mode == RP_PINGPONG ? mq_open(name_b, O_RDWR | O_CLOEXEC) : (mqd_t)-2;
  uint64_t *buffer_a = rp_line_alloc(size);
  uint64_t *buffer_b = rp_line_alloc(size);
  if (qa == (mqd_t)-1 || qb == (mqd_t)-1 || buffer_a == NULL || buffer_b == NULL) {
    status = buffer_a == NULL || buffer_b == NULL ? -ENOMEM : -errno;
  } else {
    memset(buffer_a, 0, size);
    memset(buffer_b, 0, size);
    struct mq_end a = {ctl, qa, size, buffer_a}, b = {ctl, qb, size, buffer_b};
    struct watchdog watchdog;
    if ((status = watchdog_start(&watchdog)) != 0) goto done;
    /* Each branch names its operations as constants, so the loops are inlined with them. */
    if (role == RP_PRODUCER) {
      struct rp_end tx = {&a, send_acquire, send_release}, rx = {&b, recv_acquire, recv_release};
      status = rp_run_side(segment, role, mode, size, count, tx, rx, out, hist);
    } else {
      struct rp_end rx = {&a, recv_acquire, recv_release}, tx = {&b, send_acquire, send_release};
      status = rp_run_side(segment, role, mode, size, count, rx, tx, out, hist);
    }
    watchdog_stop(&watchdog);
  }
done:
  if (qa != (mqd_t)-1) mq_close(qa);
  if (qb != (mqd_t)-1 && qb != (mqd_t)-2) mq_close(qb);
  free(buffer_a);
  free(buffer_b);
  return status;
}
