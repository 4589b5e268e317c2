/* kv.quorum: a Dynamo-style replica. It stores versioned cells (last writer
 * wins by (Lamport timestamp, writer id)) in durable state and answers the
 * coordinating clients (kv_quorum_client.c):
 *   GET(key, rid)               → GET_R(key, rid, cell)
 *   PUT(key, rid, cell, hint)   → PUT_R(key, rid, ts of the stored version)
 *     hint = 1 + id of the preferred replica this fallback stands in for
 *     (sloppy quorum): the cell is kept as a hint and pushed to that replica
 *     every `hint_interval` until it acknowledges (hinted handoff).
 *     rid = 0 (read repair) gets no reply.
 * Membership: the initial members are the kv.quorum nodes with join = false.
 * A node with join = true (added by a scenario with node() during the run)
 * announces JOIN to every server and client until each acknowledges; each
 * server then hands off exactly the keys whose N-node preference list gained
 * a node (HANDOFF → HANDOFF_ACK, resent every `handoff_retry`) and drops the
 * keys it no longer replicates once their handoffs are acknowledged. The
 * membership is kept in durable state (m:n, m:<i>). */
#include "models/kv/kv.h"

enum { TIMER_HANDOFF = 1, TIMER_HINTS = 2, TIMER_JOIN = 3 };

typedef struct {
  int64_t key;
  int dst;
  gboolean done;
} KvHandoff;

typedef struct {
  int64_t key;
  int target;
  KvCell cell;
} KvHint;

typedef struct {
  KvStore *store;
  KvRing *ring;
  GArray *handoffs;       /* KvHandoff, in send order */
  GHashTable *handoff_ix; /* (key, dst) → index + 1 */
  GHashTable *drop_left;  /* key → handoffs still unacknowledged, for keys to drop */
  guint handoffs_open;
  GArray *hints;          /* KvHint */
  gboolean hint_timer;
  GArray *join_unacked;   /* int node ids a joiner still waits for */
} KvServer;

static void server_free(gpointer p)
{
  KvServer *s = p;
  kv_store_free(s->store);
  kv_ring_free(s->ring);
  g_array_unref(s->handoffs);
  g_hash_table_unref(s->handoff_ix);
  g_hash_table_unref(s->drop_left);
  g_array_unref(s->hints);
  if (s->join_unacked)
    g_array_unref(s->join_unacked);
  g_free(s);
}

static guint replicas(SimNode *node)
{
  return (guint) CLAMP(sim_node_param_int(node, "replicas"), 1, 64);
}

static void durable_add(SimNode *node, const char *key, int64_t delta)
{
  int64_t v = 0;
  sim_durable_get(node, key, &v);
  sim_durable_set(node, key, v + delta);
}

static void save_members(SimNode *node, const KvRing *ring)
{
  char buf[32];
  for (guint i = 0; i < kv_ring_size(ring); i++) {
    g_snprintf(buf, sizeof buf, "m:%u", i);
    sim_durable_set(node, buf, kv_ring_ids(ring)[i]);
  }
  sim_durable_set(node, "m:n", kv_ring_size(ring));
}

static KvRing *load_members(SimNode *node)
{
  int64_t n = 0;
  if (!sim_durable_get(node, "m:n", &n) || n <= 0)
    return NULL;
  g_autofree int *ids = g_new(int, n);
  char buf[32];
  for (int64_t i = 0; i < n; i++) {
    int64_t id = 0;
    g_snprintf(buf, sizeof buf, "m:%" G_GINT64_FORMAT, i);
    sim_durable_get(node, buf, &id);
    ids[i] = (int) id;
  }
  return kv_ring_new(sim_node_sim(node), ids, (guint) n, NULL);
}

static KvServer *server_new(SimNode *node)
{
  KvServer *s = g_new0(KvServer, 1);
  s->store = kv_store_open(node);
  s->handoffs = g_array_new(FALSE, FALSE, sizeof(KvHandoff));
  s->handoff_ix = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  s->drop_left = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  s->hints = g_array_new(FALSE, FALSE, sizeof(KvHint));
  sim_node_set_data(node, s, server_free);
  return s;
}

static void send_join(SimNode *node, KvServer *s)
{
  for (guint i = 0; i < s->join_unacked->len; i++) {
    SimMsg *m = sim_msg_new(node, "JOIN");
    sim_msg_set(m, "node", sim_node_id(node));
    sim_send(node, g_array_index(s->join_unacked, int, i), m);
  }
  if (s->join_unacked->len)
    sim_timer_after(node, sim_node_param_duration(node, "handoff_retry"), TIMER_JOIN);
}

