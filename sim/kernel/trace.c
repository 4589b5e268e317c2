/* The trace: every event goes into a running 128-bit digest (always) and,
 * when asked, into a JSON-lines file; observers (the Lua layer) see it too.
 * The digest mixes integers, not formatted text, so it stays cheap on the
 * hot path; equal digests mean identical runs. */
#include "sim/kernel/internal.h"
#include <string.h>

static const char *const kind_names[] = {
  [SIM_TR_SEND] = "send", [SIM_TR_DELIVER] = "deliver", [SIM_TR_DROP] = "drop",
  [SIM_TR_DUPLICATE] = "duplicate", [SIM_TR_TIMER] = "timer", [SIM_TR_CRASH] = "crash",
  [SIM_TR_RESTART] = "restart", [SIM_TR_PAUSE] = "pause", [SIM_TR_RESUME] = "resume",
  [SIM_TR_CLOCK] = "clock", [SIM_TR_PARTITION] = "partition", [SIM_TR_HEAL] = "heal",
  [SIM_TR_LINK] = "link", [SIM_TR_LOG_LOSS] = "log_loss", [SIM_TR_OP] = "op",
  [SIM_TR_EVENT] = "event", [SIM_TR_START] = "start", [SIM_TR_RETRY] = "retry",
};

const char *sim_trace_kind_name(SimTraceKind kind)
{
  return kind < G_N_ELEMENTS(kind_names) ? kind_names[kind] : "?";
}

G_STATIC_ASSERT(SIM_TR_RETRY < 32); /* kinds fit an observer's mask */

static inline void mix(Sim *sim, uint64_t word)
{
  sim->digest[0] = sim_mix64(sim->digest[0] ^ word);
  sim->digest[1] = (sim->digest[1] ^ word) * 0x100000001b3ULL + sim->digest[0];
}

static void json_string(GString *s, const char *text)
{
  g_string_append_c(s, '"');
  for (const unsigned char *p = (const unsigned char *) text; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(s, "\\%c", *p);
    else if (*p < 0x20)
      g_string_append_printf(s, "\\u%04x", *p);
    else
      g_string_append_c(s, (char) *p);
  }
  g_string_append_c(s, '"');
}

static void node_field(Sim *sim, GString *s, const char *key, int id)
{
  if (id < 0 || (guint) id >= sim->nnodes)
    return;
  g_string_append_printf(s, ",\"%s\":", key);
  json_string(s, sim_node(sim, id)->name);
}

static void write_line(Sim *sim, const SimTraceEvent *ev)
{
  GString *s = sim->trace_line;
  g_string_truncate(s, 0);
  g_string_append_printf(s, "{\"t\":%" G_GINT64_FORMAT ",\"kind\":\"%s\"", ev->time, sim_trace_kind_name(ev->kind));
  node_field(sim, s, "node", ev->node);
  node_field(sim, s, "peer", ev->peer);
  if (ev->msg) {
    g_string_append(s, ",\"msg\":{\"type\":");
    json_string(s, ev->msg->type);
    if (ev->msg->id)
      g_string_append_printf(s, ",\"id\":%" G_GUINT64_FORMAT, ev->msg->id);
    for (uint32_t i = 0; i < ev->msg->nfields; i++) {
      g_string_append_c(s, ',');
      json_string(s, ev->msg->fields[i].name);
      g_string_append_printf(s, ":%" G_GINT64_FORMAT, ev->msg->fields[i].value);
    }
    if (ev->msg->payload)
      g_string_append_printf(s, ",\"payload_bytes\":%u", ev->msg->payload->len);
    g_string_append_c(s, '}');
  }
  if (ev->detail) {
    g_string_append(s, ",\"detail\":");
    json_string(s, ev->detail);
  }
  if (ev->entry) {
    const SimHistoryEntry *e = ev->entry;
    g_string_append_printf(s, ",\"op\":%" G_GUINT64_FORMAT ",\"type\":\"%s\",\"f\":", e->op, sim_op_type_name(e->type));
    json_string(s, e->f);
  }
  if (ev->a || ev->b)
    g_string_append_printf(s, ",\"a\":%" G_GINT64_FORMAT ",\"b\":%" G_GINT64_FORMAT, ev->a, ev->b);
  g_string_append(s, "}\n");
  fwrite(s->str, 1, s->len, sim->trace_out);
  if (s->allocated_len > sim->trace_line_charged) {
    sim_mem_charge(sim, SIM_MEM_TRACE, (gssize) (s->allocated_len - sim->trace_line_charged));
    sim->trace_line_charged = s->allocated_len;
  }
}

/* sim_hash_str(type), from the Sim's cache of types by address: the hash
 * of every traced message's type cost 4% of a Raft run. */
