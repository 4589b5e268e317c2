/* The event queue: a 4-ary min-heap of (time, sequence, payload). The
 * sequence number is the order of scheduling, so events at equal times run
 * in the order they were scheduled and a run is a pure function of its
 * inputs. Hand-written because it is the hot path (see `make bench`). */
#pragma once
#include "sim/kernel/time.h"
#include <glib.h>
#include <stdint.h>

typedef struct {
  SimTime time;
  uint64_t seq;
  uint32_t payload;
} SimQueueEntry;

typedef struct {
  SimQueueEntry *heap;
  size_t len, cap;
  uint64_t next_seq;
} SimQueue;

void sim_queue_init(SimQueue *q);
void sim_queue_clear(SimQueue *q);
/* Inserts with the next sequence number. */
void sim_queue_push(SimQueue *q, SimTime time, uint32_t payload);
/* Removes the earliest entry into *out; FALSE when empty. */
gboolean sim_queue_pop(SimQueue *q, SimQueueEntry *out);
static inline gboolean sim_queue_peek_time(const SimQueue *q, SimTime *t)
{
  if (q->len == 0)
    return FALSE;
  *t = q->heap[0].time;
  return TRUE;
}
