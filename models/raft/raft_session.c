/* Client sessions of the key-value state machine (Ongaro's thesis,
 * Stanford 2014, §6.3 "Implementing linearizable semantics"): instead of
 * every op id ever applied, the machine keeps per client session the
 * results of its latest RAFT_SESSION_WINDOW applied ops (the thesis keeps
 * the responses a client may still ask for again; a client here does not
 * say which it has seen, so a fixed window of the latest stands in) and
 * `floor`: every op of the session at or below it is of unknown outcome —
 * applied with its response discarded, or never applied. Such an op is
 * neither applied nor answered from a result: it gets "session expired",
 * as the thesis answers a request whose session is gone. A session that
 * made no request for `expiry` log entries expires (checked every
 * `expiry` entries, by log index, so every replica expires the same
 * sessions at the same entry); `expired_max` is the highest op id any
 * expired session held, and a session opened later starts with its floor
 * there, so a late duplicate of an op applied before its session expired
 * is not applied again. Op ids are increasing in invocation time, so an op
 * a client invokes after an expiry is above it. Everything here is a
 * function of the log: replicas and restored snapshots agree. */
#include "models/raft/raft.h"
#include <string.h>

typedef struct {
  int64_t op, r[2];
} SessionResult;

typedef struct {
  int64_t id, floor, last_index;
  guint n;                                    /* results held */
  SessionResult results[RAFT_SESSION_WINDOW]; /* by op, increasing */
} Session;

struct RaftSessions {
  int64_t expiry, next_sweep, expired_max;
  GHashTable *by_id; /* session id (in the pointer) → Session */
};

#define ID_PTR(id) ((gpointer) (gintptr) (id))

RaftSessions *raft_sessions_new(int64_t expiry)
{
  RaftSessions *s = g_new0(RaftSessions, 1);
  s->expiry = MAX(expiry, 1);
  s->next_sweep = s->expiry;
  s->expired_max = -1;
  s->by_id = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  return s;
}

void raft_sessions_free(RaftSessions *s)
{
  if (!s)
    return;
  g_hash_table_unref(s->by_id);
  g_free(s);
}

guint raft_sessions_count(const RaftSessions *s) { return g_hash_table_size(s->by_id); }

/* The position of op in the session's results, or -1. */
static int find_result(const Session *x, int64_t op)
{
  for (guint i = x->n; i-- > 0;) /* the latest ops are asked for most */
    if (x->results[i].op == op)
      return (int) i;
  return -1;
}

RaftSessionCheck raft_sessions_peek(const RaftSessions *s, int64_t session, int64_t op, int64_t result[2])
{
  const Session *x = g_hash_table_lookup(s->by_id, ID_PTR(session));
  int64_t floor = x ? x->floor : s->expired_max;
  if (op <= floor)
    return RAFT_SESSION_EXPIRED;
  int at = x ? find_result(x, op) : -1;
  if (at < 0)
    return RAFT_SESSION_NEW;
  memcpy(result, x->results[at].r, sizeof x->results[at].r);
  return RAFT_SESSION_DUPLICATE;
}

/* Expires the sessions idle since `index` - expiry. The table's order does
 * not matter: each session's fate is its own and expired_max a maximum. */
static void sweep(RaftSessions *s, int64_t index)
{
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, s->by_id);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    Session *x = v;
    if (index - x->last_index < s->expiry)
      continue;
    s->expired_max = MAX(s->expired_max, x->floor);
    if (x->n)
      s->expired_max = MAX(s->expired_max, x->results[x->n - 1].op);
    g_hash_table_iter_remove(&it);
  }
}

