/* kv.quorum: a Dynamo-style replica. It stores versioned cells (last writer
 * wins by (timestamp, write id)) in durable state and answers the
 * coordinating clients (kv_quorum_client.c):
 *   GET(key, rid, mv)              → GET_R(key, rid, cell)
 *   PUT(key, rid, cell, hint, mv)  → PUT_R(key, rid, the freshest cell held)
 *     hint = 1 + id of the preferred replica this fallback stands in for
 *     (sloppy quorum): the cell is kept as a hint and pushed to that replica
 *     every `hint_interval` until it acknowledges (hinted handoff).
 *     rid = 0 (read repair) gets no reply. mv is the coordinator's
 *     membership version (kv_server.h).
 * Membership (kv_membership.c): the initial members are the kv.quorum nodes
 * with join = false. A node with join = true (added by a scenario with
 * node() during the run) announces JOIN; a member told to leave by a
 * kv.quorum.admin node (DECOMMISSION) announces LEAVE. Every server hands
 * off exactly the keys whose preference list gained a node. The view is kept
 * in durable state (m:n, m:<i>, mv). */
#include "models/kv/kv_server.h"

static void server_free(gpointer p)
{
  KvServer *s = p;
  kv_store_free(s->store);
  kv_ring_free(s->ring);
  g_array_unref(s->handoffs);
  g_hash_table_unref(s->handoff_ix);
  g_hash_table_unref(s->open_by_key);
  g_array_unref(s->hints);
  if (s->announce)
    g_array_unref(s->announce);
  g_free(s);
}

guint kv_server_replicas(SimNode *node)
{
  return (guint) CLAMP(sim_node_param_int(node, "replicas"), 1, 64);
}

gboolean kv_server_replicates(SimNode *node, KvServer *s, int64_t key)
{
  int pref[64];
  guint np = kv_ring_preference(s->ring, key, kv_server_replicas(node), pref);
  for (guint i = 0; i < np; i++)
    if (pref[i] == sim_node_id(node))
      return TRUE;
  return FALSE;
}

static void durable_add(SimNode *node, const char *key, int64_t delta)
{
  int64_t v = 0;
  sim_durable_get(node, key, &v);
  sim_durable_set(node, key, v + delta);
}

static KvServer *server_new(SimNode *node)
{
  KvServer *s = g_new0(KvServer, 1);
  s->store = kv_store_open(node);
  s->handoffs = g_array_new(FALSE, FALSE, sizeof(KvHandoff));
  s->handoff_ix = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  s->open_by_key = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  s->hints = g_array_new(FALSE, FALSE, sizeof(KvHint));
  sim_durable_get(node, "mv", &s->mv);
  sim_node_set_data(node, s, server_free);
  return s;
}

static void preload(SimNode *node, KvServer *s)
{
  int64_t k = sim_node_param_int(node, "preload");
  int pref[64];
  guint n = kv_server_replicas(node);
  for (int64_t key = 0; key < k; key++) {
    guint np = kv_ring_preference(s->ring, key, n, pref);
    for (guint i = 0; i < np; i++)
      if (pref[i] == sim_node_id(node)) {
        KvCell c = { { 0, 0 }, TRUE, 0 }; /* older than any client write */
        kv_store_merge(s->store, key, &c);
      }
  }
}

static void server_restart(SimNode *node, KvServer *s)
{
  /* Store and view come back from durable state. A membership change cut
   * short by the crash resumes: keys this server no longer replicates go to
   * their replicas, and an unfinished announcement is made again. */
  kv_handoff_orphans(node, s);
  if (!sim_durable_get(node, "ann_done", NULL)) {
    if (kv_node_has_left(node))
      kv_announce_start(node, s, "LEAVE");
    else if (sim_node_param_bool(node, "join"))
      kv_announce_start(node, s, "JOIN");
  }
}

static void server_start(SimNode *node)
{
  Sim *sim = sim_node_sim(node);
  KvServer *s = server_new(node);
  s->ring = kv_ring_load(node);
  if (s->ring) {
    server_restart(node, s);
    return;
  }
  gboolean joining = sim_node_param_bool(node, "join");
  s->ring = kv_initial_ring(sim, &model_kv_quorum, joining);
  if (!s->ring || !kv_ring_has(s->ring, sim_node_id(node))) {
    KvRing *with = s->ring ? kv_ring_with(s->ring, sim_node_id(node), NULL)
                           : kv_ring_new(sim, (const int[]) { sim_node_id(node) }, 1, NULL);
    kv_ring_free(s->ring);
    s->ring = with;
  }
  kv_ring_save(node, s->ring);
  if (!joining) {
    sim_durable_set(node, "ann_done", 1);
    preload(node, s);
    return;
  }
  sim_durable_set(node, "join_at", sim_now(sim));
  kv_announce_start(node, s, "JOIN");
}

