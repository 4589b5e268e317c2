/* hdfs.client: an HDFS client (HDFS Architecture Guide, "Data
 * Organization", "Replication Pipelining"). Operations, recorded in the
 * history so availability is measured:
 *
 *   write(file, content)  create file `file` of one block: AddBlock at the
 *                         NameNode, the block down the pipeline it names
 *                         (dn1 → dn2 → dn3, acks back), Complete. When a
 *                         DataNode of the pipeline fails (an ack names it, or
 *                         dn1 does not answer), the client goes on with the
 *                         others, as HDFS's pipeline recovery does with the
 *                         default replace-datanode-on-failure policy for
 *                         small pipelines: a new generation stamp from the
 *                         NameNode (UpdatePipeline), the block again to the
 *                         DataNodes left; the NameNode re-replicates later.
 *                         With no DataNode left the write fails. ok once the
 *                         NameNode answers Completed; fail if it refuses
 *                         (the file exists, no DataNode is live).
 *   read(file)            GetLocations, then ReadBlock from each location in
 *                         turn until one answers; ok with the content, fail
 *                         when no location is left (a missing block) or the
 *                         file is unknown or not complete.
 *
 * Requests to the NameNode are resent every `retry` until answered (it
 * handles a repeat idempotently). `files` makes the client write files
 * first_file, first_file + 1, ... one after the other from the start (a
 * cluster loaded before the faults), recorded as write operations. At the
 * end, hdfs_read_content checks that every ok read returned what a write of
 * that file wrote. */
#include "models/hdfs/hdfs.h"
#include <string.h>

/* The preload timer; op ids, the other timer tags, start at 1. */
#define TIMER_PRELOAD UINT64_MAX

enum { ST_ADD, ST_PIPE, ST_UPDATE, ST_COMPLETE, ST_LOCATE, ST_READ };

typedef struct {
  uint64_t op;
  int stage;
  int64_t file, content, block, gen;
  int nodes[HDFS_MAX_RF];   /* the pipeline, or the read locations */
  guint nnodes, next;       /* next: the location being read */
  SimTimerId timer;
} COp;

typedef struct {
  int nn, writer;
  uint64_t block_size, read_size;
  GHashTable *ops;          /* op id → COp */
  int64_t files_left, next_file;
} Client;

static void client_free(gpointer p)
{
  Client *c = p;
  g_hash_table_unref(c->ops);
  g_free(c);
}

static void arm(SimNode *node, COp *o, SimTime after)
{
  sim_timer_cancel(node, o->timer);
  o->timer = sim_timer_after(node, after, o->op);
}

static SimTime retry_after(SimNode *node) { return sim_node_param_duration(node, "retry"); }

/* Sends the request of the op's stage and arms its timer. */
static void send_stage(SimNode *node, Client *c, COp *o)
{
  static const char *const df[] = { "d0", "d1", "d2", "d3" };
  SimMsg *m = NULL;
  int to = c->nn;
  SimTime wait = retry_after(node);
  switch (o->stage) {
  case ST_ADD:
    m = sim_msg_new(node, "AddBlock");
    sim_msg_set(m, "op", (int64_t) o->op);
    sim_msg_set(m, "file", o->file);
    sim_msg_set(m, "rf", sim_node_param_int(node, "replication"));
    sim_msg_set(m, "size", (int64_t) c->block_size);
    sim_msg_set(m, "writer", c->writer);
    break;
  case ST_PIPE:
    m = sim_msg_new(node, "WriteBlock");
    sim_msg_set(m, "block", o->block);
    sim_msg_set(m, "gen", o->gen);
    sim_msg_set(m, "size", (int64_t) c->block_size);
    sim_msg_set(m, "content", o->content);
    for (guint i = 0; i < 4; i++)
      sim_msg_set(m, df[i], i + 1 < o->nnodes ? o->nodes[i + 1] : -1);
    sim_msg_set_size(m, (uint32_t) c->block_size);
    to = o->nodes[0];
    wait = sim_time_add_sat(sim_node_param_duration(node, "socket_timeout"),
                            sim_time_from_i128_sat((__int128) sim_node_param_duration(node, "timeout_extension") * o->nnodes));
    break;
  case ST_UPDATE:
    m = sim_msg_new(node, "UpdatePipeline");
    sim_msg_set(m, "op", (int64_t) o->op);
    sim_msg_set(m, "block", o->block);
    sim_msg_set(m, "gen", o->gen);
    break;
  case ST_COMPLETE:
    m = sim_msg_new(node, "Complete");
    sim_msg_set(m, "op", (int64_t) o->op);
    sim_msg_set(m, "block", o->block);
    sim_msg_set(m, "gen", o->gen);
    break;
  case ST_LOCATE:
    m = sim_msg_new(node, "GetLocations");
    sim_msg_set(m, "op", (int64_t) o->op);
    sim_msg_set(m, "file", o->file);
    break;
  case ST_READ:
    m = sim_msg_new(node, "ReadBlock");
    sim_msg_set(m, "op", (int64_t) o->op);
    sim_msg_set(m, "block", o->block);
    sim_msg_set(m, "gen", o->gen);
    sim_msg_set(m, "len", (int64_t) c->read_size);
    to = o->nodes[o->next];
    wait = sim_node_param_duration(node, "socket_timeout");
    break;
  default:
    return;
  }
  sim_send(node, to, m);
  arm(node, o, wait);
}

