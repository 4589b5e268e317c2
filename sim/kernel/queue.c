/* The ladder queue (see queue.h). Where an entry goes when pushed:
 *   key at or past the end of rungs[0]   -> top (appended, min/max kept)
 *   key in a rung's buckets not yet handed down -> that bucket (coarsest
 *                                           rung that takes it)
 *   anything earlier                       -> the sorted bottom
 * With no rungs, top_start divides top from bottom. A pop takes the bottom's
 * head; an empty bottom is refilled from the next non-empty bucket of the
 * lowest rung (sorted if small or all one time, else spread over a finer
 * rung), and with no rungs left from the top (a new rungs[0]).
 *
 * Large queues (LARGE_ABOVE): rungs[0] is coarse, a few hundred entries
 * per bucket kept in blocks, and the finer rung each bucket spreads over
 * fits in the cache; the lowest list rung passes what comes down next to
 * the ahead hook (queue.h), so that the kernel can ask for the event
 * records and messages before they are needed. Neither changes an order:
 * which entries a bucket holds is all that matters, and every bottom is
 * sorted by (key, seq).
 *
 * Order: every entry in the bottom is before every entry in any rung, a
 * rung's buckets are in key order and each bucket's keys are before the
 * next one's, every rung's keys are before its parent's unconsumed buckets
 * and rungs[0]'s before the top's. Equal keys pushed later have larger
 * sequence numbers and, at each step, go where the earlier ones went or
 * later, so sorting each bottom by (key, seq) gives the exact order. */
#include "sim/kernel/queue.h"
#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX
/* A bucket with more entries than this is spread over a finer rung instead
 * of being sorted (the ladder paper's THRES is 50). */
#define SPAWN_ABOVE 48
#define KEY_BIAS (UINT64_C(1) << 63)
/* A top of more entries than this becomes a coarse rung of about
 * COARSE_FILL entries per bucket, kept in blocks, instead of a rung of one
 * entry per bucket kept in lists: with a million entries, a list node or a
 * bucket head is a cache miss at every step, while a coarse rung's few
 * thousand buckets stay in cache and its blocks are read in order; each
 * bucket later spreads over a fine rung small enough for the cache. Above
 * it too, entries are passed to the ahead hook before they come down. */
#define LARGE_ABOVE 262144
#define COARSE_FILL 256
/* Lookahead distances in buckets of the lowest rung: its bucket heads are
 * prefetched AHEAD_HEADS ahead, stage 0 runs AHEAD_STAGE0 ahead, stage 1
 * AHEAD_STAGE1 ahead (each stage reads what the one before asked for). */
#ifndef AHEAD_HEADS
#define AHEAD_HEADS 32
#define AHEAD_STAGE0 24
#define AHEAD_STAGE1 10
#endif

static inline uint64_t key_of(SimTime t) { return (uint64_t) t ^ KEY_BIAS; }
static inline SimTime time_of(uint64_t k) { return (SimTime) (k ^ KEY_BIAS); }