static inline uint64_t type_hash(Sim *sim, const char *type)
{
  guintptr a = (guintptr) type;
  guint slot = (guint) ((a ^ (a >> 6) ^ (a >> 12)) % SIM_TYPE_HASH_SLOTS);
  if (G_LIKELY(sim->type_hash[slot].type == type))
    return sim->type_hash[slot].hash;
  uint64_t h = sim_hash_str(type);
  sim->type_hash[slot].type = type;
  sim->type_hash[slot].hash = h;
  return h;
}

/* One step of the per-event fold: a rotate, an xor and a multiply, so the
 * words of one event cost a few cycles each and only the event's total
 * goes through the full mix. Mixing every word into the 128-bit digest
 * was 15% of a Raft run (a serial chain of two multiplies per word). */
static inline uint64_t fold(uint64_t h, uint64_t word)
{
  return ((h << 27 | h >> 37) ^ word) * 0x9e3779b97f4a7c15ULL;
}

/* A payload's bytes folded into one word, little-endian words so the
 * digest is the same on every host. Only a message with a payload pays
 * for it, so runs without payloads keep their digests. */
static uint64_t payload_hash(const struct SimPayload *p)
{
  uint64_t h = fold(0x51ed270b27ULL, p->len);
  uint32_t i = 0;
  for (; i + 8 <= p->len; i += 8) {
    uint64_t w = 0;
    for (int b = 7; b >= 0; b--)
      w = w << 8 | p->data[i + (uint32_t) b];
    h = fold(h, w);
  }
  if (i < p->len) {
    uint64_t w = 0;
    for (uint32_t b = p->len; b > i; b--)
      w = w << 8 | p->data[b - 1];
    h = fold(h, w);
  }
  return sim_mix64(h);
}

void sim_trace(Sim *sim, const SimTraceEvent *ev)
{
  uint64_t h = fold((uint64_t) ev->kind << 48 ^ (uint64_t) (ev->node + 1) ^ (uint64_t) (ev->peer + 1) << 24,
                    (uint64_t) ev->time);
  if (ev->msg) {
    h = fold(h, ev->msg->id ^ type_hash(sim, ev->msg->type));
    for (uint32_t i = 0; i < ev->msg->nfields; i++)
      h = fold(h, (uint64_t) ev->msg->fields[i].value);
    if (ev->msg->payload)
      h = fold(h, payload_hash(ev->msg->payload));
  }
  if (ev->a || ev->b)
    h = fold(h, (uint64_t) ev->a ^ ((uint64_t) ev->b << 1));
  if (ev->detail)
    h = fold(h, sim_hash_str(ev->detail));
  if (ev->entry)
    h = fold(h, ev->entry->op ^ ((uint64_t) ev->entry->type << 56));
  mix(sim, h);

  if (G_UNLIKELY(sim->trace_out != NULL))
    write_line(sim, ev);
  /* Re-read on every step: an observer may add another. */
  guint32 bit = SIM_TRACE_KIND_BIT(ev->kind);
  for (guint i = 0; i < sim->observers->len; i++) {
    SimObserverEntry *o = &g_array_index(sim->observers, SimObserverEntry, i);
    if (o->kinds & bit)
      o->fn(sim, ev, o->data);
  }
}

void sim_trace_simple(Sim *sim, SimTraceKind kind, int node, int peer,
                      const SimMsg *msg, const char *detail, int64_t a, int64_t b)
{
  SimTraceEvent ev = { kind, sim->now, node, peer, msg, detail, a, b, NULL };
  sim_trace(sim, &ev);
}

void sim_emit(SimNode *node, const SimMsg *event)
{
  sim_trace_simple(node->sim, SIM_TR_EVENT, node->id, -1, event, NULL, 0, 0);
}

void sim_add_observer(Sim *sim, SimObserver fn, void *data)
{
  sim_add_observer_kinds(sim, fn, data, SIM_TRACE_ALL_KINDS);
}

void sim_add_observer_kinds(Sim *sim, SimObserver fn, void *data, guint32 kinds)
{
  SimObserverEntry o = { fn, data, kinds };
  g_array_append_val(sim->observers, o);
}

void sim_observer_set_kinds(Sim *sim, SimObserver fn, void *data, guint32 kinds, gboolean add)
{
  for (guint i = 0; i < sim->observers->len; i++) {
    SimObserverEntry *o = &g_array_index(sim->observers, SimObserverEntry, i);
    if (o->fn == fn && o->data == data) {
      o->kinds = add ? o->kinds | kinds : kinds;
      return;
    }
  }
}

void sim_trace_to(Sim *sim, FILE *out)
{
  sim->trace_out = out;
  if (!sim->trace_line)
    sim->trace_line = g_string_sized_new(256);
}

char *sim_trace_digest(Sim *sim)
{
  return g_strdup_printf("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
                         (guint64) sim->digest[0], (guint64) sim->digest[1]);
}

void *sim_observer_data(Sim *sim, SimObserver fn)
{
  for (guint i = 0; i < sim->observers->len; i++) {
    SimObserverEntry *o = &g_array_index(sim->observers, SimObserverEntry, i);
    if (o->fn == fn)
      return o->data;
  }
  return NULL;
}
