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