static inline gboolean before(const SimQueueNode *a, const SimQueueNode *b)
{
  return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

void sim_queue_init(SimQueue *q)
{
  memset(q, 0, sizeof *q);
  q->ahead_above = LARGE_ABOVE;
}

void sim_queue_clear(SimQueue *q)
{
  g_free(q->bot);
  g_free(q->top);
  g_free(q->pool);
  g_free(q->free);
  g_free(q->blocks);
  g_free(q->free_blocks);
  for (unsigned i = 0; i < SIM_QUEUE_MAX_RUNGS; i++) {
    g_free(q->rungs[i].heads);
    g_free(q->rungs[i].fill);
  }
  SimQueueAheadFn fn = q->ahead_fn;
  void *ctx = q->ahead_ctx;
  size_t above = q->ahead_above;
  sim_queue_init(q);
  q->ahead_fn = fn;
  q->ahead_ctx = ctx;
  q->ahead_above = above;
}

/* An emptied queue keeps at most this much: a run that started a million
 * nodes (a million start events at once) and then idles should not hold
 * their slots, while one that empties now and then keeps its arrays. */
#define KEEP_WHEN_EMPTY_BYTES (1u << 20)

/* Frees the arrays of an empty queue; the sequence goes on, so the order
 * of what comes next is the same as if they had been kept. */
static void release(SimQueue *q)
{
  uint64_t next_seq = q->next_seq;
  sim_queue_clear(q);
  q->next_seq = next_seq;
}

/* Grows *arr (of *cap nodes) to hold at least `need`. */
static void reserve(SimQueue *q, SimQueueNode **arr, size_t *cap, size_t need)
{
  if (need <= *cap)
    return;
  size_t grown = *cap ? *cap * 2 : 256;
  while (grown < need)
    grown *= 2;
  q->bytes += (grown - *cap) * sizeof **arr;
  *arr = g_renew(SimQueueNode, *arr, grown);
  *cap = grown;
}

/* Doubles an array of `size`-byte slots (to `first` when empty) and its
 * free stack, charging the bytes. */
static void slots_grow(SimQueue *q, void **items, uint32_t **free, uint32_t *cap, size_t size, uint32_t first,
                       const char *what)
{
  if (*cap >= NIL / 2)
    g_error("event queue: more than %u %s in rungs", *cap, what);
  uint32_t grown = *cap ? *cap * 2 : first;
  q->bytes += (grown - *cap) * (size + sizeof **free);
  *cap = grown;
  *items = g_realloc_n(*items, grown, size);
  *free = g_renew(uint32_t, *free, grown);
}

static inline uint32_t node_alloc(SimQueue *q)
{
  if (q->free_len > 0)
    return q->free[--q->free_len];
  if (q->pool_len == q->pool_cap)
    slots_grow(q, (void **) &q->pool, &q->free, &q->pool_cap, sizeof *q->pool, 256, "entries");
  return q->pool_len++;
}

static inline void bucket_add(SimQueue *q, SimQueueRung *r, size_t b, const SimQueueNode *e)
{
  uint32_t idx = node_alloc(q);
  SimQueueNode *n = &q->pool[idx];
  *n = *e;
  n->next = r->heads[b];
  r->heads[b] = idx;
}

static inline uint32_t block_alloc(SimQueue *q)
{
  if (q->free_blocks_len > 0)
    return q->free_blocks[--q->free_blocks_len];
  if (q->blocks_len == q->blocks_cap)
    slots_grow(q, (void **) &q->blocks, &q->free_blocks, &q->blocks_cap, sizeof *q->blocks, 64, "blocks");
  return q->blocks_len++;
}

/* Appends e to bucket b of a coarse rung: into its newest block, or a new
 * one in front when that is full. */
static inline void block_add(SimQueue *q, SimQueueRung *r, size_t b, const SimQueueNode *e)
{
  uint32_t bi = r->heads[b];
  if (bi == NIL || r->fill[b] == SIM_QUEUE_BLOCK) {
    uint32_t fresh = block_alloc(q);
    q->blocks[fresh].next = bi;
    r->fill[b] = 0;
    r->heads[b] = bi = fresh;
  }
  q->blocks[bi].e[r->fill[b]++] = *e;
}

static inline void top_add(SimQueue *q, const SimQueueNode *e)
{
  if (q->top_len == 0) {
    q->top_min = q->top_max = e->key;
  } else {
    if (e->key < q->top_min)
      q->top_min = e->key;
    if (e->key > q->top_max)
      q->top_max = e->key;
  }
  if (q->top_len == q->top_cap)
    reserve(q, &q->top, &q->top_cap, q->top_len + 1);
  q->top[q->top_len++] = *e;
}

/* Inserts into the sorted bottom after every entry with a key at or below
 * e's (its sequence number is the largest yet), moving whichever side of
 * the insertion point is shorter. */
static void bottom_insert(SimQueue *q, const SimQueueNode *e)
{
  if (q->bot_head == q->bot_len)
    q->bot_head = q->bot_len = 0;
  size_t lo = q->bot_head, hi = q->bot_len;
  if (hi - lo <= 16) {
    while (hi > lo && q->bot[hi - 1].key > e->key)
      hi--;
  } else {
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (q->bot[mid].key > e->key)
        hi = mid;
      else
        lo = mid + 1;
    }
  }
  size_t pos = hi;
  if (q->bot_head > 0 && pos - q->bot_head <= q->bot_len - pos) {
    memmove(&q->bot[q->bot_head - 1], &q->bot[q->bot_head], (pos - q->bot_head) * sizeof *q->bot);
    q->bot_head--;
    q->bot[pos - 1] = *e;
    return;
  }
  if (q->bot_len == q->bot_cap && q->bot_head >= q->bot_len - q->bot_head) {
    /* Mostly popped: slide the rest down rather than grow. */
    size_t live = q->bot_len - q->bot_head;
    memmove(q->bot, &q->bot[q->bot_head], live * sizeof *q->bot);
    pos -= q->bot_head;
    q->bot_head = 0;
    q->bot_len = live;
  }
  reserve(q, &q->bot, &q->bot_cap, q->bot_len + 1);
  memmove(&q->bot[pos + 1], &q->bot[pos], (q->bot_len - pos) * sizeof *q->bot);
  q->bot[pos] = *e;
  q->bot_len++;
}

