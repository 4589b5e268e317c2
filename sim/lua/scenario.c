/* The scenario runner: load the script in its sandbox, apply --set values,
 * run the simulation for the scenario's duration, run end-of-run checks,
 * and write the trace and history files only if the run completed. */
#include "sim/kernel/json_text.h"
#include "sim/report/availability.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include "sim/lua/lua_api.h"
#include "sim/lua/lua_chunk.h"
#include "sim/lua/explore.h"
#include "sim/lua/scenario_output.h"
#include "sim/report/report.h"
#include <glib/gstdio.h>
#include <lauxlib.h>
#include <math.h>
#include <string.h>

extern const char lua_prelude[];

struct ScenarioCode {
  char *path;
  const LuaChunk *prelude; /* lua_prelude_chunk(), shared by every run */
  LuaChunk *script;
  LuaHeapCache *heaps; /* Lua heaps the runs reuse (lua_heap.h) */
};

static void range_free(gpointer p) { g_free(p); }

static SimTime sandbox_now(void *ctx) { return sim_now(((Scenario *) ctx)->sim); }

/* The sandbox's count hook stops the script once a kernel budget (memory
 * filled by what the script sends) has ended the run. */
static const char *sandbox_stop_reason(void *ctx)
{
  Sim *sim = ((Scenario *) ctx)->sim;
  return sim_over_budget(sim) != SIM_BUDGET_NONE ? sim_failure(sim) : NULL;
}

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
  sc->explore = explore_run_new(options->explore);
  const ScenarioLimits *lim = &options->limits;
  /* A run on its own compiles the script too (NULL when the file cannot
   * be read or does not compile: load_script then reads the text and
   * reports why), so every run loads the same chunks and charges its
   * budgets the same as in a batch, and gets a reused-memory Lua heap. */
  sc->code = options->code;
  if (!sc->code || strcmp(sc->code->path, path) != 0)
    sc->code = sc->own_code = scenario_code_new(path, lim->mem_limit);
  SimLimits kernel_limits = { lim->mem_limit, lim->max_events, lim->max_instant_events };
  sim_set_limits(sc->sim, &kernel_limits);
  /* Before the API opens, so its observer counts each event before any hook sees it. */
  sc->faults = fault_log_new(sc->sim, options->record_faults, options->replay_faults, options->replay_exact);
  sc->sb = lua_sandbox_new_cached(lim->mem_limit, lim->instr_budget, &sc->script_rng,
                                  sc->code ? sc->code->heaps : NULL);
  if (sc->sb) {
    /* One memory budget for the Lua heap and the kernel. */
    sc->sb->mem_shared = sim_memory_counter(sc->sim);
    sim_share_memory(sc->sim, &sc->sb->mem_used, "the Lua heap");
    sc->sb->instr_run_budget = lim->instr_run_budget;
    sc->sb->stop_reason = sandbox_stop_reason;
    sc->sb->stop_ctx = sc;
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
  /* Pending events hold Lua references that their destroy callbacks
   * unref: free the Sim before the sandbox. Lua finalizers run at
   * lua_close, so close the API first (whatever still calls it then gets
   * an error, never the freed Sim), and the sandbox's allocator and count
   * hook stop looking at the Sim. */
  lua_api_close(sc);
  if (sc->sb) {
    sc->sb->mem_shared = NULL;
    sc->sb->stop_reason = NULL;
  }
  workload_set_free(sc->workloads);
  sim_free(sc->sim);
  explore_run_free(sc->explore);
  fault_log_free(sc->faults);
  g_ptr_array_unref(sc->lua_models);
  lua_api_hooks_free(sc);
  g_ptr_array_unref(sc->hooks);
  g_ptr_array_unref(sc->end_checks);
  lua_sandbox_free(sc->sb);
  scenario_code_free(sc->own_code); /* after the sandbox: its heap came from here */
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

/* Adds to a budget error what the user can do about it: the flag that
 * raises the limit, and for memory where the bytes are. */
static void explain_budget(Scenario *sc, GError *error)
{
  if (error->code != SIM_ERROR_LIMIT && sim_over_budget(sc->sim) == SIM_BUDGET_NONE)
    return;
  const char *flag = NULL;
  switch (sim_over_budget(sc->sim)) {
  case SIM_BUDGET_EVENTS: flag = "--max-events"; break;
  case SIM_BUDGET_INSTANT_EVENTS: flag = "--max-events-per-instant"; break;
  case SIM_BUDGET_MEMORY:
    if (!strstr(error->message, "exceeded:")) {
      /* Lua's heap hit the limit the kernel had filled: say so. */
      char *longer = g_strdup_printf("%s: %s", error->message, sim_failure(sc->sim));
      g_free(error->message);
      error->message = longer;
    }
    flag = "--mem-limit";
    break;
  case SIM_BUDGET_NONE:
    /* The sandbox's own budgets, told apart by their messages. */
    if (strstr(error->message, "the run's instruction budget"))
      flag = "--max-total-instructions";
    else if (strstr(error->message, "instruction budget of"))
      flag = "--max-instructions";
    else if (strstr(error->message, "not enough memory")) {
      /* The Lua heap could not grow: say what fills the shared budget. */
      g_autofree char *report = sim_memory_report(sc->sim);
      const char *list = strchr(report, ':');
      char *longer = g_strconcat(error->message, list ? list : "", NULL);
      g_free(error->message);
      error->message = longer;
      flag = "--mem-limit";
    }
    break;
  }
  if (flag) {
    char *longer = g_strdup_printf("%s; raise the limit with %s", error->message, flag);
    g_free(error->message);
    error->message = longer;
  }
}

void scenario_code_free(ScenarioCode *code)
{
  if (!code)
    return;
  g_free(code->path);
  lua_chunk_free(code->script);
  lua_heap_cache_free(code->heaps);
  g_free(code);
}

ScenarioCode *scenario_code_new(const char *path, size_t mem_limit)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &text, &len, NULL))
    return NULL;
  g_autofree char *chunkname = g_strconcat("@", path, NULL);
  ScenarioCode *code = g_new0(ScenarioCode, 1);
  code->path = g_strdup(path);
  code->prelude = lua_prelude_chunk();
  code->script = lua_chunk_compile(text, len, chunkname, mem_limit);
  code->heaps = lua_heap_cache_new();
  if (!code->prelude || !code->script) {
    scenario_code_free(code);
    return NULL;
  }
  return code;
}

