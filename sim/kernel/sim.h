/* sim/kernel/: the simulation kernel and the node API. The clock, the event
 * queue, random streams, nodes, the network, faults, the history, the
 * trace, invariant counts and metrics live here; the kernel includes nothing
 * from sim/lua, sim/check, sim/report or sim/cli, and nothing from models/.
 *
 * A Sim owns everything of one run: the virtual clock, the event queue, the
 * random streams, the nodes, the network, the history and the trace digest.
 * Nothing here is global, so many Sims can live in one process.
 *
 * Models (models/) see a node only through the functions in the "node API"
 * section: send a message, arm and cancel timers, read the local clock, draw
 * from the node's random stream, keep volatile and durable state, invoke and
 * complete client operations, emit protocol events and report violations.
 * The kernel knows models only through the registry (sim/kernel/model.h). */
#pragma once
#include "sim/kernel/dist.h"
#include "sim/kernel/rng.h"
#include "sim/kernel/time.h"
#include "sim/kernel/value.h"
#include <stdio.h>

typedef struct Sim Sim;
typedef struct SimNode SimNode;
typedef struct SimModel SimModel;

/* ------------------------------------------------------------------ */
/* Messages and records                                                */

#define SIM_MSG_MAX_FIELDS 8

typedef struct {
  const char *name; /* a string literal or sim_intern() */
  int64_t value;
} SimField;

/* A message, a durable-log record and a protocol event share this shape: a
 * type name and a few named integer fields, so the trace, the Lua API and
 * event triggers can read any of them without knowing the model. */
typedef struct SimMsg {
  const char *type; /* a string literal or sim_intern() */
  int src, dst;
  uint64_t id;      /* unique per run; a duplicate keeps its original's id */
  SimTime sent_at;
  uint32_t nfields;
  uint32_t size;    /* bytes on the wire; 0 = the default (sim_msg_size) */
  SimField fields[SIM_MSG_MAX_FIELDS];
  /* A message in use may own a payload; a free one is on the free list.
   * Sharing the word keeps a message as small as it was before payloads. */
  union {
    struct SimPayload *payload; /* NULL = none; see sim_msg_set_payload */
    struct SimMsg *next_free;
  };
} SimMsg;

/* A new message from `from`, owned by the caller until sim_send. */
SimMsg *sim_msg_new(SimNode *from, const char *type);
/* Sets (or overwrites) a field; aborts if more than SIM_MSG_MAX_FIELDS. */
void sim_msg_set(SimMsg *msg, const char *name, int64_t value);
/* Appends a field the message does not have yet: sim_msg_set without its
 * search for an existing field of that name, for a fresh message whose
 * fields are each set once (a Raft server builds one per entry and
 * follower: the search was 6% of its run). Adding a name twice is the
 * caller's bug: sim_msg_get then finds the first. */
void sim_msg_add(SimMsg *msg, const char *name, int64_t value);
/* The field's value, or `fallback` when the message has no such field. */
int64_t sim_msg_get(const SimMsg *msg, const char *name, int64_t fallback);
gboolean sim_msg_has(const SimMsg *msg, const char *name);
/* A message's size on the wire, which a link with a bandwidth spends time
 * serializing: set by the model, or by default a header of
 * SIM_MSG_HEADER_BYTES (40 bytes of TCP/IPv4 headers and 24 of envelope:
 * type, id, length) plus SIM_MSG_FIELD_BYTES per field (an int64) plus the
 * payload's length. Links
 * without a bandwidth ignore it. */
#define SIM_MSG_HEADER_BYTES 64
#define SIM_MSG_FIELD_BYTES 8
uint32_t sim_msg_size(const SimMsg *msg);
/* Sets the size in bytes; 0 restores the default. */
void sim_msg_set_size(SimMsg *msg, uint32_t bytes);
/* Message payloads: opaque bytes a message may carry beside its fields
 * (a real library's encoded message, for instance). sim_msg_set_payload
 * copies `len` bytes of `data` into the message, replacing any payload it
 * had (len 0 removes it); the message owns the copy. A sent message's
 * payload is charged to the memory budget at sim_send and freed when the
 * message is delivered or dropped; a duplicate gets its own copy. The
 * trace digest folds a payload in only when there is one, and its length
 * is added to sim_msg_size. A stack record (sim_record) given a payload
 * for sim_log_append or sim_emit keeps owning it: sim_msg_clear_payload
 * frees it. A plain struct copy of a message does not own its payload. */