static void preload(SimNode *node, KvServer *s)
{
  int64_t k = sim_node_param_int(node, "preload");
  int pref[64];
  guint n = replicas(node);
  for (int64_t key = 0; key < k; key++) {
    guint np = kv_ring_preference(s->ring, key, n, pref);
    for (guint i = 0; i < np; i++)
      if (pref[i] == sim_node_id(node)) {
        KvCell c = { { 0, 0 }, TRUE, 0 }; /* older than any client write */
        kv_store_merge(s->store, key, &c);
      }
  }
}

static void server_start(SimNode *node)
{
  Sim *sim = sim_node_sim(node);
  KvServer *s = server_new(node);
  s->ring = load_members(node);
  if (s->ring)
    return; /* a restart: store and membership come back from durable state */
  gboolean joining = sim_node_param_bool(node, "join");
  s->ring = kv_initial_ring(sim, &model_kv_quorum, joining);
  if (!kv_ring_has(s->ring, sim_node_id(node))) {
    KvRing *with = kv_ring_with(s->ring, sim_node_id(node), NULL);
    kv_ring_free(s->ring);
    s->ring = with;
  }
  save_members(node, s->ring);
  if (!joining) {
    preload(node, s);
    return;
  }
  sim_durable_set(node, "join_at", sim_now(sim));
  s->join_unacked = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < sim_node_count(sim); i++) {
    const SimModel *m = sim_node_model(sim_node(sim, (int) i));
    int id = (int) i;
    if (id != sim_node_id(node) && (m == &model_kv_quorum || m == &model_kv_quorum_client))
      g_array_append_val(s->join_unacked, id);
  }
  send_join(node, s);
}

static gint64 *pair_key(int64_t key, int dst)
{
  gint64 *k = g_new(gint64, 1);
  *k = key * 1048576 + dst;
  return k;
}

static void send_handoff(SimNode *node, KvServer *s, const KvHandoff *h)
{
  KvCell c = kv_store_get(s->store, h->key);
  SimMsg *m = sim_msg_new(node, "HANDOFF");
  sim_msg_set(m, "key", h->key);
  kv_cell_to_msg(m, &c);
  sim_send(node, h->dst, m);
}

static void handoff_check_done(SimNode *node, KvServer *s)
{
  if (s->handoffs_open == 0)
    sim_durable_set(node, "ho_end", sim_now(sim_node_sim(node)));
}

/* A node joined: hand off every key whose preference list gains a node. */
static void on_join(SimNode *node, KvServer *s, int id)
{
  if (kv_ring_has(s->ring, id))
    return;
  KvRing *next = kv_ring_with(s->ring, id, NULL);
  guint n = replicas(node);
  int before[64], after[64];
  int self = sim_node_id(node);
  sim_durable_set(node, "ho_start", sim_now(sim_node_sim(node)));
  g_autoptr(GArray) keys = kv_store_keys(s->store);
  for (guint k = 0; k < keys->len; k++) {
    int64_t key = g_array_index(keys, int64_t, k);
    guint nb = kv_ring_preference(s->ring, key, n, before);
    guint na = kv_ring_preference(next, key, n, after);
    gboolean keep = FALSE;
    guint sent = 0;
    for (guint a = 0; a < na; a++) {
      gboolean old = FALSE;
      for (guint b = 0; b < nb; b++)
        old |= before[b] == after[a];
      keep |= after[a] == self;
      if (old || after[a] == self)
        continue;
      KvHandoff h = { key, after[a], FALSE };
      gint64 *pk = pair_key(key, after[a]);
      if (g_hash_table_contains(s->handoff_ix, pk)) {
        g_free(pk);
        continue;
      }
      g_array_append_val(s->handoffs, h);
      g_hash_table_insert(s->handoff_ix, pk, GUINT_TO_POINTER(s->handoffs->len));
      s->handoffs_open++;
      sent++;
      send_handoff(node, s, &h);
      sim_metric_add(sim_node_sim(node), "kv_handoff_sent", 1);
    }
    if (!keep) {
      if (sent == 0)
        kv_store_delete(s->store, key);
      else {
        gint64 *kk = g_new(gint64, 1);
        *kk = key;
        g_hash_table_insert(s->drop_left, kk, GUINT_TO_POINTER(sent));
      }
    }
  }
  kv_ring_free(s->ring);
  s->ring = next;
  save_members(node, s->ring);
  handoff_check_done(node, s);
  if (s->handoffs_open)
    sim_timer_after(node, sim_node_param_duration(node, "handoff_retry"), TIMER_HANDOFF);
}

