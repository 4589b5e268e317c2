/* The Raft safety checker (raft_check.h): a mirror of every server's log
 * built from raft_append/raft_truncate/raft_snapshot events, and three tables indexed by
 * log index for what any node ever held (index, term) → chain, what was
 * reported committed and what was applied. Each raft_* event updates them
 * and checks the one property it can break, so a violation is reported at
 * the simulated moment it happens. */
#include "models/raft/raft_check.h"
#include <string.h>

/* A table index may run ahead of every index seen so far by at most this
 * much (a server that installed a snapshot); an event further out is not a
 * log position a real run reaches and is ignored, so a stray event cannot
 * make the checker allocate without bound. */
#define RC_MAX_GAP 65536

/* An entry of a mirrored log; term < 0 means not known (never happens in
 * a mirror, used by the tables below). */
typedef struct {
  int64_t term, chain;
} RcEntry;

/* One server as the checker sees it. Its mirrored log holds indexes
 * base+1 .. base+log->len; entries at or below `base` are unknown (the
 * server's log began past them), not absent. */
typedef struct {
  GArray *log;         /* of RcEntry */
  int64_t base;
  int64_t applied;     /* index of its last raft_apply (0: none yet) */
  gboolean diverged;   /* its last apply disagreed with the first apply there */
} RcNode;

/* An (index, term) as first seen on any node; entries of other terms at the
 * same index are chained through `next` into the overflow array. */
typedef struct {
  int64_t term, chain;
  int node;
  int32_t next;        /* overflow index, -1 for none */
  gboolean reported;   /* a log_matching violation was reported for it */
} RcSlot;

/* The entry first reported committed at an index, and the term it was
 * committed in (non-decreasing along the table). */
typedef struct {
  int64_t term, chain, in_term;
  int node;
} RcCommitted;

/* The entry first applied at an index. */
typedef struct {
  int64_t term, chain;
  int node;
} RcApplied;

struct RaftCheck {
  Sim *sim;
  GPtrArray *nodes;      /* RcNode *, by node id; NULL until it emits */
  GHashTable *leaders;   /* term (gint64 *) → node id + 1 */
  GArray *entries;       /* RcSlot, index - 1 */
  GArray *overflow;      /* RcSlot */
  GArray *committed;     /* RcCommitted, index - 1 */
  GArray *applied;       /* RcApplied, index - 1 */
  int64_t max_leader_term;
  gboolean noted_far;
};

#define RC_HASH_ENTRY_BYTES 48

static void charge(RaftCheck *rc, gssize bytes)
{
  sim_mem_charge(rc->sim, SIM_MEM_METRICS, bytes);
}

static const char *name_of(RaftCheck *rc, int id)
{
  return sim_node_name(sim_node(rc->sim, id));
}

static void node_free(gpointer p)
{
  RcNode *n = p;
  if (n)
    g_array_unref(n->log);
  g_free(n);
}

static RcNode *node_of(RaftCheck *rc, int id)
{
  if ((guint) id >= rc->nodes->len)
    g_ptr_array_set_size(rc->nodes, id + 1);
  RcNode *n = rc->nodes->pdata[id];
  if (!n) {
    n = g_new0(RcNode, 1);
    n->log = g_array_new(FALSE, FALSE, sizeof(RcEntry));
    rc->nodes->pdata[id] = n;
    charge(rc, sizeof *n + sizeof(gpointer));
  }
  return n;
}

/* Sets the mirror's length to `len` entries, charging the difference. */
static void mirror_resize(RaftCheck *rc, RcNode *n, guint len)
{
  charge(rc, ((gssize) len - (gssize) n->log->len) * (gssize) sizeof(RcEntry));
  g_array_set_size(n->log, len);
}

typedef enum { MIRROR_UNKNOWN, MIRROR_ABSENT, MIRROR_HAS } MirrorAt;

/* What node `n`'s log holds at `index` (≥ 1): unknown below its base,
 * absent past its end, else the entry in `*out`. */
static MirrorAt mirror_at(const RcNode *n, int64_t index, RcEntry *out)
{
  if (index <= n->base)
    return MIRROR_UNKNOWN;
  if (index > n->base + (int64_t) n->log->len)
    return MIRROR_ABSENT;
  *out = g_array_index(n->log, RcEntry, index - n->base - 1);
  return MIRROR_HAS;
}

