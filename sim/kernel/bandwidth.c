/* Link bandwidth: serialization delay and a per-link FIFO backlog.
 *
 * A directed link with a bandwidth is a single transmitter: a message sent
 * at t starts when the messages sent before it are off the wire (at
 * max(t, free_at)), takes size * 8 / bandwidth to serialize (whole
 * nanoseconds, rounded up), and then travels for the link's latency. The
 * link keeps only `free_at` and counters, not a list of messages: the
 * backlog at any time is free_at - now of serialization still to do.
 *
 * A queue limit is a tail drop in bytes, as Linux's bfifo: a message is
 * refused when the bytes not yet on the wire (the rest of the message being
 * serialized included) plus its own would pass the limit. Both sides are
 * counted in serialization time, so the test is exact whenever a message's
 * time is a whole number of nanoseconds (1000 bytes at 100 Mbit/s: 80 us).
 *
 * No random number is drawn here: a link without a bandwidth never comes
 * here, and one with a bandwidth draws exactly what it would without. */
#include "sim/kernel/internal.h"
#include <math.h>
#include <string.h>

typedef struct {
  const char *name;
  double scale; /* bits (or bytes) per unit */
} Unit;

static const Unit rate_units[] = {
  { "bit", 1 }, { "kbit", 1e3 }, { "Mbit", 1e6 }, { "Gbit", 1e9 }, { "Tbit", 1e12 },
  { "B", 8 }, { "kB", 8e3 }, { "MB", 8e6 }, { "GB", 8e9 }, { "TB", 8e12 },
};

static const Unit byte_units[] = {
  { "B", 1 }, { "kB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 }, { "TB", 1e12 },
};

/* Parses NUMBER[UNIT] (UNIT one of `units`, "" meaning scale 1; with
 * `per_second`, UNIT may end in "/s") into a whole count in [1, max]. */
static gboolean parse_scaled(const char *text, const Unit *units, guint n_units, gboolean per_second,
                             uint64_t max, const char *unit_list, uint64_t *out, GError **error)
{
  if (!g_ascii_isdigit(text[0]) && text[0] != '.') {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': expected a number and a unit, like %s", text,
                per_second ? "\"100Mbit\"" : "\"64kB\"");
    return FALSE;
  }
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  g_autofree char *unit = g_strdup(end);
  gsize len = strlen(unit);
  if (per_second && len > 2 && strcmp(unit + len - 2, "/s") == 0)
    unit[len - 2] = '\0';
  double scale = 0;
  if (!*unit)
    scale = 1;
  for (guint i = 0; i < n_units && scale == 0; i++)
    if (strcmp(unit, units[i].name) == 0)
      scale = units[i].scale;
  if (scale == 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s': unknown unit '%s' (use %s)", text, end, unit_list);
    return FALSE;
  }
  double x = v * scale;
  if (!isfinite(x) || x > (double) max || !(x >= 0.5)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "'%s' is out of range (1 to %" G_GUINT64_FORMAT " %s)", text,
                max, per_second ? "bit/s" : "bytes");
    return FALSE;
  }
  *out = (uint64_t) (x + 0.5);
  return TRUE;
}

gboolean sim_bandwidth_parse(const char *text, uint64_t *bits_per_s, GError **error)
{
  return parse_scaled(text, rate_units, G_N_ELEMENTS(rate_units), TRUE, SIM_BANDWIDTH_MAX,
                      "bit, kbit, Mbit, Gbit, Tbit or B, kB, MB, GB, TB per second", bits_per_s, error);
}

gboolean sim_bytes_parse(const char *text, uint64_t *bytes, GError **error)
{
  return parse_scaled(text, byte_units, G_N_ELEMENTS(byte_units), FALSE, SIM_QUEUE_MAX, "B, kB, MB, GB or TB",
                      bytes, error);
}

