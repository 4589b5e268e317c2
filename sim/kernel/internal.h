/* Kernel-private structures shared by the files of sim/ (never by models).
 * Models go through sim.h; this header exists so the kernel can be split into
 * small files with one job each. */
#pragma once
#include "sim/kernel/errors.h"
#include "sim/kernel/histogram.h"
#include "sim/kernel/queue.h"
#include "sim/kernel/model.h"
#include "sim/kernel/sim.h"

typedef enum {
  EV_FREE,
  EV_DELIVER,    /* a message arrives at node */
  EV_TIMER,      /* a model timer fires */
  EV_CALL,       /* a kernel or scenario callback */
  EV_OP_TIMEOUT, /* a client operation's deadline */
  EV_NODE_START, /* a node's init */
  EV_RETRY,      /* a client's retry of an operation, after its backoff */
} SimEventKind;

/* A message in flight (wire.c): a SimMsg without its unused field slots;
 * the destination, source and layout are in its delivery's SimEvent. */
typedef struct SimWire {
  union {
    const char *type;
    struct SimWire *next_free; /* in the pool */
  };
  uint64_t id;
  SimTime sent_at;
  SimField fields[];
  /* then: the size as a uint64 if SIM_WIRE_SIZE, the payload pointer if
   * SIM_WIRE_PAYLOAD */
} SimWire;

/* A wire record's layout byte. */
#define SIM_WIRE_NFIELDS 0x0f  /* its field count, 0..SIM_MSG_MAX_FIELDS */
#define SIM_WIRE_SIZE 0x10     /* it has an explicit size */
#define SIM_WIRE_PAYLOAD 0x20  /* it has a payload */
#define SIM_WIRE_INLINE 0x40   /* it sits in its delivery's slot (SimDlvSlot) */
#define SIM_WIRE_CLASSES ((SIM_MSG_MAX_FIELDS * 16 + 16) / 8 + 1)

/* Packs `msg` into a new wire record and sets *info to its layout. The
 * payload moves to the record (msg keeps none), or with `copy_payload` the
 * record gets a copy, charged to the memory budget. With `room` (not NULL)
 * a record of at most SIM_WIRE_INLINE_BYTES is built there instead of in
 * the pool (SIM_WIRE_INLINE in *info). */
SimWire *sim_wire_pack(Sim *sim, SimMsg *msg, gboolean copy_payload, uint8_t *info, void *room);
/* The bytes of the wire record `msg` would make. */
size_t sim_wire_size(const SimMsg *msg);
/* The message as the receiver sees it; the payload stays the record's. */
void sim_wire_unpack(const SimWire *w, uint8_t info, int src, int dst, SimMsg *out);
/* Returns the record to the pool, freeing (and uncharging) its payload. */
void sim_wire_free(Sim *sim, SimWire *w, uint8_t info);

/* An event record: 24 bytes, so that a million pending events cost 24 MB
 * here. What does not fit lives elsewhere: a callback's function and data
 * in a SimCall, a job's arrival time in its service's ring or server. */
typedef struct SimCall {
  SimCallFn fn;
  void *data;
  GDestroyNotify destroy;
} SimCall;

typedef struct {
  uint8_t kind : 3;      /* SimEventKind */
  uint8_t cancelled : 1;
  uint8_t traced : 1;    /* arrival already traced and counted (a deferral
                            after an observer paused the node) */
  uint8_t stage : 2;     /* at a node with a service model: SimJobStage */
  uint8_t wire;          /* EV_DELIVER: the wire record's layout */
  uint16_t slot;         /* a job's server while in service (service.c) */
  uint32_t gen;          /* bumped on reuse so stale timer ids are ignored */
  int32_t node;          /* EV_DELIVER: the destination */
  union {
    uint32_t incarnation; /* a timer of an earlier incarnation is dead */
    int32_t src;          /* EV_DELIVER: the sender */
  };
  union {
    SimWire *msg;
    uint64_t tag;
    uint64_t op;
    SimCall *call;
    uint32_t next_free;
  } u;
} SimEvent;

/* A delivery of a small message: its event record and its wire record in
 * one cache line, so that a delivery with a million others in flight
 * reads one line from memory, not two or three. Kept in chunks that never
 * move (the event points at its wire record); an event index with
 * SIM_DLV_BIT set names one (sim_ev). */