/* Whether `index` may be used as a table position for `table` (of `len`
 * entries): a real log index not absurdly far past everything seen. The
 * first refusal of the run is noted for the reader. */
static gboolean table_index_ok(RaftCheck *rc, guint len, int64_t index, int node)
{
  if (index >= 1 && index <= (int64_t) len + RC_MAX_GAP)
    return TRUE;
  if (!rc->noted_far) {
    rc->noted_far = TRUE;
    sim_note(rc->sim, "raft check: %s reported log index %" G_GINT64_FORMAT
             ", far from any index seen; such events are ignored", name_of(rc, node), index);
  }
  return FALSE;
}

/* Grows `table` (elements of `size` bytes, whose first field is a term)
 * to `index` elements, new ones unknown (term -1). */
static void table_grow(RaftCheck *rc, GArray *table, int64_t index)
{
  guint old = table->len;
  if ((int64_t) old >= index)
    return;
  guint size = g_array_get_element_size(table);
  charge(rc, ((gssize) index - (gssize) old) * (gssize) size);
  g_array_set_size(table, (guint) index);
  for (guint i = old; i < table->len; i++)
    *(int64_t *) (void *) (table->data + (gsize) i * size) = -1;
}

/* ---- log matching --------------------------------------------------------- */

/* Records that node `id` holds (index, term, chain) and reports a second,
 * different chain for the same (index, term), once per (index, term). */
static void check_matching(RaftCheck *rc, int id, int64_t index, int64_t term, int64_t chain)
{
  table_grow(rc, rc->entries, index);
  RcSlot *s = &g_array_index(rc->entries, RcSlot, index - 1);
  if (s->term < 0) {
    *s = (RcSlot) { term, chain, id, -1, FALSE };
    return;
  }
  while (s->term != term && s->next >= 0)
    s = &g_array_index(rc->overflow, RcSlot, s->next);
  if (s->term != term) {
    RcSlot fresh = { term, chain, id, -1, FALSE };
    s->next = (int32_t) rc->overflow->len;
    g_array_append_val(rc->overflow, fresh);
    charge(rc, sizeof fresh);
    return;
  }
  if (s->chain != chain && !s->reported) {
    s->reported = TRUE;
    sim_violation(rc->sim, "log_matching",
                  "%s and %s hold different entries at index %" G_GINT64_FORMAT " of term %" G_GINT64_FORMAT
                  " (their logs up to it differ: chain %" G_GINT64_FORMAT " vs %" G_GINT64_FORMAT ")",
                  name_of(rc, s->node), name_of(rc, id), index, term, s->chain, chain);
  }
}

static void on_append(RaftCheck *rc, int id, int64_t index, int64_t term, int64_t chain)
{
  if (!table_index_ok(rc, rc->entries->len, index, id))
    return;
  RcNode *n = node_of(rc, id);
  RcEntry e = { term, chain }, old;
  switch (mirror_at(n, index, &old)) {
  case MIRROR_UNKNOWN:
    break;
  case MIRROR_HAS:
    if (old.term != term || old.chain != chain) {
      /* A different entry replaces this one and, its chain being new,
       * everything after it. */
      mirror_resize(rc, n, (guint) (index - n->base));
      g_array_index(n->log, RcEntry, index - n->base - 1) = e;
    }
    break;
  case MIRROR_ABSENT:
    if (index > n->base + (int64_t) n->log->len + 1) {
      /* A gap (a snapshot): what lies before it is unknown. */
      mirror_resize(rc, n, 0);
      n->base = index - 1;
    }
    g_array_append_val(n->log, e);
    charge(rc, sizeof e);
    break;
  }
  check_matching(rc, id, index, term, chain);
}

static void on_truncate(RaftCheck *rc, int id, int64_t from)
{
  RcNode *n = node_of(rc, id);
  if (from < 1)
    from = 1;
  if (from <= n->base + 1) {
    mirror_resize(rc, n, 0);
    n->base = from - 1;
  } else if (from <= n->base + (int64_t) n->log->len) {
    mirror_resize(rc, n, (guint) (from - 1 - n->base));
  }
}

