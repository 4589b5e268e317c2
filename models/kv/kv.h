/* The replicated key-value store family (models/kv/): shared pieces.
 *
 * Two stores run on the same parts:
 *   kv.quorum / kv.quorum.client  Dynamo-style N/R/W quorums, last writer
 *                                 wins by (timestamp, write id), the
 *                                 timestamp from a read of R replicas or
 *                                 from the coordinator's clock, read
 *                                 repair, optional sloppy quorum with hinted
 *                                 handoff, and membership change (a node
 *                                 joins, or leaves when kv.quorum.admin
 *                                 tells it to) with key-range handoff.
 *   kv.abd / kv.abd.client        the multi-writer ABD atomic register, one
 *                                 register per key, majority quorums.
 * In both the client is the coordinator: it computes each key's preference
 * list from the ring (models/ring) and talks to the replicas directly.
 *
 * This header declares the shared modules:
 *   kv_store.c    a versioned map kept in durable node state
 *   kv_members.c  membership views and the ring built from them
 *   kv_metrics.c  end-of-run metrics: availability, stale reads, divergence
 *   kv_lincheck.c the in-memory history handed to the linearizability checker */
#pragma once
#include "models/ring/ring.h"
#include "sim/kernel/model.h"

extern const SimModel model_kv_quorum;
extern const SimModel model_kv_quorum_client;
extern const SimModel model_kv_quorum_admin;
extern const SimModel model_kv_abd;
extern const SimModel model_kv_abd_client;

/* ---- versions ---- */

/* A version: a timestamp, then a tie-break unique to the write (the
 * operation id of the write that made it; 0 for preloaded cells). A missing
 * value has version KV_NONE, older than every write. */
typedef struct {
  int64_t ts;
  int64_t nid;
} KvVersion;

#define KV_NONE ((KvVersion) { 0, -1 })

/* <0, 0, >0 as a is older than, equal to, newer than b. */
static inline int kv_version_cmp(KvVersion a, KvVersion b)
{
  if (a.ts != b.ts)
    return a.ts < b.ts ? -1 : 1;
  return a.nid < b.nid ? -1 : a.nid > b.nid ? 1 : 0;
}

/* A stored cell: a version and, unless has == FALSE, an integer value. */
typedef struct {
  KvVersion version;
  gboolean has;
  int64_t value;
} KvCell;

/* Writes `cell` as fields ts, nid, has, val of `msg`; reads them back
 * (a message without them reads as an empty cell of version KV_NONE). */
void kv_cell_to_msg(SimMsg *msg, const KvCell *cell);
KvCell kv_cell_from_msg(const SimMsg *msg);

/* ---- the durable store (kv_store.c) ---- */

/* A node's key → cell map. Every change is written through to durable state
 * (sim_durable_set), so the store survives crashes; kv_store_open rebuilds
 * the in-memory index from it. Deleting keeps a tombstone-free durable
 * record marked absent. */
typedef struct KvStore KvStore;

/* Opens the store of `node` (empty at the first start, else as it was
 * before the crash). */
KvStore *kv_store_open(SimNode *node);
void kv_store_free(KvStore *store);
/* The cell of `key`; an empty cell (has FALSE, KV_NONE) when absent. */
KvCell kv_store_get(const KvStore *store, int64_t key);
gboolean kv_store_contains(const KvStore *store, int64_t key);
/* Keeps `cell` if it is newer than what the store holds. Returns TRUE when
 * the store changed. */
gboolean kv_store_merge(KvStore *store, int64_t key, const KvCell *cell);
/* Forgets `key` (after its range moved away). */
void kv_store_delete(KvStore *store, int64_t key);
/* The keys held, ascending; a new array of int64_t. */
GArray *kv_store_keys(const KvStore *store);
/* Every key the store ever held, also those deleted since; ascending, a new
 * array of int64_t. */
GArray *kv_store_known_keys(const KvStore *store);
guint kv_store_size(const KvStore *store);

/* ---- membership and placement (kv_members.c) ---- */

/* A membership view: server node ids (ascending) and the ring over their
 * names, built with the algorithm and vnodes of the servers' parameters
 * `ring` and `vnodes`. */
typedef struct KvRing KvRing;

/* A ring over `n` server ids of `sim` (n >= 1); the ring settings come from
 * the first server's parameters. NULL with `error` on a bad algorithm. */
