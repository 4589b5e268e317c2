/* The rules of Raft's Figure 2 (Ongaro & Ousterhout, USENIX ATC 2014) as
 * pure functions over RaftState: vote granting with the §5.4.1 up-to-date
 * check, the AppendEntries consistency check and conflict truncation, the
 * leader's commit rule (§5.3, §5.4.2: only entries of its own term are
 * committed by counting replicas) and recovery from persisted records. No
 * node, no clock: the tests drive them on hand-built states. */
#include "models/raft/raft.h"
#include <string.h>

void raft_state_init(RaftState *s)
{
  *s = (RaftState) { 0 };
  s->votedFor = -1;
  s->log = g_array_new(FALSE, FALSE, sizeof(RaftEntry));
}

void raft_state_clear(RaftState *s)
{
  if (s->log)
    g_array_unref(s->log);
  s->log = NULL;
  if (s->snapshot)
    g_array_unref(s->snapshot);
  s->snapshot = NULL;
}

int64_t raft_last_index(const RaftState *s) { return s->lastIncludedIndex + (int64_t) s->log->len; }

int64_t raft_last_term(const RaftState *s) { return raft_term_at(s, raft_last_index(s)); }

const RaftEntry *raft_entry_at(const RaftState *s, int64_t index)
{
  if (index <= s->lastIncludedIndex || index > raft_last_index(s))
    return NULL;
  return &g_array_index(s->log, RaftEntry, index - 1 - s->lastIncludedIndex);
}

int64_t raft_term_at(const RaftState *s, int64_t index)
{
  if (index == 0)
    return 0;
  if (index == s->lastIncludedIndex)
    return s->lastIncludedTerm;
  const RaftEntry *e = raft_entry_at(s, index);
  return e ? e->term : -1;
}

int64_t raft_chain_at(const RaftState *s, int64_t index)
{
  if (index == 0)
    return 0;
  if (index == s->lastIncludedIndex)
    return s->lastIncludedChain;
  const RaftEntry *e = raft_entry_at(s, index);
  return e ? e->chain : -1;
}

/* splitmix64's finaliser: a fixed, well-mixed step of the chain hash. */
static uint64_t mix(uint64_t x)
{
  x += UINT64_C(0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
  return x ^ (x >> 31);
}

int64_t raft_chain(int64_t prev_chain, const RaftEntry *e)
{
  uint64_t h = mix((uint64_t) prev_chain);
  h = mix(h ^ (uint64_t) e->term);
  for (guint i = 0; i < RAFT_CMD_WORDS; i++)
    h = mix(h ^ (uint64_t) e->cmd[i]);
  return (int64_t) (h & (uint64_t) RAFT_CHAIN_MASK);
}

gboolean raft_log_up_to_date(const RaftState *s, int64_t last_index, int64_t last_term)
{
  int64_t my_term = raft_last_term(s);
  if (last_term != my_term)
    return last_term > my_term;
  return last_index >= raft_last_index(s);
}

gboolean raft_vote_granted(const RaftState *s, int64_t term, int candidate,
                           int64_t last_index, int64_t last_term)
{
  if (term < s->currentTerm)
    return FALSE;
  if (term > s->currentTerm)
    return FALSE; /* the caller adopts the term first */
  if (s->votedFor != -1 && s->votedFor != candidate)
    return FALSE;
  return raft_log_up_to_date(s, last_index, last_term);
}

gboolean raft_append_consistent(const RaftState *s, int64_t prev_index, int64_t prev_term)
{
  if (prev_index < 0)
    return FALSE;
  if (prev_index < s->lastIncludedIndex)
    return TRUE;
  return raft_term_at(s, prev_index) == prev_term;
}

void raft_append_entries(RaftState *s, int64_t prev_index, const RaftEntry *entries,
                         guint n, RaftAppendResult *out)
{
  *out = (RaftAppendResult) { 0 };
  guint k = 0;
  /* Skip the entries already present with the same term. */
  while (k < n) {
    int64_t idx = prev_index + 1 + (int64_t) k;
    if (idx <= s->lastIncludedIndex) {
      k++;
      continue;
    }
    int64_t t = raft_term_at(s, idx);
    if (t == -1)
      break; /* past our end: append from here */
    if (t != entries[k].term) {
      out->below_commit = idx <= s->commitIndex;
      g_array_set_size(s->log, (guint) (idx - 1 - s->lastIncludedIndex));
      out->truncated_from = idx;
      break;
    }
    k++;
  }
  if (k == n)
    return;
  out->first_new = prev_index + 1 + (int64_t) k;
  for (; k < n; k++) {
    RaftEntry e = entries[k];
    e.chain = raft_chain(raft_chain_at(s, raft_last_index(s)), &e);
    g_array_append_val(s->log, e);
  }
}

int64_t raft_conflict_hint(const RaftState *s, int64_t prev_index)
{
  int64_t last = raft_last_index(s);
  if (prev_index > last)
    return last + 1;
  int64_t t = raft_term_at(s, prev_index);
  int64_t i = prev_index;
  while (i > 1 && raft_term_at(s, i - 1) == t && i - 1 > s->commitIndex)
    i--;
  return i < 1 ? 1 : i;
}

static int cmp_desc(const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x < y) - (x > y);
}

