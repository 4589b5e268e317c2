/* Distributed lock models (models/lock): what the servers, the clients, the
 * protected resource and the end-of-run checker share.
 *
 * Wire protocol (Redis-like, one key per server):
 *   SET_NX  {req, owner, ttl}   set the key to `owner` if absent, expiring
 *                               after `ttl` of the server's clock
 *   DEL     {req, owner}        delete the key, whoever owns it (`owner` is
 *                               only counted, never checked: lock.naive)
 *   UNLOCK  {req, owner}        delete the key if `owner` holds it
 *   EXTEND  {req, owner, ttl}   re-arm the expiry if `owner` holds it
 *   REPLY   {req, op, ok, token} ok = 1 done, 0 refused (held / not owner),
 *                               -1 server unavailable (delayed restart)
 *   WRITE   {req, seq, token, value} a lock holder's write to the resource
 *   WRITE_REPLY {req, ok}       ok = 1 accepted, 0 rejected (stale token)
 *
 * Records the checker reads (kept in the nodes' durable logs, so they
 * survive crashes): a client appends "cs" {seq, start, end} when it is
 * granted the lock (end = when it expects to lose it, or never) and
 * "cs_end" {seq, end} when its belief ends; the resource appends "write"
 * {client, seq, at, accepted} for every write it decides. */
#pragma once
#include "sim/kernel/model.h"
#include <string.h>

#define LOCK_SET_NX "SET_NX"
#define LOCK_DEL "DEL"
#define LOCK_UNLOCK "UNLOCK"
#define LOCK_EXTEND "EXTEND"
#define LOCK_REPLY "REPLY"
#define LOCK_WRITE "WRITE"
#define LOCK_WRITE_REPLY "WRITE_REPLY"

/* Request kinds echoed in REPLY.op. */
enum { LOCK_OP_SET = 1, LOCK_OP_DEL, LOCK_OP_UNLOCK, LOCK_OP_EXTEND };

#define LOCK_REC_CS "cs"
#define LOCK_REC_CS_END "cs_end"
#define LOCK_REC_WRITE "write"

/* TRUE if the message has type `type` (types are string literals, compared
 * by content). */
static inline gboolean lock_is(const SimMsg *msg, const char *type)
{
  return msg->type == type || strcmp(msg->type, type) == 0;
}

/* TRUE if `model` is one of the lock client models. */
gboolean lock_is_client_model(const SimModel *model);
/* TRUE if `model` is the protected resource. */
gboolean lock_is_resource_model(const SimModel *model);

/* The finish hook shared by every client model: collects the believed
 * critical sections and the resource's writes of the whole run, runs
 * sim/check_lock on them and reports the mutual_exclusion and
 * resource_safety invariants and the lock metrics. Runs once per Sim even
 * when several client models are present. */
void lock_check_finish(Sim *sim, SimNode *const *nodes, guint count);

/* ---- The cycle every lock client runs (lock_client.c, models/zk/zk_lock.c):
 * acquire, hold writing to the resource, release, think. The algorithm
 * decides when the lock is granted and lost; this part keeps the history
 * operations, the records the checker reads and the writes. */

typedef struct {
  int resource;             /* the resource's node id; -1: no writes */
  int64_t cycles;           /* cycles started */
  uint64_t op, queued_op;   /* the acquire in progress; one that waits for the cycle to end */
  SimTime op_started;       /* global time, for the latency metric only */
  int64_t seq, token;       /* the grant's number (durable, per client) and fencing token */
  guint writes_done;
  gboolean write_in_flight, release_due;
  uint64_t write_op;
  int64_t write_req;
} LockCycle;

/* The parameters of the cycle, after acquire_timeout (which each client
 * explains itself). */
#define LOCK_CYCLE_PARAMS \
  { "hold", SIM_PARAM_DURATION, "300ms", "release this long after the grant", 0, 0 }, \
  { "work", SIM_PARAM_DURATION, "10ms", "time between checking the lock and sending a write", 0, 0 }, \
  { "writes", SIM_PARAM_INT, "1", "writes to the resource per critical section", 0, 0 }, \
  { "write_timeout", SIM_PARAM_DURATION, "500ms", "a write without answer by then is recorded as info and the critical section goes on", 0, 0 }, \
  { "think", SIM_PARAM_DURATION, "200ms", "pause between cycles of the client's own loop", 0, 0 }, \
  { "start", SIM_PARAM_DURATION, "0", "first acquire this long after start", 0, 0 }, \
  { "loop", SIM_PARAM_BOOL, "true", "run the acquire/write/release loop; false = only when a workload asks", 0, 0 }, \
  { "count", SIM_PARAM_INT, "0", "stop the loop after this many cycles; 0 = no limit", 0, 0 }

/* Reads the `resource` parameter into `c` (all else zero). */
void lock_cycle_init(SimNode *node, LockCycle *c);
/* A cycle ended: returns the queued acquire to start now, or 0 after
 * arming timer `cycle_tag` for the next cycle of the client's own loop
 * (if `loop` and `count` allow one). */
uint64_t lock_cycle_next(SimNode *node, LockCycle *c, uint64_t cycle_tag);
/* A cycle starts: records the acquire (a new history op unless `op` is a
 * workload's) with the kernel deadline 2 x acquire_timeout, a safety net
 * for a client that crashes, and counts it in acquire_attempts. */
void lock_cycle_begin(SimNode *node, LockCycle *c, uint64_t op);
/* The lock is granted with fencing token `token`: a new grant number,
 * the acquire completed ok with the token, the acquisitions and latency
 * metrics, and the "cs" record believed to end at global time `end`. */
void lock_cycle_granted(SimNode *node, LockCycle *c, int64_t token, SimTime end);
/* Appends the "cs_end" record of the current grant, ending at `end`. */
void lock_cycle_record_end(SimNode *node, const LockCycle *c, SimTime end);
/* Sends the next write to the resource carrying `token`, records it as
 * op `write`, and arms timer (req << 8 | lost_kind) for write_timeout. */
void lock_cycle_send_write(SimNode *node, LockCycle *c, int64_t token, uint64_t lost_kind);
/* The outcome of the write in flight if `msg` answers it, else -1. */
int lock_cycle_write_reply(const LockCycle *c, const SimMsg *msg);
/* TRUE if timer `tag` (armed by lock_cycle_send_write) is the write in
 * flight's deadline. */
gboolean lock_cycle_write_lost(const LockCycle *c, uint64_t tag);
/* The write in flight is over with `outcome` (SIM_OP_INFO: given up, and
 * already recorded so by the kernel). */
void lock_cycle_write_done(SimNode *node, LockCycle *c, int outcome);
/* A workload's acquire `op`: TRUE if it should start now; otherwise it was
 * refused (not `acquire`, the client not `usable`, one already queued) or
 * queued for the end of the running cycle (`idle` FALSE). */
gboolean lock_cycle_invoke(SimNode *node, LockCycle *c, uint64_t op, const char *f, gboolean usable, gboolean idle);
