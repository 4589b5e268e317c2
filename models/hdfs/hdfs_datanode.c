/* hdfs.datanode: a DataNode (HDFS Architecture Guide, "Data Replication"
 * and "The Communication Protocols"). It stores replicas, sends the
 * NameNode a heartbeat every `heartbeat` (dfs.heartbeat.interval) and a
 * full block report at start, when asked, and every `block_report`
 * (dfs.blockreport.intervalMsec), reports each replica it receives
 * (incremental block report), and acts on the commands the NameNode sends
 * back: copy a block to another DataNode (re-replication) or delete one.
 *
 * Messages:
 *   → NameNode   Heartbeat {rack, reg} (reg: its incarnation, new
 *                at each start, as a new DataNode registration); BlockReport {n, left, b0, g0, b1, g1, b2,
 *                g2} (n pairs of block id and generation stamp, sorted; left:
 *                messages of this report still to come); BlockReceived
 *                {block, gen}, resent with each heartbeat until acknowledged
 *   ← NameNode   Transfer {block, gen, target}; Invalidate {block, gen};
 *                SendReport {}; ReceivedAck {block, gen}
 *   pipeline     WriteBlock {block, gen, size, content, d0..d3} from the
 *                client or the DataNode upstream (d0.. the DataNodes
 *                still downstream, -1 for none); WriteAck {block, gen,
 *                bad} back upstream (bad: the DataNode that did not answer,
 *                -1 when every one stored the block)
 *   copies       BlockData {block, gen, size, content}, `size` bytes on the
 *                wire
 *   reads        ReadBlock {op, block, gen, len} → ReadData {op, block,
 *                content, ok}, `len` bytes on the wire
 *
 * A block travels as one message of its full size, stored and forwarded
 * whole (HDFS streams 64 kB packets through the pipeline, so its write
 * takes about one block time where this takes one per hop). Replicas are
 * kept in the durable log, so a restart finds them again, unless
 * `wipe_on_crash` says a crash destroys the disk (the node comes back
 * empty, as a replaced machine). */
#include "models/hdfs/hdfs.h"
#include <stdlib.h>
#include <string.h>

enum { TIMER_HEARTBEAT = 1, TIMER_REPORT = 2 };
/* A pipeline's downstream-ack timer: this base plus the block id. */
#define PIPE_TAG ((uint64_t) 1 << 40)

typedef struct {
  int64_t gen, size, content;
} Replica;

/* A pipeline this node forwards: it waits for the ack of `down`. */
typedef struct {
  int64_t gen;
  int upstream, down;
  SimTimerId timer;
} Pipe;

typedef struct {
  int nn;
  int64_t rack;
  GHashTable *replicas; /* block id → Replica */
  GHashTable *pipes;    /* block id → Pipe */
  GHashTable *unacked;  /* block id → gen: incremental reports not yet acknowledged */
} Dn;

static void dn_free(gpointer p)
{
  Dn *d = p;
  g_hash_table_unref(d->replicas);
  g_hash_table_unref(d->pipes);
  g_hash_table_unref(d->unacked);
  g_free(d);
}

static gint64 *key_new(int64_t v)
{
  gint64 *k = g_new(gint64, 1);
  *k = v;
  return k;
}

/* ---- storage ---------------------------------------------------------------- */

static void emit_replica(SimNode *node, const char *type, int64_t block, int64_t gen)
{
  SimMsg ev = sim_record(type);
  sim_msg_set(&ev, "block", block);
  if (gen >= 0)
    sim_msg_set(&ev, "gen", gen);
  sim_emit(node, &ev);
}

/* Stores (or replaces) a replica: durably, then traced. */
static void store(SimNode *node, Dn *d, int64_t block, const Replica *r)
{
  SimMsg rec = sim_record("replica");
  sim_msg_set(&rec, "block", block);
  sim_msg_set(&rec, "gen", r->gen);
  sim_msg_set(&rec, "size", r->size);
  sim_msg_set(&rec, "content", r->content);
  sim_log_append(node, &rec, TRUE);
  g_hash_table_replace(d->replicas, key_new(block), g_memdup2(r, sizeof *r));
  emit_replica(node, "hdfs_replica", block, r->gen);
}

