#include "sim/cli/sweep_record.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/histogram.h"
#include "sim/kernel/internal.h"
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

static const char *const status_names[] = { "held", "violated", "undecided", "error" };

const char *sweep_status_name(SweepStatus status)
{
  return status_names[status];
}

static void number_clear(gpointer p)
{
  g_free(((SweepNumber *) p)->name);
}

static GPtrArray *copy_pairs(const GPtrArray *pairs)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; pairs && i < pairs->len; i++)
    g_ptr_array_add(out, g_strdup(pairs->pdata[i]));
  return out;
}

static GArray *numbers_new(void)
{
  GArray *a = g_array_new(FALSE, FALSE, sizeof(SweepNumber));
  g_array_set_clear_func(a, number_clear);
  return a;
}

SweepRun *sweep_run_new(const char *scenario, const GPtrArray *params, const GPtrArray *sets, guint64 point,
                        guint64 seed)
{
  SweepRun *run = g_new0(SweepRun, 1);
  run->scenario = g_strdup(scenario);
  run->params = copy_pairs(params);
  run->sets = copy_pairs(sets);
  run->point = point;
  run->seed = seed;
  run->availability = NAN;
  run->metrics = numbers_new();
  run->violations = numbers_new();
  return run;
}

void sweep_run_free(SweepRun *run)
{
  if (!run)
    return;
  g_free(run->scenario);
  g_ptr_array_unref(run->params);
  g_ptr_array_unref(run->sets);
  g_free(run->digest);
  g_array_unref(run->metrics);
  g_array_unref(run->violations);
  g_free(run->first_violation);
  g_free(run->error);
  g_free(run);
}

static void add_number(GArray *a, const char *name, double value)
{
  SweepNumber n = { g_strdup(name), value };
  g_array_append_val(a, n);
}

static int cmp_numbers(gconstpointer a, gconstpointer b)
{
  return strcmp(((const SweepNumber *) a)->name, ((const SweepNumber *) b)->name);
}

char *sweep_first_example(Scenario *sc)
{
  Sim *sim = sc->sim;
  g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(sim->invariants), (GCompareFunc) strcmp);
  for (GList *k = names; k; k = k->next) {
    SimInvariant *inv = g_hash_table_lookup(sim->invariants, k->data);
    if (inv->count > 0 && inv->examples->len > 0)
      return g_strdup_printf("%s: %s", (char *) k->data, (char *) inv->examples->pdata[0]);
  }
  return NULL;
}

void sweep_run_fill(SweepRun *run, Scenario *sc)
{
  Sim *sim = sc->sim;
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  run->status = scenario_verdict(sc, failures) ? SWEEP_HELD : SWEEP_VIOLATED;
  run->digest = sim_trace_digest(sim);
  run->availability = scenario_availability(sc);
  g_autoptr(GList) metric_names = g_list_sort(g_hash_table_get_keys(sim->metrics), (GCompareFunc) strcmp);
  for (GList *k = metric_names; k; k = k->next) {
    const SimMetric *m = g_hash_table_lookup(sim->metrics, k->data);
    const char *name = k->data;
    if (!m->hist) {
      if (isfinite(m->value))
        add_number(run->metrics, name, m->value);
      continue;
    }
    guint64 count = sim_histogram_count(m->hist);
    add_number(run->metrics, name, (double) count);
    if (count == 0)
      continue;
    static const struct { const char *suffix; double q; } qs[] = { { "p50", 0.5 }, { "p90", 0.9 }, { "p99", 0.99 } };
    for (guint i = 0; i < G_N_ELEMENTS(qs); i++) {
      g_autofree char *qname = g_strdup_printf("%s.%s", name, qs[i].suffix);
      add_number(run->metrics, qname, sim_histogram_quantile(m->hist, qs[i].q));
    }
    g_autofree char *maxname = g_strdup_printf("%s.max", name);
    add_number(run->metrics, maxname, sim_histogram_max(m->hist));
  }
  g_array_sort(run->metrics, cmp_numbers); /* "a.p50" sorts after "a" but maybe before "a_b" */
  g_autoptr(GList) inv_names = g_list_sort(g_hash_table_get_keys(sim->invariants), (GCompareFunc) strcmp);
  for (GList *k = inv_names; k; k = k->next)
    add_number(run->violations, k->data, (double) ((SimInvariant *) g_hash_table_lookup(sim->invariants, k->data))->count);
  g_autofree char *example = sweep_first_example(sc);
  if (failures->len)
    run->first_violation = example ? g_strdup_printf("%s; first: %s", (char *) failures->pdata[0], example)
                                   : g_strdup(failures->pdata[0]);
  else
    run->first_violation = g_steal_pointer(&example);
}