static void add_hint(SimNode *node, KvServer *s, int64_t key, int target, int64_t mv, const KvCell *cell)
{
  sim_metric_add(sim_node_sim(node), "kv_hinted_writes", 1);
  for (guint i = 0; i < s->hints->len; i++) {
    KvHint *h = &g_array_index(s->hints, KvHint, i);
    if (h->key == key && h->target == target) {
      if (kv_version_cmp(cell->version, h->cell.version) > 0) {
        h->cell = *cell;
        h->mv = mv;
      }
      return;
    }
  }
  KvHint h = { key, target, mv, *cell };
  g_array_append_val(s->hints, h);
  sim_metric_add(sim_node_sim(node), "kv_hints_stored", 1);
  if (!s->hint_timer) {
    s->hint_timer = TRUE;
    sim_timer_after(node, sim_node_param_duration(node, "hint_interval"), KV_TIMER_HINTS);
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

/* A GET from a coordinator whose view is older than ours, for a key we
 * neither replicate nor hold (it moved away): no answer, so the read is
 * not served an empty cell; the coordinator learns the new view. */
static gboolean moved_away(SimNode *node, KvServer *s, int64_t key, int64_t msg_mv)
{
  return msg_mv < s->mv && !kv_store_contains(s->store, key) && !kv_server_replicates(node, s, key);
}

static void on_hint_ack(SimNode *node, KvServer *s, const SimMsg *msg, int64_t key)
{
  KvCell c = kv_cell_from_msg(msg);
  for (guint i = 0; i < s->hints->len; i++) {
    KvHint *h = &g_array_index(s->hints, KvHint, i);
    if (h->key == key && h->target == msg->src && kv_version_cmp(h->cell.version, c.version) <= 0) {
      g_array_remove_index(s->hints, i);
      sim_metric_add(sim_node_sim(node), "kv_hints_delivered", 1);
      return;
    }
  }
}

static void server_on_message(SimNode *node, const SimMsg *msg)
{
  KvServer *s = sim_node_data(node);
  int64_t key = sim_msg_get(msg, "key", 0);
  int64_t mv = sim_msg_get(msg, "mv", 0);
  const char *t = msg->type;
  if (g_str_equal(t, "GET")) {
    if (moved_away(node, s, key, mv))
      return;
    KvCell c = freshest(s, key);
    reply(node, msg, "GET_R", key, &c);
  } else if (g_str_equal(t, "PUT")) {
    KvCell c = kv_cell_from_msg(msg);
    int64_t hint = sim_msg_get(msg, "hint", 0);
    if (hint > 0 && hint - 1 != sim_node_id(node))
      add_hint(node, s, key, (int) (hint - 1), mv, &c);
    else if (kv_store_merge(s->store, key, &c))
      kv_forward_if_moved(node, s, key, mv);
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
    reply(node, msg, "HANDOFF_ACK", key, &c);
  } else if (g_str_equal(t, "HANDOFF_ACK")) {
    kv_handoff_ack(node, s, key, msg->src, kv_cell_from_msg(msg).version);
  } else if (g_str_equal(t, "HINT")) {
    KvCell c = kv_cell_from_msg(msg);
    if (kv_store_merge(s->store, key, &c))
      kv_forward_if_moved(node, s, key, mv);
    reply(node, msg, "HINT_ACK", key, &c);
  } else if (g_str_equal(t, "HINT_ACK")) {
    on_hint_ack(node, s, msg, key);
  } else if (g_str_equal(t, "JOIN") || g_str_equal(t, "LEAVE")) {
    kv_membership_on_announce(node, s, msg);
  } else if (g_str_equal(t, "JOIN_ACK") || g_str_equal(t, "LEAVE_ACK")) {
    kv_announce_ack(node, s, msg->src, mv);
  } else if (g_str_equal(t, "DECOMMISSION")) {
    kv_membership_on_decommission(node, s, msg);
  }
}

static void send_hints(SimNode *node, KvServer *s)
{
  s->hint_timer = FALSE;
  for (guint i = 0; i < s->hints->len; i++) {
    KvHint *h = &g_array_index(s->hints, KvHint, i);
    SimMsg *m = sim_msg_new(node, "HINT");
    sim_msg_set(m, "key", h->key);
    sim_msg_set(m, "mv", h->mv);
    kv_cell_to_msg(m, &h->cell);
    sim_send(node, h->target, m);
  }
  if (s->hints->len) {
    s->hint_timer = TRUE;
    sim_timer_after(node, sim_node_param_duration(node, "hint_interval"), KV_TIMER_HINTS);
  }
}

static void server_on_timer(SimNode *node, uint64_t tag)
{
  KvServer *s = sim_node_data(node);
  if (tag == KV_TIMER_HANDOFF)
    kv_handoff_timer(node, s);
  else if (tag == KV_TIMER_HINTS)
    send_hints(node, s);
  else if (tag == KV_TIMER_ANNOUNCE)
    kv_announce_timer(node, s);
}

static void server_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  /* Handoff: keys received by a node that did not hold them, and the time
   * from the first membership change (join or leave) to the last
   * acknowledged handoff. */
  int64_t moved = 0, start = G_MAXINT64, end = G_MININT64, pending = 0, v;
  gboolean changed = FALSE;
  for (guint i = 0; i < count; i++) {
    if (sim_durable_get(nodes[i], "ho_in", &v))
      moved += v;
    if (sim_durable_get(nodes[i], "join_at", &v) || sim_durable_get(nodes[i], "leave_at", &v)) {
      changed = TRUE;
      start = MIN(start, v);
    }
    if (sim_durable_get(nodes[i], "ho_end", &v))
      end = MAX(end, v);
    KvServer *s = sim_node_data(nodes[i]); /* NULL while crashed */
    if (s)
      pending += s->hints->len;
  }
  /* The final view: initial and joined members, without those that left. */
  g_autoptr(KvRing) ring = kv_initial_ring(sim, &model_kv_quorum, TRUE);
  if (!ring)
    return;
  guint n = kv_server_replicas(nodes[0]);
  kv_metrics_divergence(sim, nodes, count, ring, n, "kv");
  kv_metrics_replication(sim, nodes, count, ring, n, "kv");
  sim_metric_set(sim, "kv_members", kv_ring_size(ring));
  sim_metric_set(sim, "kv_hints_pending", (double) pending);
  /* Counters are reported even when nothing counted them; the handoff time
   * only when there was a membership change to time. */
  static const char *const counters[] = { "kv_hinted_writes", "kv_hints_stored", "kv_hints_delivered",
                                          "kv_handoff_sent", "kv_forwarded_writes" };
  for (guint i = 0; i < G_N_ELEMENTS(counters); i++)
    sim_metric_add(sim, counters[i], 0);
  sim_metric_set(sim, "kv_keys_moved", (double) moved);
  if (changed && end >= start)
    sim_metric_set(sim, "kv_handoff_ms", (double) (end - start) / 1e6);
}

static const SimParamSpec server_params[] = {
  { "ring", SIM_PARAM_STRING, "vnodes", "placement algorithm of models/ring (ketama, vnodes, jump, rendezvous, bounded, modulo)", 0, 0 },
  { "vnodes", SIM_PARAM_INT, "100", "points per server for vnodes/bounded", 0, 0 },
  { "replicas", SIM_PARAM_INT, "3", "N: replicas per key (1..64)", 0, 0 },
  { "join", SIM_PARAM_BOOL, "false", "true: this node joins a running cluster (add it with node() during the run)", 0, 0 },
  { "preload", SIM_PARAM_INT, "0", "initial members store keys 0..preload-1 they replicate (value 0, version (0, 0))",
    0, 10000000 },
  { "handoff_retry", SIM_PARAM_DURATION, "50ms", "resend unacknowledged HANDOFF, JOIN and LEAVE messages this often", 0, 0 },
  { "hint_interval", SIM_PARAM_DURATION, "100ms", "push held hints to their replicas this often", 0, 0 },
  { NULL },
};

const SimModel model_kv_quorum = {
  .name = "kv.quorum",
  .summary = "Dynamo-style replica: LWW cells, hinted handoff, key-range handoff on join and leave",
  .params = server_params,
  .init = server_start,
  .on_message = server_on_message,
  .on_timer = server_on_timer,
  .finish = server_finish,
};
