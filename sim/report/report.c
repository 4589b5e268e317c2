/* End-of-run reports: one JSON object (--json) or a short text summary.
 * Everything here is in name order or history order, never hash order.
 * Percentiles come from log-bucketed histograms (sim/kernel/histogram.h); the
 * availability timeline and node uptime are in sim/report/report_avail.c. */
#include "sim/kernel/internal.h"
#include "sim/report/report.h"
#include <math.h>
#include <string.h>

typedef struct {
  const char *f;
  SimHistogram *ms; /* latencies of ok operations, in milliseconds */
} Latency;

/* Latency of every ok operation, per operation name (in order of first
 * completion; callers sort by name). */
static GPtrArray *latencies(Sim *sim)
{
  g_autoptr(GHashTable) started = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  GPtrArray *out = g_ptr_array_new();
  const GArray *h = sim_history(sim);
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (e->type == SIM_OP_INVOKE) {
      g_hash_table_insert(started, g_memdup2(&e->op, sizeof(gint64)), g_memdup2(&e->time, sizeof e->time));
      continue;
    }
    SimTime *t0 = g_hash_table_lookup(started, &e->op);
    if (!t0 || e->type != SIM_OP_OK)
      continue;
    Latency *l = NULL;
    for (guint j = 0; j < out->len && !l; j++)
      if (((Latency *) out->pdata[j])->f == e->f)
        l = out->pdata[j];
    if (!l) {
      l = g_new0(Latency, 1);
      l->f = e->f;
      l->ms = sim_histogram_new();
      g_ptr_array_add(out, l);
    }
    sim_histogram_add(l->ms, (double) (e->time - *t0) / 1e6);
  }
  return out;
}

static int cmp_latency(gconstpointer a, gconstpointer b)
{
  return strcmp((*(Latency *const *) a)->f, (*(Latency *const *) b)->f);
}

static void latencies_free(GPtrArray *l)
{
  for (guint j = 0; j < l->len; j++) {
    sim_histogram_free(((Latency *) l->pdata[j])->ms);
    g_free(l->pdata[j]);
  }
  g_ptr_array_unref(l);
}

static const double quantiles[] = { 0.5, 0.9, 0.99, 0.999 };
static const char *const quantile_names[] = { "p50", "p90", "p99", "p999" };

static void add_double(JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name(b, name);
  if (isnan(v))
    json_builder_add_null_value(b);
  else
    json_builder_add_double_value(b, v);
}

static void add_int(JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, v);
}

static void add_series(JsonBuilder *b, const SimHistogram *h)
{
  json_builder_begin_object(b);
  add_int(b, "count", (gint64) sim_histogram_count(h));
  for (guint q = 0; q < G_N_ELEMENTS(quantiles); q++)
    add_double(b, quantile_names[q], sim_histogram_quantile(h, quantiles[q]));
  add_double(b, "max", sim_histogram_max(h));
  json_builder_end_object(b);
}

/* Operations invoked but neither ok, failed nor info when the run ended
 * (no deadline, or one past the end): each operation completes at most
 * once, so this is what invoked leaves over. */
static guint64 ops_pending(const SimStats *s)
{
  guint64 done = s->ok + s->fail + s->info;
  return s->invoked > done ? s->invoked - done : 0;
}

static GList *sorted_keys(GHashTable *t)
{
  return g_list_sort(g_hash_table_get_keys(t), (GCompareFunc) strcmp);
}

