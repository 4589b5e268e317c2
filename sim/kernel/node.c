/* Nodes: identity, parameters, volatile and durable state. */
#include "sim/kernel/internal.h"
#include <math.h>
#include <string.h>

/* Node records are carved from chunks that never move; the chunk table
 * grows by doubling. */
static SimNode *node_slot(Sim *sim, int id)
{
  guint chunk = (guint) id >> SIM_NODE_CHUNK_BITS;
  if (chunk == sim->node_chunks_len) {
    if (chunk == sim->node_chunks_cap) {
      guint cap = sim->node_chunks_cap ? sim->node_chunks_cap * 2 : 4;
      sim->node_chunks = g_renew(SimNode *, sim->node_chunks, cap);
      sim_mem_charge(sim, SIM_MEM_NODES, (gssize) ((cap - sim->node_chunks_cap) * sizeof(SimNode *)));
      sim->node_chunks_cap = cap;
    }
    /* g_new, not g_new0: a record is filled when its node is added, and
     * pages of records never added are never touched. */
    sim->node_chunks[sim->node_chunks_len++] = g_new(SimNode, SIM_NODE_CHUNK);
  }
  return &sim->node_chunks[chunk][(guint) id & (SIM_NODE_CHUNK - 1)];
}

SimNode *sim_node_create(Sim *sim, int id, const char *name, const SimModel *model)
{
  g_assert((guint) id == sim->nnodes);
  SimNode *node = node_slot(sim, id);
  *node = (SimNode) { 0 };
  node->sim = sim;
  node->id = id;
  node->name = g_string_chunk_insert(sim->node_names, name);
  node->model = model;
  node->state = SIM_NODE_UP;
  sim_rng_init_indexed(&node->rng, sim->seed, "node", (uint64_t) id);
  sim_uptime_start(node, sim->now);
  guint n = 0;
  while (model->params && model->params[n].name)
    n++;
  node->params = n ? g_new0(SimParamValue, n) : NULL;
  return node;
}

SimNodeCold *sim_node_cold(SimNode *node)
{
  if (G_LIKELY(node->cold != NULL))
    return node->cold;
  SimNodeCold *c = g_new0(SimNodeCold, 1);
  node->cold = c;
  sim_mem_charge(node->sim, SIM_MEM_NODES, sizeof *c);
  return c;
}

gsize sim_node_bytes(const SimNode *node)
{
  /* The record, its name and its entry in the name set (a key and a hash
   * in two arrays at most half empty). */
  gsize bytes = sizeof *node + strlen(node->name) + 1 + 2 * (sizeof(gpointer) + sizeof(guint));
  for (guint i = 0; node->model->params && node->model->params[i].name; i++)
    bytes += sizeof(SimParamValue) + (node->params[i].s ? strlen(node->params[i].s) + 1 : 0);
  return bytes;
}

typedef struct {
  void *data;
  GDestroyNotify destroy;
} ZombieData;

void sim_node_drop_volatile(SimNode *node)
{
  void *data = node->data;
  GDestroyNotify destroy = node->data_destroy;
  node->data = NULL;
  node->data_destroy = NULL;
  if (!data || !destroy)
    return;
  if (node->running > 0) {
    /* A handler of this node is still on the stack and may hold `data`. */
    SimNodeCold *c = sim_node_cold(node);
    ZombieData *z = g_new(ZombieData, 1);
    *z = (ZombieData) { data, destroy };
    if (!c->zombies)
      c->zombies = g_ptr_array_new();
    g_ptr_array_add(c->zombies, z);
    node->flags |= SIM_NODE_ZOMBIES;
    return;
  }
  destroy(data);
}

void sim_node_enter(SimNode *node)
{
  if (node->running == G_MAXUINT16)
    g_error("node %s: handlers nested more than %u deep", node->name, G_MAXUINT16);
  node->running++;
}

void sim_node_leave(SimNode *node)
{
  g_assert(node->running > 0);
  /* The flag, not cold->zombies: with a million nodes the cold part is
   * rarely in cache, and this runs after every handler. */
  if (--node->running > 0 || !(node->flags & SIM_NODE_ZOMBIES))
    return;
  node->flags &= (uint8_t) ~SIM_NODE_ZOMBIES;
  GPtrArray *zombies = node->cold->zombies;
  for (guint i = 0; i < zombies->len; i++) {
    ZombieData *z = zombies->pdata[i];
    z->destroy(z->data);
    g_free(z);
  }
  g_ptr_array_set_size(zombies, 0);
}