/* Node `id` now holds a snapshot of its log up to `index` (compaction, an
 * InstallSnapshot, or recovery after a restart), whose last entry has
 * (term, chain): not a truncation. Its mirror keeps the entries after
 * `index` when its entry there is the snapshot's (compaction), and is
 * otherwise emptied (an installed snapshot replaced the whole log); either
 * way what lies at or below `index` is now unknown. The snapshot's entry
 * is checked like an appended one (log matching), and a snapshot holds
 * applied state, so its chain must be the one applied there first (state
 * machine safety). */
static void on_snapshot(RaftCheck *rc, int id, int64_t index, int64_t term, int64_t chain)
{
  if (!table_index_ok(rc, rc->entries->len, index, id))
    return;
  RcNode *n = node_of(rc, id);
  RcEntry e;
  if (mirror_at(n, index, &e) == MIRROR_HAS && e.term == term && e.chain == chain) {
    guint drop = (guint) (index - n->base);
    charge(rc, -(gssize) drop * (gssize) sizeof(RcEntry));
    g_array_remove_range(n->log, 0, drop);
  } else {
    mirror_resize(rc, n, 0);
  }
  n->base = index;
  check_matching(rc, id, index, term, chain);
  n->applied = index;
  n->diverged = FALSE;
  if (index > (int64_t) rc->applied->len)
    return;
  const RcApplied *a = &g_array_index(rc->applied, RcApplied, index - 1);
  if (a->term >= 0 && a->chain != chain) {
    n->diverged = TRUE;
    sim_violation(rc->sim, "state_machine_safety",
                  "%s holds a snapshot up to index %" G_GINT64_FORMAT " (term %" G_GINT64_FORMAT
                  ") but %s had applied an entry of term %" G_GINT64_FORMAT " there (chain %" G_GINT64_FORMAT
                  " vs %" G_GINT64_FORMAT ")",
                  name_of(rc, id), index, term, name_of(rc, a->node), a->term, chain, a->chain);
  }
}

/* ---- leader completeness ---------------------------------------------------- */

/* The number of committed entries committed in a term before `term` (the
 * table's in_term is non-decreasing). */