JsonNode *scenario_report_json(Scenario *sc, GPtrArray *failures)
{
  Sim *sim = sc->sim;
  const SimStats *s = sim_stats(sim);
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "scenario");
  json_builder_add_string_value(b, sc->name);
  json_builder_set_member_name(b, "file");
  json_builder_add_string_value(b, sc->path);
  add_int(b, "seed", (gint64) sc->seed);
  add_double(b, "sim_time_s", sim_time_to_seconds(sim_now(sim)));
  add_int(b, "events", (gint64) s->events);
  g_autofree char *digest = sim_trace_digest(sim);
  json_builder_set_member_name(b, "trace_digest");
  json_builder_add_string_value(b, digest);

  json_builder_set_member_name(b, "messages");
  json_builder_begin_object(b);
  add_int(b, "sent", (gint64) s->sent);
  add_int(b, "delivered", (gint64) s->delivered);
  add_int(b, "dropped", (gint64) s->dropped);
  add_int(b, "duplicated", (gint64) s->duplicated);
  json_builder_end_object(b);
  report_links_json(sc, b);

  json_builder_set_member_name(b, "ops");
  json_builder_begin_object(b);
  add_int(b, "invoked", (gint64) s->invoked);
  add_int(b, "ok", (gint64) s->ok);
  add_int(b, "fail", (gint64) s->fail);
  add_int(b, "info", (gint64) s->info);
  add_int(b, "pending", (gint64) ops_pending(s));
  json_builder_end_object(b);
  add_double(b, "availability", scenario_availability(sc));
  report_availability_json(sc, b);

  GPtrArray *lat = latencies(sim);
  g_ptr_array_sort(lat, cmp_latency);
  json_builder_set_member_name(b, "latency_ms");
  json_builder_begin_object(b);
  for (guint i = 0; i < lat->len; i++) {
    Latency *l = lat->pdata[i];
    json_builder_set_member_name(b, l->f);
    add_series(b, l->ms);
  }
  json_builder_end_object(b);
  latencies_free(lat);

  json_builder_set_member_name(b, "invariants");
  json_builder_begin_array(b);
  g_autoptr(GList) inv_names = sorted_keys(sim->invariants);
  for (GList *k = inv_names; k; k = k->next) {
    SimInvariant *inv = g_hash_table_lookup(sim->invariants, k->data);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, k->data);
    json_builder_set_member_name(b, "ok");
    json_builder_add_boolean_value(b, inv->count == 0);
    add_int(b, "violations", (gint64) inv->count);
    json_builder_set_member_name(b, "examples");
    json_builder_begin_array(b);
    for (guint i = 0; i < inv->examples->len; i++)
      json_builder_add_string_value(b, inv->examples->pdata[i]);
    json_builder_end_array(b);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);

  json_builder_set_member_name(b, "metrics");
  json_builder_begin_object(b);
  g_autoptr(GList) metric_names = sorted_keys(sim->metrics);
  for (GList *k = metric_names; k; k = k->next) {
    SimMetric *m = g_hash_table_lookup(sim->metrics, k->data);
    if (m->hist) {
      json_builder_set_member_name(b, k->data);
      add_series(b, m->hist);
    } else {
      add_double(b, k->data, m->value);
    }
  }
  json_builder_end_object(b);

  json_builder_set_member_name(b, "notes");
  json_builder_begin_array(b);
  const GPtrArray *notes = sim_notes(sim);
  for (guint i = 0; i < notes->len; i++)
    json_builder_add_string_value(b, notes->pdata[i]);
  json_builder_end_array(b);

  json_builder_set_member_name(b, "params");
  json_builder_begin_object(b);
  g_autoptr(GList) param_names = sorted_keys(sc->params);
  for (GList *k = param_names; k; k = k->next) {
    json_builder_set_member_name(b, k->data);
    json_builder_add_string_value(b, g_hash_table_lookup(sc->params, k->data));
  }
  json_builder_end_object(b);

  json_builder_set_member_name(b, "expectations");
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "declared");
  json_builder_add_boolean_value(b, sc->expect.present);
  json_builder_set_member_name(b, "ok");
  json_builder_add_boolean_value(b, failures->len == 0);
  json_builder_set_member_name(b, "failures");
  json_builder_begin_array(b);
  for (guint i = 0; i < failures->len; i++)
    json_builder_add_string_value(b, failures->pdata[i]);
  json_builder_end_array(b);
  json_builder_end_object(b);

  json_builder_end_object(b);
  return json_builder_get_root(b);
}