/* Loads the prelude and the script compiled in sc->code and runs them. */
static gboolean load_compiled(Scenario *sc, GError **error)
{
  if (!lua_chunk_load(sc->sb, sc->code->prelude, error) || !lua_sandbox_call(sc->sb, 0, 0, error) ||
      !lua_chunk_load(sc->sb, sc->code->script, error) || !lua_sandbox_call(sc->sb, 0, 0, error)) {
    name_file(sc, *error);
    return FALSE;
  }
  return check_overrides(sc, error);
}

/* Loads the prelude and the script and runs its top level. */
static gboolean load_script(Scenario *sc, GError **error)
{
  if (!sc->sb) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_LIMIT, "%s: cannot create the Lua state", sc->path);
    return FALSE;
  }
  if (sc->code && strcmp(sc->code->path, sc->path) == 0)
    return load_compiled(sc, error);
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

GHashTable *scenario_peek_params(const char *path, GHashTable *overrides, GError **error)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  g_autoptr(Scenario) sc = scenario_new(path, 1, overrides, &options);
  if (!load_script(sc, error))
    return NULL;
  return g_hash_table_ref(sc->params);
}

Scenario *scenario_load(const char *path, GHashTable *overrides, GError **error)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  g_autoptr(Scenario) sc = scenario_new(path, 1, overrides, &options);
  return load_script(sc, error) ? g_steal_pointer(&sc) : NULL;
}