static guint committed_before(const RaftCheck *rc, int64_t term)
{
  guint lo = 0, hi = rc->committed->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (g_array_index(rc->committed, RcCommitted, mid).in_term < term)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* TRUE when node `n`'s log agrees with the committed entry at `index`
 * (or cannot be judged there). */
static gboolean holds_committed(const RaftCheck *rc, const RcNode *n, int64_t index)
{
  const RcCommitted *c = &g_array_index(rc->committed, RcCommitted, index - 1);
  RcEntry e;
  if (c->term < 0)
    return TRUE;
  MirrorAt at = mirror_at(n, index, &e);
  return at == MIRROR_UNKNOWN || (at == MIRROR_HAS && e.chain == c->chain);
}

/* Node `id` became leader of `term`: its log must hold every entry
 * committed in an earlier term. Equal chains mean equal logs, so one
 * comparison at the last such entry decides; the message names the first
 * entry it lacks. */
static void check_completeness(RaftCheck *rc, int id, int64_t term)
{
  RcNode *n = node_of(rc, id);
  int64_t last = committed_before(rc, term);
  while (last > 0 && g_array_index(rc->committed, RcCommitted, last - 1).term < 0)
    last--;
  if (last == 0 || holds_committed(rc, n, last))
    return;
  int64_t k = 1;
  while (k < last && holds_committed(rc, n, k))
    k++;
  const RcCommitted *c = &g_array_index(rc->committed, RcCommitted, k - 1);
  RcEntry e;
  g_autofree char *has = mirror_at(n, k, &e) == MIRROR_HAS
    ? g_strdup_printf("its log has an entry of term %" G_GINT64_FORMAT " there", e.term)
    : g_strdup_printf("its log ends at index %" G_GINT64_FORMAT, n->base + (int64_t) n->log->len);
  sim_violation(rc->sim, "leader_completeness",
                "%s became leader of term %" G_GINT64_FORMAT " without entry %" G_GINT64_FORMAT
                " (term %" G_GINT64_FORMAT ") that %s reported committed in term %" G_GINT64_FORMAT ": %s",
                name_of(rc, id), term, k, c->term, name_of(rc, c->node), c->in_term, has);
}

static void on_leader(RaftCheck *rc, int id, int64_t term)
{
  gint64 key = term;
  int other = GPOINTER_TO_INT(g_hash_table_lookup(rc->leaders, &key)) - 1;
  if (other < 0) {
    gint64 *k = g_new(gint64, 1);
    *k = term;
    g_hash_table_insert(rc->leaders, k, GINT_TO_POINTER(id + 1));
    charge(rc, sizeof *k + RC_HASH_ENTRY_BYTES);
  } else if (other != id) {
    sim_violation(rc->sim, "election_safety", "two leaders of term %" G_GINT64_FORMAT ": %s and %s", term,
                  name_of(rc, other), name_of(rc, id));
  }
  rc->max_leader_term = MAX(rc->max_leader_term, term);
  check_completeness(rc, id, term);
}

/* Node `id` reported commitIndex = `index`: the entries of its log up to
 * there not yet in the committed table join it, committed in `in_term`. A
 * later report of another chain at a committed index changes nothing here
 * (the applies show it). */
static void on_commit(RaftCheck *rc, int id, int64_t index, int64_t in_term)
{
  RcNode *n = node_of(rc, id);
  guint len = rc->committed->len;
  if (len)
    in_term = MAX(in_term, g_array_index(rc->committed, RcCommitted, len - 1).in_term);
  if (n->base > (int64_t) len && n->base < index && table_index_ok(rc, len, n->base, id)) {
    /* Committed below where its log begins (a snapshot): chains unknown. */
    table_grow(rc, rc->committed, n->base);
    for (guint k = len; k < rc->committed->len; k++)
      g_array_index(rc->committed, RcCommitted, k).in_term = in_term;
  }
  for (int64_t k = (int64_t) rc->committed->len + 1; k <= index; k++) {
    RcEntry e;
    if (mirror_at(n, k, &e) != MIRROR_HAS)
      break;
    RcCommitted c = { e.term, e.chain, in_term, id };
    g_array_append_val(rc->committed, c);
    charge(rc, sizeof c);
  }
}

/* ---- state machine safety ---------------------------------------------------- */

/* Node `id` applied (index, term, chain). A node whose logs diverged from
 * another's applies a different chain at every index after, so a violation
 * is reported where its applies start to disagree, not at each one. */
static void on_apply(RaftCheck *rc, int id, int64_t index, int64_t term, int64_t chain)
{
  RcNode *n = node_of(rc, id);
  gboolean continues = index > 1 && n->applied == index - 1 && n->diverged;
  n->applied = index;
  n->diverged = FALSE;
  if (!table_index_ok(rc, rc->applied->len, index, id))
    return;
  table_grow(rc, rc->applied, index);
  RcApplied *a = &g_array_index(rc->applied, RcApplied, index - 1);
  if (a->term < 0) {
    *a = (RcApplied) { term, chain, id };
    return;
  }
  if (a->chain == chain)
    return;
  n->diverged = TRUE;
  if (!continues)
    sim_violation(rc->sim, "state_machine_safety",
                  "%s applied entry %" G_GINT64_FORMAT " of term %" G_GINT64_FORMAT
                  " but %s had applied an entry of term %" G_GINT64_FORMAT " there (chain %" G_GINT64_FORMAT
                  " vs %" G_GINT64_FORMAT ")",
                  name_of(rc, id), index, term, name_of(rc, a->node), a->term, chain, a->chain);
}

/* ---- the observer ------------------------------------------------------------ */

/* The fields of a raft_* event, read in one pass (the checker sees every
 * event of the run, so it avoids a lookup per field). */
typedef struct {
  int64_t index, term, chain, from;
  gboolean has_term;
} RcFields;

/* Whether name `a` is `b`: the servers use the same literals, which the
 * linker keeps once, so the pointers are usually equal and no text is
 * compared (the checker sees every event of the run). */
static inline gboolean named(const char *a, const char *b)
{
  return a == b || strcmp(a, b) == 0;
}

static void read_fields(const SimMsg *m, RcFields *f)
{
  *f = (RcFields) { 0, 0, 0, 1, FALSE };
  for (uint32_t i = 0; i < m->nfields; i++) {
    const char *name = m->fields[i].name;
    int64_t v = m->fields[i].value;
    switch (name[0]) {
    case 'i':
      if (named(name, "index"))
        f->index = v;
      break;
    case 't':
      if (named(name, "term"))
        f->term = v, f->has_term = TRUE;
      break;
    case 'c':
      if (named(name, "chain"))
        f->chain = v;
      break;
    case 'f':
      if (named(name, "from"))
        f->from = v;
      break;
    default:
      break;
    }
  }
}

typedef enum { RC_APPEND, RC_APPLY, RC_COMMIT, RC_LEADER, RC_TRUNCATE, RC_SNAPSHOT, RC_OTHER } RcEvent;

/* Which raft_* event type `t` is: by pointer first (see named()). */
static RcEvent event_of(const char *t)
{
  static const char *const types[] = { "raft_append", "raft_apply", "raft_commit", "raft_leader", "raft_truncate", "raft_snapshot" };
  for (guint i = 0; i < G_N_ELEMENTS(types); i++)
    if (t == types[i])
      return (RcEvent) i;
  if (strncmp(t, "raft_", 5) != 0)
    return RC_OTHER;
  for (guint i = 0; i < G_N_ELEMENTS(types); i++)
    if (strcmp(t, types[i]) == 0)
      return (RcEvent) i;
  return RC_OTHER;
}

void raft_check_observe(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) sim;
  RaftCheck *rc = data;
  if (ev->kind != SIM_TR_EVENT || ev->node < 0 || !ev->msg)
    return;
  RcEvent what = event_of(ev->msg->type);
  if (what == RC_OTHER)
    return;
  RcFields f;
  read_fields(ev->msg, &f);
  switch (what) {
  case RC_APPEND:
    on_append(rc, ev->node, f.index, f.term, f.chain);
    break;
  case RC_APPLY:
    on_apply(rc, ev->node, f.index, f.term, f.chain);
    break;
  case RC_COMMIT:
    on_commit(rc, ev->node, f.index, f.has_term ? f.term : rc->max_leader_term);
    break;
  case RC_LEADER:
    on_leader(rc, ev->node, f.term);
    break;
  case RC_TRUNCATE:
    on_truncate(rc, ev->node, f.from);
    break;
  case RC_SNAPSHOT:
    on_snapshot(rc, ev->node, f.index, f.term, f.chain);
    break;
  default:
    break;
  }
}

