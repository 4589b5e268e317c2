/* 4-ary heap: shallower than a binary heap, and a node's four children share
 * a cache line or two, which is what makes it faster on large queues. */
#include "sim/kernel/queue.h"

static inline gboolean before(const SimQueueEntry *a, const SimQueueEntry *b)
{
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void sim_queue_init(SimQueue *q)
{
  q->heap = NULL;
  q->len = q->cap = 0;
  q->next_seq = 0;
}

void sim_queue_clear(SimQueue *q)
{
  g_free(q->heap);
  sim_queue_init(q);
}

void sim_queue_push(SimQueue *q, SimTime time, uint32_t payload)
{
  if (q->len == q->cap) {
    q->cap = q->cap ? q->cap * 2 : 1024;
    q->heap = g_renew(SimQueueEntry, q->heap, q->cap);
  }
  SimQueueEntry e = { time, q->next_seq++, payload };
  size_t i = q->len++;
  while (i > 0) {
    size_t parent = (i - 1) / 4;
    if (!before(&e, &q->heap[parent]))
      break;
    q->heap[i] = q->heap[parent];
    i = parent;
  }
  q->heap[i] = e;
}

gboolean sim_queue_pop(SimQueue *q, SimQueueEntry *out)
{
  if (q->len == 0)
    return FALSE;
  *out = q->heap[0];
  SimQueueEntry last = q->heap[--q->len];
  size_t n = q->len, i = 0;
  if (n == 0)
    return TRUE;
  for (;;) {
    size_t first = 4 * i + 1;
    if (first >= n)
      break;
    size_t best = first;
    size_t end = first + 4 < n ? first + 4 : n;
    for (size_t c = first + 1; c < end; c++)
      if (before(&q->heap[c], &q->heap[best]))
        best = c;
    if (!before(&q->heap[best], &last))
      break;
    q->heap[i] = q->heap[best];
    i = best;
  }
  q->heap[i] = last;
  return TRUE;
}
