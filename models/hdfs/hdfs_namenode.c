/* hdfs.namenode: the NameNode (HDFS Architecture Guide, "NameNode and
 * DataNodes", "Data Replication", "Robustness"). One designated node per
 * cluster, with no standby (HDFS HA is out of scope): if it crashes,
 * nothing is written or read until it restarts. It keeps
 *
 *   - the namespace: file → block (one block per file), each block's
 *     generation stamp, size and replication factor, in its durable log
 *     (the edit log), replayed at restart;
 *   - the block map: which live DataNodes hold a replica with the block's
 *     current generation stamp, learnt only from the DataNodes' block
 *     reports and incremental reports (never persisted: a restarted
 *     NameNode asks every DataNode for a full report);
 *   - DataNode liveness: a DataNode silent for `dead_after` is declared dead
 *     and its replicas leave the block map;
 *   - the replication monitor: every `replication_interval` it schedules
 *     copies of under-replicated blocks (hdfs_schedule_replication) and
 *     sends them as Transfer commands in its reply to the source's next
 *     heartbeat, as HDFS piggybacks DatanodeCommands on heartbeat replies.
 *     A copy not reported within `pending_timeout` is scheduled again.
 *
 * Client protocol: AddBlock {op, file, rf, size, writer} → Located {op,
 * block, gen, t0..t4} (block 0: refused); UpdatePipeline {op, block, gen}
 * → NewGen {op, block, gen} (pipeline recovery bumps the generation stamp,
 * so replicas left on a DataNode dropped from the pipeline are stale);
 * Complete {op, block, gen} → Completed {op} once a replica with that
 * stamp is reported (dfs.namenode.replication.min = 1); GetLocations {op,
 * file} → Locations {op, block, gen, t0..t4} (the live replicas, shuffled;
 * block 0: no such complete file).
 *
 * Measured as the run goes (HDFS's FSNamesystem metrics): the event
 * hdfs_blocks {under, missing} whenever the counts change, metrics
 * hdfs_under_replicated and hdfs_missing_blocks (now),
 * hdfs_under_replicated_max, hdfs_dead_datanodes (declarations) and the
 * series hdfs_rereplication_s (from a DataNode declared dead, or a block
 * completed short, to no block under-replicated). */
#include "models/hdfs/hdfs.h"
#include <string.h>

enum { TIMER_MONITOR = 1 };
/* Replicas the block map keeps per block: rf plus room for excess ones
 * before they are deleted. */
#define NN_MAX_HOLDERS (2 * HDFS_MAX_RF)

typedef struct {
  int64_t id, file, gen, size, op;
  guint rf;
  gboolean complete;
  SimTime completed_at;      /* local clock */
  guint nholders;
  int holders[NN_MAX_HOLDERS];
  int pipeline[HDFS_MAX_RF]; /* the targets given to the writer, for a resent AddBlock */
  guint npipeline;
} NnBlock;

typedef struct {
  HdfsDn dn;
  SimTime last_heard;   /* local clock */
  gboolean reported;    /* the last message of a full report came since it registered */
  int64_t reg;          /* the registration (incarnation) its heartbeats carry */
} NnDn;

typedef struct {
  int64_t block;
  int src, dst;
  SimTime deadline;     /* local clock */
} NnPending;

/* A command waiting for its DataNode's next heartbeat. */
typedef struct {
  int dn;
  gboolean transfer;    /* else invalidate */
  int64_t block, gen;
  int target;
} NnCmd;

typedef struct {
  HdfsPolicy policy;
  GPtrArray *blocks;    /* index id - 1, of NnBlock */
  GHashTable *files;    /* file → block id */
  GArray *dns;          /* of NnDn, sorted by id */
  GArray *pending;      /* of NnPending */
  GArray *cmds;         /* of NnCmd, in order */
  guint64 under, missing;
  SimTime episode;      /* when under+missing left 0, or -1 */
} Nn;