RaftSessionCheck raft_sessions_begin(RaftSessions *s, int64_t session, int64_t op, int64_t index,
                                     int64_t result[2])
{
  if (index >= s->next_sweep) {
    sweep(s, index);
    s->next_sweep = index + s->expiry;
  }
  RaftSessionCheck check = raft_sessions_peek(s, session, op, result);
  Session *x = g_hash_table_lookup(s->by_id, ID_PTR(session));
  if (!x && check != RAFT_SESSION_NEW)
    return check; /* no session is opened for an expired request */
  if (!x) {
    x = g_new0(Session, 1);
    x->id = session;
    x->floor = s->expired_max;
    g_hash_table_insert(s->by_id, ID_PTR(session), x);
  }
  x->last_index = index;
  return check;
}

void raft_sessions_record(RaftSessions *s, int64_t session, int64_t op, const int64_t result[2])
{
  Session *x = g_hash_table_lookup(s->by_id, ID_PTR(session));
  g_return_if_fail(x && op > x->floor && find_result(x, op) < 0);
  guint at = x->n;
  while (at > 0 && x->results[at - 1].op > op)
    at--;
  if (x->n == RAFT_SESSION_WINDOW) {
    /* The oldest result goes; its op and everything below become unknown.
     * An op older than all held ones is itself below the window. */
    if (at == 0) {
      x->floor = MAX(x->floor, op);
      return;
    }
    x->floor = MAX(x->floor, x->results[0].op);
    memmove(&x->results[0], &x->results[1], (at - 1) * sizeof x->results[0]);
    at--;
  } else {
    memmove(&x->results[at + 1], &x->results[at], (x->n - at) * sizeof x->results[0]);
    x->n++;
  }
  x->results[at] = (SessionResult) { op, { result[0], result[1] } };
}

static int cmp_session(gconstpointer a, gconstpointer b)
{
  const Session *x = *(Session *const *) a, *y = *(Session *const *) b;
  return (x->id > y->id) - (x->id < y->id);
}

void raft_sessions_save(const RaftSessions *s, GArray *out)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new();
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, s->by_id);
  while (g_hash_table_iter_next(&it, NULL, &v))
    g_ptr_array_add(all, v);
  g_ptr_array_sort(all, cmp_session); /* the words must not follow the table's order */
  int64_t head[] = { all->len, s->expired_max, s->next_sweep };
  g_array_append_vals(out, head, G_N_ELEMENTS(head));
  for (guint i = 0; i < all->len; i++) {
    const Session *x = g_ptr_array_index(all, i);
    int64_t w[] = { x->id, x->floor, x->last_index, x->n };
    g_array_append_vals(out, w, G_N_ELEMENTS(w));
    for (guint j = 0; j < x->n; j++)
      g_array_append_vals(out, &x->results[j], 3);
  }
}

gboolean raft_sessions_load(RaftSessions *s, const int64_t *w, guint n, guint *used)
{
  if (n < 3 || w[0] < 0 || (uint64_t) w[0] > n / 4)
    return FALSE;
  g_autoptr(GHashTable) by_id = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  guint at = 3;
  for (int64_t i = 0; i < w[0]; i++) {
    if (n - at < 4 || w[at + 3] < 0 || w[at + 3] > RAFT_SESSION_WINDOW || (n - at - 4) / 3 < (uint64_t) w[at + 3]
        || g_hash_table_contains(by_id, ID_PTR(w[at])))
      return FALSE;
    Session *x = g_new0(Session, 1);
    x->id = w[at];
    x->floor = w[at + 1];
    x->last_index = w[at + 2];
    x->n = (guint) w[at + 3];
    g_hash_table_insert(by_id, ID_PTR(x->id), x);
    at += 4;
    for (guint j = 0; j < x->n; j++, at += 3) {
      x->results[j] = (SessionResult) { w[at], { w[at + 1], w[at + 2] } };
      if (x->results[j].op <= x->floor || (j > 0 && x->results[j].op <= x->results[j - 1].op))
        return FALSE;
    }
  }
  g_hash_table_unref(s->by_id);
  s->by_id = g_steal_pointer(&by_id);
  s->expired_max = w[1];
  s->next_sweep = w[2];
  *used = at;
  return TRUE;
}
