/* Shared pieces of the atomic-commit models (txn.2pc.*, txn.3pc.*,
 * txn.client): the message and log-record names of each protocol, the
 * participant phases and how a durable log replays into them, timer tags,
 * a small per-key lock table, and the finish-hook glue that feeds
 * sim/check/check_txn.h. Models talk to the kernel only through sim/kernel/sim.h. */
#pragma once
#include "sim/check/check_txn.h"
#include "sim/kernel/model.h"

/* Message names of one protocol. 2PC names follow Gray ("PREPARE", "VOTE",
 * "COMMIT", "ABORT", "ACK", "DECISION-REQUEST"); 3PC names follow Skeen
 * ("CanCommit", "PreCommit", "DoCommit", ...). */
typedef struct {
  gboolean three_phase;
  const char *prepare;       /* PREPARE | CanCommit */
  const char *vote;          /* VOTE | Vote (field yes = 0/1) */
  const char *precommit;     /* NULL | PreCommit */
  const char *precommit_ack; /* NULL | Ack */
  const char *commit;        /* COMMIT | DoCommit */
  const char *abort;         /* ABORT | Abort */
  const char *ack;           /* ACK | HaveCommitted */
  const char *decision_req;  /* DECISION-REQUEST | DecisionReq */
} TxnProto;

extern const TxnProto txn_proto_2pc;
extern const TxnProto txn_proto_3pc;

/* Client ↔ coordinator and termination-protocol messages. */
#define TXN_BEGIN "BEGIN"
#define TXN_RESULT "RESULT"
#define TXN_STATE_REQ "StateReq"
#define TXN_STATE_REPLY "StateReply"
/* 3PC recovery: "I recovered from my log undecided" (field phase), the
 * answer of a recovering participant, or of a restarted coordinator with
 * PRECOMMIT and no decision, to a DecisionReq. Never a termination vote. */
#define TXN_RECOVERING_STATE "RecoveringState"

/* Durable log records (field txn always; others as noted). */
#define TXN_REC_BEGIN "BEGIN"         /* coordinator, not forced: a transaction started (mask, client) */
#define TXN_REC_PREPARED "PREPARED"   /* participant voted yes: key, value, coord, client, mask, at */
#define TXN_REC_PRECOMMIT "PRECOMMIT" /* 3PC: pre-committed (participant) / decided to pre-commit (coordinator) */
#define TXN_REC_COMMIT "COMMIT"
#define TXN_REC_ABORT "ABORT"         /* never forced (presumed abort) */
#define TXN_REC_END "END"             /* coordinator: every participant acknowledged */

/* A participant's phase for one transaction; Skeen's q, w, p, a, c. */
typedef enum {
  TXN_PH_NONE,         /* q: never voted */
  TXN_PH_UNCERTAIN,    /* w: voted yes, no decision (2PC: in doubt) */
  TXN_PH_PRECOMMITTED, /* p: 3PC only */
  TXN_PH_COMMITTED,    /* c */
  TXN_PH_ABORTED,      /* a */
} TxnPhase;

/* The phase after a log record of type `rec` is replayed on `phase`; a
 * decision is final, so records after it do not change it. Unknown record
 * types (END) leave the phase alone. */
TxnPhase txn_phase_replay(TxnPhase phase, const char *rec);
/* The checker's view of a phase. */
TxnOutcome txn_phase_outcome(TxnPhase phase);
const char *txn_phase_name(TxnPhase phase);

/* TRUE if `msg` has type `type` (compares text, not pointers). */
gboolean txn_is(const SimMsg *msg, const char *type);
/* Sends a protocol message (coordinator ↔ participants), counted in the
 * metric "txn.msgs". Ownership of `msg` passes. */
void txn_send(SimNode *from, int dst, SimMsg *msg);

/* Timer tags: the kind in the top 16 bits, the transaction below. */
enum { TXN_T_VOTES = 1, TXN_T_ACKS, TXN_T_DECISION, TXN_T_TERM, TXN_T_TERM2, TXN_T_LOCK };
static inline uint64_t txn_tag(int kind, int64_t txn) { return ((uint64_t) kind << 48) | (uint64_t) txn; }
static inline int txn_tag_kind(uint64_t tag) { return (int) (tag >> 48); }
static inline int64_t txn_tag_txn(uint64_t tag) { return (int64_t) (tag & ((1ull << 48) - 1)); }

/* The index of node `id` in a participants list, or -1. */
int txn_index_of(const int *ids, guint n, int id);

/* ---- lock table: key → holding transaction (volatile) ---- */
typedef struct TxnLocks TxnLocks;
TxnLocks *txn_locks_new(void);
void txn_locks_free(TxnLocks *l);
/* Takes `key` for `txn`; TRUE if now held by txn (also if it already was). */
gboolean txn_locks_take(TxnLocks *l, int64_t key, int64_t txn);
/* Releases `key` if `txn` holds it. */
void txn_locks_release(TxnLocks *l, int64_t key, int64_t txn);
guint txn_locks_held(const TxnLocks *l);

/* Locks a participant node holds now (0 when crashed). */
guint txn_participant_locks(SimNode *node);

/* ---- durable logs read incrementally (txn_log.c) ---- */
/* Appends a record to node's durable log. A forced append also notes the
 * log's length in durable state ("txn.log_synced"): every record below that
 * mark is on stable storage and can never be lost. Use it for every record
 * a txn model logs. */
void txn_log_append(SimNode *node, const SimMsg *record, gboolean force);
/* An index of one node's log: per transaction, its phase and its last
 * record, for the permanent prefix; extended as that prefix grows. Volatile:
 * whoever holds one drops it at a crash and starts again. */
typedef struct TxnLogIndex TxnLogIndex;
TxnLogIndex *txn_log_index_new(void);
void txn_log_index_free(TxnLogIndex *ix);
/* Node's phase for `txn` per its log as it is now (txn_phase_replay over
 * every record of the transaction), and in `*last` (may be NULL) the type
 * of its last record or NULL. `ix` must be used with one node only. Costs
 * the records appended to the permanent prefix since the last call plus the
 * unsynced tail. */
TxnPhase txn_log_lookup(TxnLogIndex *ix, SimNode *node, int64_t txn, const char **last);

/* ---- finish-hook glue (txn_check.c) ---- */
/* The outcome each of `nodes` (participants) holds for each transaction in
 * its durable log, appended to `out` (of TxnDecision). */
void txn_collect_decisions(SimNode *const *nodes, guint count, GArray *out);
/* Online atomicity check, run when participant `self` decides `txn`:
 * reads the durable logs of the nodes in `peers` (through `logs`, one
 * index per peer, made for that peer) and reports an
 * "atomicity" violation if the transaction is now committed somewhere and
 * aborted elsewhere. */
void txn_check_on_decide(SimNode *self, TxnLogIndex *const *logs, const int *peers, guint npeers, int64_t txn);
/* The participants' finish hook: end-of-run atomicity and durability and
 * the in-doubt and per-transaction metrics. */
void txn_participants_finish(Sim *sim, SimNode *const *nodes, guint count);
/* The client's finish hook: commit/abort counts, rates and availability. */
void txn_client_finish(Sim *sim, SimNode *const *nodes, guint count);