static void nn_free(gpointer p)
{
  Nn *n = p;
  g_ptr_array_unref(n->blocks);
  g_hash_table_unref(n->files);
  g_array_free(n->dns, TRUE);
  g_array_free(n->pending, TRUE);
  g_array_free(n->cmds, TRUE);
  g_free(n);
}

static NnBlock *block_get(Nn *n, int64_t id)
{
  if (id < 1 || id > (int64_t) n->blocks->len)
    return NULL;
  return g_ptr_array_index(n->blocks, id - 1);
}

static NnDn *dn_get(Nn *n, int id)
{
  for (guint i = 0; i < n->dns->len; i++)
    if (g_array_index(n->dns, NnDn, i).dn.id == id)
      return &g_array_index(n->dns, NnDn, i);
  return NULL;
}

/* The DataNodes as the pure functions take them. */
static HdfsDn *dn_table(Nn *n)
{
  HdfsDn *t = g_new(HdfsDn, n->dns->len ? n->dns->len : 1);
  for (guint i = 0; i < n->dns->len; i++)
    t[i] = g_array_index(n->dns, NnDn, i).dn;
  return t;
}

static guint live_count(Nn *n)
{
  guint c = 0;
  for (guint i = 0; i < n->dns->len; i++)
    c += g_array_index(n->dns, NnDn, i).dn.live;
  return c;
}

/* ---- the edit log ---------------------------------------------------------------- */

static void log_block(SimNode *node, const NnBlock *b)
{
  SimMsg rec = sim_record("block");
  sim_msg_set(&rec, "id", b->id);
  sim_msg_set(&rec, "file", b->file);
  sim_msg_set(&rec, "gen", b->gen);
  sim_msg_set(&rec, "size", b->size);
  sim_msg_set(&rec, "rf", b->rf);
  sim_msg_set(&rec, "complete", b->complete);
  sim_msg_set(&rec, "op", b->op);
  sim_log_append(node, &rec, TRUE);
}

/* Replays the edit log: the last record of each block wins. */
static void replay(SimNode *node, Nn *n)
{
  for (guint i = 0; i < sim_log_length(node); i++) {
    const SimMsg *rec = sim_log_get(node, i);
    int64_t id = sim_msg_get(rec, "id", 0);
    if (strcmp(rec->type, "block") != 0 || id < 1 || id > (int64_t) n->blocks->len + 1)
      continue;
    NnBlock *b = block_get(n, id);
    if (!b) {
      b = g_new0(NnBlock, 1);
      g_ptr_array_add(n->blocks, b);
    }
    b->id = id;
    b->file = sim_msg_get(rec, "file", 0);
    b->gen = sim_msg_get(rec, "gen", 1);
    b->size = sim_msg_get(rec, "size", 0);
    b->rf = (guint) sim_msg_get(rec, "rf", 1);
    b->complete = sim_msg_get(rec, "complete", 0) != 0;
    b->op = sim_msg_get(rec, "op", 0);
    g_hash_table_replace(n->files, g_memdup2(&b->file, sizeof b->file), g_memdup2(&b->id, sizeof b->id));
  }
}

/* ---- the block map ---------------------------------------------------------------- */

static gboolean holder_remove(NnBlock *b, int dn)
{
  for (guint i = 0; i < b->nholders; i++)
    if (b->holders[i] == dn) {
      memmove(&b->holders[i], &b->holders[i + 1], (b->nholders - i - 1) * sizeof(int));
      b->nholders--;
      return TRUE;
    }
  return FALSE;
}

static void queue_cmd(Nn *n, int dn, gboolean transfer, int64_t block, int64_t gen, int target)
{
  NnCmd c = { dn, transfer, block, gen, target };
  g_array_append_val(n->cmds, c);
}