#define SIM_WIRE_INLINE_BYTES 40
typedef struct {
  SimEvent ev;
  _Alignas(8) unsigned char wire[SIM_WIRE_INLINE_BYTES];
} SimDlvSlot;
G_STATIC_ASSERT(sizeof(SimDlvSlot) == 64);
#define SIM_DLV_BIT 0x80000000u
#define SIM_DLV_CHUNK_BITS 8
#define SIM_DLV_CHUNK (1u << SIM_DLV_CHUNK_BITS)

/* The delivery event `ev`'s message, unpacked into *out. */
static inline void sim_event_msg(const SimEvent *ev, SimMsg *out)
{
  sim_wire_unpack(ev->u.msg, ev->wire, ev->src, ev->node, out);
}

/* A parameter's value: NODES parameters keep their names in `s` and, once
 * resolved, their ids in `nodes`; the others use `i`, `d` or `s`. */
typedef struct {
  union {
    int64_t i;
    double d;
    GArray *nodes; /* NODES: resolved ids (int), NULL until resolved */
  };
  char *s;         /* STRING value, or a NODES parameter's names */
} SimParamValue;

/* What a node needs only once it does something rarer than sending,
 * receiving and arming timers (drawing from its stream, crashing, pausing,
 * a skewed clock, durable state, client operations): made on first use by
 * sim_node_cold, so an idle node has none. */
typedef struct {
  struct SimService *service; /* service.c; NULL: every job is instant */
  SimTime born;               /* when the node was added */
  /* Local clock = now + offset + (now - drift_anchor) * drift_ppb / 1e9. */
  SimTime clock_offset;
  SimTime drift_anchor;
  int64_t drift_ppb;
  /* A crash inside a handler of this node (an observer reacting to the
   * handler's send or op) parks the volatile state here, to be freed when
   * the last handler returns, not under its feet. */
  GPtrArray *zombies;    /* of ZombieData*; lazily made */
  GArray *deferred;      /* event indices waiting for resume; lazily made */
  GHashTable *durable;   /* key → int64; lazily made */
  GArray *log;           /* of SimMsg; lazily made */
  guint log_synced;
  /* Uptime counters (uptime.c): `since` starts the current up or crashed
   * period (`born` until the first crash); ttf/ttr sums are of closed up →
   * crash and crash → restart periods. */
  SimTime since, down_total, ttf_sum, ttr_sum;
  guint64 crashes, restarts;
  struct SimClient *client;   /* retry.c; NULL until it invokes an op */
} SimNodeCold;

/* SimNode.flags */
#define SIM_NODE_SKEWED 0x01  /* the clock has an offset or drift (in cold) */
#define SIM_NODE_SERVICE 0x02 /* it has a service model (in cold) */
#define SIM_NODE_ZOMBIES 0x04 /* cold->zombies holds data to free when the
                                 last handler returns (node.c) */

/* A node's record: what a delivery, a timer and a send read, the node's
 * random stream included (most handlers draw from it), in 104 bytes; the
 * rest is in `cold`. Records live in chunks of SIM_NODE_CHUNK that never
 * move, so a SimNode* stays valid for the Sim's life (models keep them). */
struct SimNode {
  Sim *sim;
  const SimModel *model;
  void *data;
  uint8_t state;              /* SimNodeState */
  uint8_t flags;              /* SIM_NODE_* */
  uint16_t running;           /* handlers of this node on the stack */
  uint32_t incarnation;
  SimRng rng;
  int id;
  GDestroyNotify data_destroy;
  const char *name;           /* in the Sim's node name chunk */
  SimParamValue *params;      /* parallel to model->params; NULL without */
  SimNodeCold *cold;          /* NULL until needed (sim_node_cold) */
};

#define SIM_NODE_CHUNK_BITS 10
#define SIM_NODE_CHUNK (1u << SIM_NODE_CHUNK_BITS)

