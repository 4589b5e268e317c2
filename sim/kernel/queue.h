/* The event queue: entries (time, sequence, payload) popped in (time,
 * sequence) order. The sequence number is the order of scheduling, so
 * events at equal times run in the order they were scheduled and a run is a
 * pure function of its inputs.
 *
 * A ladder queue (Tang, Goh and Thng, "Ladder Queue: An O(1) Priority
 * Queue Structure for Large-Scale Discrete Event Simulation", ACM TOMACS
 * 15(3), 2005), because it is the hot path (`make bench`, queue_*): a far
 * future "top" kept unsorted, "rungs" of buckets (power-of-two widths, so
 * a bucket index is a shift), each finer rung spawned from one crowded
 * bucket of the rung above, and a small sorted "bottom" the pops come
 * from. An entry is moved a few times in all instead of sifting through
 * log n levels. Every sort compares (time, sequence), so the order is
 * exact whatever the buckets hold; tests/test_queue_oracle.c pops it in
 * lockstep with the 4-ary heap it replaced. With a million entries the
 * rungs' lists would miss the cache at every step: see queue.c for the
 * coarse rung and the ahead hook that large queues use instead. */
#pragma once
#include "sim/kernel/time.h"
#include <glib.h>
#include <stdint.h>

typedef struct {
  SimTime time;
  uint64_t seq;
  uint32_t payload;
} SimQueueEntry;

/* Inside the queue a time is a key: its sign bit flipped, so that unsigned
 * order is time order and bucket arithmetic cannot overflow. */
typedef struct {
  uint64_t key;
  uint64_t seq;
  uint32_t payload;
  uint32_t next; /* in a bucket: the next node's index in the pool */
} SimQueueNode;

/* A run of entries of one bucket of a coarse rung: its entries sit side by
 * side, so a bucket is read and written mostly in order. */
#define SIM_QUEUE_BLOCK 32
typedef struct {
  uint32_t next; /* the bucket's next (older) block, which is full */
  SimQueueNode e[SIM_QUEUE_BLOCK];
} SimQueueBlock;

/* One rung: nb buckets of 2^shift keys from `start`; buckets below `cur`
 * were handed down (to the rung below or the bottom), so keys under
 * `lower` = start + cur * 2^shift belong down there. A bucket is a list of
 * pool nodes, or in a `coarse` rung a list of blocks, in no particular
 * order. */
typedef struct {
  uint64_t start, lower;
  uint32_t *heads;
  uint8_t *fill; /* coarse: entries in each bucket's newest block (kept
                    here, not in the block, so a push reads no cold line) */
  size_t nb, cur, cap, fill_cap;
  size_t ahead;     /* buckets below it had their first node prefetched */
  size_t staged[2]; /* buckets below staged[k] went through lookahead stage k */
  unsigned shift;
  gboolean coarse;
} SimQueueRung;

/* Called for entries a few buckets before they come down, to warm the
 * cache for them (stage 0, then stage 1 a little later); only on large
 * queues. A hint: it must not change anything the queue can see. */
typedef void (*SimQueueAheadFn)(void *ctx, uint32_t payload, unsigned stage);

/* Each rung's shift is below its parent's, so 64 rungs always suffice. */
#define SIM_QUEUE_MAX_RUNGS 65

typedef struct {
  SimQueueAheadFn ahead_fn; /* may be NULL; kept by sim_queue_clear */
  void *ahead_ctx;
  size_t ahead_above;       /* the hook runs while more entries are queued
                               (sim_queue_init: a quarter million) */
  /* bottom: sorted, the next pop at bot_head */
  SimQueueNode *bot;
  size_t bot_head, bot_len, bot_cap;
  /* rungs[0] is the coarsest; rungs[nrungs - 1] the one handing down */
  SimQueueRung rungs[SIM_QUEUE_MAX_RUNGS];
  unsigned nrungs;
  /* top: keys at or above the end of rungs[0] (or top_start without
   * rungs), unsorted */
  SimQueueNode *top;
  size_t top_len, top_cap;
  uint64_t top_min, top_max, top_start;
  /* the nodes of every rung's buckets; the free ones' indices in a stack
   * (an array, not a list through the nodes: taking one must not wait for
   * a node to come from memory) */
  SimQueueNode *pool;
  uint32_t *free;
  uint32_t pool_len, pool_cap, free_len;
  /* the blocks of coarse rungs, and the free ones' indices */
  SimQueueBlock *blocks;
  uint32_t *free_blocks;
  uint32_t blocks_len, blocks_cap, free_blocks_len;
  size_t len, bytes;
  uint64_t next_seq;
} SimQueue;

void sim_queue_init(SimQueue *q);
/* Frees everything and leaves an empty queue (the sequence restarts). */
void sim_queue_clear(SimQueue *q);
/* Inserts with the next sequence number. Aborts only when memory is gone
 * (the kernel's memory budget comes first). */
void sim_queue_push(SimQueue *q, SimTime time, uint32_t payload);
/* Removes the earliest entry into *out; FALSE when empty. */
gboolean sim_queue_pop(SimQueue *q, SimQueueEntry *out);
/* Removes the earliest entry into *out if its time is at most `until`;
 * FALSE (nothing removed) when empty or later. */
gboolean sim_queue_pop_until(SimQueue *q, SimTime until, SimQueueEntry *out);
/* The earliest time into *t; FALSE when empty. Not const: it may sort the
 * next bucket into the bottom, which changes no order. */
gboolean sim_queue_peek_time(SimQueue *q, SimTime *t);
/* The payload of the entry that pops next, if the queue already knows it
 * without work (FALSE otherwise): a hint for prefetching, nothing more. */
static inline gboolean sim_queue_next_payload(const SimQueue *q, size_t ahead, uint32_t *payload)
{
  if (q->bot_head + ahead >= q->bot_len)
    return FALSE;
  *payload = q->bot[q->bot_head + ahead].payload;
  return TRUE;
}
/* Entries queued. */
static inline size_t sim_queue_len(const SimQueue *q) { return q->len; }
/* Bytes the queue holds allocated (for the memory budget); never falls
 * until sim_queue_clear. */
static inline size_t sim_queue_bytes(const SimQueue *q) { return q->bytes; }