static void delete_replica(SimNode *node, Dn *d, int64_t block)
{
  SimMsg rec = sim_record("delete");
  sim_msg_set(&rec, "block", block);
  sim_log_append(node, &rec, TRUE);
  g_hash_table_remove(d->replicas, &block);
  emit_replica(node, "hdfs_replica_del", block, -1);
}

/* Rebuilds the replicas from the durable log, after its last "wiped" mark. */
static void recover(SimNode *node, Dn *d)
{
  guint n = sim_log_length(node), from = 0;
  for (guint i = 0; i < n; i++)
    if (strcmp(sim_log_get(node, i)->type, "wiped") == 0)
      from = i + 1;
  for (guint i = from; i < n; i++) {
    const SimMsg *rec = sim_log_get(node, i);
    int64_t block = sim_msg_get(rec, "block", 0);
    if (strcmp(rec->type, "replica") == 0) {
      Replica r = { sim_msg_get(rec, "gen", 0), sim_msg_get(rec, "size", 0), sim_msg_get(rec, "content", 0) };
      g_hash_table_replace(d->replicas, key_new(block), g_memdup2(&r, sizeof r));
    } else if (strcmp(rec->type, "delete") == 0) {
      g_hash_table_remove(d->replicas, &block);
    }
  }
}

static int cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return x < y ? -1 : x > y;
}

/* The keys of `table` (block ids), sorted. */
static int64_t *sorted_keys(GHashTable *table, guint *n)
{
  *n = g_hash_table_size(table);
  int64_t *ids = g_new(int64_t, *n ? *n : 1);
  GHashTableIter it;
  gpointer k;
  guint i = 0;
  g_hash_table_iter_init(&it, table);
  while (g_hash_table_iter_next(&it, &k, NULL))
    ids[i++] = *(gint64 *) k;
  qsort(ids, *n, sizeof *ids, cmp_i64);
  return ids;
}

/* ---- talking to the NameNode -------------------------------------------------- */

static void heartbeat(SimNode *node, Dn *d)
{
  SimMsg *m = sim_msg_new(node, "Heartbeat");
  sim_msg_set(m, "rack", d->rack);
  sim_msg_set(m, "reg", sim_node_incarnation(node));
  sim_send(node, d->nn, m);
}

/* The full block report, three replicas to a message (one empty message
 * when it has none), each saying how many messages of it are left. */
static void block_report(SimNode *node, Dn *d)
{
  guint n = 0;
  g_autofree int64_t *ids = sorted_keys(d->replicas, &n);
  static const char *const bf[] = { "b0", "b1", "b2" }, *const gf[] = { "g0", "g1", "g2" };
  guint chunks = n ? (n + 2) / 3 : 1;
  for (guint c = 0, i = 0; c < chunks; c++, i += 3) {
    SimMsg *m = sim_msg_new(node, "BlockReport");
    guint k = MIN(3u, n - i);
    sim_msg_set(m, "n", k);
    sim_msg_set(m, "left", chunks - c - 1);
    for (guint j = 0; j < k; j++) {
      const Replica *r = g_hash_table_lookup(d->replicas, &ids[i + j]);
      sim_msg_set(m, bf[j], ids[i + j]);
      sim_msg_set(m, gf[j], r->gen);
    }
    sim_send(node, d->nn, m);
  }
}

static void send_received(SimNode *node, Dn *d, int64_t block, int64_t gen)
{
  SimMsg *m = sim_msg_new(node, "BlockReceived");
  sim_msg_set(m, "block", block);
  sim_msg_set(m, "gen", gen);
  sim_send(node, d->nn, m);
}

/* An incremental block report: resent with every heartbeat until the
 * NameNode acknowledges it (HDFS sends it in an RPC, which retries). */
static void block_received(SimNode *node, Dn *d, int64_t block, int64_t gen)
{
  g_hash_table_replace(d->unacked, key_new(block), key_new(gen));
  send_received(node, d, block, gen);
}