/* The node's cold part, made (zeroed, its stream seeded) on first use. */
SimNodeCold *sim_node_cold(SimNode *node);
/* The node's service model (service.c), or NULL. */
static inline struct SimService *sim_node_service(const SimNode *node)
{
  return G_UNLIKELY(node->flags & SIM_NODE_SERVICE) ? node->cold->service : NULL;
}
/* When the node was added. */
static inline SimTime sim_node_born(const SimNode *node)
{
  return node->cold ? node->cold->born : 0;
}
/* The node's retry record (retry.c), or NULL. */
static inline struct SimClient *sim_node_client(const SimNode *node)
{
  return node->cold ? node->cold->client : NULL;
}

typedef struct {
  SimObserver fn;
  void *data;
  guint32 kinds; /* SIM_TRACE_KIND_BIT of each kind it sees */
} SimObserverEntry;

typedef struct SimPendingOp {
  int process;
  const char *f;
  gboolean has_key;
  SimValue key;
  SimTimerId timeout;
  /* Retries (retry.c); `value` is kept only for a client with a policy. */
  SimValue value;
  SimTime attempt_timeout; /* per attempt; 0 = none */
  SimTimerId retry;        /* the EV_RETRY waiting out a backoff, or 0 */
  guint attempt;           /* 1 = the first attempt */
  uint32_t incarnation;    /* the client's when it invoked */
  struct SimPendingOp *next_spare; /* in SimPendingOps' spare list */
} SimPendingOp;

/* The operations waiting for their outcome (history.c). Op ids are dense
 * (1, 2, ... per run), so a ring of pointers indexed by id covers the ids
 * [lo, next_op]: a lookup is a bounds check and one load, no hashing (the
 * GHashTable this replaces was ~15% of a short echo run). An op that stays
 * pending keeps the ring as wide as the ops invoked since it, 8 bytes
 * each, charged to the history's memory. */
typedef struct {
  SimPendingOp **slot; /* cap entries, a power of two (0 before the first op) */
  uint64_t cap;
  uint64_t lo;         /* no op below `lo` is pending; lo <= next_op + 1 */
  SimPendingOp *spare; /* records of finished ops, reused by the next ones */
} SimPendingOps;

/* Interned op names seen by sim_op_invoke, by address (history.c): a
 * name that is already the pool's own copy skips the pool's lookup. */
#define SIM_OP_NAME_SLOTS 8

typedef struct {
  guint64 count;
  GPtrArray *examples; /* of char* */
} SimInvariant;

typedef struct {
  double value;
  SimHistogram *hist; /* a sampled series; NULL for a plain value */
} SimMetric;

/* An active partition (net.c): node id → group, -1 for none. */
typedef struct {
  int *group_of;
  guint n;
} SimPartition;

#define SIM_TYPE_HASH_SLOTS 64
#define SIM_FIFO_CACHE_SLOTS 64

struct Sim {
  uint64_t seed;
  SimTime now;
  gboolean stopped;
  char *failure;             /* sim_fail's message */
  SimBudget over_budget;     /* which budget ended the run, if one did */
  gboolean finished;

  /* Budgets (budget.c). */
  SimLimits limits;          /* an event limit of 0 is kept as G_MAXUINT64 */
  guint64 popped;            /* events taken from the queue */
  SimTime instant;           /* the time of the last event taken */
  guint64 instant_popped;    /* events taken at `instant` */
  gint64 mem[SIM_MEM_KINDS]; /* bytes held, per kind */
  size_t mem_total;
  const size_t *mem_external;
  const char *mem_external_what;
  SimDescribeFn describe;
  void *describe_ctx;
  GHashTable *names;         /* the string pool (sim_intern) */
  guint64 queue_charged;     /* queue capacity already charged */
  gsize trace_line_charged;
  SimQueue queue;
  SimEvent *events;
  uint32_t events_len, events_cap, free_event;
  SimDlvSlot **dlv_chunks;   /* of SIM_DLV_CHUNK slots, 64-byte aligned */
  uint32_t dlv_len, dlv_chunks_len, free_dlv;
  SimMsg *free_msgs;
  GPtrArray *msg_chunks;
  SimWire *wire_free[SIM_WIRE_CLASSES]; /* wire.c's pool */
  GPtrArray *wire_chunks;
  char *wire_next, *wire_end;
  uint64_t next_msg_id;
  SimStats stats;

