/* The capacity part of the reports: per node with a service model
 * (sim/kernel/service.h), its utilization, queue length, queueing delay,
 * response time and overload counts, as a JSON member of the node's entry
 * in "nodes", as text lines and as CSV rows. Nodes without a service model
 * get nothing, so their reports read as before. */
#include "sim/kernel/service.h"
#include "sim/report/report.h"
#include <math.h>

static void number(JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name(b, name);
  if (isnan(v))
    json_builder_add_null_value(b);
  else
    json_builder_add_double_value(b, v);
}

static void count(JsonBuilder *b, const char *name, guint64 v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, (gint64) v);
}

/* {count, mean, p50, p90, p99, p999, max} of a series in ms. */
static void series(JsonBuilder *b, const char *name, const SimHistogram *h, double mean)
{
  static const double q[] = { 0.5, 0.9, 0.99, 0.999 };
  static const char *const qn[] = { "p50", "p90", "p99", "p999" };
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  count(b, "count", sim_histogram_count(h));
  number(b, "mean", mean);
  for (guint i = 0; i < G_N_ELEMENTS(q); i++)
    number(b, qn[i], sim_histogram_quantile(h, q[i]));
  number(b, "max", sim_histogram_max(h));
  json_builder_end_object(b);
}

void report_service_json(Scenario *sc, JsonBuilder *b, int node)
{
  SimServiceStats st;
  if (!sim_node_service_stats(sc->sim, node, sim_now(sc->sim), &st))
    return;
  json_builder_set_member_name(b, "service");
  json_builder_begin_object(b);
  count(b, "servers", st.servers);
  count(b, "queue_capacity", st.queue_capacity);
  count(b, "arrivals", st.arrivals);
  count(b, "completions", st.completions);
  count(b, "overload_drops", st.overload_drops);
  count(b, "rejected", st.rejected);
  count(b, "abandoned", st.abandoned);
  count(b, "in_system", st.in_system);
  number(b, "observed_s", st.observed_s);
  number(b, "utilization", st.utilization);
  number(b, "arrival_rate", st.arrival_rate);
  number(b, "in_system_mean", st.system_mean);
  json_builder_set_member_name(b, "queue_length");
  json_builder_begin_object(b);
  number(b, "mean", st.queue_mean);
  count(b, "p99", st.queue_p99);
  count(b, "max", st.queue_max);
  json_builder_end_object(b);
  series(b, "wait_ms", st.wait_ms, st.wait_mean_ms);
  series(b, "response_ms", st.response_ms, st.response_mean_ms);
  json_builder_end_object(b);
}

/* "%.3f", or "n/a" for NAN, into a caller buffer. */
static const char *fixed(char *buf, size_t size, double v, const char *format)
{
  if (isnan(v))
    g_strlcpy(buf, "n/a", size);
  else
    g_snprintf(buf, size, format, v);
  return buf;
}

void report_service_text(Scenario *sc, FILE *out)
{
  for (guint id = 0; id < sim_node_count(sc->sim); id++) {
    SimServiceStats st;
    if (!sim_node_service_stats(sc->sim, (int) id, sim_now(sc->sim), &st))
      continue;
    char u[32], qm[32], w[32], wp[32], r[32], rp[32];
    fprintf(out, "  service %-10s utilization %s  queue mean %s p99 %" G_GUINT64_FORMAT " max %" G_GUINT64_FORMAT
                 "  (%u server%s, %" G_GUINT64_FORMAT " waiting places)\n",
            sim_node_name(sim_node(sc->sim, (int) id)), fixed(u, sizeof u, st.utilization, "%.4f"),
            fixed(qm, sizeof qm, st.queue_mean, "%.3f"), st.queue_p99, st.queue_max, st.servers,
            st.servers == 1 ? "" : "s", st.queue_capacity);
    fprintf(out, "          %-10s %" G_GUINT64_FORMAT " arrivals, %" G_GUINT64_FORMAT " served, %" G_GUINT64_FORMAT
                 " dropped (overload), %" G_GUINT64_FORMAT " rejected, %" G_GUINT64_FORMAT " lost at crashes\n",
            "", st.arrivals, st.completions, st.overload_drops, st.rejected, st.abandoned);
    fprintf(out, "          %-10s wait mean %s ms p99 %s ms; response mean %s ms p99 %s ms\n", "",
            fixed(w, sizeof w, st.wait_mean_ms, "%.3f"),
            fixed(wp, sizeof wp, sim_histogram_quantile(st.wait_ms, 0.99), "%.3f"),
            fixed(r, sizeof r, st.response_mean_ms, "%.3f"),
            fixed(rp, sizeof rp, sim_histogram_quantile(st.response_ms, 0.99), "%.3f"));
  }
}

/* A number with g_ascii (locale-free) formatting; nothing for NAN. */
static void csv_number(GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_c(s, ',');
  if (!isnan(v))
    g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.6f", v));
}

void report_service_csv(Scenario *sc, FILE *out)
{
  g_autoptr(GString) s = g_string_new(REPORT_SERVICE_CSV_HEADER);
  for (guint id = 0; id < sim_node_count(sc->sim); id++) {
    SimServiceStats st;
    if (!sim_node_service_stats(sc->sim, (int) id, sim_now(sc->sim), &st))
      continue;
    /* Node names have no commas; a quote is doubled inside quotes. */
    g_auto(GStrv) parts = g_strsplit(sim_node_name(sim_node(sc->sim, (int) id)), "\"", -1);
    g_autofree char *quoted = g_strjoinv("\"\"", parts);
    g_string_append_printf(s, "\"%s\",%u,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                           ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, quoted, st.servers,
                           st.queue_capacity, st.arrivals, st.completions, st.overload_drops, st.rejected,
                           st.abandoned);
    csv_number(s, st.utilization);
    csv_number(s, st.queue_mean);
    g_string_append_printf(s, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, st.queue_p99, st.queue_max);
    csv_number(s, st.system_mean);
    csv_number(s, st.arrival_rate);
    csv_number(s, st.wait_mean_ms);
    csv_number(s, sim_histogram_quantile(st.wait_ms, 0.5));
    csv_number(s, sim_histogram_quantile(st.wait_ms, 0.99));
    csv_number(s, st.response_mean_ms);
    csv_number(s, sim_histogram_quantile(st.response_ms, 0.5));
    csv_number(s, sim_histogram_quantile(st.response_ms, 0.99));
    csv_number(s, sim_histogram_max(st.response_ms));
    g_string_append_c(s, '\n');
  }
  fwrite(s->str, 1, s->len, out);
}