void scenario_report_text(Scenario *sc, GPtrArray *failures, FILE *out)
{
  Sim *sim = sc->sim;
  const SimStats *s = sim_stats(sim);
  g_autofree char *digest = sim_trace_digest(sim);
  fprintf(out, "scenario %s (%s), seed %" G_GUINT64_FORMAT "\n", sc->name, sc->path, sc->seed);
  if (sc->description)
    fprintf(out, "  %s\n", sc->description);
  fprintf(out, "  simulated %.3f s, %" G_GUINT64_FORMAT " events, trace digest %s\n",
          sim_time_to_seconds(sim_now(sim)), s->events, digest);
  fprintf(out, "  messages: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " delivered, %" G_GUINT64_FORMAT
               " dropped, %" G_GUINT64_FORMAT " duplicated\n", s->sent, s->delivered, s->dropped, s->duplicated);
  report_links_text(sc, out);
  double a = scenario_availability(sc);
  fprintf(out, "  operations: %" G_GUINT64_FORMAT " invoked, %" G_GUINT64_FORMAT " ok, %" G_GUINT64_FORMAT
               " fail, %" G_GUINT64_FORMAT " info, %" G_GUINT64_FORMAT " pending (no outcome when the run ended)\n",
          s->invoked, s->ok, s->fail, s->info, ops_pending(s));
  if (isnan(a))
    fprintf(out, "  availability n/a (no operations)\n");
  else
    fprintf(out, "  availability %.4f (ok / invoked: fail, info and pending count as not available)\n", a);
  report_availability_text(sc, out);
  GPtrArray *lat = latencies(sim);
  g_ptr_array_sort(lat, cmp_latency);
  for (guint i = 0; i < lat->len; i++) {
    Latency *l = lat->pdata[i];
    fprintf(out, "  latency %-10s p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms  (%"
            G_GUINT64_FORMAT " ok)\n", l->f, sim_histogram_quantile(l->ms, 0.5), sim_histogram_quantile(l->ms, 0.9),
            sim_histogram_quantile(l->ms, 0.99), sim_histogram_quantile(l->ms, 0.999), sim_histogram_max(l->ms),
            sim_histogram_count(l->ms));
  }
  latencies_free(lat);
  g_autoptr(GList) inv_names = sorted_keys(sim->invariants);
  if (inv_names)
    fprintf(out, "  invariants:\n");
  for (GList *k = inv_names; k; k = k->next) {
    SimInvariant *inv = g_hash_table_lookup(sim->invariants, k->data);
    fprintf(out, "    %-4s %-28s %" G_GUINT64_FORMAT " violations\n", inv->count ? "FAIL" : "ok",
            (const char *) k->data, inv->count);
    for (guint i = 0; i < inv->examples->len; i++)
      fprintf(out, "           %s\n", (const char *) inv->examples->pdata[i]);
  }
  g_autoptr(GList) metric_names = sorted_keys(sim->metrics);
  if (metric_names)
    fprintf(out, "  metrics:\n");
  for (GList *k = metric_names; k; k = k->next) {
    SimMetric *m = g_hash_table_lookup(sim->metrics, k->data);
    if (m->hist && sim_histogram_count(m->hist)) {
      const SimHistogram *hg = m->hist;
      fprintf(out, "    %-32s n=%" G_GUINT64_FORMAT " p50=%g p90=%g p99=%g p99.9=%g max=%g\n", (const char *) k->data,
              sim_histogram_count(hg), sim_histogram_quantile(hg, 0.5), sim_histogram_quantile(hg, 0.9),
              sim_histogram_quantile(hg, 0.99), sim_histogram_quantile(hg, 0.999), sim_histogram_max(hg));
    } else if (!m->hist) {
      fprintf(out, "    %-32s %g\n", (const char *) k->data, m->value);
    }
  }
  const GPtrArray *notes = sim_notes(sim);
  if (notes->len)
    fprintf(out, "  notes:\n");
  for (guint i = 0; i < notes->len; i++)
    fprintf(out, "    - %s\n", (const char *) notes->pdata[i]);
  if (failures->len == 0) {
    g_autofree char *expected = scenario_expectations_text(sc);
    if (expected)
      fprintf(out, "  verdict: every expectation held (%s)\n", expected);
    else
      fprintf(out, "  verdict: no invariant violated\n");
  } else {
    fprintf(out, "  verdict: FAILED\n");
    for (guint i = 0; i < failures->len; i++)
      fprintf(out, "    - %s\n", (const char *) failures->pdata[i]);
  }
}