  SimNode **node_chunks;     /* of SIM_NODE_CHUNK records each */
  guint nnodes, node_chunks_len, node_chunks_cap;
  GStringChunk *node_names;  /* every node's name */
  GHashTable *node_by_name;  /* set of SimNode*, hashed by name */
  SimRng net_rng;
  GHashTable *streams;       /* name → SimRng* */

  /* The network (net.c). A link src → dst is cut when it is in `cuts`, or
   * when an active partition separates src and dst and the link is not in
   * `restored`; `cut_links` counts the links cut now. */
  SimLinkConfig link_default;
  GHashTable *link_overrides; /* (src,dst) key → SimLinkConfig* */
  GHashTable *cuts;           /* (src,dst) keys cut one by one */
  GHashTable *restored;       /* (src,dst) keys restored inside a partition */
  GPtrArray *partitions;      /* of SimPartition*, since the last heal */
  guint64 cut_links;
  GHashTable *fifo_last;      /* (src,dst) key → last delivery time */
  /* The fifo_last records of recently used links, by a hash of the key:
   * a record is never removed, so its address stays valid (net.c). */
  struct {
    gint64 key;
    SimTime *last;
  } fifo_cache[SIM_FIFO_CACHE_SLOTS];
  GHashTable *link_loads;     /* set of (src,dst)-keyed load entries (bandwidth.c) */

  GArray *history;            /* of SimHistoryEntry */
  SimPendingOps pending;      /* op id → SimPendingOp* */
  uint64_t next_op;
  const char *op_names[SIM_OP_NAME_SLOTS]; /* sim_intern()ed names of ops */

  uint64_t digest[2];
  /* sim_hash_str of message types, by the type's address (trace.c): types
   * are literals or sim_intern()ed, so an address keeps its text for the
   * Sim's life; a collision only costs a recomputation. */
  struct {
    const char *type;
    uint64_t hash;
  } type_hash[SIM_TYPE_HASH_SLOTS];
  SimMetric *forced_writes;   /* the "forced_writes" metric, once made (node.c) */
  FILE *trace_out;
  GString *trace_line;
  GArray *observers;          /* of SimObserverEntry */

  GHashTable *invariants;     /* name → SimInvariant* */
  GHashTable *metrics;        /* name → SimMetric* */
  GPtrArray *notes;           /* of char*, at most SIM_MAX_NOTES */
};

/* Node `id`'s record (an id the caller knows is valid). */
static inline SimNode *sim_node_at(const Sim *sim, int id)
{
  return &sim->node_chunks[(guint) id >> SIM_NODE_CHUNK_BITS][(guint) id & (SIM_NODE_CHUNK - 1)];
}

/* The record of pending op `op`, or NULL if it is not pending (finished,
 * or never invoked). */
static inline SimPendingOp *sim_pending_op(const Sim *sim, uint64_t op)
{
  if (op < sim->pending.lo || op > sim->next_op)
    return NULL;
  return sim->pending.slot[op & (sim->pending.cap - 1)];
}

/* Event record `idx`: in the events array, or with SIM_DLV_BIT a small
 * delivery's slot. */
static inline SimEvent *sim_ev(const Sim *sim, uint32_t idx)
{
  if (idx & SIM_DLV_BIT) {
    idx &= ~SIM_DLV_BIT;
    return &sim->dlv_chunks[idx >> SIM_DLV_CHUNK_BITS][idx & (SIM_DLV_CHUNK - 1)].ev;
  }
  return &sim->events[idx];
}

/* Asks the cache for what running event `idx` will read: its node's
 * record and its message. On a large run they are rarely in cache, and
 * the run loop asks one event ahead, while the current one runs. Always
 * inlined: GCC finds a function of prefetches alone free of side effects
 * and deletes the call. */
static inline __attribute__((always_inline)) void sim_event_prefetch(const Sim *sim, uint32_t idx)
{
  const SimEvent *ev = sim_ev(sim, idx);
  if (ev->node >= 0) {
    const char *node = (const char *) sim_node_at(sim, ev->node);
    /* A delivery reads its first 72 bytes (up to `id`): two lines. */
    __builtin_prefetch(node);
    __builtin_prefetch(node + 64);
  }
  if (ev->kind == EV_DELIVER && !(ev->wire & SIM_WIRE_INLINE)) {
    __builtin_prefetch(ev->u.msg);
    __builtin_prefetch((const char *) ev->u.msg + sizeof(SimWire) + (ev->wire & SIM_WIRE_NFIELDS) * sizeof(SimField) - 1);
  }
}