static void write_history(Scenario *sc, FILE *out)
{
  const GArray *h = sim_history(sc->sim);
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
    /* The operation id pairs an invoke with its completion even when a
     * process has several operations pending (open-loop clients). */
    json_builder_set_member_name(b, "op");
    json_builder_add_int_value(b, (gint64) e->op);
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
    g_autofree char *line = sim_json_text(root, FALSE, NULL);
    fputs(line, out);
    fputc('\n', out);
  }
}

Scenario *scenario_run(const char *path, uint64_t seed, GHashTable *overrides,
                       const ScenarioOptions *options, GError **error)
{
  /* Outputs are checked and opened before anything runs, so a bad or
   * repeated path costs nothing; an early return removes them. */
  g_autoptr(OutputSet) outputs = output_set_new();
  FILE *trace = NULL, *history = NULL, *csv = NULL, *service_csv = NULL, *client_csv = NULL;
  output_set_protect(outputs, path);
  if (!output_set_add(outputs, "--trace", options->trace_path, &trace, error) ||
      !output_set_add(outputs, "--history", options->history_path, &history, error) ||
      !output_set_add(outputs, "--csv", options->csv_path, &csv, error) ||
      !output_set_add(outputs, "--service-csv", options->service_csv_path, &service_csv, error) ||
      !output_set_add(outputs, "--client-csv", options->client_csv_path, &client_csv, error))
    return NULL;
  g_autoptr(Scenario) sc = scenario_new(path, seed, overrides, options);
  if (!load_script(sc, error)) {
    if (*error)
      explain_budget(sc, *error);
    return NULL;
  }
  if (options->duration > 0)
    sc->duration = options->duration;
  fault_log_start(sc->faults);
  if (!sim_resolve_nodes(sc->sim, error)) {
    g_prefix_error(error, "%s: ", path);
    return NULL;
  }
  if (!lua_explore_start(sc, lua_explore_chunk(), error)) {
    name_file(sc, *error);
    explain_budget(sc, *error);
    return NULL;
  }
  sc->window = options->window > 0 ? options->window : scenario_default_window(sc->duration);
  if (sim_timeline_windows(sc->window, sc->duration) > SIM_TIMELINE_MAX_WINDOWS) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: --window %.9g s gives more than %d windows over the %.9g s duration", path,
                sim_time_to_seconds(sc->window), SIM_TIMELINE_MAX_WINDOWS, sim_time_to_seconds(sc->duration));
    return NULL;
  }
  if (trace)
    sim_trace_to(sc->sim, trace);
  sc->running = TRUE;
  sim_run(sc->sim, sc->duration);
  if (!sc->error && sim_failure(sc->sim))
    sc->error = g_error_new(SIM_ERROR, sim_over_budget(sc->sim) ? SIM_ERROR_LIMIT : SIM_ERROR_INVALID, "%s",
                            sim_failure(sc->sim));
  if (sc->error)
    explain_budget(sc, sc->error);
  if (!sc->error) {
    sim_finish(sc->sim);
    lua_api_run_end_checks(sc);
  }
  sim_trace_to(sc->sim, NULL);
  if (sc->error) {
    name_file(sc, sc->error);
    g_propagate_error(error, g_steal_pointer(&sc->error));
    return NULL;
  }
  if (history && options->history_edn)
    scenario_write_history_edn(sim_history(sc->sim), history);
  else if (history)
    write_history(sc, history);
  if (csv)
    report_availability_csv(sc, csv);
  if (service_csv)
    report_service_csv(sc, service_csv);
  if (client_csv)
    report_clients_csv(sc, client_csv);
  if (!output_set_commit(outputs, error))
    return NULL;
  return g_steal_pointer(&sc);
}

SimTime scenario_default_window(SimTime duration)
{
  return duration >= 20 ? duration / 20 : 1;
}