static void resend_received(SimNode *node, Dn *d)
{
  guint n = 0;
  g_autofree int64_t *ids = sorted_keys(d->unacked, &n);
  for (guint i = 0; i < n; i++)
    send_received(node, d, ids[i], *(gint64 *) g_hash_table_lookup(d->unacked, &ids[i]));
}

/* ---- lifecycle ----------------------------------------------------------------- */

static void dn_start(SimNode *node, gboolean restart)
{
  Dn *d = g_new0(Dn, 1);
  guint nn = 0;
  const int *ids = sim_node_param_nodes(node, "namenode", &nn);
  d->rack = sim_node_param_int(node, "rack");
  d->replicas = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  d->pipes = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  d->unacked = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  sim_node_set_data(node, d, dn_free);
  if (nn != 1 || sim_node_model(sim_node(sim_node_sim(node), ids[0])) != &model_hdfs_namenode) {
    sim_fail(sim_node_sim(node), "node '%s' (hdfs.datanode): parameter 'namenode' must name one hdfs.namenode node",
             sim_node_name(node));
    return;
  }
  d->nn = ids[0];
  gboolean wipe = sim_node_param_bool(node, "wipe_on_crash");
  SimMsg disk = sim_record("hdfs_disk");
  sim_msg_set(&disk, "wipe", wipe);
  sim_emit(node, &disk);
  if (restart && wipe) {
    SimMsg rec = sim_record("wiped");
    sim_log_append(node, &rec, TRUE);
  } else if (restart) {
    recover(node, d);
    guint n = 0;
    g_autofree int64_t *blocks = sorted_keys(d->replicas, &n);
    for (guint i = 0; i < n; i++)
      emit_replica(node, "hdfs_replica", blocks[i],
                   ((const Replica *) g_hash_table_lookup(d->replicas, &blocks[i]))->gen);
  }
  heartbeat(node, d);
  block_report(node, d);
  sim_timer_after(node, sim_node_param_duration(node, "heartbeat"), TIMER_HEARTBEAT);
  sim_timer_after(node, sim_node_param_duration(node, "block_report"), TIMER_REPORT);
}

static void dn_init(SimNode *node) { dn_start(node, FALSE); }
static void dn_restart(SimNode *node) { dn_start(node, TRUE); }

/* ---- the write pipeline ----------------------------------------------------------- */

static void send_ack(SimNode *node, int to, int64_t block, int64_t gen, int64_t bad)
{
  SimMsg *m = sim_msg_new(node, "WriteAck");
  sim_msg_set(m, "block", block);
  sim_msg_set(m, "gen", gen);
  sim_msg_set(m, "bad", bad);
  sim_send(node, to, m);
}

static void on_write_block(SimNode *node, Dn *d, const SimMsg *msg)
{
  int64_t block = sim_msg_get(msg, "block", 0), gen = sim_msg_get(msg, "gen", 0);
  const Replica *have = g_hash_table_lookup(d->replicas, &block);
  Pipe *p = g_hash_table_lookup(d->pipes, &block);
  if ((p && p->gen >= gen) || (!p && have && have->gen >= gen))
    return; /* a duplicate: the first copy's ack is on its way */
  Replica r = { gen, CLAMP(sim_msg_get(msg, "size", 0), 0, (int64_t) HDFS_MAX_BLOCK), sim_msg_get(msg, "content", 0) };
  store(node, d, block, &r);
  block_received(node, d, block, gen);
  static const char *const df[] = { "d0", "d1", "d2", "d3" };
  int down[4];
  guint ndown = 0;
  for (guint i = 0; i < 4; i++) {
    int64_t v = sim_msg_get(msg, df[i], -1);
    if (hdfs_is_node(node, v))
      down[ndown++] = (int) v;
  }
  if (p)
    sim_timer_cancel(node, p->timer);
  if (ndown == 0) {
    g_hash_table_remove(d->pipes, &block);
    send_ack(node, msg->src, block, gen, -1);
    return;
  }
  SimMsg *fwd = sim_msg_new(node, "WriteBlock");
  sim_msg_set(fwd, "block", block);
  sim_msg_set(fwd, "gen", gen);
  sim_msg_set(fwd, "size", r.size);
  sim_msg_set(fwd, "content", r.content);
  for (guint i = 0; i < 4; i++)
    sim_msg_set(fwd, df[i], i + 1 < ndown ? down[i + 1] : -1);
  sim_msg_set_size(fwd, (uint32_t) r.size);
  sim_send(node, down[0], fwd);
  Pipe np = { gen, msg->src, down[0], 0 };
  /* HDFS's read timeout grows by a fixed extension per DataNode still
   * downstream (dfs.client.socket-timeout + READ_TIMEOUT_EXTENSION × n). */
  SimTime wait = sim_time_add_sat(sim_node_param_duration(node, "socket_timeout"),
                                  sim_time_from_i128_sat((__int128) sim_node_param_duration(node, "timeout_extension") * ndown));
  np.timer = sim_timer_after(node, wait, PIPE_TAG + (uint64_t) block);
  g_hash_table_replace(d->pipes, key_new(block), g_memdup2(&np, sizeof np));
}

