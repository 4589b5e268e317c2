/* What really happened to the blocks (hdfs.h, "what really happened"): a
 * mirror of every DataNode's replicas built from their protocol events and
 * the crashes and restarts in the trace, so durability is judged in real
 * time and not by what the NameNode believes. The counts are kept up to
 * date at every change and written as metrics at once, so nothing has to
 * run at the end. */
#include "models/hdfs/hdfs.h"
#include <string.h>

#define TRUTH_ATTACHED_KEY "hdfs_truth.attached"
/* Block ids are dense from 1; an event naming one far beyond the largest
 * seen is not a real block and is ignored, so the table stays bounded. */
#define TRUTH_MAX_GAP 65536

/* A copy of a block on a node, with its generation stamp: one older than
 * the complete block's was left behind by pipeline recovery and is not a
 * copy of the block's data (HDFS deletes it as stale). */
typedef struct {
  int node;
  int64_t gen;
} Copy;

typedef enum { B_UNKNOWN, B_OK, B_UNDER, B_MISSING, B_LOST } BlockState;

typedef struct {
  GArray *holders;   /* the copies, of Copy */
  guint rf;          /* from hdfs_block_complete; 0 until then */
  int64_t gen;       /* the complete block's generation stamp */
  BlockState state;  /* B_UNKNOWN until complete */
} TruthBlock;

typedef struct {
  Sim *sim;
  GArray *blocks;    /* index = block id, of TruthBlock */
  GArray *wipe;      /* index = node id, of gboolean: a crash destroys its replicas */
  guint64 count[B_LOST + 1];
  SimTime first_loss; /* -1: none */
  gboolean stop_on_loss;
} HdfsTruth;

static void publish(HdfsTruth *t)
{
  sim_metric_set(t->sim, "hdfs_blocks_lost", (double) t->count[B_LOST]);
  sim_metric_set(t->sim, "hdfs_missing_now", (double) t->count[B_MISSING]);
  sim_metric_set(t->sim, "hdfs_truth_under_replicated", (double) t->count[B_UNDER]);
  if (t->first_loss >= 0)
    sim_metric_set(t->sim, "hdfs_first_loss_s", (double) t->first_loss / SIM_S);
}

/* Puts block `b` in the state its holders say, moving the counts. A lost
 * block stays lost: nothing can bring back a copy that no longer exists. */
static void classify(HdfsTruth *t, TruthBlock *b)
{
  if (b->rf == 0 || b->state == B_LOST)
    return;
  guint up = 0, copies = 0;
  for (guint h = 0; h < b->holders->len; h++) {
    const Copy *c = &g_array_index(b->holders, Copy, h);
    if (c->gen < b->gen)
      continue;
    copies++;
    if (sim_node_state(sim_node(t->sim, c->node)) != SIM_NODE_CRASHED)
      up++;
  }
  BlockState s = copies == 0 ? B_LOST : up == 0 ? B_MISSING : up < b->rf ? B_UNDER : B_OK;
  if (s == b->state)
    return;
  t->count[b->state]--;
  t->count[s]++;
  b->state = s;
  if (s == B_LOST && t->first_loss < 0) {
    t->first_loss = sim_now(t->sim);
    if (t->stop_on_loss)
      sim_stop(t->sim);
  }
  publish(t);
}

static TruthBlock *block_at(HdfsTruth *t, int64_t id)
{
  if (id <= 0 || id > (int64_t) t->blocks->len + TRUTH_MAX_GAP)
    return NULL;
  while ((int64_t) t->blocks->len <= id) {
    TruthBlock b = { g_array_new(FALSE, FALSE, sizeof(Copy)), 0, 0, B_UNKNOWN };
    g_array_append_val(t->blocks, b);
    t->count[B_UNKNOWN]++;
  }
  return &g_array_index(t->blocks, TruthBlock, id);
}