#define SIM_PAYLOAD_MAX (64u * 1024 * 1024)
void sim_msg_set_payload(SimMsg *msg, const void *data, size_t len);
/* The payload and its length, or NULL and 0 when the message has none. */
const void *sim_msg_payload(const SimMsg *msg, size_t *len);
/* Frees the payload, if any. */
void sim_msg_clear_payload(SimMsg *msg);
/* A stack record (for logs and events); not to be passed to sim_send. */
static inline SimMsg sim_record(const char *type)
{
  SimMsg r = { 0 };
  r.type = type;
  r.src = r.dst = -1;
  return r;
}

/* ------------------------------------------------------------------ */
/* Node API: what a model may do                                       */

typedef uint64_t SimTimerId; /* 0 means "no timer" */

typedef enum { SIM_NODE_UP, SIM_NODE_CRASHED, SIM_NODE_PAUSED } SimNodeState;

int sim_node_id(const SimNode *node);
const char *sim_node_name(const SimNode *node);
Sim *sim_node_sim(SimNode *node);
SimNodeState sim_node_state(const SimNode *node);
/* Incarnation: starts at 0, +1 at every restart. */
uint32_t sim_node_incarnation(const SimNode *node);
/* The node's local clock: true time plus offset, drift and jumps. Models
 * decide by this clock, never by sim_now. */
SimTime sim_node_clock(const SimNode *node);
SimRng *sim_node_rng(SimNode *node);

/* Sends `msg` (ownership passes) from `from` to node `dst` over the link. */
void sim_send(SimNode *from, int dst, SimMsg *msg);

/* Arms a one-shot timer that fires after `delay` of the node's local clock
 * (so a drifting clock fires early or late). `tag` comes back to on_timer.
 * Timers die with a crash and wait while the node is paused. A negative
 * delay is 0; a fire time past SIM_TIME_MAX saturates there and never
 * comes. */
SimTimerId sim_timer_after(SimNode *node, SimTime delay, uint64_t tag);
/* Cancels a pending timer; unknown or fired ids are ignored. */
void sim_timer_cancel(SimNode *node, SimTimerId id);

/* Volatile state: freed by the kernel (with `destroy`) on crash and at the
 * end of the run. */
void *sim_node_data(SimNode *node);
void sim_node_set_data(SimNode *node, void *data, GDestroyNotify destroy);

/* Durable key/value integers: survive crashes; written synchronously. */
void sim_durable_set(SimNode *node, const char *key, int64_t value);
gboolean sim_durable_get(SimNode *node, const char *key, int64_t *value);
/* Durable log: appended records survive a crash if they were synced, i.e.
 * appended with force = TRUE or followed by sim_log_sync. A "lose unsynced
 * tail" fault drops the records after the last sync. */
void sim_log_append(SimNode *node, const SimMsg *record, gboolean force);
void sim_log_sync(SimNode *node);
guint sim_log_length(SimNode *node);
const SimMsg *sim_log_get(SimNode *node, guint index);
/* Drops the log's first `upto` records (a model's log compaction, once a
 * snapshot written later in the log makes them useless): what remains
 * keeps its order and is numbered from 0 again; their memory is given
 * back. Only synced records go: `upto` is cut to the synced count. Returns
 * how many were dropped. */
guint sim_log_discard_prefix(SimNode *node, guint upto);

/* Parameters declared by the node's model (see SimParamSpec). */
int64_t sim_node_param_int(SimNode *node, const char *name);
double sim_node_param_double(SimNode *node, const char *name);
gboolean sim_node_param_bool(SimNode *node, const char *name);
SimTime sim_node_param_duration(SimNode *node, const char *name);
const char *sim_node_param_string(SimNode *node, const char *name);
/* A SIM_PARAM_NODES parameter: node ids, resolved from names at start. */
const int *sim_node_param_nodes(SimNode *node, const char *name, guint *count);

/* Client operations, recorded in the history as invoke → ok | fail | info.
 * `timeout` > 0 records `info` at the deadline if nothing completed it.
 * `key` may be NULL. Returns the operation id. */
uint64_t sim_op_invoke(SimNode *client, const char *f, const SimValue *key,
                       const SimValue *value, SimTime timeout);
/* Completes an operation (type SIM_OP_OK, _FAIL or _INFO); a completion of an
 * operation already completed or timed out is ignored. Returns TRUE if this
 * call recorded the outcome. */