KvRing *kv_ring_new(Sim *sim, const int *ids, guint n, GError **error);
void kv_ring_free(KvRing *ring);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KvRing, kv_ring_free)
/* A copy with server `id` added (ids stay ascending). */
KvRing *kv_ring_with(const KvRing *ring, int id, GError **error);
/* A copy without server `id`; NULL with `error` if none would be left. */
KvRing *kv_ring_without(const KvRing *ring, int id, GError **error);
/* Keeps the view's ids in `node`'s durable state (m:n, m:<i>); reads them
 * back (NULL if none was saved or the saved ids are not nodes of the run). */
void kv_ring_save(SimNode *node, const KvRing *ring);
KvRing *kv_ring_load(SimNode *node);
guint kv_ring_size(const KvRing *ring);
const int *kv_ring_ids(const KvRing *ring);
gboolean kv_ring_has(const KvRing *ring, int id);
/* Writes the first min(n, size) node ids of `key`'s preference list to
 * out[], primary first; returns how many. */
guint kv_ring_preference(const KvRing *ring, int64_t key, guint n, int *out);

/* TRUE once a kv.quorum server has begun to leave (durable "leave_at"): from
 * then on it is no member of any view built by kv_initial_members. */
gboolean kv_node_has_left(SimNode *node);
/* The initial membership: every node of `sim` running `model` whose BOOL
 * parameter `join` (if the model declares it) is false, plus, when
 * `include_joined`, those with join = true too; never a node that has left.
 * Ascending ids. */
GArray *kv_initial_members(Sim *sim, const SimModel *model, gboolean include_joined);
/* Builds the ring for kv_initial_members, or NULL when it is empty. An
 * unknown `ring` algorithm is reported as a violation of invariant kv_config
 * and replaced by vnodes. */
KvRing *kv_initial_ring(Sim *sim, const SimModel *model, gboolean include_joined);
/* The id of the first node of `sim` running `model`, or -1. */
int kv_first_node(Sim *sim, const SimModel *model);
/* For a client of `server`: the replicas per key (N, 1..64) the first
 * server declares; 0 after reporting with sim_fail that the scenario has no
 * such server. */
guint kv_client_replicas(SimNode *client, const SimModel *server);

/* ---- end-of-run metrics (kv_metrics.c) ---- */

/* Sets PREFIX_read_availability and PREFIX_write_availability: the share
 * of reads / writes invoked by `clients` that completed ok (ops still
 * pending at the end are left out), and counts of each outcome. */
void kv_metrics_availability(Sim *sim, SimNode *const *clients, guint n, const char *prefix);
/* The real-time stale-read check (sim/check/check_kv.h) over the history of
 * `clients`: declares invariant `stale_read` and records one violation per
 * stale read, at the time the read returned; sets PREFIX_stale_reads (the
 * same count) and PREFIX_reads_checked (ok reads). Returns the count. */
guint64 kv_check_stale_reads(Sim *sim, SimNode *const *clients, guint n, const char *prefix);
/* Keys whose replicas (under `ring`, `replicas` copies) hold different
 * cells at the end; sets PREFIX_divergent_keys and PREFIX_keys. */
guint64 kv_metrics_divergence(Sim *sim, SimNode *const *servers, guint n,
                              const KvRing *ring, guint replicas, const char *prefix);

/* Replication at the end: over every key any of `servers` ever stored,
 * counts those held by fewer than min(replicas, members) of their preferred
 * replicas under `ring` (PREFIX_under_replicated_keys) and by none of them
 * (PREFIX_lost_keys). Returns the under-replicated count. */
guint64 kv_metrics_replication(Sim *sim, SimNode *const *servers, guint n,
                               const KvRing *ring, guint replicas, const char *prefix);

/* ---- linearizability of the in-memory history (kv_lincheck.c) ---- */

/* Checks the operations of `clients` in the run's history against the
 * register model (cas-register when any of them is a cas), key by key,
 * within `max_steps` model steps (0 = no bound). Declares invariant
 * `name`; records a violation when the history is not linearizable, and
 * sets metric PREFIX_lincheck (1 linearizable, 0 not, -1 undecided within
 * the bound). */
void kv_lincheck_history(Sim *sim, SimNode *const *clients, guint n, guint64 max_steps,
                         const char *name, const char *prefix);