/* Link keys for the (src, dst) tables: hashed with sim_link_hash, since
 * g_int64_hash folds src<<32|dst to src^dst and every pair collides. */
static inline gint64 sim_link_key(int src, int dst)
{
  return ((gint64) src << 32) | (guint32) dst;
}
guint sim_link_hash(gconstpointer key);

/* kernel.c */
uint32_t sim_event_alloc(Sim *sim, SimEventKind kind, int node);
/* A delivery's event record: with `small`, a slot with room for its wire
 * record (SimDlvSlot). */
uint32_t sim_event_alloc_deliver(Sim *sim, int node, gboolean small);
void sim_event_push(Sim *sim, SimTime at, uint32_t ev);
SimTimerId sim_event_id(Sim *sim, uint32_t ev);
/* Returns a message to the pool, freeing (and uncharging) its payload. */
void sim_msg_release(Sim *sim, SimMsg *msg);
SimMsg *sim_msg_alloc(Sim *sim);

/* trace.c: digest, trace file and observers. */
void sim_trace(Sim *sim, const SimTraceEvent *ev);
void sim_trace_simple(Sim *sim, SimTraceKind kind, int node, int peer,
                      const SimMsg *msg, const char *detail, int64_t a, int64_t b);

/* net.c */
void sim_net_init(Sim *sim);
void sim_net_free(Sim *sim);

/* bandwidth.c: puts a message of `bytes` on the link src → dst, which has
 * a bandwidth, at the current time: it starts when the messages before it
 * are off the wire. Returns the delay from now until its last bit is sent
 * (saturating), or -1 when the link's queue limit refuses it (counted as
 * full; the link is unchanged otherwise). */
SimTime sim_bw_admit(Sim *sim, const SimLinkConfig *link, int src, int dst, uint32_t bytes);

/* node.c */
SimNode *sim_node_create(Sim *sim, int id, const char *name, const SimModel *model);
void sim_node_destroy(SimNode *node);
void sim_node_drop_volatile(SimNode *node);
/* Brackets a model handler; a crash in between parks the volatile state
 * until the outermost handler of the node returns. */
void sim_node_enter(SimNode *node);
void sim_node_leave(SimNode *node);
gboolean sim_node_parse_params(SimNode *node, GHashTable *given, GError **error);
gboolean sim_node_resolve_params(SimNode *node, GError **error);
/* The real time a node takes to see `local_delay` pass on its clock
 * (drift), saturating at SIM_TIME_MAX. */
SimTime sim_node_real_delay(const SimNode *node, SimTime local_delay);
/* The bytes a node record holds (for the memory budget). */
gsize sim_node_bytes(const SimNode *node);

/* uptime.c: called when a node is created, crashes and restarts. */
void sim_uptime_start(SimNode *node, SimTime now);
void sim_uptime_crash(SimNode *node, SimTime now);
void sim_uptime_restart(SimNode *node, SimTime now);

/* history.c */
void sim_history_init(Sim *sim);
void sim_history_free(Sim *sim);
void sim_op_timed_out(Sim *sim, uint64_t op);
/* Records the outcome of pending op `op` and forgets it (no retry). */
void sim_op_finish(Sim *sim, uint64_t op, SimOpType type, const SimValue *value);
/* Arms the deadline of the current attempt of `p`, if it has a timeout. */
void sim_op_arm_timeout(Sim *sim, uint64_t op, SimPendingOp *p);

/* retry.c: the per-client record and the retry machinery. */
struct SimClient;
/* Node `node` invoked op `p` (filled but for the retry fields): counts it,
 * feeds the budget and keeps the value if the node has a policy. */
void sim_client_invoked(SimNode *node, SimPendingOp *p, const SimValue *value);
/* The outcome `type` was recorded for an op of node `process`. */
void sim_client_outcome(Sim *sim, int process, SimOpType type);
/* The current attempt of op `op` timed out (`timed_out`) or failed: TRUE
 * if a retry is scheduled (the op stays pending), FALSE if the outcome
 * should be recorded now. */
