/* The network: directed links with latency, loss, duplication, FIFO or
 * reordering, cuts, and (bandwidth.c) an optional bandwidth. Every random
 * draw here comes from the "network" stream, so node and fault streams are
 * untouched by traffic. */
#include "sim/kernel/internal.h"
#include <string.h>

guint sim_link_hash(gconstpointer key)
{
  return (guint) sim_mix64((uint64_t) *(const gint64 *) key);
}

static GHashTable *link_table(GDestroyNotify value_destroy)
{
  return g_hash_table_new_full(sim_link_hash, g_int64_equal, g_free, value_destroy);
}

static void partition_free(gpointer p)
{
  SimPartition *part = p;
  g_free(part->group_of);
  g_free(part);
}

void sim_net_init(Sim *sim)
{
  sim->link_default = (SimLinkConfig) { .latency = sim_dist_constant(1 * SIM_MS) };
  sim->link_overrides = link_table(g_free);
  sim->cuts = link_table(NULL);
  sim->restored = link_table(NULL);
  sim->partitions = g_ptr_array_new_with_free_func(partition_free);
  sim->fifo_last = link_table(g_free);
  sim->link_loads = link_table(NULL); /* a set: each entry is its own key */
}

void sim_net_free(Sim *sim)
{
  g_hash_table_unref(sim->link_overrides);
  g_hash_table_unref(sim->cuts);
  g_hash_table_unref(sim->restored);
  g_ptr_array_unref(sim->partitions);
  g_hash_table_unref(sim->fifo_last);
  g_hash_table_unref(sim->link_loads);
}

SimLinkConfig *sim_net_default(Sim *sim) { return &sim->link_default; }

/* Adds `key` to a link key set; TRUE if it was not there. */
static gboolean key_add(Sim *sim, GHashTable *set, gint64 key)
{
  if (g_hash_table_contains(set, &key))
    return FALSE;
  g_hash_table_add(set, g_memdup2(&key, sizeof key));
  sim_mem_charge(sim, SIM_MEM_NETWORK, sizeof key + SIM_HASH_ENTRY_BYTES);
  return TRUE;
}

static void key_remove(Sim *sim, GHashTable *set, gint64 key)
{
  if (g_hash_table_remove(set, &key))
    sim_mem_charge(sim, SIM_MEM_NETWORK, -(gssize) (sizeof key + SIM_HASH_ENTRY_BYTES));
}