/* Drops pending copy `i`, freeing its streams. */
static void pending_remove_at(Nn *n, guint i)
{
  NnPending *p = &g_array_index(n->pending, NnPending, i);
  NnDn *s = dn_get(n, p->src), *d = dn_get(n, p->dst);
  if (s && s->dn.streams_out)
    s->dn.streams_out--;
  if (d && d->dn.streams_in)
    d->dn.streams_in--;
  g_array_remove_index(n->pending, i);
}

/* A copy of `block` reached `dst`: its streams are free. */
static void pending_done(Nn *n, int64_t block, int dst)
{
  for (guint i = 0; i < n->pending->len; i++) {
    NnPending *p = &g_array_index(n->pending, NnPending, i);
    if (p->block == block && p->dst == dst) {
      pending_remove_at(n, i);
      return;
    }
  }
}

/* DataNode `dn` reports a replica of `block` with stamp `gen`. */
static void replica_reported(SimNode *node, Nn *n, int dn, int64_t block, int64_t gen)
{
  NnBlock *b = block_get(n, block);
  NnDn *d = dn_get(n, dn);
  if (!d || !d->dn.live)
    return;
  if (!b || gen < b->gen) {
    /* A replica of a deleted block or left behind by pipeline recovery. */
    queue_cmd(n, dn, FALSE, block, gen, -1);
    return;
  }
  pending_done(n, block, dn);
  holder_remove(b, dn);
  if (b->nholders < NN_MAX_HOLDERS)
    b->holders[b->nholders++] = dn;
  if (!b->complete || b->nholders <= b->rf)
    return;
  g_autofree HdfsDn *t = dn_table(n);
  guint x = hdfs_choose_excess(t, n->dns->len, b->holders, b->nholders);
  queue_cmd(n, b->holders[x], FALSE, block, b->gen, -1);
  holder_remove(b, b->holders[x]);
  (void) node;
}

/* ---- DataNode liveness --------------------------------------------------------------- */

/* Takes DataNode `d` out of the block map, its pending copies and its
 * queued commands. */
static void forget_replicas(Nn *n, NnDn *d)
{
  for (guint i = 0; i < n->blocks->len; i++)
    holder_remove(g_ptr_array_index(n->blocks, i), d->dn.id);
  for (guint i = n->pending->len; i-- > 0;) {
    NnPending *p = &g_array_index(n->pending, NnPending, i);
    if (p->src == d->dn.id || p->dst == d->dn.id)
      pending_remove_at(n, i);
  }
  for (guint i = n->cmds->len; i-- > 0;)
    if (g_array_index(n->cmds, NnCmd, i).dn == d->dn.id)
      g_array_remove_index(n->cmds, i);
  d->dn.streams_in = d->dn.streams_out = 0;
}

static void declare_dead(SimNode *node, Nn *n, NnDn *d)
{
  d->dn.live = FALSE;
  forget_replicas(n, d);
  sim_metric_add(sim_node_sim(node), "hdfs_dead_datanodes", 1);
  SimMsg ev = sim_record("hdfs_dn_dead");
  sim_msg_set(&ev, "dn", d->dn.id);
  sim_emit(node, &ev);
}

