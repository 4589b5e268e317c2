/* The scenario runner: load the script in its sandbox, apply --set values,
 * run the simulation for the scenario's duration, run end-of-run checks,
 * and write the trace and history files only if the run completed. */
#include "sim/report/availability.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/report/report.h"
#include <glib/gstdio.h>
#include <lauxlib.h>
#include <math.h>
#include <string.h>

extern const char lua_prelude[];

static void range_free(gpointer p) { g_free(p); }

static SimTime sandbox_now(void *ctx) { return sim_now(((Scenario *) ctx)->sim); }

static Scenario *scenario_new(const char *path, uint64_t seed, GHashTable *overrides,
                              const ScenarioOptions *options)
{
  Scenario *sc = g_new0(Scenario, 1);
  sc->path = g_strdup(path);
  g_autofree char *base = g_path_get_basename(path);
  if (g_str_has_suffix(base, ".lua"))
    base[strlen(base) - 4] = '\0';
  sc->name = g_strdup(base);
  sc->seed = seed;
  sc->duration = 10 * SIM_S;
  sc->seeds_first = sc->seeds_last = 1;
  sc->sim = sim_new(seed);
  sim_rng_init(&sc->script_rng, seed, "script");
  sc->overrides = overrides ? g_hash_table_ref(overrides) : NULL;
  sc->params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  sc->hooks = g_ptr_array_new();
  sc->end_checks = g_ptr_array_new();
  sc->expect.invariants = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, range_free);
  sc->expect.metrics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, range_free);
  sc->workloads = workload_set_new(sc->sim);
  sc->lua_models = g_ptr_array_new_with_free_func(lua_model_free);
  sc->sb = lua_sandbox_new(options->mem_limit, options->instr_budget, &sc->script_rng);
  if (sc->sb) {
    sc->sb->now = sandbox_now;
    sc->sb->now_ctx = sc;
    lua_api_open(sc);
  }
  return sc;
}

void scenario_free(Scenario *sc)
{
  if (!sc)
    return;
  /* Pending events hold Lua references: free the Sim before the sandbox. */
  workload_set_free(sc->workloads);
  sim_free(sc->sim);
  g_ptr_array_unref(sc->lua_models);
  lua_api_hooks_free(sc);
  g_ptr_array_unref(sc->hooks);
  g_ptr_array_unref(sc->end_checks);
  lua_sandbox_free(sc->sb);
  if (sc->overrides)
    g_hash_table_unref(sc->overrides);
  g_hash_table_unref(sc->params);
  g_hash_table_unref(sc->expect.invariants);
  g_hash_table_unref(sc->expect.metrics);
  g_clear_error(&sc->error);
  g_free(sc->path);
  g_free(sc->name);
  g_free(sc->description);
  g_free(sc);
}

static gboolean check_overrides(Scenario *sc, GError **error)
{
  if (!sc->overrides)
    return TRUE;
  g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(sc->overrides), (GCompareFunc) strcmp);
  for (GList *k = keys; k; k = k->next) {
    if (g_hash_table_contains(sc->params, k->data))
      continue;
    g_autoptr(GList) declared = g_list_sort(g_hash_table_get_keys(sc->params), (GCompareFunc) strcmp);
    g_autoptr(GString) list = g_string_new(NULL);
    for (GList *d = declared; d; d = d->next)
      g_string_append_printf(list, "%s%s", list->len ? ", " : "", (const char *) d->data);
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: --set %s: the scenario declares no parameter '%s' (it declares: %s)", sc->path,
                (const char *) k->data, (const char *) k->data, list->len ? list->str : "none");
    return FALSE;
  }
  return TRUE;
}

/* Every scenario error starts with the file's name; Lua adds the line
 * where it knows it (not for running out of memory). */
static void name_file(Scenario *sc, GError *error)
{
  if (error && !g_str_has_prefix(error->message, sc->path))
    g_prefix_error(&error, "%s: ", sc->path);
}

/* Loads the prelude and the script and runs its top level. */
static gboolean load_script(Scenario *sc, GError **error)
{
  if (!sc->sb) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_LIMIT, "%s: cannot create the Lua state", sc->path);
    return FALSE;
  }
  g_autofree char *code = NULL;
  gsize len = 0;
  GError *io = NULL;
  if (!g_file_get_contents(sc->path, &code, &len, &io)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s", io->message);
    g_error_free(io);
    return FALSE;
  }
  g_autofree char *chunkname = g_strconcat("@", sc->path, NULL);
  if (!lua_sandbox_load(sc->sb, lua_prelude, strlen(lua_prelude), "=prelude", error) ||
      !lua_sandbox_call(sc->sb, 0, 0, error) ||
      !lua_sandbox_load(sc->sb, code, len, chunkname, error) ||
      !lua_sandbox_call(sc->sb, 0, 0, error)) {
    name_file(sc, *error);
    return FALSE;
  }
  return check_overrides(sc, error);
}

