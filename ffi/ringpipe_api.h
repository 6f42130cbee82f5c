/*
 * ringpipe_api.h - the shim's exported functions: the ABI that ffi/symbols.ts
 * describes to Deno, one prototype per symbol. Every source includes it, so a
 * definition that drifts from its prototype does not compile, and
 * -Wmissing-prototypes finds an exported function left out; a test checks
 * that every symbols.ts entry names a prototype here, parameter by parameter.
 * Bump RP_ABI_VERSION (ringpipe.h) with any change.
 */
#ifndef RINGPIPE_API_H
#define RINGPIPE_API_H

#include <stdint.h>

/* mq.c */
int32_t rp_mq_create(const char *name, uint64_t size, uint32_t depth);
int32_t rp_mq_unlink(const char *name);
int32_t rp_mq_run(void *segment, const char *name_a, const char *name_b, int32_t role, int32_t mode,
                  uint64_t size, uint64_t count, uint64_t *out, uint64_t *hist);

/* pipe.c */
int32_t rp_pipe_run(void *segment, int32_t fd_a, int32_t fd_b, int32_t role, int32_t mode,
                    uint64_t size, uint64_t count, uint64_t *out, uint64_t *hist);
int32_t rp_splice_run(void *segment, int32_t fd_a, int32_t fd_b, int32_t role, int32_t mode,
                      uint64_t size, uint64_t count, uint64_t *out, uint64_t *hist);

/* ring.c */
uint64_t rp_ring_bytes(uint64_t slots, uint64_t stride);
uint64_t rp_micro_ring(void *mem, uint64_t pairs);
int32_t rp_ring_run(void *segment, int32_t role, int32_t mode, uint64_t size, uint64_t count,
                    int32_t wake_in, int32_t wake_out, uint64_t *out, uint64_t *hist);
int32_t rp_ring_copy_run(void *segment, int32_t role, int32_t mode, uint64_t size, uint64_t count,
                         uint64_t *out, uint64_t *hist);

/* shim.c */
uint32_t rp_hist_buckets(void);
uint32_t rp_hist_index(uint64_t value);
uint32_t rp_abi_version(void);
uint32_t rp_result_fields(void);
uint64_t rp_control_bytes(void);
const char *rp_strerror(int32_t errnum);
void *rp_shm_map(const char *name, uint64_t bytes, int32_t create, int32_t *err);
int32_t rp_shm_unmap(void *p, uint64_t bytes);
int32_t rp_shm_blank(void *p, uint64_t bytes);
int32_t rp_shm_unlink(const char *name);
void rp_segment_init(void *segment, uint64_t ring_slots, uint64_t ring_stride, uint32_t rings,
                     int32_t supervisor_pid, uint32_t wait_policy, uint64_t pace_ns,
                     uint64_t file_bytes, uint32_t queue_depth, uint64_t spin_ns,
                     uint64_t latency_every, uint32_t latency_tsc);
uint64_t rp_segment_bytes(uint64_t ring_slots, uint64_t ring_stride, uint32_t rings);
void rp_segment_abort(void *segment);
int32_t rp_fifo_make(const char *path);
int32_t rp_fifo_open(void *segment, const char *path, int32_t for_writing);
uint64_t rp_fs_available(const char *path);
int32_t rp_close(int32_t fd);
int32_t rp_nice_set(int32_t tid, int32_t nice);
int32_t rp_nice_get(void);
int32_t rp_thread_id(void);
int32_t rp_affinity_set(int32_t tid, int32_t cpu);
int32_t rp_affinity_get(uint8_t *mask, uint32_t bytes);
int32_t rp_sched_policy(void);
uint64_t rp_clock_resolution_ns(void);
void rp_ticks_to_ns_test(uint64_t *out, uint64_t *hist, double ns_per_tick);
uint64_t rp_tsc_cost_ns(uint64_t calls);
uint64_t rp_clock_cost_ns(uint64_t calls);
int32_t rp_file_answer_test(uint64_t file_bytes, uint64_t offset, uint64_t length, uint64_t *reply,
                            uint64_t capacity);
uint64_t rp_yardstick_syscall(uint64_t count);
int64_t rp_yardstick_pread(const char *path, uint64_t file_bytes, uint64_t length, uint64_t count);
int64_t rp_yardstick_pipe(uint64_t count, int32_t cpu_writer, int32_t cpu_reader);
int32_t rp_side_begin(void *segment, int32_t role, uint64_t *out);
void rp_side_end(uint64_t *out, uint64_t items, uint64_t checksum);
int32_t rp_futex_wait(void *word, uint32_t expected, uint64_t timeout_ns);
void rp_yield(void);
void rp_sleep_until(double when_ns);
int32_t rp_futex_wake(void *word, int32_t count);
int32_t rp_still_wanted_ffi(void *segment);
void rp_noop(void);
uint64_t rp_noop_ptr(const uint64_t *p);
double rp_now_ns_ffi(void);

/* unix.c */
int32_t rp_unix_accept(void *segment, const char *path);
int32_t rp_unix_connect(void *segment, const char *path);
int32_t rp_pipe_share(void *segment, const char *path, int32_t role, int32_t pairs, int32_t *fds);
int32_t rp_eventfd_share(void *segment, const char *path, int32_t role, int32_t *fds);

/* uring.c */
int32_t rp_uring_probe(uint32_t flags, int32_t sq_cpu);
int32_t rp_uring_pipe_run(void *segment, int32_t fd_a, int32_t fd_b, int32_t role, int32_t mode,
                          uint64_t size, uint64_t count, const uint64_t *setup, uint64_t *out,
                          uint64_t *hist);
int32_t rp_yardstick_uring(const char *path, uint64_t file_bytes, uint64_t length, uint64_t count,
                           uint32_t depth, const uint64_t *setup, int32_t cpu, uint64_t *out);

#endif /* RINGPIPE_API_H */
