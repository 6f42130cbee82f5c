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

/* Head and tail sit on their own cache lines so the two sides never share one. */
struct rp_ring {
  _Alignas(RP_CACHE_LINE) _Atomic uint64_t head; /* next slot to fill; written by the sender */
  _Alignas(RP_CACHE_LINE) _Atomic uint64_t tail; /* next slot to drain; written by the receiver */
  _Alignas(RP_CACHE_LINE) uint64_t slots[];
};

/* One side's view of one ring. */
struct ring_end {
  struct rp_control *ctl;
  struct rp_ring *ring;
  uint64_t mask, slots, stride_words;
  uint64_t mine;       /* my index: head for the sender, tail for the receiver */
  uint64_t theirs;     /* my last look at the other index */
  unsigned spins;
};

uint64_t rp_ring_bytes(uint64_t slots, uint64_t stride) {
  return sizeof(struct rp_ring) + slots * stride;
}

RP_INLINE int send_acquire(void *endpoint, uint64_t **words) {
  struct ring_end *e = endpoint;
  int status;
  while (e->mine - e->theirs == e->slots) {
    e->theirs = atomic_load_explicit(&e->ring->tail, memory_order_acquire);
    if (e->mine - e->theirs == e->slots && (status = rp_wait_once(e->ctl, &e->spins)) != RP_OK)
      return status;
  }
  *words = e->ring->slots + (e->mine & e->mask) * e->stride_words;
  return RP_OK;
}

RP_INLINE int send_release(void *endpoint) {
  struct ring_end *e = endpoint;
  atomic_store_explicit(&e->ring->head, ++e->mine, memory_order_release);
  return RP_OK;
}

RP_INLINE int recv_acquire(void *endpoint, uint64_t **words) {
  struct ring_end *e = endpoint;
  int status;
  while (e->mine == e->theirs) {
    e->theirs = atomic_load_explicit(&e->ring->head, memory_order_acquire);
    if (e->mine == e->theirs && (status = rp_wait_once(e->ctl, &e->spins)) != RP_OK) return status;
  }
  *words = e->ring->slots + (e->mine & e->mask) * e->stride_words;
  return RP_OK;
}

RP_INLINE int recv_release(void *endpoint) {
  struct ring_end *e = endpoint;
  atomic_store_explicit(&e->ring->tail, ++e->mine, memory_order_release);
  return RP_OK;
}

static int open_end(struct rp_control *ctl, int index, uint64_t size, struct ring_end *e) {
  uint64_t slots = ctl->ring_slots;
  if (slots == 0 || (slots & (slots - 1)) != 0 || ctl->ring_offset[index] == 0) return RP_BAD_SEGMENT;
  *e = (struct ring_end){
      .ctl = ctl,
      .ring = (struct rp_ring *)((char *)ctl + ctl->ring_offset[index]),
      .mask = slots - 1,
      .slots = slots,
      .stride_words = size / 8,
  };
  return RP_OK;
}

/*
 * Runs one side of a trial over ring 0 (producer to consumer) and, for
 * ping-pong, ring 1 (replies). `hist` (RP_HIST_BUCKETS slots) is used by the
 * ping-pong client only. Slots are packed at the message size.
 */
int32_t rp_ring_run(void *segment, int32_t role, int32_t mode, uint64_t size, uint64_t count,
                    uint64_t *out, uint64_t *hist) {
  struct rp_control *ctl = rp_control_of(segment);
  memset(out, 0, RP_FIELDS * sizeof *out);
  int status = rp_check_run(segment, role, mode, size);
  if (status != RP_OK) return status;
  if (ctl->ring_stride != size) return RP_BAD_SEGMENT;
  struct ring_end a, b = {0};
  if ((status = open_end(ctl, 0, size, &a)) != RP_OK) return status;
  if (mode == RP_PINGPONG && (status = open_end(ctl, 1, size, &b)) != RP_OK) return status;
  /* Each branch names its operations as constants, so the loops are inlined with them. */
  if (role == RP_PRODUCER) {
    struct rp_end tx = {&a, send_acquire, send_release}, rx = {&b, recv_acquire, recv_release};
    return rp_run_side(segment, role, mode, size, count, tx, rx, out, hist);
  }
  struct rp_end rx = {&a, recv_acquire, recv_release}, tx = {&b, send_acquire, send_release};
  return rp_run_side(segment, role, mode, size, count, rx, tx, out, hist);
}
