/* Atomic-commit checking on plain arrays: the outcome each participant
 * recorded for each transaction, and the transactions a client was told were
 * committed. Knows no model; the txn models' finish hooks (and the tests, on
 * hand-built lists) feed it. */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef enum {
  TXN_OUT_NONE,      /* the participant has no record of the transaction */
  TXN_OUT_UNDECIDED, /* voted yes (or pre-committed) and knows no decision */
  TXN_OUT_COMMIT,
  TXN_OUT_ABORT,
} TxnOutcome;

/* One participant's outcome for one transaction. */
typedef struct {
  int64_t txn;
  int participant;
  TxnOutcome outcome;
} TxnDecision;

/* A transaction the client saw committed, with the participants it touched. */
typedef struct {
  int64_t txn;
  const int *participants;
  guint count;
} TxnAcked;

/* Counts the transactions committed at one participant and aborted at another
 * (each such transaction counts once); appends their ids, ascending, to
 * `bad` (of int64_t) when not NULL. The input may be in any order and is not
 * modified. */
guint txn_check_atomicity(const TxnDecision *d, guint n, GArray *bad);

/* TRUE when the decisions already recorded for `txn` in `d` include both a
 * commit and an abort: the check run whenever a participant decides. */
gboolean txn_check_conflict(const TxnDecision *d, guint n, int64_t txn);

/* Counts the acknowledged transactions that some listed participant has lost:
 * it holds no record of them or holds them aborted in `d` (a participant
 * still undecided — prepared, waiting for the decision — has kept its
 * promise and is not counted; the models report those as in doubt at the
 * end). Appends their ids to `bad` when not NULL. */
guint txn_check_durability(const TxnDecision *d, guint n, const TxnAcked *acked, guint nacked, GArray *bad);