gboolean scenario_peek_seeds(const char *path, guint64 *first, guint64 *last, GError **error)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  g_autoptr(Scenario) sc = scenario_new(path, 1, NULL, &options);
  if (!load_script(sc, error))
    return FALSE;
  *first = sc->seeds_first;
  *last = sc->seeds_last;
  return TRUE;
}

/* An output file written under a temporary name and renamed when the run
 * completes, so a failed run leaves nothing half-written. */
typedef struct {
  char *path;
  char *tmp;
  FILE *f;
} Output;

static gboolean output_open(Output *o, const char *path, GError **error)
{
  memset(o, 0, sizeof *o);
  if (!path)
    return TRUE;
  o->path = g_strdup(path);
  o->tmp = g_strdup_printf("%s.tmp", path);
  o->f = fopen(o->tmp, "w");
  if (!o->f) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: cannot write: %s", path, g_strerror(errno));
    g_clear_pointer(&o->path, g_free);
    g_clear_pointer(&o->tmp, g_free);
    return FALSE;
  }
  return TRUE;
}

static gboolean output_close(Output *o, gboolean keep, GError **error)
{
  gboolean ok = TRUE;
  if (o->f) {
    ok = fclose(o->f) == 0;
    if (keep && ok && g_rename(o->tmp, o->path) != 0)
      ok = FALSE;
    if (!keep || !ok)
      g_unlink(o->tmp);
    if (keep && !ok)
      g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: cannot write: %s", o->path, g_strerror(errno));
  }
  g_free(o->path);
  g_free(o->tmp);
  memset(o, 0, sizeof *o);
  return ok;
}

static void write_history(Scenario *sc, FILE *out)
{
  const GArray *h = sim_history(sc->sim);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "index");
    json_builder_add_int_value(b, (gint64) e->index);
    json_builder_set_member_name(b, "time");
    json_builder_add_int_value(b, e->time);
    json_builder_set_member_name(b, "process");
    json_builder_add_int_value(b, e->process);
    json_builder_set_member_name(b, "type");
    json_builder_add_string_value(b, sim_op_type_name(e->type));
    json_builder_set_member_name(b, "f");
    json_builder_add_string_value(b, e->f);
    if (e->has_key) {
      json_builder_set_member_name(b, "key");
      json_builder_add_value(b, sim_value_to_json(&e->key));
    }
    json_builder_set_member_name(b, "value");
    json_builder_add_value(b, sim_value_to_json(&e->value));
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    g_autofree char *line = json_generator_to_data(gen, NULL);
    fputs(line, out);
    fputc('\n', out);
  }
}

Scenario *scenario_run(const char *path, uint64_t seed, GHashTable *overrides,
                       const ScenarioOptions *options, GError **error)
{
  g_autoptr(Scenario) sc = scenario_new(path, seed, overrides, options);
  if (!load_script(sc, error))
    return NULL;
  if (!sim_resolve_nodes(sc->sim, error)) {
    g_prefix_error(error, "%s: ", path);
    return NULL;
  }
  sc->window = options->window > 0 ? options->window : scenario_default_window(sc->duration);
  if (sim_timeline_windows(sc->window, sc->duration) > SIM_TIMELINE_MAX_WINDOWS) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: --window %.9g s gives more than %d windows over the %.9g s duration", path,
                sim_time_to_seconds(sc->window), SIM_TIMELINE_MAX_WINDOWS, sim_time_to_seconds(sc->duration));
    return NULL;
  }
  Output trace, history, csv;
  if (!output_open(&trace, options->trace_path, error))
    return NULL;
  if (!output_open(&history, options->history_path, error)) {
    output_close(&trace, FALSE, NULL);
    return NULL;
  }
  if (!output_open(&csv, options->csv_path, error)) {
    output_close(&trace, FALSE, NULL);
    output_close(&history, FALSE, NULL);
    return NULL;
  }
  if (trace.f)
    sim_trace_to(sc->sim, trace.f);
  sc->running = TRUE;
  sim_run(sc->sim, sc->duration);
  if (!sc->error && sim_failure(sc->sim))
    sc->error = g_error_new(SIM_ERROR, SIM_ERROR_INVALID, "%s", sim_failure(sc->sim));
  if (!sc->error) {
    sim_finish(sc->sim);
    lua_api_run_end_checks(sc);
  }
  sim_trace_to(sc->sim, NULL);
  if (sc->error) {
    output_close(&trace, FALSE, NULL);
    output_close(&history, FALSE, NULL);
    output_close(&csv, FALSE, NULL);
    name_file(sc, sc->error);
    g_propagate_error(error, g_steal_pointer(&sc->error));
    return NULL;
  }
  if (history.f)
    write_history(sc, history.f);
  if (csv.f)
    report_availability_csv(sc, csv.f);
  gboolean ok = output_close(&trace, TRUE, error);
  ok = output_close(&history, ok, ok ? error : NULL) && ok;
  ok = output_close(&csv, ok, ok ? error : NULL) && ok;
  if (!ok)
    return NULL;
  return g_steal_pointer(&sc);
}