static void on_heartbeat(SimNode *node, Nn *n, const SimMsg *msg)
{
  NnDn *d = dn_get(n, msg->src);
  if (!d) {
    NnDn nd = { { msg->src, (int) sim_msg_get(msg, "rack", 0), FALSE, 0, 0 }, 0, FALSE, -1 };
    guint at = 0;
    while (at < n->dns->len && g_array_index(n->dns, NnDn, at).dn.id < msg->src)
      at++;
    g_array_insert_val(n->dns, at, nd);
    d = &g_array_index(n->dns, NnDn, at);
  }
  d->last_heard = sim_node_clock(node);
  d->dn.rack = (int) sim_msg_get(msg, "rack", d->dn.rack);
  int64_t reg = sim_msg_get(msg, "reg", 0);
  if (d->dn.live && reg != d->reg) {
    /* Restarted before it was declared dead: a new registration, whose
     * full block report replaces what the block map said it held. */
    forget_replicas(n, d);
    d->dn.live = FALSE;
    SimMsg ev = sim_record("hdfs_dn_restarted");
    sim_msg_set(&ev, "dn", d->dn.id);
    sim_emit(node, &ev);
  }
  d->reg = reg;
  if (!d->dn.live) {
    /* (Re-)registration: its replicas count again once it reports them. */
    d->dn.live = TRUE;
    d->reported = FALSE;
  }
  if (!d->reported)
    sim_send(node, msg->src, sim_msg_new(node, "SendReport"));
  for (guint i = 0; i < n->cmds->len;) {
    NnCmd *c = &g_array_index(n->cmds, NnCmd, i);
    if (c->dn != msg->src) {
      i++;
      continue;
    }
    SimMsg *m = sim_msg_new(node, c->transfer ? "Transfer" : "Invalidate");
    sim_msg_set(m, "block", c->block);
    sim_msg_set(m, "gen", c->gen);
    if (c->transfer)
      sim_msg_set(m, "target", c->target);
    sim_send(node, msg->src, m);
    g_array_remove_index(n->cmds, i);
  }
}

/* ---- the replication monitor ------------------------------------------------------------ */

static void publish_counts(SimNode *node, Nn *n, guint64 under, guint64 missing)
{
  Sim *sim = sim_node_sim(node);
  sim_metric_set(sim, "hdfs_under_replicated", (double) under);
  sim_metric_set(sim, "hdfs_missing_blocks", (double) missing);
  double max = 0;
  if (!sim_metric_get(sim, "hdfs_under_replicated_max", &max) || (double) under > max)
    sim_metric_set(sim, "hdfs_under_replicated_max", (double) under);
  if (under == n->under && missing == n->missing)
    return;
  if (under + missing > 0 && n->episode < 0)
    n->episode = sim_now(sim);
  if (under == 0 && n->episode >= 0) {
    sim_metric_sample(sim, "hdfs_rereplication_s", (double) (sim_now(sim) - n->episode) / SIM_S);
    n->episode = missing > 0 ? sim_now(sim) : -1;
  }
  n->under = under;
  n->missing = missing;
  SimMsg ev = sim_record("hdfs_blocks");
  sim_msg_set(&ev, "under", (int64_t) under);
  sim_msg_set(&ev, "missing", (int64_t) missing);
  sim_emit(node, &ev);
}

static void monitor(SimNode *node, Nn *n)
{
  SimTime now = sim_node_clock(node);
  SimTime dead_after = sim_node_param_duration(node, "dead_after");
  SimTime period = sim_node_param_duration(node, "replication_interval");
  for (guint i = 0; i < n->dns->len; i++) {
    NnDn *d = &g_array_index(n->dns, NnDn, i);
    if (d->dn.live && sim_time_sub_sat(now, d->last_heard) > dead_after)
      declare_dead(node, n, d);
  }
  for (guint i = n->pending->len; i-- > 0;) {
    NnPending *p = &g_array_index(n->pending, NnPending, i);
    if (p->deadline <= now)
      pending_remove_at(n, i);
  }
  g_autoptr(GArray) needs = g_array_new(FALSE, FALSE, sizeof(HdfsNeed));
  guint64 under = 0, missing = 0;
  for (guint i = 0; i < n->blocks->len; i++) {
    NnBlock *b = g_ptr_array_index(n->blocks, i);
    /* A block completed within the last round is not judged yet: the
     * incremental reports of its pipeline may still be on their way. */
    if (!b->complete || sim_time_sub_sat(now, b->completed_at) < period)
      continue;
    if (b->nholders == 0)
      missing++;
    else if (b->nholders < b->rf)
      under++;
    if (b->nholders == 0 || b->nholders >= b->rf)
      continue;
    HdfsNeed need = { b->id, b->rf, MIN(b->nholders, (guint) HDFS_MAX_RF), { 0 }, 0 };
    memcpy(need.holders, b->holders, need.nholders * sizeof(int));
    for (guint p = 0; p < n->pending->len; p++)
      need.pending += g_array_index(n->pending, NnPending, p).block == b->id;
    g_array_append_val(needs, need);
  }
  publish_counts(node, n, under, missing);
  if (!needs->len)
    return;
  g_autofree HdfsDn *t = dn_table(n);
  g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(HdfsTransfer));
  guint max_blocks = live_count(n) * (guint) sim_node_param_int(node, "work_multiplier");
  hdfs_schedule_replication((const HdfsNeed *) needs->data, needs->len, t, n->dns->len, n->policy,
                            (guint) sim_node_param_int(node, "max_streams"), max_blocks,
                            sim_node_rng(node), out);
  for (guint i = 0; i < n->dns->len; i++)
    g_array_index(n->dns, NnDn, i).dn = t[i];
  SimTime deadline = sim_time_add_sat(now, sim_node_param_duration(node, "pending_timeout"));
  for (guint i = 0; i < out->len; i++) {
    const HdfsTransfer *tr = &g_array_index(out, HdfsTransfer, i);
    NnPending p = { tr->block, tr->src, tr->dst, deadline };
    g_array_append_val(n->pending, p);
    queue_cmd(n, tr->src, TRUE, tr->block, block_get(n, tr->block)->gen, tr->dst);
  }
}

