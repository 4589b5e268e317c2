/* Cluster membership as Ongaro's thesis ("Consensus: Bridging Theory and
 * Practice", Stanford 2014) §4.1 describes single-server changes: the
 * configuration is stored in the log as special entries, each adding or
 * removing one server; a server always uses the latest configuration in
 * its log, committed or not, and falls back to the previous one when a
 * truncation removes it. Pure functions over RaftConfig and RaftState:
 * tests/test_raft_members.c drives them on hand-built logs. */
#include "models/raft/raft.h"
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

/* Position of `id` in the sorted array `ids`, or -1. */
static int find(const GArray *ids, int id)
{
  guint lo = 0, hi = ids->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    int v = g_array_index(ids, int, mid);
    if (v == id)
      return (int) mid;
    if (v < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

/* Adds or removes `id` in the sorted set `ids`. */
static void set_apply(GArray *ids, RaftConfigChange change, int id)
{
  int at = find(ids, id);
  if (change == RAFT_CONFIG_ADD && at < 0) {
    guint i = 0;
    while (i < ids->len && g_array_index(ids, int, i) < id)
      i++;
    g_array_insert_val(ids, i, id);
  } else if (change == RAFT_CONFIG_REMOVE && at >= 0) {
    g_array_remove_index(ids, (guint) at);
  }
}

static void set_copy(GArray *to, const GArray *from)
{
  g_array_set_size(to, 0);
  g_array_append_vals(to, from->data, from->len);
}

/* members and previous from the starting configuration (initial, with
 * base_previous and base_index) and the steps. */
static void recompute(RaftConfig *c)
{
  set_copy(c->members, c->initial);
  set_copy(c->previous, c->base_previous);
  c->index = c->base_index;
  for (guint i = 0; i < c->steps->len; i++) {
    const RaftConfigStep *st = &g_array_index(c->steps, RaftConfigStep, i);
    set_copy(c->previous, c->members);
    set_apply(c->members, st->change, st->id);
    c->index = st->index;
  }
}

void raft_config_init(RaftConfig *c, const int *ids, guint n)
{
  c->initial = g_array_new(FALSE, FALSE, sizeof(int));
  c->steps = g_array_new(FALSE, FALSE, sizeof(RaftConfigStep));
  c->members = g_array_new(FALSE, FALSE, sizeof(int));
  c->previous = g_array_new(FALSE, FALSE, sizeof(int));
  c->base_previous = g_array_new(FALSE, FALSE, sizeof(int));
  c->base_index = 0;
  for (guint i = 0; i < n; i++)
    if (find(c->initial, ids[i]) < 0) {
      g_array_append_val(c->initial, ids[i]);
      g_array_sort(c->initial, cmp_int);
    }
  set_copy(c->base_previous, c->initial);
  recompute(c);
}

void raft_config_clear(RaftConfig *c)
{
  GArray **arrays[] = { &c->initial, &c->base_previous, &c->steps, &c->members, &c->previous };
  for (guint i = 0; i < G_N_ELEMENTS(arrays); i++)
    if (*arrays[i]) {
      g_array_unref(*arrays[i]);
      *arrays[i] = NULL;
    }
}

RaftEntry raft_config_entry(RaftConfigChange change, int id)
{
  RaftEntry e = { 0 };
  e.cmd[0] = RAFT_CONFIG_WORD;
  e.cmd[1] = change;
  e.cmd[2] = id;
  return e;
}

gboolean raft_config_is_entry(const RaftEntry *e, RaftConfigChange *change, int *id)
{
  if (!e || e->cmd[0] != RAFT_CONFIG_WORD)
    return FALSE;
  *change = 0;
  *id = -1;
  if ((e->cmd[1] == RAFT_CONFIG_ADD || e->cmd[1] == RAFT_CONFIG_REMOVE) && e->cmd[2] >= 0
      && e->cmd[2] <= G_MAXINT) {
    *change = (RaftConfigChange) e->cmd[1];
    *id = (int) e->cmd[2];
  }
  return TRUE;
}

gboolean raft_config_appended(RaftConfig *c, const RaftState *s, int64_t index)
{
  RaftConfigChange change;
  int id;
  if (!raft_config_is_entry(raft_entry_at(s, index), &change, &id) || id < 0)
    return FALSE;
  /* Appended at `index`: any step at or past it was truncated away first
   * (the caller reports truncations; this keeps the steps ordered anyway). */
  raft_config_truncated(c, index);
  RaftConfigStep st = { index, change, id };
  g_array_append_val(c->steps, st);
  recompute(c);
  return TRUE;
}

gboolean raft_config_truncated(RaftConfig *c, int64_t from)
{
  guint keep = c->steps->len;
  while (keep > 0 && g_array_index(c->steps, RaftConfigStep, keep - 1).index >= from)
    keep--;
  if (keep == c->steps->len)
    return FALSE;
  g_array_set_size(c->steps, keep);
  recompute(c);
  return TRUE;
}

void raft_config_load(RaftConfig *c, const RaftState *s)
{
  g_array_set_size(c->steps, 0);
  if (s->snapshot && s->snapshot->len > 0
      && (g_array_index(s->snapshot, int64_t, 0) & RAFT_SNAP_CONFIG_FLAG))
    raft_config_compact(c, s->lastIncludedIndex, &g_array_index(s->snapshot, int64_t, 1), s->snapshot->len - 1);
  for (int64_t i = s->lastIncludedIndex + 1; i <= raft_last_index(s); i++) {
    RaftConfigChange change;
    int id;
    if (raft_config_is_entry(raft_entry_at(s, i), &change, &id) && id >= 0) {
      RaftConfigStep st = { i, change, id };
      g_array_append_val(c->steps, st);
    }
  }
  recompute(c);
}

/* Appends the sorted set `ids` to `out` as its size, then its members. */
static void words_put(GArray *out, const GArray *ids)
{
  int64_t n = ids->len;
  g_array_append_val(out, n);
  for (guint i = 0; i < ids->len; i++) {
    int64_t id = g_array_index(ids, int, i);
    g_array_append_val(out, id);
  }
}

gboolean raft_config_save(const RaftConfig *c, int64_t index, GArray *out)
{
  g_autoptr(GArray) members = g_array_copy(c->initial);
  g_autoptr(GArray) previous = g_array_copy(c->base_previous);
  int64_t at = c->base_index;
  for (guint i = 0; i < c->steps->len; i++) {
    const RaftConfigStep *st = &g_array_index(c->steps, RaftConfigStep, i);
    if (st->index > index)
      break;
    set_copy(previous, members);
    set_apply(members, st->change, st->id);
    at = st->index;
  }
  if (at == 0)
    return FALSE;
  g_array_append_val(out, at);
  words_put(out, members);
  words_put(out, previous);
  return TRUE;
}

/* Reads a set raft_config_save wrote at w[*pos] (n words) into `ids`
 * (sorted, ids within int); FALSE on a malformed one. */
static gboolean words_get(const int64_t *w, guint n, guint *pos, GArray *ids)
{
  if (*pos >= n || w[*pos] < 0 || w[*pos] > (int64_t) (n - *pos - 1))
    return FALSE;
  guint len = (guint) w[(*pos)++];
  g_array_set_size(ids, 0);
  for (guint i = 0; i < len; i++) {
    int64_t id = w[(*pos)++];
    if (id < 0 || id > G_MAXINT || (ids->len > 0 && id <= g_array_index(ids, int, ids->len - 1)))
      return FALSE;
    int v = (int) id;
    g_array_append_val(ids, v);
  }
  return TRUE;
}

/* Parses a section into members and previous; its length, 0 if malformed. */
static guint section_parse(const int64_t *w, guint n, int64_t *index, GArray *members, GArray *previous)
{
  guint pos = 1;
  if (n < 1 || w[0] <= 0 || !words_get(w, n, &pos, members) || !words_get(w, n, &pos, previous))
    return 0;
  *index = w[0];
  return pos;
}

guint raft_config_section_len(const int64_t *w, guint n)
{
  g_autoptr(GArray) members = g_array_new(FALSE, FALSE, sizeof(int));
  g_autoptr(GArray) previous = g_array_new(FALSE, FALSE, sizeof(int));
  int64_t index;
  return section_parse(w, n, &index, members, previous);
}

gboolean raft_config_compact(RaftConfig *c, int64_t index, const int64_t *w, guint n)
{
  g_autoptr(GArray) before = g_array_copy(c->members);
  int64_t at;
  g_autoptr(GArray) members = g_array_new(FALSE, FALSE, sizeof(int));
  g_autoptr(GArray) previous = g_array_new(FALSE, FALSE, sizeof(int));
  if (w && section_parse(w, n, &at, members, previous) > 0) {
    set_copy(c->initial, members);
    set_copy(c->base_previous, previous);
    c->base_index = at;
  }
  /* Entries up to `index` are the snapshot's: theirs is the section's
   * configuration (or, without one, none of them was a configuration
   * entry in the log the snapshot was taken from). */
  guint drop = 0;
  while (drop < c->steps->len && g_array_index(c->steps, RaftConfigStep, drop).index <= index)
    drop++;
  g_array_remove_range(c->steps, 0, drop);
  recompute(c);
  return before->len != c->members->len
         || memcmp(before->data, c->members->data, before->len * sizeof(int)) != 0;
}

gboolean raft_config_has(const RaftConfig *c, int id) { return find(c->members, id) >= 0; }

gboolean raft_config_had(const RaftConfig *c, int id) { return find(c->previous, id) >= 0; }

guint raft_config_size(const RaftConfig *c) { return c->members->len; }

gboolean raft_config_majority(const RaftConfig *c, const int *ids, guint n)
{
  guint size = c->members->len, count = 0;
  if (size == 0)
    return FALSE;
  gboolean *seen = g_newa(gboolean, size);
  memset(seen, 0, size * sizeof *seen);
  for (guint i = 0; i < n; i++) {
    int at = find(c->members, ids[i]);
    if (at >= 0 && !seen[at]) {
      seen[at] = TRUE;
      count++;
    }
  }
  return 2 * count > size;
}

int64_t raft_config_commit(const RaftConfig *c, const RaftState *s, const int *ids, const int64_t *match,
                           guint n, int self, gboolean old_terms)
{
  guint size = c->members->len;
  int64_t *m = g_newa(int64_t, size ? size : 1);
  for (guint k = 0; k < size; k++) {
    int id = g_array_index(c->members, int, k);
    m[k] = 0;
    if (id == self) {
      m[k] = raft_last_index(s);
      continue;
    }
    for (guint i = 0; i < n; i++)
      if (ids[i] == id)
        m[k] = match[i];
  }
  return raft_commit_advance(s, m, size, old_terms);
}

gboolean raft_config_may_change(const RaftConfig *c, const RaftState *s)
{
  return c->index <= s->commitIndex && s->commitIndex > 0
         && raft_term_at(s, s->commitIndex) == s->currentTerm;
}

gboolean raft_config_may_campaign(const RaftConfig *c, const RaftState *s, int self)
{
  if (raft_config_has(c, self))
    return TRUE;
  return raft_config_had(c, self) && s->commitIndex < c->index;
}

int64_t raft_config_removed_at(const RaftConfig *c, int id)
{
  if (raft_config_has(c, id))
    return 0;
  for (guint i = c->steps->len; i > 0; i--) {
    const RaftConfigStep *st = &g_array_index(c->steps, RaftConfigStep, i - 1);
    if (st->id == id)
      return st->change == RAFT_CONFIG_REMOVE ? st->index : 0;
  }
  /* No entry about it in the log: the snapshot's configuration may have
   * removed it last. */
  if (c->base_index > 0 && find(c->base_previous, id) >= 0 && find(c->initial, id) < 0)
    return c->base_index;
  return 0;
}
