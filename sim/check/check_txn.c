/* Atomicity and durability of atomic commit over per-participant outcomes.
 * See check_txn.h. Pure functions: no Sim, no globals. */
#include "sim/check/check_txn.h"
#include <stdlib.h>

static int by_txn(const void *a, const void *b)
{
  const TxnDecision *x = a, *y = b;
  if (x->txn != y->txn)
    return x->txn < y->txn ? -1 : 1;
  return (x->participant > y->participant) - (x->participant < y->participant);
}

guint txn_check_atomicity(const TxnDecision *d, guint n, GArray *bad)
{
  if (n == 0)
    return 0;
  TxnDecision *s = g_memdup2(d, sizeof *d * n);
  qsort(s, n, sizeof *s, by_txn);
  guint count = 0;
  for (guint i = 0; i < n;) {
    guint j = i;
    gboolean commit = FALSE, abort = FALSE;
    for (; j < n && s[j].txn == s[i].txn; j++) {
      commit |= s[j].outcome == TXN_OUT_COMMIT;
      abort |= s[j].outcome == TXN_OUT_ABORT;
    }
    if (commit && abort) {
      count++;
      if (bad)
        g_array_append_val(bad, s[i].txn);
    }
    i = j;
  }
  g_free(s);
  return count;
}

gboolean txn_check_conflict(const TxnDecision *d, guint n, int64_t txn)
{
  gboolean commit = FALSE, abort = FALSE;
  for (guint i = 0; i < n; i++)
    if (d[i].txn == txn) {
      commit |= d[i].outcome == TXN_OUT_COMMIT;
      abort |= d[i].outcome == TXN_OUT_ABORT;
    }
  return commit && abort;
}

/* The first index in `s` (sorted by_txn) of (txn, participant), or n. */
static guint lower_bound(const TxnDecision *s, guint n, int64_t txn, int participant)
{
  guint lo = 0, hi = n;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (s[mid].txn < txn || (s[mid].txn == txn && s[mid].participant < participant))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

guint txn_check_durability(const TxnDecision *d, guint n, const TxnAcked *acked, guint nacked, GArray *bad)
{
  TxnDecision *s = n ? g_memdup2(d, sizeof *d * n) : NULL;
  if (n > 1)
    qsort(s, n, sizeof *s, by_txn);
  guint count = 0;
  for (guint a = 0; a < nacked; a++) {
    gboolean ok = TRUE;
    for (guint p = 0; p < acked[a].count && ok; p++) {
      /* Committed, or prepared and still waiting for the decision (it holds
       * the promise durably and will commit when told): not lost. */
      gboolean kept = FALSE;
      int who = acked[a].participants[p];
      for (guint i = lower_bound(s, n, acked[a].txn, who);
           i < n && s[i].txn == acked[a].txn && s[i].participant == who && !kept; i++)
        kept = s[i].outcome == TXN_OUT_COMMIT || s[i].outcome == TXN_OUT_UNDECIDED;
      ok = kept;
    }
    if (!ok) {
      count++;
      if (bad)
        g_array_append_val(bad, acked[a].txn);
    }
  }
  g_free(s);
  return count;
}