/* ---- client requests ---------------------------------------------------------------------- */

static void send_targets(SimNode *node, int to, const char *type, int64_t op, const NnBlock *b,
                         const int *targets, guint nt)
{
  static const char *const tf[] = { "t0", "t1", "t2", "t3", "t4" };
  SimMsg *m = sim_msg_new(node, type);
  sim_msg_set(m, "op", op);
  sim_msg_set(m, "block", b ? b->id : 0);
  sim_msg_set(m, "gen", b ? b->gen : 0);
  for (guint i = 0; i < HDFS_MAX_RF; i++)
    sim_msg_set(m, tf[i], i < nt ? targets[i] : -1);
  sim_send(node, to, m);
}

static void on_add_block(SimNode *node, Nn *n, const SimMsg *msg)
{
  int64_t op = sim_msg_get(msg, "op", 0), file = sim_msg_get(msg, "file", 0);
  const gint64 *id = g_hash_table_lookup(n->files, &file);
  if (id) {
    NnBlock *b = block_get(n, *id);
    gboolean same = b && b->op == op && !b->complete; /* a resent request */
    send_targets(node, msg->src, "Located", op, same ? b : NULL, same ? b->pipeline : NULL, same ? b->npipeline : 0);
    return;
  }
  guint rf = (guint) CLAMP(sim_msg_get(msg, "rf", 3), 1, HDFS_MAX_RF);
  g_autofree HdfsDn *t = dn_table(n);
  int chosen[HDFS_MAX_RF];
  guint nt = hdfs_choose_targets(n->policy, t, n->dns->len, NULL, (int) sim_msg_get(msg, "writer", -1),
                                 chosen, 0, rf, sim_node_rng(node));
  if (nt == 0) {
    send_targets(node, msg->src, "Located", op, NULL, NULL, 0);
    return;
  }
  NnBlock *b = g_new0(NnBlock, 1);
  b->id = (int64_t) n->blocks->len + 1;
  b->file = file;
  b->gen = 1;
  b->size = sim_msg_get(msg, "size", 0);
  b->rf = rf;
  b->op = op;
  memcpy(b->pipeline, chosen, nt * sizeof(int));
  b->npipeline = nt;
  g_ptr_array_add(n->blocks, b);
  g_hash_table_replace(n->files, g_memdup2(&file, sizeof file), g_memdup2(&b->id, sizeof b->id));
  log_block(node, b);
  send_targets(node, msg->src, "Located", op, b, chosen, nt);
}