static gboolean holder_remove(TruthBlock *b, int node)
{
  for (guint i = 0; i < b->holders->len; i++)
    if (g_array_index(b->holders, Copy, i).node == node) {
      g_array_remove_index(b->holders, i);
      return TRUE;
    }
  return FALSE;
}

/* A crash (wiping the node's replicas if its disk goes with it) or a
 * restart: every block it holds changes state. */
static void on_node(HdfsTruth *t, int node, gboolean crash)
{
  gboolean wipe = crash && node >= 0 && (guint) node < t->wipe->len && g_array_index(t->wipe, gboolean, node);
  for (guint i = 1; i < t->blocks->len; i++) {
    TruthBlock *b = &g_array_index(t->blocks, TruthBlock, i);
    gboolean held = FALSE;
    for (guint h = 0; h < b->holders->len && !held; h++)
      held = g_array_index(b->holders, Copy, h).node == node;
    if (!held)
      continue;
    if (wipe)
      holder_remove(b, node);
    classify(t, b);
  }
}

static void observe(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) sim;
  HdfsTruth *t = data;
  if (ev->kind == SIM_TR_CRASH || ev->kind == SIM_TR_RESTART) {
    on_node(t, ev->node, ev->kind == SIM_TR_CRASH);
    return;
  }
  if (ev->kind != SIM_TR_EVENT || !ev->msg || ev->node < 0 || strncmp(ev->msg->type, "hdfs_", 5) != 0)
    return;
  const SimMsg *m = ev->msg;
  if (strcmp(m->type, "hdfs_disk") == 0) {
    while (t->wipe->len <= (guint) ev->node) {
      gboolean no = FALSE;
      g_array_append_val(t->wipe, no);
    }
    g_array_index(t->wipe, gboolean, ev->node) = sim_msg_get(m, "wipe", 0) != 0;
    return;
  }
  TruthBlock *b = block_at(t, sim_msg_get(m, "block", 0));
  if (!b)
    return;
  if (strcmp(m->type, "hdfs_replica") == 0) {
    holder_remove(b, ev->node);
    Copy c = { ev->node, sim_msg_get(m, "gen", 0) };
    g_array_append_val(b->holders, c);
  } else if (strcmp(m->type, "hdfs_replica_del") == 0) {
    holder_remove(b, ev->node);
  } else if (strcmp(m->type, "hdfs_block_complete") == 0) {
    b->rf = (guint) CLAMP(sim_msg_get(m, "rf", 1), 1, HDFS_MAX_RF);
    b->gen = sim_msg_get(m, "gen", 0);
  }
  classify(t, b);
}

static void truth_free(gpointer p)
{
  HdfsTruth *t = p;
  for (guint i = 0; i < t->blocks->len; i++)
    g_array_free(g_array_index(t->blocks, TruthBlock, i).holders, TRUE);
  g_array_free(t->blocks, TRUE);
  g_array_free(t->wipe, TRUE);
  g_free(t);
}

static void never(Sim *sim, void *data)
{
  (void) sim;
  (void) data;
}

void hdfs_truth_attach(SimNode *namenode, gboolean stop_on_loss)
{
  Sim *sim = sim_node_sim(namenode);
  for (guint i = 0; i < sim_node_count(sim); i++)
    if (sim_durable_get(sim_node(sim, (int) i), TRUTH_ATTACHED_KEY, NULL))
      return;
  sim_durable_set(namenode, TRUTH_ATTACHED_KEY, 1);
  HdfsTruth *t = g_new0(HdfsTruth, 1);
  t->sim = sim;
  t->blocks = g_array_new(FALSE, TRUE, sizeof(TruthBlock));
  t->wipe = g_array_new(FALSE, TRUE, sizeof(gboolean));
  t->first_loss = -1;
  t->stop_on_loss = stop_on_loss;
  block_at(t, 0 + 1); /* index 0 is no block; ids start at 1 */
  sim_add_observer(sim, observe, t);
  sim_schedule(sim, SIM_TIME_MAX, never, t, truth_free);
  publish(t);
}