void sim_net_set_link(Sim *sim, int src, int dst, const SimLinkConfig *config)
{
  gint64 key = sim_link_key(src, dst);
  SimLinkConfig *c = g_hash_table_lookup(sim->link_overrides, &key);
  if (c) {
    *c = *config;
  } else {
    g_hash_table_insert(sim->link_overrides, g_memdup2(&key, sizeof key), g_memdup2(config, sizeof *config));
    sim_mem_charge(sim, SIM_MEM_NETWORK, sizeof key + sizeof *config + SIM_HASH_ENTRY_BYTES);
  }
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

/* ---- cuts and partitions ----
 *
 * partition() used to insert every cross-group pair into the cut set: n^2
 * hash inserts. Now an active partition is kept as its group array, and
 * a link is cut when it was cut by name (`cuts`) or when an active
 * partition separates its ends and it was not restored by name since
 * (`restored`). The observable behaviour, and the counts traced by
 * partition and heal, are those of the old cut set. */

static gboolean separates(const SimPartition *p, int a, int b)
{
  if ((guint) a >= p->n || (guint) b >= p->n)
    return FALSE;
  int ga = p->group_of[a], gb = p->group_of[b];
  return ga >= 0 && gb >= 0 && ga != gb;
}

/* Some active partition separates a and b. */
static gboolean partitioned(Sim *sim, int a, int b)
{
  for (guint i = 0; i < sim->partitions->len; i++)
    if (separates(sim->partitions->pdata[i], a, b))
      return TRUE;
  return FALSE;
}

gboolean sim_net_is_cut(Sim *sim, int src, int dst)
{
  if (sim->cut_links == 0)
    return FALSE;
  gint64 key = sim_link_key(src, dst);
  if (g_hash_table_size(sim->cuts) > 0 && g_hash_table_contains(sim->cuts, &key))
    return TRUE;
  return partitioned(sim, src, dst) &&
         !(g_hash_table_size(sim->restored) > 0 && g_hash_table_contains(sim->restored, &key));
}

void sim_net_cut(Sim *sim, int src, int dst, gboolean cut)
{
  gboolean was = sim_net_is_cut(sim, src, dst);
  gint64 key = sim_link_key(src, dst);
  if (cut) {
    key_add(sim, sim->cuts, key);
    key_remove(sim, sim->restored, key);
  } else {
    key_remove(sim, sim->cuts, key);
    if (partitioned(sim, src, dst))
      key_add(sim, sim->restored, key);
  }
  if (cut && !was)
    sim->cut_links++;
  else if (!cut && was)
    sim->cut_links--;
  sim_trace_simple(sim, SIM_TR_LINK, src, dst, NULL, cut ? "cut" : "restore", 0, 0);
}

/* Links `p` separates that are not cut now. Cut now = cut by name (E), or
 * separated by an active partition (U) and not restored by name (R, a
 * subset of U disjoint from E). So the fresh ones are the pairs p
 * separates outside U, minus those in E, plus those in R. */
static guint64 newly_cut(Sim *sim, const SimPartition *p, guint64 cross)
{
  guint64 fresh = sim->partitions->len == 0 ? cross : sim_partition_fresh(sim, p);
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, sim->cuts);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    gint64 k = *(gint64 *) key;
    int a = (int) (k >> 32), b = (int) (guint32) k;
    fresh -= separates(p, a, b) && !partitioned(sim, a, b);
  }
  g_hash_table_iter_init(&it, sim->restored);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    gint64 k = *(gint64 *) key;
    fresh += separates(p, (int) (k >> 32), (int) (guint32) k);
  }
  return fresh;
}

void sim_net_partition(Sim *sim, const int *group_of, guint n)
{
  SimPartition *p = g_new(SimPartition, 1);
  p->group_of = g_memdup2(group_of, sizeof(int) * n);
  p->n = n;
  guint64 cross = sim_partition_cross(group_of, n);
  sim->cut_links += newly_cut(sim, p, cross);
  /* Links restored by name inside an older partition are cut again if
   * this one separates them too. */
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, sim->restored);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    gint64 k = *(gint64 *) key;
    if (separates(p, (int) (k >> 32), (int) (guint32) k)) {
      g_hash_table_iter_remove(&it);
      sim_mem_charge(sim, SIM_MEM_NETWORK, -(gssize) (sizeof k + SIM_HASH_ENTRY_BYTES));
    }
  }
  g_ptr_array_add(sim->partitions, p);
  sim_mem_charge(sim, SIM_MEM_NETWORK, (gssize) (sizeof *p + sizeof(int) * n));
  sim_trace_simple(sim, SIM_TR_PARTITION, -1, -1, NULL, NULL, (int64_t) cross, 0);
}

void sim_net_heal(Sim *sim)
{
  guint64 restored = sim->cut_links;
  gssize bytes = 0;
  bytes += (gssize) ((g_hash_table_size(sim->cuts) + g_hash_table_size(sim->restored)) *
                     (sizeof(gint64) + SIM_HASH_ENTRY_BYTES));
  for (guint i = 0; i < sim->partitions->len; i++)
    bytes += (gssize) (sizeof(SimPartition) + sizeof(int) * ((SimPartition *) sim->partitions->pdata[i])->n);
  g_hash_table_remove_all(sim->cuts);
  g_hash_table_remove_all(sim->restored);
  g_ptr_array_set_size(sim->partitions, 0);
  sim->cut_links = 0;
  sim_mem_charge(sim, SIM_MEM_NETWORK, -bytes);
  sim_trace_simple(sim, SIM_TR_HEAL, -1, -1, NULL, NULL, (int64_t) restored, 0);
}