static void on_update_pipeline(SimNode *node, Nn *n, const SimMsg *msg)
{
  NnBlock *b = block_get(n, sim_msg_get(msg, "block", 0));
  if (!b || b->complete)
    return;
  if (b->gen == sim_msg_get(msg, "gen", 0)) {
    b->gen++;
    b->nholders = 0; /* replicas with the old stamp no longer count */
    log_block(node, b);
  }
  SimMsg *m = sim_msg_new(node, "NewGen");
  sim_msg_set(m, "op", sim_msg_get(msg, "op", 0));
  sim_msg_set(m, "block", b->id);
  sim_msg_set(m, "gen", b->gen);
  sim_send(node, msg->src, m);
}

static void on_complete(SimNode *node, Nn *n, const SimMsg *msg)
{
  NnBlock *b = block_get(n, sim_msg_get(msg, "block", 0));
  if (!b || b->gen != sim_msg_get(msg, "gen", 0))
    return;
  if (!b->complete) {
    if (b->nholders == 0)
      return; /* not yet: the client asks again */
    b->complete = TRUE;
    b->completed_at = sim_node_clock(node);
    log_block(node, b);
    SimMsg ev = sim_record("hdfs_block_complete");
    sim_msg_set(&ev, "block", b->id);
    sim_msg_set(&ev, "rf", b->rf);
    sim_msg_set(&ev, "gen", b->gen);
    sim_emit(node, &ev);
  }
  SimMsg *m = sim_msg_new(node, "Completed");
  sim_msg_set(m, "op", sim_msg_get(msg, "op", 0));
  sim_send(node, msg->src, m);
}

static void on_get_locations(SimNode *node, Nn *n, const SimMsg *msg)
{
  int64_t file = sim_msg_get(msg, "file", 0);
  const gint64 *id = g_hash_table_lookup(n->files, &file);
  NnBlock *b = id ? block_get(n, *id) : NULL;
  if (b && !b->complete)
    b = NULL;
  int locs[HDFS_MAX_RF];
  guint nl = b ? MIN(b->nholders, (guint) HDFS_MAX_RF) : 0;
  for (guint i = 0; i < nl; i++)
    locs[i] = b->holders[i];
  /* Shuffled, as HDFS sorts replicas by distance to a reader on no rack. */
  for (guint i = nl; i > 1; i--) {
    guint j = (guint) sim_rng_below(sim_node_rng(node), i);
    int x = locs[i - 1];
    locs[i - 1] = locs[j];
    locs[j] = x;
  }
  send_targets(node, msg->src, "Locations", sim_msg_get(msg, "op", 0), b, locs, nl);
}

static void on_block_received(SimNode *node, Nn *n, const SimMsg *msg)
{
  int64_t block = sim_msg_get(msg, "block", 0), gen = sim_msg_get(msg, "gen", 0);
  replica_reported(node, n, msg->src, block, gen);
  SimMsg *ack = sim_msg_new(node, "ReceivedAck");
  sim_msg_set(ack, "block", block);
  sim_msg_set(ack, "gen", gen);
  sim_send(node, msg->src, ack);
}

static void on_block_report(SimNode *node, Nn *n, const SimMsg *msg)
{
  static const char *const bf[] = { "b0", "b1", "b2" }, *const gf[] = { "g0", "g1", "g2" };
  int64_t k = CLAMP(sim_msg_get(msg, "n", 0), 0, 3);
  for (int64_t j = 0; j < k; j++)
    replica_reported(node, n, msg->src, sim_msg_get(msg, bf[j], 0), sim_msg_get(msg, gf[j], 0));
  NnDn *d = dn_get(n, msg->src);
  if (d && d->dn.live && sim_msg_get(msg, "left", 0) == 0)
    d->reported = TRUE;
}

/* ---- the model ------------------------------------------------------------------------------ */