void sweep_run_fail(SweepRun *run, const char *message)
{
  run->status = SWEEP_ERROR;
  g_free(run->error);
  run->error = g_strdup(message);
}

double sweep_run_metric(const SweepRun *run, const char *name)
{
  for (guint i = 0; i < run->metrics->len; i++) {
    const SweepNumber *n = &g_array_index(run->metrics, SweepNumber, i);
    if (strcmp(n->name, name) == 0)
      return n->value;
  }
  return NAN;
}

/* `text` as a JSON string, escaped by json-glib. */
static void append_string(GString *out, const char *text)
{
  if (!text) {
    g_string_append(out, "null");
    return;
  }
  g_autoptr(JsonNode) node = json_node_init_string(json_node_alloc(), text);
  g_autofree char *quoted = json_to_string(node, FALSE);
  g_string_append(out, quoted);
}

/* A finite double, exactly (17 significant digits read back to the same
 * bits). Written by hand: json-glib 1.6 writes 1e-300 as "1e-300.0",
 * which is not JSON. */
static void append_double(GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_dtostr(buf, sizeof buf, v));
}

static void append_pairs(GString *out, const char *member, const GPtrArray *pairs)
{
  g_string_append_printf(out, ",\"%s\":{", member);
  for (guint i = 0; i + 1 < pairs->len; i += 2) {
    if (i)
      g_string_append_c(out, ',');
    append_string(out, pairs->pdata[i]);
    g_string_append_c(out, ':');
    append_string(out, pairs->pdata[i + 1]);
  }
  g_string_append_c(out, '}');
}

static void append_numbers(GString *out, const char *member, const GArray *numbers, gboolean whole)
{
  g_string_append_printf(out, ",\"%s\":{", member);
  for (guint i = 0; i < numbers->len; i++) {
    const SweepNumber *n = &g_array_index(numbers, SweepNumber, i);
    if (i)
      g_string_append_c(out, ',');
    append_string(out, n->name);
    g_string_append_c(out, ':');
    if (whole)
      g_string_append_printf(out, "%" G_GINT64_FORMAT, (gint64) n->value);
    else
      append_double(out, n->value);
  }
  g_string_append_c(out, '}');
}

char *sweep_run_to_json(const SweepRun *run)
{
  g_autoptr(GString) out = g_string_new("{\"scenario\":");
  append_string(out, run->scenario);
  append_pairs(out, "params", run->params);
  g_string_append_printf(out, ",\"seed\":%" G_GUINT64_FORMAT ",\"status\":\"%s\",\"digest\":", run->seed,
                         sweep_status_name(run->status));
  append_string(out, run->digest);
  g_string_append(out, ",\"availability\":");
  if (isnan(run->availability))
    g_string_append(out, "null");
  else
    append_double(out, run->availability);
  append_numbers(out, "metrics", run->metrics, FALSE);
  append_numbers(out, "violations", run->violations, TRUE);
  g_string_append(out, ",\"first_violation\":");
  append_string(out, run->first_violation);
  g_string_append(out, ",\"error\":");
  append_string(out, run->error);
  g_string_append_printf(out, ",\"point\":%" G_GUINT64_FORMAT, run->point);
  append_pairs(out, "set", run->sets);
  g_string_append(out, "}\n");
  return g_string_free(g_steal_pointer(&out), FALSE);
}

/* Reads an object member of strings into name/value pairs. */
static gboolean read_pairs(JsonObject *o, const char *member, GPtrArray *pairs)
{
  JsonNode *node = json_object_get_member(o, member);
  if (!node || !JSON_NODE_HOLDS_OBJECT(node))
    return FALSE;
  JsonObject *obj = json_node_get_object(node);
  g_autoptr(GList) names = json_object_get_members(obj); /* in the file's order */
  for (GList *k = names; k; k = k->next) {
    JsonNode *v = json_object_get_member(obj, k->data);
    if (!JSON_NODE_HOLDS_VALUE(v) || json_node_get_value_type(v) != G_TYPE_STRING)
      return FALSE;
    g_ptr_array_add(pairs, g_strdup(k->data));
    g_ptr_array_add(pairs, g_strdup(json_node_get_string(v)));
  }
  return TRUE;
}