static void on_handoff_ack(SimNode *node, KvServer *s, int64_t key, int from)
{
  gint64 pk = key * 1048576 + from;
  guint ix = GPOINTER_TO_UINT(g_hash_table_lookup(s->handoff_ix, &pk));
  if (!ix)
    return;
  KvHandoff *h = &g_array_index(s->handoffs, KvHandoff, ix - 1);
  if (h->done)
    return;
  h->done = TRUE;
  s->handoffs_open--;
  gpointer left = NULL;
  if (g_hash_table_lookup_extended(s->drop_left, &key, NULL, &left)) {
    guint l = GPOINTER_TO_UINT(left) - 1;
    if (l == 0) {
      g_hash_table_remove(s->drop_left, &key);
      kv_store_delete(s->store, key);
    } else {
      gint64 *kk = g_new(gint64, 1);
      *kk = key;
      g_hash_table_replace(s->drop_left, kk, GUINT_TO_POINTER(l));
    }
  }
  handoff_check_done(node, s);
}

static void add_hint(SimNode *node, KvServer *s, int64_t key, int target, const KvCell *cell)
{
  for (guint i = 0; i < s->hints->len; i++) {
    KvHint *h = &g_array_index(s->hints, KvHint, i);
    if (h->key == key && h->target == target) {
      if (kv_version_cmp(cell->version, h->cell.version) > 0)
        h->cell = *cell;
      return;
    }
  }
  KvHint h = { key, target, *cell };
  g_array_append_val(s->hints, h);
  sim_metric_add(sim_node_sim(node), "kv_hints_stored", 1);
  if (!s->hint_timer) {
    s->hint_timer = TRUE;
    sim_timer_after(node, sim_node_param_duration(node, "hint_interval"), TIMER_HINTS);
  }
}

/* The freshest cell for `key` here: the store or a hint held for another. */
static KvCell freshest(KvServer *s, int64_t key)
{
  KvCell c = kv_store_get(s->store, key);
  for (guint i = 0; i < s->hints->len; i++) {
    KvHint *h = &g_array_index(s->hints, KvHint, i);
    if (h->key == key && kv_version_cmp(h->cell.version, c.version) > 0)
      c = h->cell;
  }
  return c;
}

static void reply(SimNode *node, const SimMsg *msg, const char *type, int64_t key, const KvCell *cell)
{
  SimMsg *r = sim_msg_new(node, type);
  sim_msg_set(r, "key", key);
  if (sim_msg_has(msg, "rid"))
    sim_msg_set(r, "rid", sim_msg_get(msg, "rid", 0));
  if (cell)
    kv_cell_to_msg(r, cell);
  sim_send(node, msg->src, r);
}

static void server_on_message(SimNode *node, const SimMsg *msg)
{
  KvServer *s = sim_node_data(node);
  int64_t key = sim_msg_get(msg, "key", 0);
  const char *t = msg->type;
  if (g_str_equal(t, "GET")) {
    KvCell c = freshest(s, key);
    reply(node, msg, "GET_R", key, &c);
  } else if (g_str_equal(t, "PUT")) {
    KvCell c = kv_cell_from_msg(msg);
    int64_t hint = sim_msg_get(msg, "hint", 0);
    if (hint > 0 && hint - 1 != sim_node_id(node))
      add_hint(node, s, key, (int) (hint - 1), &c);
    else
      kv_store_merge(s->store, key, &c);
    if (sim_msg_get(msg, "rid", 0) != 0) {
      KvCell now = freshest(s, key);
      reply(node, msg, "PUT_R", key, &now);
    }
  } else if (g_str_equal(t, "HANDOFF")) {
    KvCell c = kv_cell_from_msg(msg);
    gboolean had = kv_store_contains(s->store, key);
    kv_store_merge(s->store, key, &c);
    if (!had)
      durable_add(node, "ho_in", 1);
    reply(node, msg, "HANDOFF_ACK", key, NULL);
  } else if (g_str_equal(t, "HANDOFF_ACK")) {
    on_handoff_ack(node, s, key, msg->src);
  } else if (g_str_equal(t, "HINT")) {
    KvCell c = kv_cell_from_msg(msg);
    kv_store_merge(s->store, key, &c);
    reply(node, msg, "HINT_ACK", key, &c);
  } else if (g_str_equal(t, "HINT_ACK")) {
    KvCell c = kv_cell_from_msg(msg);
    for (guint i = 0; i < s->hints->len; i++) {
      KvHint *h = &g_array_index(s->hints, KvHint, i);
      if (h->key == key && h->target == msg->src && kv_version_cmp(h->cell.version, c.version) <= 0) {
        g_array_remove_index(s->hints, i);
        sim_metric_add(sim_node_sim(node), "kv_hints_delivered", 1);
        break;
      }
    }
  } else if (g_str_equal(t, "JOIN")) {
    on_join(node, s, (int) sim_msg_get(msg, "node", -1));
    SimMsg *r = sim_msg_new(node, "JOIN_ACK");
    sim_send(node, msg->src, r);
  } else if (g_str_equal(t, "JOIN_ACK") && s->join_unacked) {
    for (guint i = 0; i < s->join_unacked->len; i++)
      if (g_array_index(s->join_unacked, int, i) == msg->src) {
        g_array_remove_index(s->join_unacked, i);
        break;
      }
  }
}