static void nn_start(SimNode *node)
{
  Nn *n = g_new0(Nn, 1);
  n->blocks = g_ptr_array_new_with_free_func(g_free);
  n->files = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  n->dns = g_array_new(FALSE, FALSE, sizeof(NnDn));
  n->pending = g_array_new(FALSE, FALSE, sizeof(NnPending));
  n->cmds = g_array_new(FALSE, FALSE, sizeof(NnCmd));
  n->episode = -1;
  sim_node_set_data(node, n, nn_free);
  if (!hdfs_policy_parse(sim_node_param_string(node, "placement"), &n->policy)) {
    sim_fail(sim_node_sim(node), "node '%s' (hdfs.namenode): parameter 'placement' must be rack_aware or random",
             sim_node_name(node));
    return;
  }
  replay(node, n);
  hdfs_truth_attach(node, sim_node_param_bool(node, "stop_on_loss"));
  Sim *sim = sim_node_sim(node);
  sim_metric_add(sim, "hdfs_dead_datanodes", 0);
  sim_metric_add(sim, "hdfs_bytes_moved", 0);
  publish_counts(node, n, 0, 0);
  sim_timer_after(node, sim_node_param_duration(node, "replication_interval"), TIMER_MONITOR);
}

static void nn_on_message(SimNode *node, const SimMsg *msg)
{
  Nn *n = sim_node_data(node);
  if (!n)
    return;
  const char *t = msg->type;
  if (strcmp(t, "Heartbeat") == 0)
    on_heartbeat(node, n, msg);
  else if (strcmp(t, "BlockReceived") == 0)
    on_block_received(node, n, msg);
  else if (strcmp(t, "BlockReport") == 0)
    on_block_report(node, n, msg);
  else if (strcmp(t, "AddBlock") == 0)
    on_add_block(node, n, msg);
  else if (strcmp(t, "UpdatePipeline") == 0)
    on_update_pipeline(node, n, msg);
  else if (strcmp(t, "Complete") == 0)
    on_complete(node, n, msg);
  else if (strcmp(t, "GetLocations") == 0)
    on_get_locations(node, n, msg);
}

static void nn_on_timer(SimNode *node, uint64_t tag)
{
  Nn *n = sim_node_data(node);
  if (!n || tag != TIMER_MONITOR)
    return;
  monitor(node, n);
  sim_timer_after(node, sim_node_param_duration(node, "replication_interval"), TIMER_MONITOR);
}

static const SimParamSpec nn_params[] = {
  { "placement", SIM_PARAM_STRING, "rack_aware", "block placement: rack_aware (HDFS's default policy) or random", 0, 0 },
  { "dead_after", SIM_PARAM_DURATION, "630s", "a DataNode silent this long is dead (HDFS: 2 x heartbeat.recheck-interval + 10 x heartbeat.interval)", 0.001, 3.15e9 },
  { "replication_interval", SIM_PARAM_DURATION, "3s", "the replication monitor's period (dfs.namenode.replication.interval)", 0.001, 3.15e9 },
  { "max_streams", SIM_PARAM_INT, "2", "copies a DataNode sends, and receives, at once (dfs.namenode.replication.max-streams)", 1, 1000 },
  { "work_multiplier", SIM_PARAM_INT, "2", "blocks scheduled per round per live DataNode (dfs.namenode.replication.work.multiplier.per.iteration)", 1, 1000 },
  { "pending_timeout", SIM_PARAM_DURATION, "300s", "a scheduled copy not reported by then is scheduled again (dfs.namenode.reconstruction.pending.timeout-sec)", 0.001, 3.15e9 },
  { "stop_on_loss", SIM_PARAM_BOOL, "false", "stop the run when the first block is lost (for time-to-data-loss runs)", 0, 0 },
  { NULL },
};

const SimModel model_hdfs_namenode = {
  .name = "hdfs.namenode",
  .summary = "HDFS NameNode: namespace, block map from block reports, dead DataNode detection, rate-limited re-replication, rack-aware or random placement",
  .params = nn_params,
  .init = nn_start,
  .on_message = nn_on_message,
  .on_timer = nn_on_timer,
};