/* Puts `msg` in flight as a wire record (wire.c) arriving after
 * `latency` (later on a FIFO link, behind the link's last message). The
 * payload moves to the record, or with `copy_payload` (a duplicate) the
 * record gets its own copy; `msg` stays the caller's. The destination's
 * node record is not read here: only the delivery needs it. */
static void schedule_delivery(Sim *sim, const SimLinkConfig *link, SimMsg *msg, SimTime latency,
                              gboolean copy_payload)
{
  SimTime at = sim_time_after(sim->now, latency);
  if (link->fifo) {
    gint64 key = sim_link_key(msg->src, msg->dst);
    /* A send on a FIFO link looked its record up in the hash table, 1.7%
     * of a Raft run (callgrind): recent links are remembered by address. */
    guint slot = (guint) (sim_mix64((uint64_t) key) % SIM_FIFO_CACHE_SLOTS);
    SimTime *last = sim->fifo_cache[slot].key == key ? sim->fifo_cache[slot].last : NULL;
    if (!last)
      last = g_hash_table_lookup(sim->fifo_last, &key);
    if (!last) {
      last = g_new(SimTime, 1);
      *last = at;
      g_hash_table_insert(sim->fifo_last, g_memdup2(&key, sizeof key), last);
      sim_mem_charge(sim, SIM_MEM_NETWORK, sizeof key + sizeof *last + SIM_HASH_ENTRY_BYTES);
    }
    sim->fifo_cache[slot].key = key;
    sim->fifo_cache[slot].last = last;
    if (at < *last)
      at = *last;
    *last = at;
  }
  /* A small message travels in its delivery's slot (SimDlvSlot). */
  gboolean small = sim_wire_size(msg) <= SIM_WIRE_INLINE_BYTES;
  uint32_t ev = sim_event_alloc_deliver(sim, msg->dst, small);
  SimEvent *e = sim_ev(sim, ev);
  e->src = msg->src;
  e->u.msg = sim_wire_pack(sim, msg, copy_payload, &e->wire, small ? ((SimDlvSlot *) e)->wire : NULL);
  sim_event_push(sim, at, ev);
}

