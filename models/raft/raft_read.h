/* Read-only queries on a Raft leader without a log entry per read
 * (Ongaro's thesis, "Consensus: Bridging Theory and Practice", Stanford
 * 2014, §6.4), chosen by the server parameter `read`:
 *
 *   "log"        every read is a log entry (the default; nothing here runs)
 *   "readindex"  §6.4: once the leader has committed an entry of its own
 *                term it records readIndex = commitIndex, confirms it is
 *                still leader with a round of heartbeats acknowledged by a
 *                majority (a round that started after the read arrived),
 *                waits for lastApplied >= readIndex and answers from the
 *                state machine
 *   "lease"      §6.4.1: a round acknowledged by a majority gives the leader
 *                a lease until round start + election timeout / drift
 *                bound on its own clock; within it reads are answered with
 *                no round at all (outside it a read falls back to a
 *                ReadIndex round, which renews the lease)
 *
 * The lease is safe only while no other server can be elected before it
 * ends: followers must refuse votes while they hear from the leader
 * (thesis §4.2.3, this model's check_quorum; etcd refuses lease reads
 * without CheckQuorum for the same reason), and clocks must keep the
 * assumed bound. `clock_drift` = D ppm promises that no server's clock runs
 * faster than (1 + D / 10^6) times any other's, so the lease lasts
 * election_timeout_min × 10^6 / (10^6 + D) on the leader's clock: by then
 * a follower that acknowledged the round has seen at most the minimum
 * election timeout pass on its own. `raft.lease_no_drift_margin` drops the
 * division (the lease is the whole minimum election timeout), so fast
 * follower clocks (or a slow or stepped-back leader clock) let a new leader
 * commit writes while the old one still answers reads.
 *
 * A round is numbered (field `round` of an empty AppendEntries, echoed in
 * its AppendEntriesReply); numbers restart with every term. The pure rules
 * (raft_read_*, raft_lease_*) take plain values so CUnit can drive them;
 * RaftReads is one leader's runtime state, driven by hooks in
 * raft_server.c. */
#pragma once
#include "models/raft/raft.h"

typedef enum { RAFT_READ_LOG, RAFT_READ_INDEX, RAFT_READ_LEASE } RaftReadMode;

/* ---- pure rules ---- */

/* "log", "readindex" or "lease" into *mode; FALSE (mode untouched) for any
 * other text. */
gboolean raft_read_mode_parse(const char *text, RaftReadMode *mode);
/* How long a lease lasts on the leader's clock after the start of a round
 * a majority acknowledged: election_min × 10^6 / (10^6 + drift_ppm), rounded
 * down, with `margin`; the whole election_min without (the broken variant).
 * drift_ppm < 0 counts as 0. */
SimTime raft_lease_duration(SimTime election_min, int64_t drift_ppm, gboolean margin);
/* TRUE while a lease that began at `start` (leader's clock) and lasts
 * `duration` holds at local time `now`: now < start + duration (the sum
 * saturates). Local clocks may be negative (an offset): no sentinel. */
gboolean raft_lease_holds(SimTime now, SimTime start, SimTime duration);
/* The highest round a majority of the `n` servers has acknowledged: the
 * leader counts as acknowledging every round it started (`current`), and
 * acked[i] is the highest round peer i acknowledged (0: none), for the
 * n - 1 peers. 0 when no round has a majority. */
int64_t raft_read_quorum_round(const int64_t *acked, guint n, int64_t current);
/* The same over the latest configuration `c` (thesis §4.1: a server uses
 * it at once): the highest round r <= current such that `self` (counted
 * only if a member) and the peers[i] with acked[i] >= r are a majority of
 * c; acknowledgements of servers outside c count for nothing. 0 when
 * there is none. */
int64_t raft_read_config_round(const RaftConfig *c, int self, const int *peers, const int64_t *acked,
                               guint npeers, int64_t current);
/* §6.4 step 1: TRUE once the leader's commitIndex holds an entry of its
 * currentTerm (its no-op at the latest); before that its commitIndex may lag
 * entries earlier leaders committed. */
gboolean raft_read_committed_in_term(const RaftState *st);
/* A read waiting at the leader can be answered when its read index is set
 * (>= 0), the round it waits for (0: none) is acknowledged by a majority
 * (<= quorum_round) and the state machine has applied up to its index. */