static void start_next_file(SimNode *node, Client *c);

static void finish(SimNode *node, Client *c, COp *o, int type, const SimValue *v)
{
  sim_op_complete(node, o->op, type, v);
  sim_timer_cancel(node, o->timer);
  gint64 k = (gint64) o->op;
  g_hash_table_remove(c->ops, &k);
}

static COp *op_new(Client *c, uint64_t op, int stage, int64_t file, int64_t content)
{
  COp *o = g_new0(COp, 1);
  o->op = op;
  o->stage = stage;
  o->file = file;
  o->content = content;
  gint64 *k = g_new(gint64, 1);
  *k = (gint64) op;
  g_hash_table_replace(c->ops, k, o);
  return o;
}

static void client_on_invoke(SimNode *node, uint64_t op, const char *f, const SimValue *key, const SimValue *value)
{
  Client *c = sim_node_data(node);
  if (!c || !key || key->kind != SIM_V_INT) {
    sim_op_complete(node, op, SIM_OP_FAIL, NULL); /* a file is named by an integer key */
    return;
  }
  gboolean write = strcmp(f, "write") == 0;
  int64_t content = write && value && value->kind == SIM_V_INT ? value->a : (int64_t) op;
  COp *o = op_new(c, op, write ? ST_ADD : ST_LOCATE, key->a, content);
  send_stage(node, c, o);
}

/* The preloaded files, one write after the other. */
static void start_next_file(SimNode *node, Client *c)
{
  if (c->files_left <= 0)
    return;
  c->files_left--;
  int64_t file = c->next_file++;
  SimValue key = sim_value_int(file), value = sim_value_int(file);
  uint64_t op = sim_op_invoke(node, "write", &key, &value, 0);
  COp *o = op_new(c, op, ST_ADD, file, file);
  send_stage(node, c, o);
}

/* Drops DataNode `bad` from the pipeline and recovers, or fails the write. */
static void pipeline_failed(SimNode *node, Client *c, COp *o, int bad)
{
  guint k = 0;
  for (guint i = 0; i < o->nnodes; i++)
    if (o->nodes[i] != bad)
      o->nodes[k++] = o->nodes[i];
  if (k == o->nnodes && o->nnodes > 0)
    k--; /* an unknown name: drop the first, which did not answer */
  o->nnodes = k;
  sim_metric_add(sim_node_sim(node), "hdfs_pipeline_recoveries", 1);
  if (o->nnodes == 0) {
    finish(node, c, o, SIM_OP_FAIL, NULL);
    start_next_file(node, c);
    return;
  }
  o->stage = ST_UPDATE;
  send_stage(node, c, o);
}

static void read_location(SimNode *node, Client *c, COp *o)
{
  if (o->next >= o->nnodes) {
    finish(node, c, o, SIM_OP_FAIL, NULL); /* BlockMissingException */
    return;
  }
  o->stage = ST_READ;
  send_stage(node, c, o);
}

static COp *op_of(Client *c, const SimMsg *msg)
{
  gint64 k = sim_msg_get(msg, "op", 0);
  return g_hash_table_lookup(c->ops, &k);
}

/* The write whose block is `block` (a WriteAck names no op). */
static COp *op_of_block(Client *c, int64_t block)
{
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, c->ops);
  while (g_hash_table_iter_next(&it, NULL, &v)) {
    COp *o = v;
    if (o->block == block && o->stage == ST_PIPE)
      return o;
  }
  return NULL;
}