gboolean sim_retry_after_failure(Sim *sim, uint64_t op, SimPendingOp *p, gboolean timed_out);
/* Runs the EV_RETRY event `idx` (released here); the node is not paused. */
void sim_retry_fire(Sim *sim, uint32_t idx);
/* The EV_RETRY event `idx` dies with its crashed client: the op is info. */
void sim_retry_lost(Sim *sim, uint32_t idx);
void sim_client_free(struct SimClient *client);

/* Bytes a hash table entry is charged beyond its key and value: its slot
 * in the table's arrays and the allocator's headers. */
#define SIM_HASH_ENTRY_BYTES 48

/* partition.c: counts for partition() and heal(). Ordered pairs of nodes
 * in different groups of `group_of` (-1: in none). */
guint64 sim_partition_cross(const int *group_of, guint n);
/* Ordered pairs that `p` separates and no active partition does. */
guint64 sim_partition_fresh(Sim *sim, const SimPartition *p);

/* budget.c: bytes the kernel holds, and the memory limit. Charging past
 * the limit ends the run (sim_over_budget). */
void sim_budget_init(Sim *sim);
void sim_budget_free(Sim *sim);
/* The run failing on an event limit, naming the event `idx`. */
gboolean sim_budget_exceeded(Sim *sim, SimTime at, uint32_t idx);

/* Counts the event taken from the queue at `at` against the event limits;
 * FALSE (and the run fails, naming the event `idx`) past one of them.
 * Inline: it runs for every event. */
static inline gboolean sim_budget_event(Sim *sim, SimTime at, uint32_t idx)
{
  if (at != sim->instant) {
    sim->instant = at;
    sim->instant_popped = 0;
  }
  sim->popped++;
  sim->instant_popped++;
  if (G_LIKELY(sim->popped <= sim->limits.max_events && sim->instant_popped <= sim->limits.max_instant_events))
    return TRUE;
  return sim_budget_exceeded(sim, at, idx);
}

/* metrics.c */
void sim_metrics_init(Sim *sim);
void sim_metrics_free(Sim *sim);

/* kernel.c, for service.c: frees an event record (its message too); parks
 * an event until the node resumes. */
void sim_event_release(Sim *sim, uint32_t idx);
void sim_node_defer(SimNode *node, uint32_t idx);

/* service.c: the stages of a job at a node with a service model. */
typedef enum {
  SIM_JOB_ARRIVING,   /* popped: about to join the node (stage 0: every new event) */
  SIM_JOB_QUEUED,     /* waiting in the node's FIFO, not in the event queue */
  SIM_JOB_IN_SERVICE, /* popped: its service time may be over */
  SIM_JOB_SERVED,     /* done and traced; its handler waits for a resume */
} SimJobStage;
/* Runs event `idx` (a delivery, or a timer of a node serving timers) at
 * node `node`, which has a service model; the same contract as dispatch:
 * FALSE if it did not count as an event. */
gboolean sim_service_dispatch(Sim *sim, SimNode *node, uint32_t idx);
/* Whether the node's timers are jobs of its service model. */
gboolean sim_service_serves_timers(const SimNode *node);
/* Called by kernel.c when a node with a service model changes state: after
 * the state is set (crash: before the node's deferred events are dropped). */
void sim_service_paused(SimNode *node);
void sim_service_resumed(SimNode *node);
void sim_service_crashed(SimNode *node);
void sim_service_restarted(SimNode *node);
void sim_service_free(struct SimService *service);
/* Timer job `idx`, in service, was just cancelled by its model: frees its
 * server (and starts the next job); its record stays in the event queue,
 * cancelled, until it pops. A job waiting in the queue, cancelled, is
 * skipped when its turn comes. */
void sim_service_cancelled(Sim *sim, uint32_t idx);

/* A message's payload: its length, then its bytes, in one allocation. */
struct SimPayload {
  uint32_t len;
  unsigned char data[];
};
/* Bytes a payload is charged for in memory budgets. */
static inline gssize sim_payload_bytes(const struct SimPayload *p)
{
  return p ? (gssize) (sizeof *p + p->len) : 0;
}
/* A fresh copy of `p` (NULL for NULL). */
struct SimPayload *sim_payload_copy(const struct SimPayload *p);
