/* Membership change of kv.quorum: a server joining (JOIN) or leaving (LEAVE,
 * started by DECOMMISSION from a kv.quorum.admin node) is announced to every
 * server and client until each acknowledges. Each server applies the new
 * view by handing off exactly the keys whose preference list gained a node
 * (HANDOFF → HANDOFF_ACK, resent every `handoff_retry`) and drops a key it
 * no longer replicates once the key's handoffs are acknowledged. A write that
 * reaches a server which no longer replicates the key, from a coordinator
 * whose view is older, is handed on the same way (forwarding), so no
 * acknowledged write is stranded on a former replica. Durable keys: "mv",
 * "m:*" (the view), "join_at"/"leave_at", "ho_start", "ho_end", "ann_done". */
#include "models/kv/kv_server.h"

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

static void arm_handoff_timer(SimNode *node, KvServer *s)
{
  if (s->handoffs_open && !s->handoff_timer) {
    s->handoff_timer = TRUE;
    sim_timer_after(node, sim_node_param_duration(node, "handoff_retry"), KV_TIMER_HANDOFF);
  }
}

static guint open_count(KvServer *s, int64_t key)
{
  return GPOINTER_TO_UINT(g_hash_table_lookup(s->open_by_key, &key));
}

static void set_open_count(KvServer *s, int64_t key, guint n)
{
  if (n == 0) {
    g_hash_table_remove(s->open_by_key, &key);
    return;
  }
  gint64 *k = g_new(gint64, 1);
  *k = key;
  g_hash_table_replace(s->open_by_key, k, GUINT_TO_POINTER(n));
}

void kv_handoff_queue(SimNode *node, KvServer *s, int64_t key, int dst)
{
  gint64 *pk = pair_key(key, dst);
  guint ix = GPOINTER_TO_UINT(g_hash_table_lookup(s->handoff_ix, pk));
  KvHandoff *h;
  if (ix) {
    g_free(pk);
    h = &g_array_index(s->handoffs, KvHandoff, ix - 1);
    if (!h->done)
      return; /* still open: the next resend carries the newest cell */
    h->done = FALSE;
  } else {
    KvHandoff fresh = { key, dst, FALSE };
    g_array_append_val(s->handoffs, fresh);
    g_hash_table_insert(s->handoff_ix, pk, GUINT_TO_POINTER(s->handoffs->len));
    h = &g_array_index(s->handoffs, KvHandoff, s->handoffs->len - 1);
  }
  s->handoffs_open++;
  set_open_count(s, key, open_count(s, key) + 1);
  send_handoff(node, s, h);
  sim_metric_add(sim_node_sim(node), "kv_handoff_sent", 1);
  arm_handoff_timer(node, s);
}

static void handoff_check_done(SimNode *node, KvServer *s)
{
  if (s->handoffs_open == 0)
    sim_durable_set(node, "ho_end", sim_now(sim_node_sim(node)));
}

void kv_handoff_ack(SimNode *node, KvServer *s, int64_t key, int from, KvVersion acked)
{
  gint64 pk = key * 1048576 + from;
  guint ix = GPOINTER_TO_UINT(g_hash_table_lookup(s->handoff_ix, &pk));
  if (!ix)
    return;
  KvHandoff *h = &g_array_index(s->handoffs, KvHandoff, ix - 1);
  if (h->done || kv_version_cmp(acked, kv_store_get(s->store, key).version) < 0)
    return;
  h->done = TRUE;
  s->handoffs_open--;
  guint left = open_count(s, key) - 1;
  set_open_count(s, key, left);
  if (left == 0 && !kv_server_replicates(node, s, key))
    kv_store_delete(s->store, key);
  handoff_check_done(node, s);
}

void kv_handoff_timer(SimNode *node, KvServer *s)
{
  s->handoff_timer = FALSE;
  for (guint i = 0; i < s->handoffs->len; i++)
    if (!g_array_index(s->handoffs, KvHandoff, i).done)
      send_handoff(node, s, &g_array_index(s->handoffs, KvHandoff, i));
  arm_handoff_timer(node, s);
}

void kv_membership_apply(SimNode *node, KvServer *s, KvRing *next)
{
  guint n = kv_server_replicas(node);
  int before[64], after[64];
  int self = sim_node_id(node);
  sim_durable_set(node, "ho_start", sim_now(sim_node_sim(node)));
  KvRing *old = s->ring;
  s->ring = next; /* from here on kv_server_replicates answers for the new view */
  s->mv++;
  sim_durable_set(node, "mv", s->mv);
  kv_ring_save(node, s->ring);
  g_autoptr(GArray) keys = kv_store_keys(s->store);
  for (guint k = 0; k < keys->len; k++) {
    int64_t key = g_array_index(keys, int64_t, k);
    guint nb = kv_ring_preference(old, key, n, before);
    guint na = kv_ring_preference(next, key, n, after);
    gboolean keep = FALSE;
    for (guint a = 0; a < na; a++) {
      gboolean had = FALSE;
      for (guint b = 0; b < nb; b++)
        had |= before[b] == after[a];
      keep |= after[a] == self;
      if (!had && after[a] != self)
        kv_handoff_queue(node, s, key, after[a]);
    }
    if (!keep && open_count(s, key) == 0)
      kv_store_delete(s->store, key);
  }
  kv_ring_free(old);
  handoff_check_done(node, s);
}