static void read_targets(SimNode *node, const SimMsg *msg, COp *o)
{
  static const char *const tf[] = { "t0", "t1", "t2", "t3", "t4" };
  o->block = sim_msg_get(msg, "block", 0);
  o->gen = sim_msg_get(msg, "gen", 0);
  o->nnodes = 0;
  for (guint i = 0; i < HDFS_MAX_RF; i++) {
    int64_t t = sim_msg_get(msg, tf[i], -1);
    if (hdfs_is_node(node, t))
      o->nodes[o->nnodes++] = (int) t;
  }
  o->next = 0;
}

static void client_on_message(SimNode *node, const SimMsg *msg)
{
  Client *c = sim_node_data(node);
  if (!c)
    return;
  const char *t = msg->type;
  if (strcmp(t, "WriteAck") == 0) {
    COp *o = op_of_block(c, sim_msg_get(msg, "block", 0));
    if (!o || sim_msg_get(msg, "gen", 0) != o->gen || msg->src != o->nodes[0])
      return;
    int64_t bad = sim_msg_get(msg, "bad", -1);
    if (bad >= 0) {
      pipeline_failed(node, c, o, (int) bad);
      return;
    }
    o->stage = ST_COMPLETE;
    send_stage(node, c, o);
    return;
  }
  COp *o = op_of(c, msg);
  if (!o || (msg->src == c->nn) != (strcmp(t, "ReadData") != 0))
    return;
  if (strcmp(t, "Located") == 0 && o->stage == ST_ADD) {
    read_targets(node, msg, o);
    if (o->block == 0 || o->nnodes == 0) {
      finish(node, c, o, SIM_OP_FAIL, NULL);
      start_next_file(node, c);
      return;
    }
    o->stage = ST_PIPE;
    send_stage(node, c, o);
  } else if (strcmp(t, "NewGen") == 0 && o->stage == ST_UPDATE) {
    o->gen = sim_msg_get(msg, "gen", o->gen);
    o->stage = ST_PIPE;
    send_stage(node, c, o);
  } else if (strcmp(t, "Completed") == 0 && o->stage == ST_COMPLETE) {
    SimValue v = sim_value_int(o->content);
    finish(node, c, o, SIM_OP_OK, &v);
    start_next_file(node, c);
  } else if (strcmp(t, "Locations") == 0 && o->stage == ST_LOCATE) {
    read_targets(node, msg, o);
    if (o->block == 0) {
      finish(node, c, o, SIM_OP_FAIL, NULL); /* no such complete file */
      return;
    }
    read_location(node, c, o);
  } else if (strcmp(t, "ReadData") == 0 && o->stage == ST_READ && msg->src == o->nodes[o->next]) {
    if (sim_msg_get(msg, "ok", 0)) {
      SimValue v = sim_value_int(sim_msg_get(msg, "content", 0));
      finish(node, c, o, SIM_OP_OK, &v);
      return;
    }
    o->next++;
    read_location(node, c, o);
  }
}

static void client_on_timer(SimNode *node, uint64_t tag)
{
  Client *c = sim_node_data(node);
  if (c && tag == TIMER_PRELOAD) {
    start_next_file(node, c);
    return;
  }
  gint64 k = (gint64) tag;
  COp *o = c ? g_hash_table_lookup(c->ops, &k) : NULL;
  if (!o)
    return;
  o->timer = 0;
  if (!sim_op_pending(sim_node_sim(node), o->op)) {
    g_hash_table_remove(c->ops, &k); /* timed out in the history: give up */
    start_next_file(node, c);
    return;
  }
  if (o->stage == ST_PIPE) {
    pipeline_failed(node, c, o, o->nodes[0]);
  } else if (o->stage == ST_READ) {
    o->next++;
    read_location(node, c, o);
  } else {
    send_stage(node, c, o);
  }
}