void sim_queue_push(SimQueue *q, SimTime time, uint32_t payload)
{
  SimQueueNode e = { key_of(time), q->next_seq++, payload, NIL };
  q->len++;
  for (unsigned i = 0; i < q->nrungs; i++) {
    SimQueueRung *r = &q->rungs[i];
    if (e.key < r->start)
      continue;
    uint64_t b = (e.key - r->start) >> r->shift;
    if (b >= r->nb) { /* only rungs[0] ends below keys not handed down */
      top_add(q, &e);
      return;
    }
    if (b >= r->cur) {
      if (r->coarse)
        block_add(q, r, b, &e);
      else
        bucket_add(q, r, b, &e);
      return;
    }
  }
  if (q->nrungs == 0 && e.key >= q->top_start)
    top_add(q, &e);
  else
    bottom_insert(q, &e);
}

static int node_cmp(const void *a, const void *b)
{
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/* Sorts a[0..n) by (key, seq). Large runs here are all one key and come
 * in or against sequence order, so they are checked before any sort. */
static void sort_nodes(SimQueueNode *a, size_t n)
{
  if (n > 64) {
    size_t up = 1, down = 1;
    for (size_t i = 1; i < n; i++) {
      up += before(&a[i - 1], &a[i]);
      down += before(&a[i], &a[i - 1]);
    }
    if (up == n)
      return;
    if (down == n) {
      for (size_t i = 0, j = n - 1; i < j; i++, j--) {
        SimQueueNode t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      return;
    }
    qsort(a, n, sizeof *a, node_cmp);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    SimQueueNode x = a[i];
    size_t j = i;
    while (j > 0 && before(&x, &a[j - 1])) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = x;
  }
}

/* The smallest shift that splits `span` + 1 keys into at most `most`
 * buckets (most >= 1). */
static unsigned shift_for(uint64_t span, uint64_t most)
{
  unsigned s = 0;
  while ((span >> s) >= most)
    s++;
  return s;
}

/* Makes rungs[nrungs] (coarse or not) from the n nodes of `src` with keys
 * in [min, max], its buckets covering [min, min + last + 1). */
static void rung_spawn(SimQueue *q, const SimQueueNode *src, size_t n, uint64_t min, uint64_t last, unsigned shift,
                       gboolean coarse)
{
  SimQueueRung *r = &q->rungs[q->nrungs++];
  r->start = min;
  r->shift = shift;
  r->coarse = coarse;
  r->nb = (size_t) (last >> shift) + 1;
  r->cur = r->ahead = r->staged[0] = r->staged[1] = 0;
  if (r->nb > r->cap) {
    g_free(r->heads);
    q->bytes += (r->nb - r->cap) * sizeof *r->heads;
    r->cap = r->nb;
    r->heads = g_new(uint32_t, r->cap);
  }
  memset(r->heads, 0xff, r->nb * sizeof *r->heads);
  if (coarse) {
    if (r->nb > r->fill_cap) {
      g_free(r->fill);
      q->bytes += r->nb - r->fill_cap;
      r->fill_cap = r->nb;
      r->fill = g_new(uint8_t, r->fill_cap);
    }
    for (size_t i = 0; i < n; i++)
      block_add(q, r, (size_t) ((src[i].key - min) >> shift), &src[i]);
    return;
  }
  /* Forwards: each bucket's list (pushed at the front) holds src's order
   * reversed, newest first like the pushes that join it later. */
  for (size_t i = 0; i < n; i++) {
    if (i + 16 < n)
      __builtin_prefetch(&r->heads[(src[i + 16].key - min) >> shift], 1);
    bucket_add(q, r, (size_t) ((src[i].key - min) >> shift), &src[i]);
  }
}

/* The top, emptied into the bottom (if small or one time) or into a new
 * rungs[0]. */
static void from_top(SimQueue *q)
{
  size_t n = q->top_len;
  uint64_t min = q->top_min, max = q->top_max;
  q->top_len = 0;
  /* No rung is left, so no pool node or block is in use: hand them out
   * front to back again rather than from the free stacks' scattered
   * slots, so that the spawn below writes memory in order. */
  q->pool_len = q->free_len = q->blocks_len = q->free_blocks_len = 0;
  if (n <= SPAWN_ABOVE || min == max) {
    reserve(q, &q->bot, &q->bot_cap, n);
    memcpy(q->bot, q->top, n * sizeof *q->bot);
    sort_nodes(q->bot, n);
    q->bot_head = 0;
    q->bot_len = n;
    q->top_start = max == UINT64_MAX ? max : max + 1; /* saturated: see hand_down */
    return;
  }
  if (n > LARGE_ABOVE) {
    rung_spawn(q, q->top, n, min, max - min, shift_for(max - min, n / COARSE_FILL), TRUE);
    return;
  }
  rung_spawn(q, q->top, n, min, max - min, shift_for(max - min, n), FALSE);
}

/* Before bucket b of the lowest rung (lists) comes down: prefetches the
 * first node of buckets some way ahead (list walks miss the cache on large
 * queues), and on a large queue passes the entries of nearer buckets to
 * the ahead hook, stage 0 then stage 1, whose nodes the earlier steps
 * brought in. */
static void hand_down_lookahead(SimQueue *q, SimQueueRung *r, size_t b)
{
  for (; r->ahead < r->nb && r->ahead < b + AHEAD_HEADS; r->ahead++)
    if (r->heads[r->ahead] != NIL)
      __builtin_prefetch(&q->pool[r->heads[r->ahead]]);
  if (!q->ahead_fn || q->len <= q->ahead_above)
    return;
  for (unsigned k = 0; k < 2; k++) {
    size_t upto = MIN(r->nb, b + (k == 0 ? AHEAD_STAGE0 : AHEAD_STAGE1));
    for (; r->staged[k] < upto; r->staged[k]++)
      for (uint32_t idx = r->heads[r->staged[k]]; idx != NIL; idx = q->pool[idx].next)
        q->ahead_fn(q->ahead_ctx, q->pool[idx].payload, k);
  }
}

/* The lowest rung's next non-empty bucket, handed down: into the bottom,
 * or spread over a new finer rung. Returns FALSE if the rung had none left
 * (it is then removed). */
static gboolean hand_down(SimQueue *q)
{
  SimQueueRung *r = &q->rungs[q->nrungs - 1];
  while (r->cur < r->nb && r->heads[r->cur] == NIL)
    r->cur++;
  if (r->cur == r->nb) {
    if (--q->nrungs == 0) {
      /* Keys from here on at or past rungs[0]'s end go to the top. The end
       * may be 2^64: saturated, the largest key then lands in the top while
       * equal keys wait in the bottom, harmless (the top's pop later). */
      unsigned __int128 end = (unsigned __int128) r->start + ((unsigned __int128) r->nb << r->shift);
      q->top_start = end > UINT64_MAX ? UINT64_MAX : (uint64_t) end;
    }
    return FALSE;
  }
  size_t b = r->cur++;
  size_t n = 0;
  uint64_t min = UINT64_MAX, max = 0;
  if (r->coarse) {
    /* Blocks newest first, each in push order: the order does not matter,
     * the sorts below compare (key, seq). */
    if (r->cur < r->nb && r->heads[r->cur] != NIL)
      __builtin_prefetch(&q->blocks[r->heads[r->cur]]);
    uint32_t used = r->fill[b]; /* the newest block's; the others are full */
    for (uint32_t bi = r->heads[b]; bi != NIL; used = SIM_QUEUE_BLOCK) {
      const SimQueueBlock *blk = &q->blocks[bi];
      if (blk->next != NIL)
        __builtin_prefetch(&q->blocks[blk->next]);
      reserve(q, &q->bot, &q->bot_cap, n + used);
      for (uint32_t i = 0; i < used; i++) {
        const SimQueueNode *node = &blk->e[i];
        q->bot[n++] = *node;
        min = node->key < min ? node->key : min;
        max = node->key > max ? node->key : max;
      }
      q->free_blocks[q->free_blocks_len++] = bi;
      bi = blk->next;
    }
    r->heads[b] = NIL;
  } else {
    hand_down_lookahead(q, r, b);
    /* The bucket's list, newest first, copied into the bottom oldest first. */
    for (uint32_t idx = r->heads[b]; idx != NIL;) {
      SimQueueNode *node = &q->pool[idx];
      if (n == q->bot_cap)
        reserve(q, &q->bot, &q->bot_cap, n + 1);
      q->bot[n++] = *node;
      min = node->key < min ? node->key : min;
      max = node->key > max ? node->key : max;
      uint32_t next = node->next;
      q->free[q->free_len++] = idx;
      idx = next;
    }
    r->heads[b] = NIL;
    for (size_t i = 0, j = n - 1; i < j; i++, j--) {
      SimQueueNode t = q->bot[i];
      q->bot[i] = q->bot[j];
      q->bot[j] = t;
    }
  }
  if (n <= SPAWN_ABOVE || min == max || r->shift == 0) {
    sort_nodes(q->bot, n);
    q->bot_head = 0;
    q->bot_len = n;
    return TRUE;
  }
  /* The new rung covers from the smallest key to the end of the bucket, so
   * that every key the bucket stood for has a place; at most 2n buckets,
   * and its shift is below this rung's (n >= 2), so this ends. */
  uint64_t last = r->start + ((uint64_t) b << r->shift) + ((UINT64_C(1) << r->shift) - 1) - min;
  rung_spawn(q, q->bot, n, min, last, shift_for(last, 2 * (uint64_t) n), FALSE);
  return TRUE;
}

/* Makes the bottom non-empty; FALSE if the queue is empty. */
static gboolean refill(SimQueue *q)
{
  while (q->bot_head == q->bot_len) {
    q->bot_head = q->bot_len = 0;
    if (q->nrungs > 0)
      hand_down(q);
    else if (q->top_len > 0)
      from_top(q);
    else
      return FALSE;
  }
  return TRUE;
}

gboolean sim_queue_peek_time(SimQueue *q, SimTime *t)
{
  if (q->bot_head == q->bot_len && !refill(q))
    return FALSE;
  *t = time_of(q->bot[q->bot_head].key);
  return TRUE;
}

gboolean sim_queue_pop_until(SimQueue *q, SimTime until, SimQueueEntry *out)
{
  if (q->bot_head == q->bot_len && !refill(q))
    return FALSE;
  const SimQueueNode *n = &q->bot[q->bot_head];
  if (n->key > key_of(until))
    return FALSE;
  out->time = time_of(n->key);
  out->seq = n->seq;
  out->payload = n->payload;
  q->len--;
  /* Refilled now rather than at the next pop, so that the caller can see
   * (and prefetch for) the next entry: see sim_queue_next_payload. */
  if (++q->bot_head == q->bot_len)
    refill(q);
  if (q->len == 0 && q->bytes > KEEP_WHEN_EMPTY_BYTES)
    release(q);
  return TRUE;
}

gboolean sim_queue_pop(SimQueue *q, SimQueueEntry *out) { return sim_queue_pop_until(q, SIM_TIME_MAX, out); }
