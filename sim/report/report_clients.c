/* The client part of the reports: per node that invoked at least one
 * operation, what it offered and what it got (sim/kernel/retry.h: ops,
 * attempts, retries, retries denied by the budget, outcomes, offered load
 * and goodput per second of the node's life), as a JSON member "client" of
 * the node's entry in "nodes", as CSV rows, and as text lines. The text
 * lines appear only when some node has a retry policy, so the text report
 * of every run without retries reads as before. */
#include "sim/kernel/retry.h"
#include "sim/report/report.h"
#include <math.h>

static void count(JsonBuilder *b, const char *name, guint64 v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, (gint64) v);
}

static void number(JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_double_value(b, v);
}

void report_clients_json(Scenario *sc, JsonBuilder *b, int node)
{
  SimClientStats st;
  if (!sim_node_client_stats(sc->sim, node, sim_now(sc->sim), &st))
    return;
  json_builder_set_member_name(b, "client");
  json_builder_begin_object(b);
  count(b, "ops", st.ops);
  count(b, "attempts", st.attempts);
  count(b, "retries", st.retries);
  count(b, "retries_denied", st.retries_denied);
  count(b, "ok", st.ok);
  count(b, "fail", st.fail);
  count(b, "info", st.info);
  number(b, "offered_per_s", st.offered_per_s);
  number(b, "goodput_per_s", st.goodput_per_s);
  json_builder_end_object(b);
}

void report_clients_text(Scenario *sc, FILE *out)
{
  Sim *sim = sc->sim;
  guint n = sim_node_count(sim);
  gboolean any_policy = FALSE;
  for (guint id = 0; id < n && !any_policy; id++)
    any_policy = sim_node_has_retry(sim, (int) id);
  if (!any_policy)
    return;
  SimClientStats total = { 0 }, st;
  guint clients = 0;
  double offered = 0, goodput = 0;
  for (guint id = 0; id < n; id++) {
    if (!sim_node_client_stats(sim, (int) id, sim_now(sim), &st))
      continue;
    clients++;
    total.ops += st.ops;
    total.attempts += st.attempts;
    total.retries += st.retries;
    total.retries_denied += st.retries_denied;
    offered += st.offered_per_s;
    goodput += st.goodput_per_s;
  }
  fprintf(out, "  clients: %u, %" G_GUINT64_FORMAT " ops, %" G_GUINT64_FORMAT " attempts (%" G_GUINT64_FORMAT
               " retries, %" G_GUINT64_FORMAT " denied by budget), offered %.3f/s, goodput %.3f/s, "
               "amplification %.3f\n",
          clients, total.ops, total.attempts, total.retries, total.retries_denied, offered, goodput,
          total.ops ? (double) total.attempts / (double) total.ops : NAN);
  for (guint id = 0; id < n; id++) {
    if (!sim_node_client_stats(sim, (int) id, sim_now(sim), &st))
      continue;
    fprintf(out, "  client %-10s %" G_GUINT64_FORMAT " ops, %" G_GUINT64_FORMAT " attempts, %" G_GUINT64_FORMAT
                 " retries, %" G_GUINT64_FORMAT " denied; %" G_GUINT64_FORMAT " ok, %" G_GUINT64_FORMAT
                 " fail, %" G_GUINT64_FORMAT " info; offered %.3f/s, goodput %.3f/s%s\n",
            sim_node_name(sim_node(sim, (int) id)), st.ops, st.attempts, st.retries, st.retries_denied, st.ok,
            st.fail, st.info, st.offered_per_s, st.goodput_per_s, st.has_policy ? "" : " (no retry policy)");
  }
}

/* A number with g_ascii (locale-free) formatting. */
static void csv_number(GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_c(s, ',');
  g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.6f", v));
}

void report_clients_csv(Scenario *sc, FILE *out)
{
  g_autoptr(GString) s = g_string_new(REPORT_CLIENTS_CSV_HEADER);
  for (guint id = 0; id < sim_node_count(sc->sim); id++) {
    SimClientStats st;
    if (!sim_node_client_stats(sc->sim, (int) id, sim_now(sc->sim), &st))
      continue;
    /* A quote in a node name is doubled inside quotes. */
    g_auto(GStrv) parts = g_strsplit(sim_node_name(sim_node(sc->sim, (int) id)), "\"", -1);
    g_autofree char *quoted = g_strjoinv("\"\"", parts);
    g_string_append_printf(s, "\"%s\",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                           ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT,
                           quoted, st.ops, st.attempts, st.retries, st.retries_denied, st.ok, st.fail, st.info);
    csv_number(s, st.offered_per_s);
    csv_number(s, st.goodput_per_s);
    g_string_append_c(s, '\n');
  }
  fwrite(s->str, 1, s->len, out);
}