void sim_node_destroy(SimNode *node)
{
  sim_node_drop_volatile(node);
  for (guint i = 0; node->params && node->model->params[i].name; i++) {
    g_free(node->params[i].s);
    if (node->model->params[i].type == SIM_PARAM_NODES && node->params[i].nodes)
      g_array_unref(node->params[i].nodes);
  }
  g_free(node->params);
  SimNodeCold *c = node->cold;
  if (c) {
    if (c->service)
      sim_service_free(c->service);
    if (c->deferred)
      g_array_unref(c->deferred);
    if (c->zombies)
      g_ptr_array_unref(c->zombies);
    if (c->durable)
      g_hash_table_unref(c->durable);
    if (c->log)
      g_array_unref(c->log);
    sim_client_free(c->client);
    g_free(c);
  }
  node->cold = NULL;
  node->params = NULL;
  node->flags = 0;
}

int sim_node_id(const SimNode *node) { return node->id; }
const char *sim_node_name(const SimNode *node) { return node->name; }
Sim *sim_node_sim(SimNode *node) { return node->sim; }
SimNodeState sim_node_state(const SimNode *node) { return (SimNodeState) node->state; }
uint32_t sim_node_incarnation(const SimNode *node) { return node->incarnation; }
SimRng *sim_node_rng(SimNode *node) { return &node->rng; }
const SimModel *sim_node_model(const SimNode *node) { return node->model; }
void *sim_node_data(SimNode *node) { return node->data; }

void sim_node_set_data(SimNode *node, void *data, GDestroyNotify destroy)
{
  void *old = node->data;
  GDestroyNotify old_destroy = node->data_destroy;
  node->data = NULL;
  node->data_destroy = NULL;
  if (old && old_destroy)
    old_destroy(old);
  node->data = data;
  node->data_destroy = destroy;
}

/* ---- parameters ---- */

static gboolean parse_value(const SimParamSpec *spec, const char *text,
                            SimParamValue *out, GError **error)
{
  char *end = NULL;
  switch (spec->type) {
  case SIM_PARAM_INT: {
    gint64 v = g_ascii_strtoll(text, &end, 10);
    if (end == text || *end != '\0') {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "parameter '%s' must be an integer, not '%s'", spec->name, text);
      return FALSE;
    }
    out->i = v;
    return TRUE;
  }
  case SIM_PARAM_DOUBLE: {
    double v = g_ascii_strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "parameter '%s' must be a finite number, not '%s'", spec->name, text);
      return FALSE;
    }
    out->d = v;
    return TRUE;
  }
  case SIM_PARAM_BOOL:
    if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
      out->i = 1;
    else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
      out->i = 0;
    else {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "parameter '%s' must be true or false, not '%s'", spec->name, text);
      return FALSE;
    }
    return TRUE;
  case SIM_PARAM_DURATION:
    if (!sim_time_parse(text, &out->i, error)) {
      g_prefix_error(error, "parameter '%s': ", spec->name);
      return FALSE;
    }
    return TRUE;
  case SIM_PARAM_STRING:
  case SIM_PARAM_NODES:
    /* Node names stay text until every node exists (sim_node_resolve_params). */
    g_free(out->s);
    out->s = g_strdup(text);
    return TRUE;
  }
  return FALSE;
}

/* Checks a parsed number against the spec's range, if it has one. */
static gboolean in_range(const SimParamSpec *spec, double v, const char *text, GError **error)
{
  if ((spec->min == 0 && spec->max == 0) || (v >= spec->min && v <= spec->max))
    return TRUE;
  g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "parameter '%s' = %s is out of range [%g, %g]%s", spec->name,
              text, spec->min, spec->max, spec->type == SIM_PARAM_DURATION ? " seconds" : "");
  return FALSE;
}