SimTime sim_serialize_ns(uint64_t bytes, uint64_t bits_per_s)
{
  if (bits_per_s == 0)
    return 0;
  unsigned __int128 bits_ns = (unsigned __int128) bytes * 8 * (uint64_t) SIM_S;
  unsigned __int128 ns = (bits_ns + bits_per_s - 1) / bits_per_s;
  return ns > (unsigned __int128) SIM_TIME_MAX ? SIM_TIME_MAX : (SimTime) ns;
}

uint32_t sim_msg_size(const SimMsg *msg)
{
  if (msg->size)
    return msg->size;
  return SIM_MSG_HEADER_BYTES + SIM_MSG_FIELD_BYTES * msg->nfields + (msg->payload ? msg->payload->len : 0);
}

void sim_msg_set_size(SimMsg *msg, uint32_t bytes) { msg->size = bytes; }

/* A link's load in the `link_loads` set: the key comes first, so the
 * entry hashes and compares as its (src, dst) key. One allocation each. */
typedef struct {
  gint64 key;
  SimLinkLoad load;
} LoadEntry;

/* The load record of link src → dst, made on first use. */
static SimLinkLoad *load_of(Sim *sim, int src, int dst)
{
  gint64 key = sim_link_key(src, dst);
  LoadEntry *e = g_hash_table_lookup(sim->link_loads, &key);
  if (!e) {
    e = g_new0(LoadEntry, 1);
    e->key = key;
    e->load.src = src;
    e->load.dst = dst;
    g_hash_table_add(sim->link_loads, e);
    sim_mem_charge(sim, SIM_MEM_NETWORK, sizeof *e + SIM_HASH_ENTRY_BYTES);
  }
  return &e->load;
}

SimTime sim_bw_admit(Sim *sim, const SimLinkConfig *link, int src, int dst, uint32_t bytes)
{
  SimLinkLoad *l = load_of(sim, src, dst);
  l->bandwidth = link->bandwidth;
  SimTime backlog = l->free_at > sim->now ? l->free_at - sim->now : 0;
  SimTime wire = sim_serialize_ns(bytes, link->bandwidth);
  if (link->queue && sim_time_add_sat(backlog, wire) > sim_serialize_ns(link->queue, link->bandwidth)) {
    l->full++;
    return -1;
  }
  l->free_at = sim_time_add_sat(MAX(l->free_at, sim->now), wire);
  l->busy = sim_time_add_sat(l->busy, wire);
  l->messages++;
  l->bytes += bytes;
  return l->free_at - sim->now;
}

gboolean sim_net_link_load(Sim *sim, int src, int dst, SimLinkLoad *out)
{
  gint64 key = sim_link_key(src, dst);
  const LoadEntry *e = g_hash_table_lookup(sim->link_loads, &key);
  *out = e ? e->load : (SimLinkLoad) { .src = src, .dst = dst };
  return e != NULL;
}

static gint cmp_load(gconstpointer a, gconstpointer b)
{
  const SimLinkLoad *x = a, *y = b;
  if (x->src != y->src)
    return x->src < y->src ? -1 : 1;
  return x->dst < y->dst ? -1 : x->dst > y->dst;
}

GArray *sim_net_link_loads(Sim *sim)
{
  GArray *out = g_array_sized_new(FALSE, FALSE, sizeof(SimLinkLoad), g_hash_table_size(sim->link_loads));
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, sim->link_loads);
  while (g_hash_table_iter_next(&it, NULL, &value))
    g_array_append_vals(out, &((LoadEntry *) value)->load, 1);
  g_array_sort(out, cmp_load);
  return out;
}

SimTime sim_link_backlog(const SimLinkLoad *load, SimTime now)
{
  return load->free_at > now ? load->free_at - now : 0;
}

SimTime sim_link_busy(const SimLinkLoad *load, SimTime now)
{
  SimTime left = sim_link_backlog(load, now);
  return load->busy > left ? load->busy - left : 0;
}
