/* The network: directed links with latency, loss, duplication, FIFO or
 * reordering, and cuts. Every random draw here comes from the "network"
 * stream, so node and fault streams are untouched by traffic. */
#include "sim/kernel/internal.h"

/* Hash of a (src, dst) link key. g_int64_hash folds the key to src ^ dst,
 * so the links of a partition or a cut ring collide by the thousand; this
 * mixes all 64 bits (splitmix64's finalizer). Hashes never reach output:
 * only lookups use them. */
static guint link_hash(gconstpointer key)
{
  guint64 z = *(const guint64 *) key;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (guint) (z ^ (z >> 31));
}

void sim_net_init(Sim *sim)
{
  sim->link_default = (SimLinkConfig) { sim_dist_constant(1 * SIM_MS), 0.0, 0.0, FALSE };
  sim->link_overrides = g_hash_table_new_full(link_hash, g_int64_equal, g_free, g_free);
  sim->cuts = g_hash_table_new_full(link_hash, g_int64_equal, g_free, NULL);
  sim->fifo_last = g_hash_table_new_full(link_hash, g_int64_equal, g_free, g_free);
}

void sim_net_free(Sim *sim)
{
  g_hash_table_unref(sim->link_overrides);
  g_hash_table_unref(sim->cuts);
  g_hash_table_unref(sim->fifo_last);
}

SimLinkConfig *sim_net_default(Sim *sim) { return &sim->link_default; }

void sim_net_set_link(Sim *sim, int src, int dst, const SimLinkConfig *config)
{
  gint64 *key = g_new(gint64, 1);
  *key = sim_link_key(src, dst);
  g_hash_table_replace(sim->link_overrides, key, g_memdup2(config, sizeof *config));
  sim_trace_simple(sim, SIM_TR_LINK, src, dst, NULL, "set", 0, 0);
}

const SimLinkConfig *sim_net_link(Sim *sim, int src, int dst)
{
  if (g_hash_table_size(sim->link_overrides) > 0) {
    gint64 key = sim_link_key(src, dst);
    const SimLinkConfig *c = g_hash_table_lookup(sim->link_overrides, &key);
    if (c)
      return c;
  }
  return &sim->link_default;
}

gboolean sim_net_is_cut(Sim *sim, int src, int dst)
{
  if (g_hash_table_size(sim->cuts) == 0)
    return FALSE;
  gint64 key = sim_link_key(src, dst);
  return g_hash_table_contains(sim->cuts, &key);
}

static void set_cut(Sim *sim, int src, int dst, gboolean cut)
{
  gint64 key = sim_link_key(src, dst);
  if (cut && !g_hash_table_contains(sim->cuts, &key))
    g_hash_table_add(sim->cuts, g_memdup2(&key, sizeof key));
  else if (!cut)
    g_hash_table_remove(sim->cuts, &key);
}

void sim_net_cut(Sim *sim, int src, int dst, gboolean cut)
{
  set_cut(sim, src, dst, cut);
  sim_trace_simple(sim, SIM_TR_LINK, src, dst, NULL, cut ? "cut" : "restore", 0, 0);
}

void sim_net_partition(Sim *sim, const int *group_of, guint n)
{
  guint cut = 0;
  for (guint a = 0; a < n; a++)
    for (guint b = 0; b < n; b++)
      if (a != b && group_of[a] >= 0 && group_of[b] >= 0 && group_of[a] != group_of[b]) {
        set_cut(sim, (int) a, (int) b, TRUE);
        cut++;
      }
  sim_trace_simple(sim, SIM_TR_PARTITION, -1, -1, NULL, NULL, cut, 0);
}

void sim_net_heal(Sim *sim)
{
  guint restored = g_hash_table_size(sim->cuts);
  g_hash_table_remove_all(sim->cuts);
  sim_trace_simple(sim, SIM_TR_HEAL, -1, -1, NULL, NULL, restored, 0);
}