static void client_init(SimNode *node)
{
  Sim *sim = sim_node_sim(node);
  Client *c = g_new0(Client, 1);
  c->ops = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  sim_node_set_data(node, c, client_free);
  guint n = 0;
  const int *nn = sim_node_param_nodes(node, "namenode", &n);
  if (n != 1 || sim_node_model(sim_node(sim, nn[0])) != &model_hdfs_namenode) {
    sim_fail(sim, "node '%s' (hdfs.client): parameter 'namenode' must name one hdfs.namenode node", sim_node_name(node));
    return;
  }
  c->nn = nn[0];
  const int *dn = sim_node_param_nodes(node, "datanode", &n);
  c->writer = n ? dn[0] : -1;
  if (n > 1 || (n == 1 && sim_node_model(sim_node(sim, dn[0])) != &model_hdfs_datanode)) {
    sim_fail(sim, "node '%s' (hdfs.client): parameter 'datanode' must name at most one hdfs.datanode node",
             sim_node_name(node));
    return;
  }
  if (!hdfs_size_parse(sim_node_param_string(node, "block_size"), &c->block_size)
      || !hdfs_size_parse(sim_node_param_string(node, "read_size"), &c->read_size)) {
    sim_fail(sim, "node '%s' (hdfs.client): block_size and read_size must be byte sizes from 1 B to 2 GB (\"128MB\", \"64kB\")",
             sim_node_name(node));
    return;
  }
  c->files_left = sim_node_param_int(node, "files");
  c->next_file = sim_node_param_int(node, "first_file");
  if (c->files_left > 0)
    sim_timer_after(node, sim_node_param_duration(node, "start"), TIMER_PRELOAD);
}

/* hdfs_read_content: every ok read of a file returned the content some
 * write of that file was invoked with. */
static void client_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  (void) nodes;
  (void) count;
  sim_invariant_declare(sim, "hdfs_read_content");
  const GArray *h = sim_history(sim);
  g_autoptr(GHashTable) written = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) invoked = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (sim_node_model(sim_node(sim, e->process)) != &model_hdfs_client || !e->has_key || e->key.kind != SIM_V_INT)
      continue;
    if (e->type == SIM_OP_INVOKE && strcmp(e->f, "write") == 0 && e->value.kind == SIM_V_INT) {
      g_hash_table_add(written, g_strdup_printf("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, e->key.a, e->value.a));
    }
    if (e->type == SIM_OP_INVOKE && strcmp(e->f, "read") == 0) {
      gint64 op = (gint64) e->op;
      g_hash_table_replace(invoked, g_memdup2(&op, sizeof op), g_memdup2(&e->key.a, sizeof(int64_t)));
    }
  }
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (e->type != SIM_OP_OK || strcmp(e->f, "read") != 0 || e->value.kind != SIM_V_INT
        || sim_node_model(sim_node(sim, e->process)) != &model_hdfs_client)
      continue;
    gint64 op = (gint64) e->op;
    const int64_t *file = g_hash_table_lookup(invoked, &op);
    if (!file)
      continue;
    g_autofree char *pair = g_strdup_printf("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, *file, e->value.a);
    if (!g_hash_table_contains(written, pair))
      sim_violation_at(sim, "hdfs_read_content", e->time, "%s read file %" G_GINT64_FORMAT " as %" G_GINT64_FORMAT
                       ", which no write of it wrote", sim_node_name(sim_node(sim, e->process)), *file, e->value.a);
  }
}

static const SimParamSpec client_params[] = {
  { "namenode", SIM_PARAM_NODES, "", "the hdfs.namenode", 0, 0 },
  { "datanode", SIM_PARAM_NODES, "", "the DataNode this client runs beside (the writer's node for placement); empty: none", 0, 0 },
  { "replication", SIM_PARAM_INT, "3", "replication factor of the files it writes (dfs.replication)", 1, HDFS_MAX_RF },
  { "block_size", SIM_PARAM_STRING, "128MB", "block size, bytes on the wire per block (dfs.blocksize)", 0, 0 },
  { "read_size", SIM_PARAM_STRING, "64kB", "bytes a read fetches from the block", 0, 0 },
  { "socket_timeout", SIM_PARAM_DURATION, "60s", "wait for a DataNode (dfs.client.socket-timeout)", 0.001, 3.15e9 },
  { "timeout_extension", SIM_PARAM_DURATION, "5s", "added to socket_timeout per DataNode in the pipeline", 0, 0 },
  { "retry", SIM_PARAM_DURATION, "1s", "resend an unanswered NameNode request after this", 0.001, 3.15e9 },
  { "files", SIM_PARAM_INT, "0", "files to write one after the other from the start", 0, 1000000 },
  { "start", SIM_PARAM_DURATION, "0", "when to start writing those files (after the DataNodes registered)", 0, 0 },
  { "first_file", SIM_PARAM_INT, "0", "the first of those files' numbers", 0, 1e15 },
  { NULL },
};

static const char *const client_ops[] = { "write", "read", NULL };

const SimModel model_hdfs_client = {
  .name = "hdfs.client",
  .summary = "HDFS client: write (one-block file through a DataNode pipeline, with pipeline recovery) and read (from a live replica)",
  .params = client_params,
  .init = client_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_invoke = client_on_invoke,
  .finish = client_finish,
  .ops = client_ops,
};
