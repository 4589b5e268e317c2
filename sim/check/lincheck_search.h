/* The search for one key, shared by sim/check/lincheck.c (which pairs calls,
 * splits keys and schedules them in rounds) and sim/check/lincheck_search.c
 * (Wing & Gong's search with Lowe's memoisation). Private to sim/check.
 *
 * A key's search can be paused when its round's step allowance runs out and
 * resumed later where it stopped: its list, memo, stack and state are kept
 * in a LincheckKeySearch between rounds. */
#pragma once
#include "sim/check/lincheck.h"

/* One operation after pairing: its records, and its positions in the history. */
typedef struct {
  const HistoryOp *inv;
  const HistoryOp *done;    /* ok/fail/info completion, or NULL if never completed */
  const HistoryValue *key;  /* NULL when unkeyed */
  const HistoryValue *in;   /* the invocation's value (after tuple splitting) */
  const HistoryValue *out;  /* the completion's value, or NULL */
  guint inv_pos;
  guint done_pos;           /* G_MAXUINT when the outcome is unknown */
  gboolean split;           /* key and value came from a [k v] tuple */
} LincheckCall;

/* One key ready for the search (made by lincheck.c). */
typedef struct {
  GPtrArray *all;     /* LincheckCall*: every op of the key but fail ops, for reports */
  GPtrArray *calls;   /* LincheckCall*: the ops searched, by invocation order */
  LincheckOp *ops;    /* their model form, calls->len of them */
  guint *twin;        /* an earlier op identical to it, both never returning,
                       * or G_MAXUINT */
  LincheckState init; /* the state the key starts from (owns its blob) */
} LincheckWork;

/* What all keys of one check share: the model, the limits and the count of
 * steps and memory against them. */
typedef struct {
  const LincheckModel *model;
  LincheckAtoms *atoms;
  guint64 max_steps;    /* 0 = none */
  gint64 deadline_us;   /* monotonic time; 0 = none */
  guint64 max_memory;   /* bytes; 0 = none */
  guint64 steps;        /* taken by all keys */
  guint64 memory;       /* bytes held by all live key searches */
  guint64 peak_memory;
  char *stop_reason;    /* set when a shared limit ended the search */
} LincheckShared;

typedef struct LincheckKeySearch LincheckKeySearch;

/* A search of `w` (borrowed; must outlive it), not started yet. */
LincheckKeySearch *lincheck_key_search_new(const LincheckWork *w);

/* Runs the search for at most `allowance` more steps. Returns LINCHECK_OK
 * or LINCHECK_VIOLATION when decided, LINCHECK_UNKNOWN when the allowance
 * ran out (resume with another call) or a shared limit was hit
 * (S->stop_reason is then set and the search must not be resumed). */
LincheckVerdict lincheck_key_search_run(LincheckKeySearch *ks, LincheckShared *S, guint64 allowance);

/* After LINCHECK_VIOLATION: fills the report fields of `r` (bad op,
 * concurrent ops from w->all, states reached) in terms of the original
 * history. */
void lincheck_key_search_report(LincheckKeySearch *ks, LincheckResult *r);

/* After LINCHECK_OK: appends to `out` (char*) the description of each op
 * the search linearized, in the order it found. */
void lincheck_key_search_order(LincheckKeySearch *ks, GPtrArray *out);

/* Frees the search in bulk (its memo is one arena), subtracting its memory
 * from S when S is not NULL. NULL is ignored. */
void lincheck_key_search_free(LincheckKeySearch *ks, LincheckShared *S);

/* Describes a call: "process P: F IN => TYPE OUT  [index I, lines L-M]". */
char *lincheck_call_describe(const LincheckCall *c);