static gboolean is_number(JsonNode *v)
{
  if (!v || !JSON_NODE_HOLDS_VALUE(v))
    return FALSE;
  GType t = json_node_get_value_type(v);
  return t == G_TYPE_DOUBLE || t == G_TYPE_INT64;
}

static gboolean read_numbers(JsonObject *o, const char *member, GArray *out)
{
  JsonNode *node = json_object_get_member(o, member);
  if (!node || !JSON_NODE_HOLDS_OBJECT(node))
    return FALSE;
  JsonObject *obj = json_node_get_object(node);
  g_autoptr(GList) names = json_object_get_members(obj);
  for (GList *k = names; k; k = k->next) {
    JsonNode *v = json_object_get_member(obj, k->data);
    if (!is_number(v))
      return FALSE;
    add_number(out, k->data, json_node_get_double(v));
  }
  g_array_sort(out, cmp_numbers);
  return TRUE;
}

/* A string member, or NULL for null; FALSE when it is neither. */
static gboolean read_string(JsonObject *o, const char *member, char **out)
{
  JsonNode *v = json_object_get_member(o, member);
  if (!v)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL(v))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE(v) || json_node_get_value_type(v) != G_TYPE_STRING)
    return FALSE;
  *out = g_strdup(json_node_get_string(v));
  return TRUE;
}

static gboolean read_count(JsonObject *o, const char *member, guint64 *out)
{
  JsonNode *v = json_object_get_member(o, member);
  if (!v || !JSON_NODE_HOLDS_VALUE(v) || json_node_get_value_type(v) != G_TYPE_INT64 || json_node_get_int(v) < 0)
    return FALSE;
  *out = (guint64) json_node_get_int(v);
  return TRUE;
}

SweepRun *sweep_run_from_json(const char *line, gsize len, const char *where, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new();
  GError *local = NULL;
  if (!json_parser_load_from_data(parser, line, (gssize) len, &local)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: not JSON: %s", where, local->message);
    g_error_free(local);
    return NULL;
  }
  JsonNode *root = json_parser_get_root(parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: not a JSON object", where);
    return NULL;
  }
  JsonObject *o = json_node_get_object(root);
  g_autoptr(SweepRun) run = sweep_run_new(NULL, NULL, NULL, 0, 0);
  char *status = NULL;
  const char *bad = NULL;
  if (!read_string(o, "scenario", &run->scenario) || !run->scenario)
    bad = "scenario";
  else if (!read_pairs(o, "params", run->params))
    bad = "params";
  else if (!read_count(o, "seed", &run->seed))
    bad = "seed";
  else if (!read_string(o, "status", &status) || !status)
    bad = "status";
  else if (!read_string(o, "digest", &run->digest))
    bad = "digest";
  else if (!read_numbers(o, "metrics", run->metrics))
    bad = "metrics";
  else if (!read_numbers(o, "violations", run->violations))
    bad = "violations";
  else if (!read_string(o, "first_violation", &run->first_violation))
    bad = "first_violation";
  else if (!read_string(o, "error", &run->error))
    bad = "error";
  else if (!read_count(o, "point", &run->point))
    bad = "point";
  else if (!read_pairs(o, "set", run->sets))
    bad = "set";
  if (!bad) {
    JsonNode *a = json_object_get_member(o, "availability");
    if (a && JSON_NODE_HOLDS_NULL(a))
      run->availability = NAN;
    else if (is_number(a))
      run->availability = json_node_get_double(a);
    else
      bad = "availability";
  }
  if (!bad) {
    bad = "status";
    for (guint i = 0; i < G_N_ELEMENTS(status_names); i++)
      if (strcmp(status, status_names[i]) == 0) {
        run->status = (SweepStatus) i;
        bad = NULL;
      }
  }
  g_free(status);
  if (bad) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: not a sweep run record (key \"%s\" missing or of the "
                "wrong type)", where, bad);
    return NULL;
  }
  return g_steal_pointer(&run);
}