static void server_on_timer(SimNode *node, uint64_t tag)
{
  KvServer *s = sim_node_data(node);
  if (tag == TIMER_HANDOFF && s->handoffs_open) {
    for (guint i = 0; i < s->handoffs->len; i++)
      if (!g_array_index(s->handoffs, KvHandoff, i).done)
        send_handoff(node, s, &g_array_index(s->handoffs, KvHandoff, i));
    sim_timer_after(node, sim_node_param_duration(node, "handoff_retry"), TIMER_HANDOFF);
  } else if (tag == TIMER_HINTS) {
    s->hint_timer = FALSE;
    for (guint i = 0; i < s->hints->len; i++) {
      KvHint *h = &g_array_index(s->hints, KvHint, i);
      SimMsg *m = sim_msg_new(node, "HINT");
      sim_msg_set(m, "key", h->key);
      kv_cell_to_msg(m, &h->cell);
      sim_send(node, h->target, m);
    }
    if (s->hints->len) {
      s->hint_timer = TRUE;
      sim_timer_after(node, sim_node_param_duration(node, "hint_interval"), TIMER_HINTS);
    }
  } else if (tag == TIMER_JOIN && s->join_unacked) {
    send_join(node, s);
  }
}

static void server_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  /* Handoff: keys received by a node that did not hold them, and the time
   * from the first join to the last acknowledged handoff. */
  int64_t moved = 0, start = G_MAXINT64, end = G_MININT64, v;
  gboolean joined = FALSE;
  for (guint i = 0; i < count; i++) {
    if (sim_durable_get(nodes[i], "ho_in", &v))
      moved += v;
    if (sim_durable_get(nodes[i], "join_at", &v)) {
      joined = TRUE;
      start = MIN(start, v);
    }
    if (sim_durable_get(nodes[i], "ho_end", &v))
      end = MAX(end, v);
  }
  g_autoptr(GArray) ids = kv_initial_members(sim, &model_kv_quorum, TRUE);
  g_autoptr(KvRing) ring = kv_ring_new(sim, (const int *) ids->data, ids->len, NULL);
  kv_metrics_divergence(sim, nodes, count, ring, replicas(nodes[0]), "kv");
  if (joined) {
    sim_metric_set(sim, "kv_keys_moved", (double) moved);
    if (end >= start)
      sim_metric_set(sim, "kv_handoff_ms", (double) (end - start) / 1e6);
  }
}

static const SimParamSpec server_params[] = {
  { "ring", SIM_PARAM_STRING, "vnodes", "placement algorithm of models/ring (ketama, vnodes, jump, rendezvous, bounded, modulo)", 0, 0 },
  { "vnodes", SIM_PARAM_INT, "100", "points per server for vnodes/bounded", 0, 0 },
  { "replicas", SIM_PARAM_INT, "3", "N: replicas per key (1..64)", 0, 0 },
  { "join", SIM_PARAM_BOOL, "false", "true: this node joins a running cluster (add it with node() during the run)", 0, 0 },
  { "preload", SIM_PARAM_INT, "0", "initial members store keys 0..preload-1 they replicate (value 0, version (0, 0))",
    0, 10000000 },
  { "handoff_retry", SIM_PARAM_DURATION, "50ms", "resend unacknowledged HANDOFF and JOIN messages this often", 0, 0 },
  { "hint_interval", SIM_PARAM_DURATION, "100ms", "push held hints to their replicas this often", 0, 0 },
  { NULL },
};

const SimModel model_kv_quorum = {
  .name = "kv.quorum",
  .summary = "Dynamo-style replica: LWW cells, hinted handoff, key-range handoff on join",
  .params = server_params,
  .init = server_start,
  .on_message = server_on_message,
  .on_timer = server_on_timer,
  .finish = server_finish,
};