static void on_write_ack(SimNode *node, Dn *d, const SimMsg *msg)
{
  int64_t block = sim_msg_get(msg, "block", 0), gen = sim_msg_get(msg, "gen", 0);
  Pipe *p = g_hash_table_lookup(d->pipes, &block);
  if (!p || p->gen != gen || msg->src != p->down)
    return;
  sim_timer_cancel(node, p->timer);
  send_ack(node, p->upstream, block, gen, sim_msg_get(msg, "bad", -1));
  g_hash_table_remove(d->pipes, &block);
}

/* ---- commands, copies and reads ----------------------------------------------------- */

static void on_transfer(SimNode *node, Dn *d, const SimMsg *msg)
{
  int64_t block = sim_msg_get(msg, "block", 0);
  const Replica *r = g_hash_table_lookup(d->replicas, &block);
  int target = (int) sim_msg_get(msg, "target", -1);
  if (!r || r->gen < sim_msg_get(msg, "gen", 0) || !hdfs_is_node(node, target))
    return; /* nothing to copy: the NameNode's pending copy times out */
  SimMsg *m = sim_msg_new(node, "BlockData");
  sim_msg_set(m, "block", block);
  sim_msg_set(m, "gen", r->gen);
  sim_msg_set(m, "size", r->size);
  sim_msg_set(m, "content", r->content);
  sim_msg_set_size(m, (uint32_t) r->size);
  sim_metric_add(sim_node_sim(node), "hdfs_bytes_moved", (double) r->size);
  sim_send(node, target, m);
}

static void on_block_data(SimNode *node, Dn *d, const SimMsg *msg)
{
  int64_t block = sim_msg_get(msg, "block", 0), gen = sim_msg_get(msg, "gen", 0);
  const Replica *have = g_hash_table_lookup(d->replicas, &block);
  if (!have || have->gen < gen) {
    Replica r = { gen, CLAMP(sim_msg_get(msg, "size", 0), 0, (int64_t) HDFS_MAX_BLOCK), sim_msg_get(msg, "content", 0) };
    store(node, d, block, &r);
  }
  block_received(node, d, block, gen);
}

static void on_invalidate(SimNode *node, Dn *d, const SimMsg *msg)
{
  int64_t block = sim_msg_get(msg, "block", 0);
  const Replica *r = g_hash_table_lookup(d->replicas, &block);
  if (r && r->gen <= sim_msg_get(msg, "gen", 0) && !g_hash_table_contains(d->pipes, &block))
    delete_replica(node, d, block);
}

static void on_read(SimNode *node, Dn *d, const SimMsg *msg)
{
  int64_t block = sim_msg_get(msg, "block", 0);
  const Replica *r = g_hash_table_lookup(d->replicas, &block);
  gboolean ok = r && r->gen >= sim_msg_get(msg, "gen", 0);
  SimMsg *m = sim_msg_new(node, "ReadData");
  sim_msg_set(m, "op", sim_msg_get(msg, "op", 0));
  sim_msg_set(m, "block", block);
  sim_msg_set(m, "content", ok ? r->content : 0);
  sim_msg_set(m, "ok", ok);
  if (ok)
    sim_msg_set_size(m, (uint32_t) CLAMP(sim_msg_get(msg, "len", 0), 1, (int64_t) HDFS_MAX_BLOCK));
  sim_send(node, msg->src, m);
}

