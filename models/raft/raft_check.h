/* The Raft safety checker: the four properties of the Raft paper's Figure 3
 * (Ongaro & Ousterhout, USENIX ATC 2014), judged while the run goes from the
 * protocol events the servers emit, never from a server's internals:
 *
 *   raft_leader   {term}                this node became leader of `term`
 *   raft_append   {index, term, chain}  an entry is now at `index` of its log;
 *                                       equal chains <=> equal logs up to index
 *   raft_truncate {from}                entries `from`.. were removed
 *   raft_commit   {index [, term]}      its commitIndex advanced to `index`
 *                                       (`term`, if present: its currentTerm)
 *   raft_apply    {index, term, chain}  the entry at `index` was applied
 *   raft_snapshot {index, term, chain}  its log now begins after `index`,
 *                                       covered by a snapshot whose last
 *                                       entry has (term, chain): log
 *                                       compaction, not a truncation
 *
 * A restarted server emits raft_truncate {from = 1}, raft_snapshot if it
 * recovered one, and re-emits raft_append for every entry it recovered
 * after it, so the checker's mirror of each log stays exact (entries under
 * a snapshot are unknown to it, never absent). A snapshot's entry counts
 * for log_matching, and its chain must be the one applied first at its
 * index (state_machine_safety). The invariants (each reported at the moment of detection):
 *
 *   election_safety      at most one leader per term
 *   log_matching         entries with equal index and term have equal chains
 *                        (on any two nodes, at any two times)
 *   leader_completeness  a leader of term U has every entry committed in a
 *                        term before U
 *   state_machine_safety no two nodes apply different chains at one index
 *
 * "Committed" is what nodes reported: when a node reports raft_commit
 * {index}, the entries of its mirrored log up to `index` are committed, the
 * first report for an index fixing its chain. The term an entry was
 * committed in is the reporter's `term` field when the event has one, and
 * otherwise the highest term any node had become leader of by then; both
 * are at least the term of the leader that committed it, so a leader is
 * never required to hold an entry Raft does not promise it (the estimate can
 * only miss a leader elected, after the commit, in a term between the two).
 *
 * The mirrors and tables are charged to the run's memory budget. */
#pragma once
#include "sim/kernel/model.h"

typedef struct RaftCheck RaftCheck;

/* Called from a Raft server model's init (and restart): the first call
 * of the run attaches one checker to the Sim, which watches the raft_*
 * events of every node from then on and is freed with the Sim; every
 * later call (other servers, restarts) does nothing. The node that
 * attached it is marked by a durable key, "raft_check.attached". */
void raft_check_attach(SimNode *node);

/* A checker on `sim` on its own, for tests that feed it events by hand.
 * Declares the four invariants. Freed with raft_check_free. */
RaftCheck *raft_check_new(Sim *sim);
void raft_check_free(RaftCheck *rc);

/* Feeds one trace event; anything but a raft_* protocol event is ignored.
 * Has the SimObserver signature. */
void raft_check_observe(Sim *sim, const SimTraceEvent *event, void *rc);