gboolean sim_op_complete(SimNode *client, uint64_t op, int type, const SimValue *value);
gboolean sim_op_pending(Sim *sim, uint64_t op);

/* A protocol event ("granted", "cs_enter"): goes to the trace, the digest
 * and scenario triggers. */
void sim_emit(SimNode *node, const SimMsg *event);

/* ------------------------------------------------------------------ */
/* Invariants and metrics                                              */

/* Examples kept per invariant; further violations are only counted. The
 * checkers' reporting convention is in sim/check/check.h. */
#define SIM_CHECK_MAX_EXAMPLES 5

/* Declares an invariant so it is reported even with no violation. */
void sim_invariant_declare(Sim *sim, const char *name);
/* Counts one violation of `name` and keeps the first few examples, each
 * with its time; see sim/check/check.h for the convention checkers follow. */
void sim_violation(Sim *sim, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* The same for a violation found later (by an end-of-run checker) that
 * happened at time `at`: the example carries that time. */
void sim_violation_at(Sim *sim, const char *name, SimTime at, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
guint64 sim_violations(Sim *sim, const char *name);
/* Model and scenario metrics, reported under "metrics" in sorted order. */
void sim_metric_set(Sim *sim, const char *name, double value);
void sim_metric_add(Sim *sim, const char *name, double delta);
/* Adds one sample to a latency-style series, kept in a log-bucketed
 * histogram (sim/kernel/histogram.h); reported as count, percentiles (p50, p90,
 * p99, p999, within 0.4 % relative) and the exact max. NaN and infinities
 * are not recorded. */
void sim_metric_sample(Sim *sim, const char *name, double value);
/* A note for the reader of the report: why a check came out undecided, what
 * a model could not do. Not a violation and not a number; the report lists
 * the first SIM_MAX_NOTES in the order they were made ("notes" in JSON). */
#define SIM_MAX_NOTES 20
void sim_note(Sim *sim, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* The notes so far, of char*, in order. */
const GPtrArray *sim_notes(Sim *sim);
/* Reads a plain metric's value (for a sample series, its sample count) into
 * `*value`; FALSE, leaving `*value` alone, if nothing recorded it yet. */
gboolean sim_metric_get(Sim *sim, const char *name, double *value);

/* Per-node uptime, from counters the kernel keeps at every crash and
 * restart (uptime.c): the share of the node's lifetime it was not crashed
 * (a paused node counts as up), its crash count, and the observed mean time
 * to failure (start or restart → next crash) and to repair (crash →
 * restart). Periods still open at the end are not samples. */
typedef struct {
  double uptime;          /* 0..1; NAN when the node lived no time */
  guint64 crashes, restarts;
  double mttf_s;          /* NAN without a crash */
  double mttr_s;          /* NAN without a restart */
} SimNodeUptime;

/* Node `node`'s uptime figures as of time `end` (>= the last crash or
 * restart, normally sim_now). */
void sim_node_uptime(Sim *sim, int node, SimTime end, SimNodeUptime *out);

/* ------------------------------------------------------------------ */
/* Operations history                                                  */

typedef enum { SIM_OP_INVOKE, SIM_OP_OK, SIM_OP_FAIL, SIM_OP_INFO } SimOpType;

typedef struct {
  guint64 index;
  SimTime time;
  int process;
  SimOpType type;
  const char *f;  /* in the Sim's string pool (sim_intern): compare with
                     strcmp, or by pointer with another sim_intern */
  uint64_t op;    /* operation id, shared by invoke and completion */
  gboolean has_key;
  SimValue key;
  SimValue value;
} SimHistoryEntry;

const char *sim_op_type_name(SimOpType type);
/* The history so far, in order. */
const GArray *sim_history(Sim *sim);

/* ------------------------------------------------------------------ */
/* The trace                                                           */

typedef enum {
  SIM_TR_SEND, SIM_TR_DELIVER, SIM_TR_DROP, SIM_TR_DUPLICATE, SIM_TR_TIMER,
  SIM_TR_CRASH, SIM_TR_RESTART, SIM_TR_PAUSE, SIM_TR_RESUME, SIM_TR_CLOCK,
  SIM_TR_PARTITION, SIM_TR_HEAL, SIM_TR_LINK, SIM_TR_LOG_LOSS, SIM_TR_OP,
  SIM_TR_EVENT, SIM_TR_START,
  SIM_TR_RETRY, /* a client retries an op (a = op, b = attempt); retry.h */
} SimTraceKind;

typedef struct {
  SimTraceKind kind;
  SimTime time;
  int node;              /* the node concerned, or -1 */
  int peer;              /* the other end of a message or link, or -1 */
  const SimMsg *msg;     /* send/deliver/drop/duplicate/event */
  const char *detail;    /* a reason or a short note, may be NULL */
  int64_t a, b;          /* kind-specific numbers (timer tag, clock delta) */
  const SimHistoryEntry *entry; /* SIM_TR_OP */
} SimTraceEvent;

const char *sim_trace_kind_name(SimTraceKind kind);

/* Observers see every trace event as it happens (the Lua layer's on() and
 * triggers). They may schedule events and inject faults. */
typedef void (*SimObserver)(Sim *sim, const SimTraceEvent *event, void *data);
void sim_add_observer(Sim *sim, SimObserver fn, void *data);
/* A set of trace kinds, for observers that want only some. */
#define SIM_TRACE_KIND_BIT(kind) ((guint32) 1 << (kind))
#define SIM_TRACE_ALL_KINDS G_MAXUINT32
/* sim_add_observer for events of the kinds in `kinds` only: the others do
 * not call `fn` at all (an observer of ops alone is not called for every
 * message). The order among observers is the order they were added. */
void sim_add_observer_kinds(Sim *sim, SimObserver fn, void *data, guint32 kinds);
/* Sets (or, with `add`, widens) the kinds the observer added with `fn` and
 * `data` sees, from the next event on; nothing if there is none. */
void sim_observer_set_kinds(Sim *sim, SimObserver fn, void *data, guint32 kinds, gboolean add);
/* The data of the first observer added with `fn`, or NULL: how a model's
 * finish hook finds the checker it attached as an observer. */
void *sim_observer_data(Sim *sim, SimObserver fn);

/* Writes the trace as JSON lines to `out` (not closed by the Sim). */
void sim_trace_to(Sim *sim, FILE *out);
/* The running digest of every trace event, 32 hex digits. Always computed,
 * whether or not a trace file is written. */
char *sim_trace_digest(Sim *sim);

/* ------------------------------------------------------------------ */
/* Building and running a simulation                                   */

typedef struct {
  SimDist latency;
  double loss;      /* probability a message is dropped */
  double duplicate; /* probability a message is delivered twice */
  gboolean fifo;    /* deliver in send order on this link */
  /* Capacity (bandwidth.c): with a bandwidth, a message first waits for the
   * messages sent before it on this link, then takes size * 8 / bandwidth
   * to serialize, then the latency. `queue` bounds the bytes waiting. */
  uint64_t bandwidth; /* bits per second; 0 = unlimited (no serialization) */
  uint64_t queue;     /* bytes not yet serialized before tail drop; 0 = unbounded */
} SimLinkConfig;

typedef struct {
  guint64 events;
  guint64 sent, delivered, dropped, duplicated;
  guint64 invoked, ok, fail, info;
  guint64 timers;
} SimStats;

Sim *sim_new(uint64_t seed);
void sim_free(Sim *sim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Sim, sim_free)

uint64_t sim_seed(const Sim *sim);
SimTime sim_now(const Sim *sim);
const SimStats *sim_stats(const Sim *sim);
/* A named random stream of the run, created on first use ("faults",
 * "nemesis:1", "workload"). */
SimRng *sim_stream(Sim *sim, const char *name);

/* Adds a node running `model` with parameters `params` (name → text; may be
 * NULL). Unknown parameters, bad values and unknown node names in NODES
 * parameters fail with a GError naming the key. The node starts at the
 * current time. Returns the node id (0, 1, ...) or -1. */
int sim_add_node(Sim *sim, const char *name, const SimModel *model,
                 GHashTable *params, GError **error);
guint sim_node_count(const Sim *sim);
SimNode *sim_node(Sim *sim, int id);
/* The id of the node called `name`, or -1. */
int sim_node_find(const Sim *sim, const char *name);
const SimModel *sim_node_model(const SimNode *node);
/* Resolves every node's NODES parameters once all nodes exist; fails naming
 * the node, the parameter and the unknown name. */
gboolean sim_resolve_nodes(Sim *sim, GError **error);

/* Runs events up to and including time `until` (or until the queue empties
 * or sim_stop). Returns the number of events processed. */
guint64 sim_run(Sim *sim, SimTime until);
void sim_stop(Sim *sim);
/* A model found its configuration unusable (a client with no server to talk
 * to): the run stops at once, finish hooks do not run, and `faultsim run`
 * exits 2 with this message. The first call wins. */
void sim_fail(Sim *sim, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* The message of sim_fail, or NULL. */
const char *sim_failure(const Sim *sim);
gboolean sim_stopped(const Sim *sim);
/* Calls each model's finish hook once (checkers, end-of-run metrics). */
void sim_finish(Sim *sim);

/* Schedules `fn(sim, data)` at absolute time `at` (an earlier time means
 * now). An event at SIM_TIME_MAX, where saturated sums land, never runs.
 * `destroy` frees data after the call or if the run ends first. */
typedef void (*SimCallFn)(Sim *sim, void *data);
SimTimerId sim_schedule(Sim *sim, SimTime at, SimCallFn fn, void *data, GDestroyNotify destroy);
void sim_cancel(Sim *sim, SimTimerId id);

/* Faults. Each is traced. */
void sim_crash(Sim *sim, int node);
void sim_restart(Sim *sim, int node);
void sim_pause(Sim *sim, int node);
void sim_resume(Sim *sim, int node);
/* A local clock's offset from true time stays within ±SIM_CLOCK_OFFSET_MAX
 * (100 years), so the clock and the deadlines models add to it stay far
 * from int64's ~292-year edge. A jump or offset beyond it is rejected:
 * FALSE, nothing changes and nothing is traced. */
#define SIM_CLOCK_OFFSET_MAX ((SimTime) 3155760000 * SIM_S)
gboolean sim_clock_jump(Sim *sim, int node, SimTime delta);
/* Sets the clock's offset from true time (a jump by the difference);
 * rejected like sim_clock_jump. */
gboolean sim_clock_set_offset(Sim *sim, int node, SimTime offset);
/* Drift in ppm, clamped to [-500000, 1000000] (a clock runs 0.5x to 2x):
 * local delays of timers stretch or shrink accordingly, saturating. */
void sim_clock_set_drift(Sim *sim, int node, double ppm);
void sim_log_lose_unsynced(Sim *sim, int node);

/* Network. */
SimLinkConfig *sim_net_default(Sim *sim);
/* Overrides the link src → dst (a copy is kept). */
void sim_net_set_link(Sim *sim, int src, int dst, const SimLinkConfig *config);
const SimLinkConfig *sim_net_link(Sim *sim, int src, int dst);
/* Cuts or restores the directed link src → dst. */
void sim_net_cut(Sim *sim, int src, int dst, gboolean cut);
gboolean sim_net_is_cut(Sim *sim, int src, int dst);
/* Cuts every link between nodes of different groups (both directions);
 * nodes in no group keep their links. `group_of[i]` is node i's group or -1. */
void sim_net_partition(Sim *sim, const int *group_of, guint n);
/* Restores every cut link. */
void sim_net_heal(Sim *sim);

/* Link bandwidth (bandwidth.c). Parses a rate: a number with a unit, bits
 * ("bit", "kbit", "Mbit", "Gbit", "Tbit") or bytes ("B", "kB", "MB",
 * "GB", "TB", each times 8), decimal, with an optional "/s"; a bare number
 * is bits per second. The result, rounded to whole bits per second, must
 * be in [1, SIM_BANDWIDTH_MAX]; otherwise a GError names the text. */
#define SIM_BANDWIDTH_MAX UINT64_C(1000000000000000) /* 1 Pbit/s */
gboolean sim_bandwidth_parse(const char *text, uint64_t *bits_per_s, GError **error);
/* Parses a byte count: a number with an optional unit "B", "kB", "MB",
 * "GB" or "TB" (decimal), rounded to whole bytes, in [1, SIM_QUEUE_MAX]. */
#define SIM_QUEUE_MAX UINT64_C(1000000000000000) /* 1 PB */
gboolean sim_bytes_parse(const char *text, uint64_t *bytes, GError **error);
/* Nanoseconds to put `bytes` on a link of `bits_per_s`, rounded up and
 * saturating at SIM_TIME_MAX; 0 when bits_per_s is 0 (no limit). */
SimTime sim_serialize_ns(uint64_t bytes, uint64_t bits_per_s);

/* What a directed link with a bandwidth has carried: every message that
 * reached its queue (not cut) is counted in `messages` and `bytes` or, if
 * the queue refused it, in `full`. `busy` is the serialization time of the
 * messages taken, `free_at` when the last of them is off the wire. */
typedef struct {
  int src, dst;
  uint64_t bandwidth;     /* the link's bandwidth at its last message */
  guint64 messages, bytes, full;
  SimTime busy, free_at;
} SimLinkLoad;
/* The load of link src → dst; FALSE (and *out zeroed) if no message went
 * through it with a bandwidth. */
gboolean sim_net_link_load(Sim *sim, int src, int dst, SimLinkLoad *out);
/* Every link with a load, sorted by (src, dst) id: an array of SimLinkLoad
 * the caller frees. */
GArray *sim_net_link_loads(Sim *sim);
/* The serialization still to do on the link at `now` (free_at - now, or 0),
 * and the serialization time spent up to `now`: the link works without a
 * gap while it has a backlog, so the backlog is the only part of `busy`
 * past `now`. */
SimTime sim_link_backlog(const SimLinkLoad *load, SimTime now);
SimTime sim_link_busy(const SimLinkLoad *load, SimTime now);

/* ------------------------------------------------------------------ */
/* Budgets: memory, events, the string pool                            */

/* What one run may use; 0 means no limit. The scenario runner sets these
 * from --mem-limit, --max-events and --max-events-per-instant. */
typedef struct {
  size_t mem_limit;           /* bytes: the kernel's plus the shared count */
  guint64 max_events;         /* events taken from the queue in the run */
  guint64 max_instant_events; /* events taken at one simulated instant */
} SimLimits;

typedef enum {
  SIM_BUDGET_NONE,
  SIM_BUDGET_MEMORY,
  SIM_BUDGET_EVENTS,
  SIM_BUDGET_INSTANT_EVENTS,
} SimBudget;

/* What the kernel's bytes are held in, for the memory-limit message. */
typedef enum {
  SIM_MEM_EVENTS,    /* event records and the queue */
  SIM_MEM_MESSAGES,  /* message records (in flight or pooled) */
  SIM_MEM_HISTORY,   /* the history, its values and pending operations */
  SIM_MEM_NODES,     /* nodes, their logs and durable tables */
  SIM_MEM_NETWORK,   /* link tables, cuts and partitions */
  SIM_MEM_NAMES,     /* the string pool, random streams */
  SIM_MEM_METRICS,   /* invariants, examples, metrics and series */
  SIM_MEM_TRACE,     /* trace line buffer */
  SIM_MEM_SCRIPT,    /* scenario hooks and callbacks (charged by sim/lua) */
  SIM_MEM_KINDS,
} SimMemKind;

void sim_set_limits(Sim *sim, const SimLimits *limits);
/* Makes the bytes counted at `*external` (the Lua heap) share the memory
 * limit; `what` names them in the message ("the Lua heap"). */
void sim_share_memory(Sim *sim, const size_t *external, const char *what);
/* The kernel's byte count, for the sharer to add to its own. */
const size_t *sim_memory_counter(const Sim *sim);
/* Counts `delta` bytes (negative: released) of kind `kind`. Past the
 * memory limit the run fails (sim_fail semantics) with the memory report;
 * the caller carries on and the run loop stops after the current event. */
void sim_mem_charge(Sim *sim, SimMemKind kind, gssize delta);
/* "memory limit of N MiB exceeded: X MiB in queued messages, ..." with the
 * largest holders first, the shared count included; free with g_free. */
char *sim_memory_report(const Sim *sim);
/* Which budget ended the run, or SIM_BUDGET_NONE. */
SimBudget sim_over_budget(const Sim *sim);

/* Says who scheduled a sim_schedule callback (for the event-limit
 * message): `*where` a script position ("x.lua:12") or NULL, `*what` a
 * short description ("every() callback"); both must outlive the Sim (a
 * literal or sim_intern). FALSE if `fn` is not one it knows. */
typedef gboolean (*SimDescribeFn)(SimCallFn fn, void *data, void *ctx,
                                  const char **where, const char **what);
void sim_set_describer(Sim *sim, SimDescribeFn fn, void *ctx);

/* The Sim's own copy of `s`, equal pointers for equal strings, freed with
 * the Sim and counted against its memory limit: for names a script makes
 * up (message and event types, field and operation names). */
const char *sim_intern(Sim *sim, const char *s);