static void schedule_delivery(Sim *sim, const SimLinkConfig *link, SimMsg *msg, SimTime latency)
{
  SimTime at = sim->now + latency;
  if (link->fifo) {
    gint64 key = sim_link_key(msg->src, msg->dst);
    SimTime *last = g_hash_table_lookup(sim->fifo_last, &key);
    if (!last) {
      last = g_new(SimTime, 1);
      *last = at;
      g_hash_table_insert(sim->fifo_last, g_memdup2(&key, sizeof key), last);
    }
    if (at < *last)
      at = *last;
    *last = at;
  }
  uint32_t ev = sim_event_alloc(sim, EV_DELIVER, msg->dst);
  sim->events[ev].u.msg = msg;
  sim_event_push(sim, at, ev);
}

void sim_send(SimNode *from, int dst, SimMsg *msg)
{
  Sim *sim = from->sim;
  if (from->state == SIM_NODE_CRASHED) {
    /* Only a handler that outlived its node's crash (injected by an
     * observer while it ran) gets here: a crashed node sends nothing. */
    sim_msg_release(sim, msg);
    return;
  }
  msg->src = from->id;
  msg->dst = dst;
  msg->id = ++sim->next_msg_id;
  msg->sent_at = sim->now;
  if (dst < 0 || (guint) dst >= sim->nodes->len) {
    g_critical("node %s sent %s to unknown node id %d", from->name, msg->type, dst);
    sim_msg_release(sim, msg);
    return;
  }
  sim->stats.sent++;
  sim_trace_simple(sim, SIM_TR_SEND, from->id, dst, msg, NULL, 0, 0);
  const SimLinkConfig *link = sim_net_link(sim, from->id, dst);
  /* Every random choice about this message is drawn before the cut is
   * looked at, so adding or removing a partition leaves the network
   * stream's later draws where they were. */
  gboolean lossy = sim_rng_chance(&sim->net_rng, link->loss);
  gboolean twice = sim_rng_chance(&sim->net_rng, link->duplicate);
  SimTime latency = sim_dist_draw(&link->latency, &sim->net_rng);
  SimTime latency_copy = twice ? sim_dist_draw(&link->latency, &sim->net_rng) : 0;
  const char *lost = sim_net_is_cut(sim, from->id, dst) ? "cut" : lossy ? "loss" : NULL;
  if (lost) {
    sim->stats.dropped++;
    sim_trace_simple(sim, SIM_TR_DROP, dst, from->id, msg, lost, 0, 0);
    sim_msg_release(sim, msg);
    return;
  }
  if (twice) {
    SimMsg *copy = sim_msg_alloc(sim);
    *copy = *msg;
    copy->next_free = NULL;
    sim->stats.duplicated++;
    sim_trace_simple(sim, SIM_TR_DUPLICATE, dst, from->id, copy, NULL, 0, 0);
    schedule_delivery(sim, link, copy, latency_copy);
  }
  schedule_delivery(sim, link, msg, latency);
}

/* ---- messages ---- */

SimMsg *sim_msg_new(SimNode *from, const char *type)
{
  SimMsg *msg = sim_msg_alloc(from->sim);
  msg->type = type;
  msg->src = from->id;
  msg->dst = -1;
  msg->id = 0;
  msg->sent_at = 0;
  return msg;
}

void sim_msg_set(SimMsg *msg, const char *name, int64_t value)
{
  for (uint32_t i = 0; i < msg->nfields; i++)
    if (msg->fields[i].name == name || g_str_equal(msg->fields[i].name, name)) {
      msg->fields[i].value = value;
      return;
    }
  if (msg->nfields == SIM_MSG_MAX_FIELDS)
    g_error("message %s: more than %d fields", msg->type, SIM_MSG_MAX_FIELDS);
  msg->fields[msg->nfields++] = (SimField) { name, value };
}

int64_t sim_msg_get(const SimMsg *msg, const char *name, int64_t fallback)
{
  for (uint32_t i = 0; i < msg->nfields; i++)
    if (msg->fields[i].name == name || g_str_equal(msg->fields[i].name, name))
      return msg->fields[i].value;
  return fallback;
}

gboolean sim_msg_has(const SimMsg *msg, const char *name)
{
  for (uint32_t i = 0; i < msg->nfields; i++)
    if (msg->fields[i].name == name || g_str_equal(msg->fields[i].name, name))
      return TRUE;
  return FALSE;
}