SimTime scenario_default_window(SimTime duration)
{
  return duration >= 20 ? duration / 20 : 1;
}

double scenario_availability(Scenario *sc)
{
  const SimStats *s = sim_stats(sc->sim);
  return s->invoked ? (double) s->ok / (double) s->invoked : NAN;
}

static gboolean in_range(const ExpectRange *r, double v)
{
  return v >= r->min && v <= r->max;
}

static char *range_text(const ExpectRange *r)
{
  if (r->min == r->max)
    return g_strdup_printf("%g", r->min);
  if (isinf(r->min))
    return g_strdup_printf("<= %g", r->max);
  if (isinf(r->max))
    return g_strdup_printf(">= %g", r->min);
  return g_strdup_printf("in [%g, %g]", r->min, r->max);
}

static guint64 total_violations(Scenario *sc)
{
  guint64 total = 0;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, sc->sim->invariants);
  while (g_hash_table_iter_next(&it, NULL, &value))
    total += ((SimInvariant *) value)->count;
  return total;
}

static void check_named(GHashTable *expected, const char *what, GPtrArray *failures,
                        gboolean (*lookup)(Scenario *, const char *, double *), Scenario *sc)
{
  g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(expected), (GCompareFunc) strcmp);
  for (GList *k = keys; k; k = k->next) {
    const ExpectRange *r = g_hash_table_lookup(expected, k->data);
    double v = 0;
    g_autofree char *want = range_text(r);
    if (!lookup(sc, k->data, &v))
      g_ptr_array_add(failures, g_strdup_printf("%s %s: not reported (expected %s)", what, (char *) k->data, want));
    else if (!in_range(r, v))
      g_ptr_array_add(failures, g_strdup_printf("%s %s = %g (expected %s)", what, (char *) k->data, v, want));
  }
}

static gboolean lookup_invariant(Scenario *sc, const char *name, double *v)
{
  SimInvariant *inv = g_hash_table_lookup(sc->sim->invariants, name);
  *v = inv ? (double) inv->count : 0;
  return inv != NULL;
}

static gboolean lookup_metric(Scenario *sc, const char *name, double *v)
{
  SimMetric *m = g_hash_table_lookup(sc->sim->metrics, name);
  if (!m)
    return FALSE;
  *v = m->hist ? (double) sim_histogram_count(m->hist) : m->value;
  return TRUE;
}

static void describe_named(GString *out, GHashTable *expected, const char *what)
{
  g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(expected), (GCompareFunc) strcmp);
  for (GList *k = keys; k; k = k->next) {
    g_autofree char *want = range_text(g_hash_table_lookup(expected, k->data));
    g_string_append_printf(out, "%s%s %s %s%s", out->len ? ", " : "", what, (char *) k->data,
                           g_ascii_isdigit(want[0]) || want[0] == '-' ? "= " : "", want);
  }
}

char *scenario_expectations_text(Scenario *sc)
{
  const Expectations *e = &sc->expect;
  if (!e->present)
    return NULL;
  GString *out = g_string_new(NULL);
  if (e->violations.set) {
    g_autofree char *want = range_text(&e->violations);
    g_string_append_printf(out, "violations %s%s", g_ascii_isdigit(want[0]) ? "= " : "", want);
  }
  if (e->availability.set) {
    g_autofree char *want = range_text(&e->availability);
    g_string_append_printf(out, "%savailability %s%s", out->len ? ", " : "", g_ascii_isdigit(want[0]) ? "= " : "", want);
  }
  describe_named(out, e->invariants, "invariant");
  describe_named(out, e->metrics, "metric");
  if (e->any_seed)
    g_string_append(out, " (in any one seed)");
  return g_string_free(out, FALSE);
}

gboolean scenario_verdict(Scenario *sc, GPtrArray *failures)
{
  guint before = failures->len;
  const Expectations *e = &sc->expect;
  guint64 violations = total_violations(sc);
  if (!e->present) {
    if (violations > 0)
      g_ptr_array_add(failures, g_strdup_printf("%" G_GUINT64_FORMAT " invariant violations", violations));
    return failures->len == before;
  }
  if (e->violations.set && !in_range(&e->violations, (double) violations)) {
    g_autofree char *want = range_text(&e->violations);
    g_ptr_array_add(failures, g_strdup_printf("violations = %" G_GUINT64_FORMAT " (expected %s)", violations, want));
  }
  if (e->availability.set) {
    double a = scenario_availability(sc);
    if (isnan(a))
      g_ptr_array_add(failures, g_strdup("availability: no operations were invoked"));
    else if (!in_range(&e->availability, a)) {
      g_autofree char *want = range_text(&e->availability);
      g_ptr_array_add(failures, g_strdup_printf("availability = %.4f (expected %s)", a, want));
    }
  }
  check_named(e->invariants, "invariant", failures, lookup_invariant, sc);
  check_named(e->metrics, "metric", failures, lookup_metric, sc);
  return failures->len == before;
}