/* ---- lifetime ---------------------------------------------------------------- */

RaftCheck *raft_check_new(Sim *sim)
{
  RaftCheck *rc = g_new0(RaftCheck, 1);
  rc->sim = sim;
  rc->nodes = g_ptr_array_new_with_free_func(node_free);
  rc->leaders = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  rc->entries = g_array_new(FALSE, FALSE, sizeof(RcSlot));
  rc->overflow = g_array_new(FALSE, FALSE, sizeof(RcSlot));
  rc->committed = g_array_new(FALSE, FALSE, sizeof(RcCommitted));
  rc->applied = g_array_new(FALSE, FALSE, sizeof(RcApplied));
  charge(rc, sizeof *rc);
  static const char *const names[] = {
    "election_safety", "log_matching", "leader_completeness", "state_machine_safety",
  };
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    sim_invariant_declare(sim, names[i]);
  return rc;
}

void raft_check_free(RaftCheck *rc)
{
  if (!rc)
    return;
  g_ptr_array_unref(rc->nodes);
  g_hash_table_unref(rc->leaders);
  g_array_unref(rc->entries);
  g_array_unref(rc->overflow);
  g_array_unref(rc->committed);
  g_array_unref(rc->applied);
  g_free(rc);
}

/* Never runs: the event only carries the checker to the Sim's end, where
 * the kernel frees it with the other pending events. */
static void never(Sim *sim, void *data)
{
  (void) sim;
  (void) data;
}

/* The durable key that marks the node which attached the run's checker:
 * durable, so the mark outlives the node's crashes. */
#define RC_ATTACHED_KEY "raft_check.attached"

void raft_check_attach(SimNode *node)
{
  Sim *sim = sim_node_sim(node);
  for (guint i = 0; i < sim_node_count(sim); i++)
    if (sim_durable_get(sim_node(sim, (int) i), RC_ATTACHED_KEY, NULL))
      return;
  sim_durable_set(node, RC_ATTACHED_KEY, 1);
  RaftCheck *rc = raft_check_new(sim);
  sim_add_observer(sim, raft_check_observe, rc);
  sim_schedule(sim, SIM_TIME_MAX, never, rc, (GDestroyNotify) raft_check_free);
}