gboolean sim_node_parse_params(SimNode *node, GHashTable *given, GError **error)
{
  const SimParamSpec *specs = node->model->params;
  if (given) {
    /* Sorted so the first unknown key reported does not depend on hashing. */
    g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(given), (GCompareFunc) strcmp);
    for (GList *k = keys; k; k = k->next) {
      gboolean known = FALSE;
      for (guint i = 0; specs && specs[i].name; i++)
        known |= strcmp(specs[i].name, k->data) == 0;
      if (!known) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "unknown parameter '%s'", (const char *) k->data);
        return FALSE;
      }
    }
  }
  for (guint i = 0; specs && specs[i].name; i++) {
    const char *text = given ? g_hash_table_lookup(given, specs[i].name) : NULL;
    if (!text)
      text = specs[i].default_value ? specs[i].default_value : "";
    if (!parse_value(&specs[i], text, &node->params[i], error))
      return FALSE;
    double v = specs[i].type == SIM_PARAM_INT ? (double) node->params[i].i
             : specs[i].type == SIM_PARAM_DOUBLE ? node->params[i].d
             : specs[i].type == SIM_PARAM_DURATION ? sim_time_to_seconds(node->params[i].i) : 0;
    if (!in_range(&specs[i], v, text, error))
      return FALSE;
  }
  return TRUE;
}

gboolean sim_node_resolve_params(SimNode *node, GError **error)
{
  const SimParamSpec *specs = node->model->params;
  for (guint i = 0; specs && specs[i].name; i++) {
    if (specs[i].type != SIM_PARAM_NODES || node->params[i].nodes)
      continue;
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(int));
    g_auto(GStrv) names = g_strsplit(node->params[i].s, ",", -1);
    for (guint j = 0; names[j]; j++) {
      const char *name = g_strstrip(names[j]);
      if (*name == '\0')
        continue;
      int id = sim_node_find(node->sim, name);
      if (id < 0) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                    "node '%s': parameter '%s' names unknown node '%s'", node->name, specs[i].name, name);
        return FALSE;
      }
      g_array_append_val(ids, id);
    }
    node->params[i].nodes = g_steal_pointer(&ids);
  }
  return TRUE;
}

static guint param_index(SimNode *node, const char *name, SimParamType type)
{
  const SimParamSpec *specs = node->model->params;
  for (guint i = 0; specs && specs[i].name; i++)
    if (strcmp(specs[i].name, name) == 0) {
      if (specs[i].type != type)
        g_error("model %s: parameter '%s' read with the wrong type", node->model->name, name);
      return i;
    }
  g_error("model %s: undeclared parameter '%s'", node->model->name, name);
}

int64_t sim_node_param_int(SimNode *node, const char *name)
{
  return node->params[param_index(node, name, SIM_PARAM_INT)].i;
}

double sim_node_param_double(SimNode *node, const char *name)
{
  return node->params[param_index(node, name, SIM_PARAM_DOUBLE)].d;
}

gboolean sim_node_param_bool(SimNode *node, const char *name)
{
  return node->params[param_index(node, name, SIM_PARAM_BOOL)].i != 0;
}

SimTime sim_node_param_duration(SimNode *node, const char *name)
{
  return node->params[param_index(node, name, SIM_PARAM_DURATION)].i;
}

const char *sim_node_param_string(SimNode *node, const char *name)
{
  return node->params[param_index(node, name, SIM_PARAM_STRING)].s;
}

const int *sim_node_param_nodes(SimNode *node, const char *name, guint *count)
{
  guint i = param_index(node, name, SIM_PARAM_NODES);
  if (!node->params[i].nodes) {
    /* Normally resolved by the scenario runner once every node exists. */
    GError *error = NULL;
    if (!sim_node_resolve_params(node, &error))
      g_error("%s", error->message);
  }
  GArray *ids = node->params[i].nodes;
  *count = ids->len;
  return (const int *) ids->data;
}

/* ---- durable state ---- */

void sim_durable_set(SimNode *node, const char *key, int64_t value)
{
  SimNodeCold *c = sim_node_cold(node);
  if (!c->durable)
    c->durable = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  gint64 *v = g_hash_table_lookup(c->durable, key);
  if (v) {
    *v = value;
    return;
  }
  v = g_new(gint64, 1);
  *v = value;
  g_hash_table_insert(c->durable, g_strdup(key), v);
  sim_mem_charge(node->sim, SIM_MEM_NODES, (gssize) (strlen(key) + 1 + sizeof *v + SIM_HASH_ENTRY_BYTES));
}