int64_t raft_commit_advance(const RaftState *s, const int64_t *match, guint n, gboolean old_terms)
{
  if (n == 0)
    return s->commitIndex;
  /* The largest N held by a majority is the (n/2 + 1)-th largest match. */
  int64_t *sorted = g_newa(int64_t, n);
  memcpy(sorted, match, n * sizeof *sorted);
  /* A leader calls this at every acknowledgement: for a cluster of a few
   * servers an insertion sort is a handful of steps, where qsort cost 4%
   * of a Raft run (callgrind, bench raft_commit). */
  if (n <= 16) {
    for (guint i = 1; i < n; i++) {
      int64_t x = sorted[i];
      guint j = i;
      for (; j > 0 && sorted[j - 1] < x; j--)
        sorted[j] = sorted[j - 1];
      sorted[j] = x;
    }
  } else {
    qsort(sorted, n, sizeof *sorted, cmp_desc);
  }
  int64_t N = MIN(sorted[n / 2], raft_last_index(s));
  if (N <= s->commitIndex)
    return s->commitIndex;
  /* Terms never fall along a log: if log[N] is of an earlier term, so is
   * every entry below it, and none may be committed by counting. */
  if (!old_terms && raft_term_at(s, N) != s->currentTerm)
    return s->commitIndex;
  return N;
}

void raft_recover(RaftState *s, const SimMsg *const *records, guint n)
{
  g_autoptr(GArray) saving = g_array_new(FALSE, FALSE, sizeof(int64_t)); /* raft_snap_data so far */
  for (guint i = 0; i < n; i++) {
    const SimMsg *r = records[i];
    if (strcmp(r->type, "raft_term") == 0) {
      s->currentTerm = sim_msg_get(r, "term", 0);
      s->votedFor = -1;
    } else if (strcmp(r->type, "raft_vote") == 0) {
      s->currentTerm = sim_msg_get(r, "term", 0);
      s->votedFor = (int) sim_msg_get(r, "vote", -1);
    } else if (strcmp(r->type, "raft_entry") == 0) {
      int64_t index = sim_msg_get(r, "index", 0);
      if (index <= s->lastIncludedIndex || index > raft_last_index(s) + 1)
        continue; /* cannot happen with records this file wrote */
      g_array_set_size(s->log, (guint) (index - 1 - s->lastIncludedIndex));
      RaftEntry e = { 0 };
      e.cmd[0] = sim_msg_get(r, "c", 0);
      e.cmd[1] = sim_msg_get(r, "k", 0);
      e.cmd[2] = sim_msg_get(r, "v", 0);
      e.term = sim_msg_get(r, "term", 0);
      e.chain = raft_chain(raft_chain_at(s, index - 1), &e);
      g_array_append_val(s->log, e);
    } else if (strcmp(r->type, "raft_trunc") == 0) {
      int64_t from = sim_msg_get(r, "from", 1);
      if (from > s->lastIncludedIndex && from <= raft_last_index(s))
        g_array_set_size(s->log, (guint) (from - 1 - s->lastIncludedIndex));
    } else if (strcmp(r->type, "raft_snap_data") == 0) {
      raft_snapshot_record_words(r, saving);
    } else if (strcmp(r->type, "raft_snapshot") == 0) {
      /* Complete only if every word was saved just before it (always, for
       * the forced records raft_snapshot.c writes in one go). */
      int64_t len = sim_msg_get(r, "len", -1);
      if (len > 0 && (int64_t) saving->len == len) {
        g_autoptr(GArray) words = g_array_copy(saving);
        raft_snapshot_compact(s, sim_msg_get(r, "index", 0), sim_msg_get(r, "term", 0), words);
      }
      g_array_set_size(saving, 0);
    }
  }
}

SimMsg raft_entry_record(int64_t index, const RaftEntry *e)
{
  SimMsg r = sim_record("raft_entry");
  sim_msg_add(&r, "index", index);
  sim_msg_add(&r, "term", e->term);
  sim_msg_add(&r, "c", e->cmd[0]);
  sim_msg_add(&r, "k", e->cmd[1]);
  sim_msg_add(&r, "v", e->cmd[2]);
  return r;
}
