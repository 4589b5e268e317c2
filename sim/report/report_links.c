/* The link part of the reports: for every directed link that carried
 * messages with a bandwidth, what it carried and how busy it was, in
 * (source, destination) id order. Runs without a bandwidth print nothing
 * here, so their reports stay as they were. */
#include "sim/kernel/internal.h"
#include "sim/report/report.h"

/* The share of the run so far the link spent serializing; now > 0. */
static double utilization(const SimLinkLoad *l, SimTime now)
{
  return (double) sim_link_busy(l, now) / (double) now;
}

void report_links_json(Scenario *sc, JsonBuilder *b)
{
  g_autoptr(GArray) loads = sim_net_link_loads(sc->sim);
  if (loads->len == 0)
    return;
  SimTime now = sim_now(sc->sim);
  json_builder_set_member_name(b, "links");
  json_builder_begin_array(b);
  for (guint i = 0; i < loads->len; i++) {
    const SimLinkLoad *l = &g_array_index(loads, SimLinkLoad, i);
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "from", sim_node_name(sim_node(sc->sim, l->src)));
    json_object_set_string_member(o, "to", sim_node_name(sim_node(sc->sim, l->dst)));
    json_object_set_int_member(o, "bandwidth_bps", (gint64) l->bandwidth);
    json_object_set_int_member(o, "messages", (gint64) l->messages);
    json_object_set_int_member(o, "bytes", (gint64) l->bytes);
    json_object_set_int_member(o, "dropped_full", (gint64) l->full);
    json_object_set_double_member(o, "busy_s", sim_time_to_seconds(sim_link_busy(l, now)));
    if (now > 0)
      json_object_set_double_member(o, "utilization", utilization(l, now));
    else
      json_object_set_null_member(o, "utilization");
    json_object_set_double_member(o, "backlog_s", sim_time_to_seconds(sim_link_backlog(l, now)));
    json_builder_add_value(b, json_node_init_object(json_node_alloc(), o));
    json_object_unref(o);
  }
  json_builder_end_array(b);
}

/* A rate in the largest decimal unit it reaches: "10 Mbit/s". */
static void print_rate(FILE *out, uint64_t bps)
{
  static const struct { double scale; const char *unit; } units[] = {
    { 1e12, "Tbit/s" }, { 1e9, "Gbit/s" }, { 1e6, "Mbit/s" }, { 1e3, "kbit/s" }, { 1, "bit/s" },
  };
  guint i = 0;
  while (i + 1 < G_N_ELEMENTS(units) && (double) bps < units[i].scale)
    i++;
  fprintf(out, "%g %s", (double) bps / units[i].scale, units[i].unit);
}

void report_links_text(Scenario *sc, FILE *out)
{
  g_autoptr(GArray) loads = sim_net_link_loads(sc->sim);
  SimTime now = sim_now(sc->sim);
  for (guint i = 0; i < loads->len; i++) {
    const SimLinkLoad *l = &g_array_index(loads, SimLinkLoad, i);
    fprintf(out, "  link %s -> %s (", sim_node_name(sim_node(sc->sim, l->src)),
            sim_node_name(sim_node(sc->sim, l->dst)));
    print_rate(out, l->bandwidth);
    fprintf(out, "): %" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT " bytes, utilization %.3f, "
            "backlog %.3f s at the end, %" G_GUINT64_FORMAT " dropped (link full)\n", l->messages, l->bytes,
            now > 0 ? utilization(l, now) : 0.0, sim_time_to_seconds(sim_link_backlog(l, now)), l->full);
  }
}
