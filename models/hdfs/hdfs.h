/* HDFS-style block storage (models/hdfs/), after the HDFS Architecture
 * Guide (hadoop.apache.org/docs/stable/hadoop-project-dist/hadoop-hdfs/
 * HdfsDesign.html) and hdfs-default.xml:
 *
 *   hdfs.namenode  the one NameNode (a designated node; no HA): the file →
 *                  block map, block locations learnt from DataNodes, the
 *                  heartbeat monitor that declares a DataNode dead, and the
 *                  replication monitor that re-replicates under-replicated
 *                  blocks (hdfs_namenode.c)
 *   hdfs.datanode  stores replicas, heartbeats, sends block reports, takes
 *                  part in write pipelines and copies blocks when told
 *                  (hdfs_datanode.c)
 *   hdfs.client    writes a file of one block through a pipeline
 *                  dn1 → dn2 → dn3 with acks back, recovers the pipeline
 *                  without a failed DataNode, reads from a live replica
 *                  (hdfs_client.c)
 *
 * The decisions are pure functions over plain arrays so CUnit can test them
 * on hand-built clusters: block placement (hdfs_placement.c) and the
 * scheduling of re-replication work (hdfs_replication.c). What really
 * happened to the replicas — which are lost, which unreadable — is judged
 * from the DataNodes' protocol events by hdfs_truth.c, never from the
 * NameNode's view. */
#pragma once
#include "sim/kernel/model.h"

/* A block has at most this many replicas: the pipeline's DataNodes travel
 * as message fields, and a message has eight. */
#define HDFS_MAX_RF 5

typedef enum { HDFS_PLACE_RACK_AWARE, HDFS_PLACE_RANDOM } HdfsPolicy;

/* FALSE (and *out untouched) if `text` names no policy. */
gboolean hdfs_policy_parse(const char *text, HdfsPolicy *out);

/* A DataNode as the NameNode's decisions see it. `ok` says it may take a
 * new replica now (live, and for re-replication not at its stream limit);
 * the stream counts are what the scheduler charges. */
typedef struct {
  int id;                /* node id */
  int rack;
  gboolean live;         /* registered and not declared dead */
  guint streams_out;     /* re-replication copies it is sending */
  guint streams_in;      /* copies it is receiving */
} HdfsDn;

/* ---- placement (hdfs_placement.c) ----------------------------------------- */

/* Chooses up to `want` more DataNodes for a block that already has replicas
 * on `chosen[0..nchosen)` (none for a new block), as HDFS's chooseTarget
 * does, and appends them to `chosen` (room for HDFS_MAX_RF). A node is a
 * candidate when `ok[i]` is TRUE (ok may be NULL: every live node) and it is
 * not already in `chosen`. Rack-aware (BlockPlacementPolicyDefault): the
 * first replica on `writer` if it is a candidate, else a random one; the
 * second on a rack other than the first's; the third on the second's rack
 * when the first two are on different racks, else on a third rack; more at
 * random. Each rule falls back to any candidate when no node fits it.
 * Random: uniform among the candidates. Returns the new count of `chosen`
 * (fewer than nchosen + want when candidates run out). Draws from `rng`
 * only when there is a choice to make. */
guint hdfs_choose_targets(HdfsPolicy policy, const HdfsDn *dns, guint ndns, const gboolean *ok,
                          int writer, int *chosen, guint nchosen, guint want, SimRng *rng);

/* Of the replicas on `holders[0..n)` (n > rf), the one to delete: HDFS's
 * chooseExcessReplicates removes from a rack that holds more than one
 * replica when there is one, so the rack spread survives. Returns an index
 * into holders (the last such holder: the newest). */
guint hdfs_choose_excess(const HdfsDn *dns, guint ndns, const int *holders, guint n);

/* The rack of node `id` in `dns`, or -1. */
int hdfs_rack_of(const HdfsDn *dns, guint ndns, int id);

/* ---- re-replication scheduling (hdfs_replication.c) ----------------------- */