void sim_send(SimNode *from, int dst, SimMsg *msg)
{
  Sim *sim = from->sim;
  /* From here the kernel owns the payload: sim_msg_release uncharges it. */
  if (msg->payload)
    sim_mem_charge(sim, SIM_MEM_MESSAGES, sim_payload_bytes(msg->payload));
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
  if (dst < 0 || (guint) dst >= sim->nnodes) {
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
  const char *lost = sim_net_is_cut(sim, from->id, dst) ? "cut" : NULL;
  /* With a bandwidth, a message the link takes spends its wait and
   * serialization before the latency, and a lost one still uses the link
   * (it is lost in flight). A cut link takes nothing. */
  if (G_UNLIKELY(link->bandwidth) && !lost) {
    SimTime wire = sim_bw_admit(sim, link, from->id, dst, sim_msg_size(msg));
    if (wire < 0)
      lost = "link full";
    else
      latency = sim_time_add_sat(wire, latency);
  }
  if (!lost && lossy)
    lost = "loss";
  if (lost) {
    sim->stats.dropped++;
    sim_trace_simple(sim, SIM_TR_DROP, dst, from->id, msg, lost, 0, 0);
    sim_msg_release(sim, msg);
    return;
  }
  if (twice) {
    /* The copy is identical (the same id): it is traced and put on the
     * wire from `msg` itself, with a payload of its own. */
    sim->stats.duplicated++;
    sim_trace_simple(sim, SIM_TR_DUPLICATE, dst, from->id, msg, NULL, 0, 0);
    /* The copy is serialized too, right behind the original. */
    SimTime wire = link->bandwidth ? sim_bw_admit(sim, link, from->id, dst, sim_msg_size(msg)) : 0;
    if (wire < 0) {
      sim->stats.dropped++;
      sim_trace_simple(sim, SIM_TR_DROP, dst, from->id, msg, "link full", 0, 0);
    } else {
      schedule_delivery(sim, link, msg, sim_time_add_sat(wire, latency_copy), TRUE);
    }
  }
  schedule_delivery(sim, link, msg, latency, FALSE);
  sim_msg_release(sim, msg);
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
  msg->size = 0;
  return msg;
}

/* Field lookup. Names are string literals or sim_intern()ed, so a field
 * is almost always found by its pointer; names are compared by content
 * (another string with the same text) only when no pointer matches,
 * inline, stopping at the first byte for most names. A call to strcmp per
 * field was 13% of a Raft run's instructions (callgrind, bench
 * raft_commit). */
static inline int field_by_text(const SimMsg *msg, const char *name)
{
  for (uint32_t i = 0; i < msg->nfields; i++) {
    const char *a = msg->fields[i].name, *b = name;
    while (*a && *a == *b) {
      a++;
      b++;
    }
    if (*a == *b)
      return (int) i;
  }
  return -1;
}

/* The index of the field called `name`, or -1. */
static inline int field_find(const SimMsg *msg, const char *name)
{
  for (uint32_t i = 0; i < msg->nfields; i++)
    if (msg->fields[i].name == name)
      return (int) i;
  return field_by_text(msg, name);
}

void sim_msg_set(SimMsg *msg, const char *name, int64_t value)
{
  /* Adding a field is the common case: the pass over the pointers notes
   * the first byte of every name, so a name no field starts like is known
   * new without comparing any text. */
  uint64_t initials = 0;
  for (uint32_t i = 0; i < msg->nfields; i++) {
    const char *a = msg->fields[i].name;
    if (a == name) {
      msg->fields[i].value = value;
      return;
    }
    initials |= UINT64_C(1) << ((unsigned char) a[0] & 63);
  }
  if (initials & (UINT64_C(1) << ((unsigned char) name[0] & 63))) {
    int i = field_by_text(msg, name);
    if (i >= 0) {
      msg->fields[i].value = value;
      return;
    }
  }
  sim_msg_add(msg, name, value);
}

void sim_msg_add(SimMsg *msg, const char *name, int64_t value)
{
  if (msg->nfields == SIM_MSG_MAX_FIELDS)
    g_error("message %s: more than %d fields", msg->type, SIM_MSG_MAX_FIELDS);
  msg->fields[msg->nfields++] = (SimField) { name, value };
}

int64_t sim_msg_get(const SimMsg *msg, const char *name, int64_t fallback)
{
  int i = field_find(msg, name);
  return i >= 0 ? msg->fields[i].value : fallback;
}

gboolean sim_msg_has(const SimMsg *msg, const char *name)
{
  return field_find(msg, name) >= 0;
}

/* ---- payloads ---- */

struct SimPayload *sim_payload_copy(const struct SimPayload *p)
{
  return p ? g_memdup2(p, sizeof *p + p->len) : NULL;
}

void sim_msg_set_payload(SimMsg *msg, const void *data, size_t len)
{
  /* A payload is bounded so its length fits the wire size's 32 bits with
   * the header; the memory budget bounds how many there are. */
  if (len > SIM_PAYLOAD_MAX)
    g_error("message %s: payload of %zu bytes, more than %u", msg->type, len, SIM_PAYLOAD_MAX);
  sim_msg_clear_payload(msg);
  if (len == 0)
    return;
  struct SimPayload *p = g_malloc(sizeof *p + len);
  p->len = (uint32_t) len;
  memcpy(p->data, data, len);
  msg->payload = p;
}

const void *sim_msg_payload(const SimMsg *msg, size_t *len)
{
  if (len)
    *len = msg->payload ? msg->payload->len : 0;
  return msg->payload ? msg->payload->data : NULL;
}

void sim_msg_clear_payload(SimMsg *msg)
{
  g_free(msg->payload);
  msg->payload = NULL;
}