gboolean sim_durable_get(SimNode *node, const char *key, int64_t *value)
{
  GHashTable *durable = node->cold ? node->cold->durable : NULL;
  gint64 *v = durable ? g_hash_table_lookup(durable, key) : NULL;
  if (v && value)
    *value = *v;
  return v != NULL;
}

/* The node's log, or NULL if it never had one. */
static GArray *node_log(const SimNode *node)
{
  return node->cold ? node->cold->log : NULL;
}

/* A log record owns a copy of its payload, freed when the record goes
 * (lost unsynced, or the log freed with its node). */
static void log_record_clear(gpointer p) { sim_msg_clear_payload(p); }

void sim_log_append(SimNode *node, const SimMsg *record, gboolean force)
{
  SimNodeCold *c = sim_node_cold(node);
  if (!c->log) {
    c->log = g_array_new(FALSE, FALSE, sizeof(SimMsg));
    g_array_set_clear_func(c->log, log_record_clear);
  }
  SimMsg copy = *record;
  copy.payload = sim_payload_copy(record->payload);
  g_array_append_val(c->log, copy);
  sim_mem_charge(node->sim, SIM_MEM_NODES, (gssize) sizeof copy + sim_payload_bytes(copy.payload));
  if (force)
    sim_log_sync(node);
}

void sim_log_sync(SimNode *node)
{
  GArray *log = node_log(node);
  if (log && node->cold->log_synced != log->len) {
    node->cold->log_synced = log->len;
    /* The metric's record is kept, not looked up by name at every write:
     * a Raft server forces one per entry. */
    Sim *sim = node->sim;
    if (!sim->forced_writes) {
      sim_metric_add(sim, "forced_writes", 0);
      sim->forced_writes = g_hash_table_lookup(sim->metrics, "forced_writes");
    }
    sim->forced_writes->value += 1;
  }
}

guint sim_log_length(SimNode *node)
{
  GArray *log = node_log(node);
  return log ? log->len : 0;
}

const SimMsg *sim_log_get(SimNode *node, guint index)
{
  GArray *log = node_log(node);
  g_return_val_if_fail(log && index < log->len, NULL);
  return &g_array_index(log, SimMsg, index);
}

guint sim_log_discard_prefix(SimNode *node, guint upto)
{
  GArray *log = node_log(node);
  guint n = log ? MIN(upto, node->cold->log_synced) : 0;
  if (n == 0)
    return 0;
  gssize bytes = (gssize) (n * sizeof(SimMsg));
  for (guint i = 0; i < n; i++)
    bytes += sim_payload_bytes(g_array_index(log, SimMsg, i).payload);
  g_array_remove_range(log, 0, n); /* the clear function frees the payloads */
  node->cold->log_synced -= n;
  sim_mem_charge(node->sim, SIM_MEM_NODES, -bytes);
  return n;
}

void sim_log_lose_unsynced(Sim *sim, int id)
{
  SimNode *node = sim_node(sim, id);
  GArray *log = node_log(node);
  guint lost = log ? log->len - node->cold->log_synced : 0;
  if (lost) {
    gssize bytes = (gssize) (lost * sizeof(SimMsg));
    for (guint i = node->cold->log_synced; i < log->len; i++)
      bytes += sim_payload_bytes(g_array_index(log, SimMsg, i).payload);
    g_array_set_size(log, node->cold->log_synced);
    sim_mem_charge(sim, SIM_MEM_NODES, -bytes);
  }
  sim_trace_simple(sim, SIM_TR_LOG_LOSS, id, -1, NULL, NULL, lost, 0);
}

const char *sim_param_type_name(SimParamType type)
{
  static const char *const names[] = {
    [SIM_PARAM_INT] = "int", [SIM_PARAM_DOUBLE] = "number", [SIM_PARAM_BOOL] = "bool",
    [SIM_PARAM_STRING] = "string", [SIM_PARAM_DURATION] = "duration", [SIM_PARAM_NODES] = "nodes",
  };
  return type < G_N_ELEMENTS(names) ? names[type] : "?";
}