gboolean kv_forward_if_moved(SimNode *node, KvServer *s, int64_t key, int64_t msg_mv)
{
  if (msg_mv >= s->mv || kv_server_replicates(node, s, key))
    return FALSE;
  int pref[64];
  guint np = kv_ring_preference(s->ring, key, kv_server_replicas(node), pref);
  for (guint i = 0; i < np; i++)
    kv_handoff_queue(node, s, key, pref[i]);
  sim_metric_add(sim_node_sim(node), "kv_forwarded_writes", 1);
  return TRUE;
}

void kv_handoff_orphans(SimNode *node, KvServer *s)
{
  g_autoptr(GArray) keys = kv_store_keys(s->store);
  int pref[64];
  for (guint k = 0; k < keys->len; k++) {
    int64_t key = g_array_index(keys, int64_t, k);
    if (kv_server_replicates(node, s, key))
      continue;
    guint np = kv_ring_preference(s->ring, key, kv_server_replicas(node), pref);
    for (guint i = 0; i < np; i++)
      kv_handoff_queue(node, s, key, pref[i]);
  }
}

/* ---- announcements ---- */

static void send_announce(SimNode *node, KvServer *s)
{
  for (guint i = 0; i < s->announce->len; i++) {
    SimMsg *m = sim_msg_new(node, s->announce_type);
    sim_msg_set(m, "node", sim_node_id(node));
    sim_send(node, g_array_index(s->announce, int, i), m);
  }
  if (s->announce->len)
    sim_timer_after(node, sim_node_param_duration(node, "handoff_retry"), KV_TIMER_ANNOUNCE);
  else
    sim_durable_set(node, "ann_done", 1);
}

void kv_announce_start(SimNode *node, KvServer *s, const char *type)
{
  Sim *sim = sim_node_sim(node);
  if (s->announce)
    g_array_unref(s->announce);
  s->announce = g_array_new(FALSE, FALSE, sizeof(int));
  s->announce_type = type;
  for (guint i = 0; i < sim_node_count(sim); i++) {
    const SimModel *m = sim_node_model(sim_node(sim, (int) i));
    int id = (int) i;
    if (id != sim_node_id(node) && (m == &model_kv_quorum || m == &model_kv_quorum_client))
      g_array_append_val(s->announce, id);
  }
  send_announce(node, s);
}

void kv_announce_ack(SimNode *node, KvServer *s, int from, int64_t mv)
{
  if (!s->announce)
    return;
  /* A joiner learns how many changes the others have seen. */
  if (mv > s->mv) {
    s->mv = mv;
    sim_durable_set(node, "mv", s->mv);
  }
  for (guint i = 0; i < s->announce->len; i++)
    if (g_array_index(s->announce, int, i) == from) {
      g_array_remove_index(s->announce, i);
      if (s->announce->len == 0)
        sim_durable_set(node, "ann_done", 1);
      return;
    }
}

void kv_announce_timer(SimNode *node, KvServer *s)
{
  if (s->announce && s->announce->len)
    send_announce(node, s);
}

void kv_membership_on_announce(SimNode *node, KvServer *s, const SimMsg *msg)
{
  gboolean join = g_str_equal(msg->type, "JOIN");
  int id = (int) sim_msg_get(msg, "node", -1);
  Sim *sim = sim_node_sim(node);
  if (id >= 0 && (guint) id < sim_node_count(sim) && id != sim_node_id(node) &&
      kv_ring_has(s->ring, id) != join) {
    KvRing *next = join ? kv_ring_with(s->ring, id, NULL) : kv_ring_without(s->ring, id, NULL);
    if (next)
      kv_membership_apply(node, s, next);
  }
  SimMsg *r = sim_msg_new(node, join ? "JOIN_ACK" : "LEAVE_ACK");
  sim_msg_set(r, "mv", s->mv);
  sim_send(node, msg->src, r);
}

void kv_membership_on_decommission(SimNode *node, KvServer *s, const SimMsg *msg)
{
  Sim *sim = sim_node_sim(node);
  int self = sim_node_id(node);
  if (!kv_node_has_left(node) && kv_ring_has(s->ring, self)) {
    GError *error = NULL;
    KvRing *next = kv_ring_without(s->ring, self, &error);
    if (!next) {
      sim_fail(sim, "node '%s' (kv.quorum) cannot leave: %s", sim_node_name(node), error->message);
      g_error_free(error);
      return;
    }
    sim_durable_set(node, "leave_at", sim_now(sim));
    kv_membership_apply(node, s, next);
    kv_announce_start(node, s, "LEAVE");
  }
  sim_send(node, msg->src, sim_msg_new(node, "DECOMMISSION_ACK"));
}
