/* The real-time stale-read checker for replicated key-value stores, on plain
 * arrays so tests can feed it hand-built histories and models what the run's
 * history recorded.
 *
 * Staleness is judged in real time, never by the store's own versions or
 * clocks: a read is stale when the write whose value it returned finished
 * before some other write to the same key began, and that other write
 * finished before the read began. In other words the read missed a write
 * that every observer could see had replaced the value it returned:
 *
 *   W_v: [----ok]                          (the write of the value returned)
 *   W'         [--ok]  ...                 (invoked after W_v completed)
 *   read                  [------ returns v]   (invoked after W' completed)
 *
 * Writes that overlap in time may take effect in either order, so a read
 * returning either of two concurrent writes is never stale here (reads that
 * see a write in progress and then lose it are a linearizability question,
 * for lincheck).
 *
 * Uncertain writes. A write that completed `info` (timed out) or `fail`, or
 * was still pending at the end, may or may not have taken effect, and if it
 * did, at any moment after its invocation. So such a write
 *   - is never the witness W' (it may not have happened), and
 *   - when a read returns its value, the read is never stale (it may have
 *     taken effect just before the read).
 * Treating `fail` like `info` is conservative: it can hide a stale read but
 * never invent one.
 *
 * A read that returned the key's initial value (nil, or a value no write
 * wrote, such as a preloaded one) is treated as reading a write that
 * finished before everything: stale as soon as any acknowledged write to
 * the key finished before the read began. Values are matched to writes by
 * (key, value); if several writes wrote the same value the read is judged
 * by the most favourable one. */
#pragma once
#include "sim/kernel/sim.h"

/* One operation of a client on a key. */
typedef struct {
  int64_t key;
  int64_t value;      /* write: the value written; read: the value returned */
  gboolean initial;   /* read: returned the key's initial value (see above) */
  gboolean certain;   /* write: completed ok; FALSE for info, fail, pending */
  SimTime invoked;
  SimTime completed;  /* ignored for an uncertain write */
} CheckKvOp;

/* Called once per stale read: `read` and `witness` index the arrays given
 * to check_kv_stale_reads (witness: the write the read missed), `what` is a
 * sentence describing it. */
typedef void (*CheckKvReport)(gsize read, gsize witness, const char *what, void *data);

/* Counts the stale reads among `reads` (completed ok reads) given every
 * write of the same clients (`writes`, ok or not). Reports each through
 * `report` (may be NULL), in the order of `reads`. The arrays are not
 * modified; work is O((nw + nr) log nw). */
guint64 check_kv_stale_reads(const CheckKvOp *writes, gsize nw, const CheckKvOp *reads, gsize nr,
                             CheckKvReport report, void *data);
