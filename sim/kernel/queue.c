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

/* The earliest of the children first .. first + 3 of a node, all present:
 * a two-round tournament (sequence numbers are unique, so there are no
 * ties and the winner is the one a scan would find). */
static inline size_t min_of_four(const SimQueueEntry *h, size_t first)
{
  size_t a = before(&h[first + 1], &h[first]) ? first + 1 : first;
  size_t b = before(&h[first + 3], &h[first + 2]) ? first + 3 : first + 2;
  return before(&h[b], &h[a]) ? b : a;
}

/* Pops the root: the hole it leaves goes down along the earliest children
 * to a leaf, then the last entry fills it and rises as far as it must
 * (Floyd's variant: the last entry came from the bottom and mostly belongs
 * there, so this saves the comparison with it at every level). Any valid
 * heap pops the same sequence: (time, seq) is a total order. */
gboolean sim_queue_pop(SimQueue *q, SimQueueEntry *out)
{
  if (q->len == 0)
    return FALSE;
  SimQueueEntry *h = q->heap;
  *out = h[0];
  SimQueueEntry last = h[--q->len];
  size_t n = q->len, i = 0;
  if (n == 0)
    return TRUE;
  for (;;) {
    size_t first = 4 * i + 1;
    if (first >= n)
      break;
    size_t best = first;
    if (first + 4 <= n) {
      best = min_of_four(h, first);
    } else {
      for (size_t c = first + 1; c < n; c++)
        if (before(&h[c], &h[best]))
          best = c;
    }
    h[i] = h[best];
    i = best;
  }
  while (i > 0) {
    size_t parent = (i - 1) / 4;
    if (!before(&last, &h[parent]))
      break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = last;
  return TRUE;
}