/* HDFS's LowRedundancyBlocks queues, highest first: a block with one
 * replica left; one with fewer than a third of its replicas; any other
 * under-replicated block. A block with none left is missing (it cannot be
 * copied); one with enough is not queued. */
enum { HDFS_PRIO_HIGHEST = 0, HDFS_PRIO_VERY_UNDER = 1, HDFS_PRIO_UNDER = 2,
       HDFS_PRIO_MISSING = 3, HDFS_PRIO_NONE = -1 };
int hdfs_repl_priority(guint live, guint pending, guint rf);

/* A block the replication monitor looks at. */
typedef struct {
  int64_t block;
  guint rf;
  guint nholders;            /* live replicas */
  int holders[HDFS_MAX_RF];  /* their node ids (more than rf: only the first rf) */
  guint pending;             /* copies already scheduled and not yet reported */
} HdfsNeed;

/* One copy to make: `src` sends `block` to `dst`. */
typedef struct {
  int64_t block;
  int src, dst;
} HdfsTransfer;

/* One round of the replication monitor (computeReplicationWork): takes at
 * most `max_blocks` blocks (dfs.namenode.replication.work.multiplier.per.
 * iteration × live DataNodes) from `needs` in priority order (ties: block
 * id), and for each schedules the missing copies: the source is a random
 * live holder sending fewer than `max_streams` copies
 * (dfs.namenode.replication.max-streams), the targets chosen by `policy`
 * among live DataNodes receiving fewer than `max_streams` copies. A block
 * without such a source or target waits for the next round. Charges the
 * streams in `dns`, appends the copies to `out` (of HdfsTransfer) and
 * returns how many blocks it scheduled. */
guint hdfs_schedule_replication(const HdfsNeed *needs, guint nneeds, HdfsDn *dns, guint ndns,
                                HdfsPolicy policy, guint max_streams, guint max_blocks,
                                SimRng *rng, GArray *out);

/* ---- what really happened (hdfs_truth.c) ---------------------------------- */

/* The DataNodes emit
 *   hdfs_disk        {wipe}          at start and restart: 1 if a crash
 *                                    destroys this node's replicas
 *   hdfs_replica     {block, gen}    a replica is stored (or its generation
 *                                    stamp moved on)
 *   hdfs_replica_del {block}         a replica was deleted
 * and the NameNode hdfs_block_complete {block, rf, gen} when a file's block
 * is complete. A copy with an older generation stamp than the complete
 * block's (left behind by pipeline recovery) does not count. The tracker
 * mirrors every node's replicas from these events and the crashes and
 * restarts. A complete block is lost when no copy
 * exists any more (the last disk holding one was wiped or it was deleted),
 * missing when no copy is on a node that is up, under-replicated when
 * fewer than rf are. It keeps the metrics hdfs_blocks_lost,
 * hdfs_missing_now, hdfs_truth_under_replicated and (after a loss)
 * hdfs_first_loss_s current; with `stop_on_loss` the run stops at the
 * first loss. Attached by the first NameNode to start (a durable mark
 * keeps a restarted one from attaching again), freed with the Sim. */
void hdfs_truth_attach(SimNode *namenode, gboolean stop_on_loss);

/* ---- shared by the three models ------------------------------------------- */

extern const SimModel model_hdfs_namenode;
extern const SimModel model_hdfs_datanode;
extern const SimModel model_hdfs_client;

/* Whether `id`, read from a message field, names a node of the run: a
 * field from another model is checked before anything is sent to it. */
static inline gboolean hdfs_is_node(SimNode *self, int64_t id)
{
  return id >= 0 && id < (int64_t) sim_node_count(sim_node_sim(self));
}

/* Parses a byte size parameter ("128MB", "64kB", "1000"): FALSE if bad or
 * not in [1, HDFS_MAX_BLOCK]. A block is one message, whose size is 32-bit. */
#define HDFS_MAX_BLOCK UINT64_C(2000000000)
gboolean hdfs_size_parse(const char *text, uint64_t *bytes);