gboolean raft_read_ready(int64_t read_index, int64_t round, int64_t quorum_round, int64_t last_applied);

/* ---- one server's runtime state ---- */

typedef struct RaftReads RaftReads;

/* Answers `request` (a client's read, as delivered) from the state machine
 * as it has applied entries so far. */
typedef void (*RaftReadAnswer)(SimNode *node, const SimMsg *request, void *ud);

/* What a leader's read needs to see of its server; valid for one call. */
typedef struct {
  const RaftState *st;
  RaftReadAnswer answer;
  void *ud;
  /* The server's latest configuration, its peer slots (as numbered in
   * raft_reads_on_reply) and id: majorities are counted over cfg. NULL
   * cfg: every slot and the server are the cluster (CUnit's hand-made
   * views). */
  const RaftConfig *cfg;
  const int *peers;
  int self;
} RaftReadView;

/* Reads parameters `read` and `clock_drift` of `node`. NULL for read =
 * "log" (every hook below then stays unused) and after a setup error
 * (reported with sim_fail: an unknown mode; "lease" without check_quorum;
 * the broken variant with another mode than "lease"; a mode other than
 * "log" when the machine cannot read outside the log: `machine_reads`
 * FALSE). `election_min` is the minimum election timeout; `margin` is
 * FALSE for the broken variant. */
RaftReads *raft_reads_new(SimNode *node, SimTime election_min, guint npeers, gboolean check_quorum,
                          gboolean margin, gboolean machine_reads);
void raft_reads_free(RaftReads *r);
/* The server made slots for `npeers` other servers (membership): a new
 * slot has acknowledged no round. */
void raft_reads_resize(RaftReads *r, guint npeers);
/* The server just became leader: rounds restart at 1 (the heartbeats that
 * announce it carry round 1), no lease. */
void raft_reads_leader_start(SimNode *node, RaftReads *r);
/* The server is no longer leader: its lease ends and reads waiting at it
 * are dropped (their clients retry elsewhere). */
void raft_reads_step_down(RaftReads *r);
/* A periodic heartbeat is about to go out: starts the next round, which
 * raft_reads_tag puts on its empty AppendEntries. */
void raft_reads_heartbeat(SimNode *node, RaftReads *r);
/* Marks an empty AppendEntries with the round in progress. */
void raft_reads_tag(const RaftReads *r, SimMsg *append_entries);
/* A follower's reply echoes the round of the AppendEntries it answers
 * (`request`), if it had one. Only for an AppendEntries whose term the
 * follower accepted (its current term): the reply then shows that the
 * follower reset its election timer after the round started. */
void raft_reads_echo(const SimMsg *request, SimMsg *reply);
/* A leader got an AppendEntriesReply of its own term from peer number
 * `peer` (a success or not: either way the follower accepted this term and
 * reset its election timer): records its round and answers reads now
 * confirmed. */
void raft_reads_on_reply(SimNode *node, RaftReads *r, guint peer, const SimMsg *reply, const RaftReadView *v);
/* commitIndex and lastApplied moved: reads waiting for the leader's first
 * commit of its term, or for an apply, may go. TRUE when that started a
 * round the server must now send (an empty AppendEntries to every peer,
 * tagged by raft_reads_tag). */
gboolean raft_reads_on_commit(SimNode *node, RaftReads *r, const RaftReadView *v);
/* A client read at the leader: answered at once within a lease, else
 * queued behind a new round (or behind the leader's first commit); a
 * resend of a read already queued is dropped (the queued one is answered).
 * TRUE when the server must now send the new round, as for on_commit. */
gboolean raft_reads_request(SimNode *node, RaftReads *r, const SimMsg *request, const RaftReadView *v);
/* With a lease, a server that just restarted refuses votes for the minimum
 * election timeout: it may have acknowledged a round before the crash and
 * lost the memory of it (leader_heard is volatile). TRUE while that holds. */
gboolean raft_reads_vote_guard(SimNode *node, const RaftReads *r);
/* Reports the read counters (as 0 when nothing counted them) if any of the
 * `count` nodes reads without the log. */
void raft_reads_finish(Sim *sim, SimNode *const *nodes, guint count);