static void on_received_ack(Dn *d, const SimMsg *msg)
{
  int64_t block = sim_msg_get(msg, "block", 0);
  const gint64 *gen = g_hash_table_lookup(d->unacked, &block);
  if (gen && *gen <= sim_msg_get(msg, "gen", 0))
    g_hash_table_remove(d->unacked, &block);
}

static void dn_on_message(SimNode *node, const SimMsg *msg)
{
  Dn *d = sim_node_data(node);
  if (!d)
    return;
  const char *t = msg->type;
  if (strcmp(t, "WriteBlock") == 0)
    on_write_block(node, d, msg);
  else if (strcmp(t, "WriteAck") == 0)
    on_write_ack(node, d, msg);
  else if (strcmp(t, "ReadBlock") == 0)
    on_read(node, d, msg);
  else if (msg->src == d->nn && strcmp(t, "Transfer") == 0)
    on_transfer(node, d, msg);
  else if (msg->src == d->nn && strcmp(t, "Invalidate") == 0)
    on_invalidate(node, d, msg);
  else if (msg->src == d->nn && strcmp(t, "SendReport") == 0)
    block_report(node, d);
  else if (msg->src == d->nn && strcmp(t, "ReceivedAck") == 0)
    on_received_ack(d, msg);
  else if (strcmp(t, "BlockData") == 0)
    on_block_data(node, d, msg);
}

static void dn_on_timer(SimNode *node, uint64_t tag)
{
  Dn *d = sim_node_data(node);
  if (!d)
    return;
  if (tag == TIMER_HEARTBEAT) {
    heartbeat(node, d);
    resend_received(node, d);
    sim_timer_after(node, sim_node_param_duration(node, "heartbeat"), TIMER_HEARTBEAT);
  } else if (tag == TIMER_REPORT) {
    block_report(node, d);
    sim_timer_after(node, sim_node_param_duration(node, "block_report"), TIMER_REPORT);
  } else if (tag >= PIPE_TAG) {
    int64_t block = (int64_t) (tag - PIPE_TAG);
    Pipe *p = g_hash_table_lookup(d->pipes, &block);
    if (!p)
      return;
    send_ack(node, p->upstream, block, p->gen, p->down);
    g_hash_table_remove(d->pipes, &block);
  }
}

static const SimParamSpec dn_params[] = {
  { "namenode", SIM_PARAM_NODES, "", "the hdfs.namenode", 0, 0 },
  { "rack", SIM_PARAM_INT, "0", "this DataNode's rack", 0, 1000000 },
  { "heartbeat", SIM_PARAM_DURATION, "3s", "heartbeat interval (dfs.heartbeat.interval)", 0.001, 3.15e9 },
  { "block_report", SIM_PARAM_DURATION, "6h", "full block report interval (dfs.blockreport.intervalMsec)", 0.001, 3.15e9 },
  { "socket_timeout", SIM_PARAM_DURATION, "60s", "wait for the downstream DataNode's ack (dfs.client.socket-timeout)", 0, 0 },
  { "timeout_extension", SIM_PARAM_DURATION, "5s", "added to socket_timeout per DataNode still downstream", 0, 0 },
  { "wipe_on_crash", SIM_PARAM_BOOL, "false", "a crash destroys the disk: the node restarts empty (a replaced machine)", 0, 0 },
  { NULL },
};

const SimModel model_hdfs_datanode = {
  .name = "hdfs.datanode",
  .summary = "HDFS DataNode: stores block replicas, heartbeats and block reports to the NameNode, write pipelines, re-replication copies",
  .params = dn_params,
  .init = dn_init,
  .on_message = dn_on_message,
  .on_timer = dn_on_timer,
  .on_restart = dn_restart,
};
