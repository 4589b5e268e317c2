/* The mutual-exclusion checker for distributed locks.
 *
 * It works on plain arrays, so tests can feed it hand-built histories and
 * models can feed it what their clients and the protected resource recorded:
 *  - believed critical sections: client c believed it held the lock from
 *    `start` to `end` (global simulation time), grant number `seq`;
 *  - writes the resource received: from client c under grant `seq`,
 *    arriving at `at`, accepted or rejected.
 * Two checks: overlapping critical sections of different clients
 * (mutual_exclusion) and accepted writes issued under a grant older than
 * that of another client whose write the resource had already accepted
 * (resource_safety: the data-corrupting case, Kleppmann's stale holder
 * overwriting the next holder's work). A stale write that reaches the
 * resource before the next holder has written anything is not counted:
 * no newer write is lost, and fencing tokens, which the resource learns
 * only from writes, cannot stop it either. */
#pragma once
#include "sim/kernel/sim.h"

typedef struct {
  int client;
  int64_t seq;   /* the client's grant number */
  SimTime start, end;
} CheckLockInterval;

typedef struct {
  int client;
  int64_t seq;   /* the grant the write was issued under */
  SimTime at;    /* when the resource decided */
  gboolean accepted;
} CheckLockWrite;

/* Called once per finding with when it happened and a sentence describing
 * it (for sim_violation_at). */
typedef void (*CheckLockReport)(SimTime at, const char *what, void *data);

/* Where findings go: `report` (may be NULL) gets each sentence; `names`
 * (may be NULL) maps a client number to the name used in the sentence. */
typedef struct {
  CheckLockReport report;
  void *data;
  const char *const *names;
  gsize nnames;
} CheckLockSink;

/* Counts pairs of intervals of different clients that overlap in time
 * (half-open [start, end); empty intervals never overlap). Sorts `iv` by
 * (start, client, seq). Reports each pair to `sink` (may be NULL). */
guint64 check_lock_overlaps(CheckLockInterval *iv, gsize n, const CheckLockSink *sink);

/* Counts accepted writes whose grant (client, seq) started before the grant
 * of another client that had an accepted write earlier (by `at`; ties in
 * array order). A write whose grant is unknown counts as unsafe (nobody
 * granted it). `iv` must be sorted as check_lock_overlaps leaves it. */
guint64 check_lock_unsafe_writes(const CheckLockInterval *iv, gsize n, const CheckLockWrite *w, gsize m,
                                 const CheckLockSink *sink);
