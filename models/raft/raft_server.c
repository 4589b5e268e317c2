/* A Raft server (Ongaro & Ousterhout, USENIX ATC 2014, Figure 2 and §5;
 * Ongaro's thesis, Stanford 2014: §6.4 the leader's no-op entry, §6.2
 * CheckQuorum, §9.6 PreVote), generic over the state machine it
 * replicates (RaftMachine in raft.h: the key-value map of raft_kv.c,
 * ZooKeeper's data tree in models/zk/).
 *
 * Roles follower, candidate, leader; a randomized election timeout drawn
 * from `election_timeout` on the node's local clock; heartbeats every
 * `heartbeat`. A message holds at most SIM_MSG_MAX_FIELDS int64 fields, so
 * an AppendEntries carries at most one entry (t0, c0, k0, v0 beside term,
 * prev, pt, commit); the leader keeps up to `max_batch` of them in flight
 * per follower (a pipeline from nextIndex[]), and each heartbeat resends
 * the window from nextIndex[] so a lost message costs one heartbeat.
 *
 * Messages that are not Raft's go to the machine, which proposes commands
 * through raft_server_propose (leader only) and is handed each committed
 * entry in order; timers tagged RAFT_MACHINE_TIMER are the machine's.
 * Reads outside the log (parameter `read`: ReadIndex and leases, thesis
 * §6.4) are raft_read.c's; the hooks here number heartbeat rounds on empty
 * AppendEntries, echo them, and pass on commits and leadership changes.
 *
 * Protocol events (read by the checker): raft_leader {term}, raft_append
 * {index, term, chain}, raft_truncate {from}, raft_commit {index},
 * raft_apply {index, term, chain}, raft_snapshot {index, term, chain}
 * (raft_snapshot.c: the log now begins after index); after a restart
 * raft_truncate {from = 1}, raft_snapshot if it recovered one, and
 * raft_append for every recovered entry. */
#include "models/raft/raft.h"
#include "models/raft/raft_check.h"
#include "models/raft/raft_read.h"
#include <string.h>

enum { TAG_ELECTION = 1, TAG_HEARTBEAT = 2 };

struct RaftServer {
  RaftState st;
  RaftRole role;
  int self, leader;          /* leader: node id or -1 */
  int *peers;                /* the other servers */
  guint npeers, n;           /* n = npeers + 1: slots, not the configuration (majorities: quorum_of) */
  SimTime et_lo, et_hi, heartbeat;
  gboolean prevote, check_quorum, old_terms, volatile_vote;
  int64_t max_batch;
  SimTimerId election_timer, heartbeat_timer;
  /* Candidate (and pre-candidate) */
  gboolean precandidate;
  gboolean *votes;
  guint nvotes;
  /* Leader, per peer */
  int64_t *nextIndex, *matchIndex;
  int64_t *sent;             /* last index sent since nextIndex was set */
  gboolean *probing;         /* one AppendEntries at a time until a match */
  GArray **gaps;             /* pipelining: prev indices rejected (overtaken) */
  SimTime *heard;            /* local clock of the peer's last reply */
  SimTime leader_since;
  SimTime leader_heard;      /* follower: last AppendEntries of the leader */
  GArray *early;             /* follower: SimMsg, entries that overtook their predecessor */
  /* The replicated state machine */
  const RaftMachine *machine;
  void *m;
  RaftReads *reads;          /* NULL: reads go through the log */
  RaftSnap *snap;            /* snapshots, InstallSnapshot (raft_snapshot.c) */
  /* Membership (thesis §4.1): raft_config.c, raft_members.c */
  RaftConfig cfg;
  RaftMembers *members;
};

extern const SimModel model_raft_commit_old_terms, model_raft_volatile_vote, model_raft_lease_no_drift_margin;

static void server_free(gpointer p)
{
  RaftServer *s = p;
  raft_state_clear(&s->st);
  g_free(s->peers);
  g_free(s->votes);
  g_free(s->nextIndex);
  g_free(s->matchIndex);
  g_free(s->sent);
  g_free(s->probing);
  for (guint i = 0; s->gaps && i < s->npeers; i++)
    g_array_unref(s->gaps[i]);
  g_free(s->gaps);
  g_free(s->heard);
  raft_snap_free(s->snap);
  if (s->m)
    s->machine->free(s->m);
  raft_reads_free(s->reads);
  raft_config_clear(&s->cfg);
  raft_members_free(s->members);
  if (s->early)
    g_array_unref(s->early);
  g_free(s);
}

static int peer_pos(const RaftServer *s, int id)
{
  for (guint i = 0; i < s->npeers; i++)
    if (s->peers[i] == id)
      return (int) i;
  return -1;
}

/* Membership: a slot in the per-peer arrays for server `id`, a server the
 * peers parameter did not name (added by a configuration entry, or being
 * caught up); its leader state is that of a fresh term. Returns its
 * position (-1 for this server itself). */
static int add_peer(SimNode *node, RaftServer *s, int id)
{
  int p = peer_pos(s, id);
  if (p >= 0 || id == s->self)
    return p;
  guint i = s->npeers++, len = s->npeers + 1;
  s->n = s->npeers + 1;
  s->peers = g_renew(int, s->peers, len);
  s->votes = g_renew(gboolean, s->votes, len);
  s->nextIndex = g_renew(int64_t, s->nextIndex, len);
  s->matchIndex = g_renew(int64_t, s->matchIndex, len);
  s->sent = g_renew(int64_t, s->sent, len);
  s->probing = g_renew(gboolean, s->probing, len);
  s->gaps = g_renew(GArray *, s->gaps, len);
  s->heard = g_renew(SimTime, s->heard, len);
  s->peers[i] = id;
  s->votes[i] = FALSE;
  s->nextIndex[i] = raft_last_index(&s->st) + 1;
  s->matchIndex[i] = 0;
  s->sent[i] = raft_last_index(&s->st);
  s->probing[i] = TRUE;
  s->gaps[i] = g_array_new(FALSE, FALSE, sizeof(int64_t));
  s->heard[i] = sim_node_clock(node);
  raft_reads_resize(s->reads, s->npeers);
  raft_snap_resize(s->snap, s->npeers);
  return (int) i;
}

/* After the configuration changed: a slot for each member (reads count
 * majorities over the configuration itself: quorum_of, read_view). */
static void config_changed(SimNode *node, RaftServer *s)
{
  for (guint k = 0; k < raft_config_size(&s->cfg); k++)
    add_peer(node, s, g_array_index(s->cfg.members, int, k));
}

/* Whether the leader sends AppendEntries to peer slot i: a member of the
 * latest configuration, the server being caught up, or one a
 * configuration entry removed that has not acknowledged it yet (so that
 * it learns it and stops campaigning, §4.2.2). */
static gboolean replicates(const RaftServer *s, guint i)
{
  int id = s->peers[i];
  if (raft_config_has(&s->cfg, id) || raft_members_learner(s->members) == id)
    return TRUE;
  int64_t at = raft_config_removed_at(&s->cfg, id);
  return at > 0 && s->matchIndex[i] < at;
}

/* Whether this server and the peers whose flag is set in `flags` are a
 * majority of the latest configuration (this server counts if a member). */
static gboolean quorum_of(const RaftServer *s, const gboolean *flags)
{
  int *ids = g_newa(int, s->npeers + 1);
  guint k = 0;
  ids[k++] = s->self;
  for (guint i = 0; i < s->npeers; i++)
    if (flags[i])
      ids[k++] = s->peers[i];
  return raft_config_majority(&s->cfg, ids, k);
}

/* "LO,HI" durations; FALSE on a bad text. */
static gboolean parse_range(const char *text, SimTime *lo, SimTime *hi)
{
  g_auto(GStrv) parts = g_strsplit(text, ",", 3);
  if (g_strv_length(parts) != 2)
    return FALSE;
  if (!sim_time_parse(g_strstrip(parts[0]), lo, NULL) || !sim_time_parse(g_strstrip(parts[1]), hi, NULL))
    return FALSE;
  return *lo > 0 && *hi >= *lo;
}

/* ---- timers ---- */

static void reset_election_timer(SimNode *node, RaftServer *s)
{
  sim_timer_cancel(node, s->election_timer);
  SimTime d = sim_rng_range(sim_node_rng(node), s->et_lo, s->et_hi);
  s->election_timer = sim_timer_after(node, d, TAG_ELECTION);
}

/* ---- the state machine ---- */

static void send_append(SimNode *node, RaftServer *s, int peer, int64_t prev, gboolean with_entry);

/* raft_read.c's way to answer a read from the machine's applied state. */
static void answer_read(SimNode *node, const SimMsg *request, void *ud)
{
  RaftServer *s = ud;
  s->machine->read(node, s->m, request);
}

static RaftReadView read_view(RaftServer *s)
{
  return (RaftReadView) { &s->st, answer_read, s, &s->cfg, s->peers, s->self };
}

static gboolean replicates(const RaftServer *s, guint i);

/* A round of reads: an empty AppendEntries (a heartbeat) to every peer it
 * replicates to, tagged with the round raft_read.c just started. */
static void send_read_round(SimNode *node, RaftServer *s)
{
  for (guint i = 0; i < s->npeers; i++)
    if (replicates(s, i))
      send_append(node, s, s->peers[i], s->nextIndex[i] - 1, FALSE);
}

/* Figure 2, all servers: apply log[lastApplied+1 .. commitIndex]. */
static void apply_committed(SimNode *node, RaftServer *s)
{
  while (s->st.lastApplied < s->st.commitIndex) {
    const RaftEntry *e = raft_entry_at(&s->st, s->st.lastApplied + 1);
    if (!e)
      break; /* only a broken variant truncates below commitIndex */
    s->st.lastApplied++;
    SimMsg ev = sim_record("raft_apply");
    sim_msg_add(&ev, "index", s->st.lastApplied);
    sim_msg_add(&ev, "term", e->term);
    sim_msg_add(&ev, "chain", e->chain);
    sim_emit(node, &ev);
    RaftConfigChange change;
    int id;
    if (!raft_config_is_entry(e, &change, &id))
      s->machine->apply(node, s->m, s->st.lastApplied, e);
  }
}

static void become_follower(SimNode *node, RaftServer *s, int64_t term);

static void set_commit(SimNode *node, RaftServer *s, int64_t index)
{
  if (index <= s->st.commitIndex)
    return;
  s->st.commitIndex = index;
  SimMsg ev = sim_record("raft_commit");
  sim_msg_add(&ev, "index", index);
  sim_emit(node, &ev);
  apply_committed(node, s);
  if (s->reads && s->role == RAFT_LEADER) {
    RaftReadView v = read_view(s);
    if (raft_reads_on_commit(node, s->reads, &v))
      send_read_round(node, s);
  }
  raft_snap_maybe_take(node, s->snap, &s->st);
  if (s->role != RAFT_LEADER)
    return;
  raft_members_on_commit(node, s->members);
  /* §4.2.2: a leader that removed itself steps down once that is committed. */
  if (!raft_config_has(&s->cfg, s->self) && s->cfg.index <= s->st.commitIndex)
    become_follower(node, s, s->st.currentTerm);
}

/* ---- roles ---- */

/* Adopts a higher term (votedFor cleared, persisted) and becomes follower. */
static void become_follower(SimNode *node, RaftServer *s, int64_t term)
{
  if (term > s->st.currentTerm) {
    s->st.currentTerm = term;
    s->st.votedFor = -1;
    raft_log_save_term(node, term);
    s->leader = -1;
  }
  gboolean was_leader = s->role == RAFT_LEADER;
  s->role = RAFT_FOLLOWER;
  s->precandidate = FALSE;
  if (was_leader) {
    sim_timer_cancel(node, s->heartbeat_timer);
    s->heartbeat_timer = 0;
    s->leader = -1;
  }
  if (was_leader || !s->election_timer)
    reset_election_timer(node, s);
  if (was_leader && s->reads)
    raft_reads_step_down(s->reads);
  if (was_leader && s->machine->on_leadership)
    s->machine->on_leadership(node, s->m, FALSE);
  if (was_leader)
    raft_members_on_lost_leadership(s->members);
}

static void send_append(SimNode *node, RaftServer *s, int peer, int64_t prev, gboolean with_entry)
{
  if (prev < s->st.lastIncludedIndex)
    return; /* compacted: the follower gets the snapshot instead */
  SimMsg *m = sim_msg_new(node, "AppendEntries");
  sim_msg_add(m, "term", s->st.currentTerm);
  sim_msg_add(m, "prev", prev);
  sim_msg_add(m, "pt", raft_term_at(&s->st, prev));
  sim_msg_add(m, "commit", s->st.commitIndex);
  if (with_entry) {
    const RaftEntry *e = raft_entry_at(&s->st, prev + 1);
    sim_msg_add(m, "t0", e->term);
    sim_msg_add(m, "c0", e->cmd[0]);
    sim_msg_add(m, "k0", e->cmd[1]);
    sim_msg_add(m, "v0", e->cmd[2]);
  } else if (s->reads) {
    raft_reads_tag(s->reads, m);
  }
  sim_send(node, peer, m);
}

/* Sends peer i the entries of its window not yet sent: from sent[i] + 1 up
 * to nextIndex[i] - 1 + max_batch, or just nextIndex[i] while probing (after
 * a rejection, until a success shows where the logs match). A heartbeat restarts the window at
 * nextIndex[i] (recovering lost messages) and sends an empty AppendEntries
 * when there is nothing to send. */
static void send_window(SimNode *node, RaftServer *s, guint i, gboolean heartbeat)
{
  /* Entries the follower may lack were compacted: it gets the snapshot,
   * unless they are on their way (pipelined, not yet acknowledged) and
   * this is not a heartbeat, which would send them again. */
  if (s->nextIndex[i] <= s->st.lastIncludedIndex
      && (heartbeat || s->probing[i] || s->sent[i] < s->st.lastIncludedIndex)) {
    raft_snap_send(node, s->snap, &s->st, i, s->peers[i], s->max_batch, heartbeat);
    return;
  }
  int64_t last = raft_last_index(&s->st);
  if (heartbeat)
    g_array_set_size(s->gaps[i], 0); /* the window goes again in full */
  if (heartbeat || s->sent[i] < s->nextIndex[i] - 1)
    s->sent[i] = s->nextIndex[i] - 1;
  int64_t window = s->probing[i] ? 1 : s->max_batch;
  int64_t limit = MIN(last, s->nextIndex[i] - 1 + window);
  if (s->sent[i] >= limit) {
    if (heartbeat)
      send_append(node, s, s->peers[i], s->nextIndex[i] - 1, FALSE);
    return;
  }
  if (heartbeat && s->reads) /* entries have no room for the read round */
    send_append(node, s, s->peers[i], s->nextIndex[i] - 1, FALSE);
  for (int64_t idx = s->sent[i] + 1; idx <= limit; idx++)
    send_append(node, s, s->peers[i], idx - 1, TRUE);
  s->sent[i] = limit;
}

static void leader_commit(SimNode *node, RaftServer *s)
{
  set_commit(node, s, raft_config_commit(&s->cfg, &s->st, s->peers, s->matchIndex, s->npeers, s->self, s->old_terms));
}

/* The leader appends a command of its term, persists it and sends it. */
static void leader_append(SimNode *node, RaftServer *s, RaftEntry e)
{
  e.term = s->st.currentTerm;
  RaftAppendResult res;
  int64_t last = raft_last_index(&s->st);
  raft_append_entries(&s->st, last, &e, 1, &res);
  raft_log_save_entry(node, last + 1, raft_entry_at(&s->st, last + 1));
  raft_emit_append(node, &s->st, last + 1);
  if (raft_config_appended(&s->cfg, &s->st, last + 1))
    config_changed(node, s);
  for (guint i = 0; i < s->npeers; i++)
    if (replicates(s, i))
      send_window(node, s, i, FALSE);
  leader_commit(node, s);
}

static void become_leader(SimNode *node, RaftServer *s)
{
  s->role = RAFT_LEADER;
  s->leader = s->self;
  s->precandidate = FALSE;
  if (s->reads)
    raft_reads_leader_start(node, s->reads);
  sim_timer_cancel(node, s->election_timer);
  s->election_timer = 0;
  SimTime now = sim_node_clock(node);
  s->leader_since = now;
  int64_t last = raft_last_index(&s->st);
  for (guint i = 0; i < s->npeers; i++) {
    s->nextIndex[i] = last + 1;
    s->matchIndex[i] = 0;
    s->sent[i] = last;
    s->probing[i] = TRUE;
    g_array_set_size(s->gaps[i], 0);
    s->heard[i] = now;
  }
  SimMsg ev = sim_record("raft_leader");
  sim_msg_set(&ev, "term", s->st.currentTerm);
  sim_emit(node, &ev);
  sim_metric_add(sim_node_sim(node), "raft_leaders_elected", 1);
  RaftEntry noop = { 0 };
  leader_append(node, s, noop);
  for (guint i = 0; i < s->npeers; i++)
    if (replicates(s, i))
      send_window(node, s, i, TRUE);
  sim_timer_cancel(node, s->heartbeat_timer);
  s->heartbeat_timer = sim_timer_after(node, s->heartbeat, TAG_HEARTBEAT);
  if (s->machine->on_leadership)
    s->machine->on_leadership(node, s->m, TRUE);
}

static void send_vote_requests(SimNode *node, RaftServer *s, const char *type, int64_t term)
{
  for (guint i = 0; i < s->npeers; i++) {
    if (!raft_config_has(&s->cfg, s->peers[i]))
      continue;
    SimMsg *m = sim_msg_new(node, type);
    sim_msg_set(m, "term", term);
    sim_msg_set(m, "lli", raft_last_index(&s->st));
    sim_msg_set(m, "llt", raft_last_term(&s->st));
    sim_send(node, s->peers[i], m);
  }
}

static void start_election(SimNode *node, RaftServer *s)
{
  s->st.currentTerm++;
  s->st.votedFor = s->self;
  if (s->volatile_vote)
    raft_log_save_term(node, s->st.currentTerm);
  else
    raft_log_save_vote(node, s->st.currentTerm, s->self);
  s->role = RAFT_CANDIDATE;
  s->precandidate = FALSE;
  s->leader = -1;
  memset(s->votes, 0, s->npeers * sizeof *s->votes);
  s->nvotes = 1;
  sim_metric_add(sim_node_sim(node), "raft_elections", 1);
  reset_election_timer(node, s);
  if (quorum_of(s, s->votes)) {
    become_leader(node, s);
    return;
  }
  send_vote_requests(node, s, "RequestVote", s->st.currentTerm);
}

/* Thesis §9.6: ask whether an election for currentTerm + 1 could win
 * before disrupting anyone with a higher term. */
static void start_prevote(SimNode *node, RaftServer *s)
{
  s->precandidate = TRUE;
  memset(s->votes, 0, s->npeers * sizeof *s->votes);
  s->nvotes = 1;
  reset_election_timer(node, s);
  if (quorum_of(s, s->votes)) {
    start_election(node, s);
    return;
  }
  send_vote_requests(node, s, "PreVote", s->st.currentTerm + 1);
}

/* A follower that heard from a leader less than the minimum election
 * timeout ago (or a leader, with CheckQuorum) keeps it: vote requests from
 * a disrupting server are refused without adopting their term (§4.2.3). */
static gboolean in_lease(SimNode *node, const RaftServer *s)
{
  if (s->role == RAFT_LEADER)
    return TRUE;
  if (s->reads && raft_reads_vote_guard(node, s->reads))
    return TRUE;
  return s->role == RAFT_FOLLOWER && s->leader >= 0
         && sim_node_clock(node) - s->leader_heard < s->et_lo;
}

/* ---- messages ---- */

static void on_request_vote(SimNode *node, RaftServer *s, const SimMsg *msg)
{
  int64_t term = sim_msg_get(msg, "term", 0);
  int64_t lli = sim_msg_get(msg, "lli", 0), llt = sim_msg_get(msg, "llt", 0);
  gboolean granted = FALSE;
  if (!(s->check_quorum && term > s->st.currentTerm && in_lease(node, s))) {
    if (term > s->st.currentTerm)
      become_follower(node, s, term);
    granted = raft_vote_granted(&s->st, term, msg->src, lli, llt);
    if (granted) {
      if (s->st.votedFor != msg->src && !s->volatile_vote)
        raft_log_save_vote(node, term, msg->src);
      s->st.votedFor = msg->src;
      reset_election_timer(node, s);
    }
  }
  SimMsg *m = sim_msg_new(node, "RequestVoteReply");
  sim_msg_set(m, "term", s->st.currentTerm);
  sim_msg_set(m, "granted", granted);
  sim_send(node, msg->src, m);
}

static void on_prevote(SimNode *node, RaftServer *s, const SimMsg *msg)
{
  int64_t term = sim_msg_get(msg, "term", 0);
  int64_t lli = sim_msg_get(msg, "lli", 0), llt = sim_msg_get(msg, "llt", 0);
  gboolean granted = term > s->st.currentTerm && !in_lease(node, s)
                     && raft_log_up_to_date(&s->st, lli, llt);
  SimMsg *m = sim_msg_new(node, "PreVoteReply");
  sim_msg_set(m, "term", granted ? term : s->st.currentTerm);
  sim_msg_set(m, "granted", granted);
  sim_send(node, msg->src, m);
}

static void count_vote(SimNode *node, RaftServer *s, int src)
{
  int p = peer_pos(s, src);
  if (p < 0 || s->votes[p])
    return;
  s->votes[p] = TRUE;
  s->nvotes++;
  if (!quorum_of(s, s->votes))
    return;
  if (s->precandidate)
    start_election(node, s);
  else
    become_leader(node, s);
}

static void on_vote_reply(SimNode *node, RaftServer *s, const SimMsg *msg, gboolean pre)
{
  int64_t term = sim_msg_get(msg, "term", 0);
  gboolean granted = sim_msg_get(msg, "granted", 0) != 0;
  if (!granted) {
    if (term > s->st.currentTerm)
      become_follower(node, s, term);
    return;
  }
  if (pre) {
    if (s->role == RAFT_FOLLOWER && s->precandidate && term == s->st.currentTerm + 1)
      count_vote(node, s, msg->src);
  } else if (s->role == RAFT_CANDIDATE && term == s->st.currentTerm) {
    count_vote(node, s, msg->src);
  }
}

/* `request`: the AppendEntries answered; its read round is echoed only if
 * this server accepted its term (a stale leader's round proves nothing:
 * its number may be reused by the current leader). */
static void reply_append(SimNode *node, RaftServer *s, const SimMsg *request, gboolean ok, int64_t prev,
                         int64_t match, int64_t hint)
{
  SimMsg *m = sim_msg_new(node, "AppendEntriesReply");
  sim_msg_add(m, "term", s->st.currentTerm);
  sim_msg_add(m, "success", ok);
  sim_msg_add(m, "prev", prev);
  sim_msg_add(m, "match", match);
  sim_msg_add(m, "hint", hint);
  if (s->reads && sim_msg_get(request, "term", 0) == s->st.currentTerm)
    raft_reads_echo(request, m);
  sim_send(node, request->src, m);
}

/* A request from a leader (AppendEntries, InstallSnapshot): FALSE if its
 * term is stale; else this server follows its sender in that term and
 * restarts its election timer. */
static gboolean follow_leader(SimNode *node, RaftServer *s, const SimMsg *msg)
{
  int64_t term = sim_msg_get(msg, "term", 0);
  if (term < s->st.currentTerm)
    return FALSE;
  if (term > s->st.currentTerm || s->role != RAFT_FOLLOWER)
    become_follower(node, s, term);
  s->leader = msg->src;
  s->precandidate = FALSE;
  s->leader_heard = sim_node_clock(node);
  reset_election_timer(node, s);
  return TRUE;
}

/* Reassembly for a server outside its configuration (one being added,
 * thesis §4.2.1), TCP's job under real Raft servers (LogCabin and etcd
 * send AppendEntries over ordered streams): an entry that arrives before
 * its predecessor on a link that reorders is kept, up to max_batch of
 * them, besides being rejected as Figure 2 says (the leader still learns
 * of the gap). It is taken up when the log reaches its predecessor,
 * exactly as if the network had delivered it then: a delay any Raft
 * network may add, so safety is untouched. Without it a new server gains
 * about one entry per round trip on such a link (each entry is its own
 * message), no faster than clients append, so no catching-up round ends
 * within an election timeout and the leader answers TIMEOUT again and
 * again (raft_add_server.lua, fault = all: 23 of seeds 1-200 never added
 * s4). Members do not keep early entries: they trail the leader by a few
 * entries, and their runs stay as they were. */
static void keep_early(RaftServer *s, const SimMsg *msg, int64_t prev)
{
  if (raft_config_has(&s->cfg, s->self) || prev <= raft_last_index(&s->st) || !sim_msg_has(msg, "t0")
      || msg->payload)
    return;
  if (!s->early)
    s->early = g_array_new(FALSE, FALSE, sizeof(SimMsg));
  for (guint i = 0; i < s->early->len; i++) {
    const SimMsg *e = &g_array_index(s->early, SimMsg, i);
    if (sim_msg_get(e, "prev", 0) == prev)
      return; /* a duplicate */
  }
  if (s->early->len < (guint) MIN(s->max_batch, 1024))
    g_array_append_val(s->early, *msg);
}

/* The kept entry that now follows the log (it is removed from the kept
 * ones) into *out; kept entries of an earlier term or behind the log are
 * dropped, as a network may drop them. FALSE when there is none. */
static gboolean take_early(RaftServer *s, SimMsg *out)
{
  gboolean found = FALSE;
  int64_t last = raft_last_index(&s->st);
  for (guint i = 0; s->early && i < s->early->len;) {
    const SimMsg *e = &g_array_index(s->early, SimMsg, i);
    int64_t prev = sim_msg_get(e, "prev", 0);
    if (sim_msg_get(e, "term", 0) != s->st.currentTerm || prev < last) {
      g_array_remove_index_fast(s->early, i);
    } else if (prev == last && !found) {
      *out = *e;
      found = TRUE;
      g_array_remove_index_fast(s->early, i);
    } else {
      i++;
    }
  }
  return found;
}

static gboolean append_one(SimNode *node, RaftServer *s, const SimMsg *msg);

static void on_append_entries(SimNode *node, RaftServer *s, const SimMsg *msg)
{
  SimMsg next;
  if (append_one(node, s, msg))
    while (take_early(s, &next) && append_one(node, s, &next)) {}
}

/* Figure 2's receiver rules for one AppendEntries: TRUE if this server
 * appended what it carried. */
static gboolean append_one(SimNode *node, RaftServer *s, const SimMsg *msg)
{
  if (!follow_leader(node, s, msg)) {
    reply_append(node, s, msg, FALSE, sim_msg_get(msg, "prev", 0), 0, 0);
    return FALSE;
  }
  int64_t prev = sim_msg_get(msg, "prev", 0), pt = sim_msg_get(msg, "pt", 0);
  if (!raft_append_consistent(&s->st, prev, pt)) {
    keep_early(s, msg, prev);
    reply_append(node, s, msg, FALSE, prev, 0, raft_conflict_hint(&s->st, prev));
    return FALSE;
  }
  guint n = sim_msg_has(msg, "t0") ? 1 : 0;
  RaftEntry e = { 0 };
  if (n) {
    e.cmd[0] = sim_msg_get(msg, "c0", 0);
    e.cmd[1] = sim_msg_get(msg, "k0", 0);
    e.cmd[2] = sim_msg_get(msg, "v0", 0);
    e.term = sim_msg_get(msg, "t0", 0);
  }
  RaftAppendResult res;
  raft_append_entries(&s->st, prev, &e, n, &res);
  if (res.below_commit)
    sim_metric_add(sim_node_sim(node), "raft_committed_truncations", 1);
  if (res.truncated_from) {
    raft_log_save_trunc(node, res.truncated_from);
    raft_emit_truncate(node, res.truncated_from);
    if (raft_config_truncated(&s->cfg, res.truncated_from))
      config_changed(node, s);
  }
  if (res.first_new)
    for (int64_t i = res.first_new; i <= raft_last_index(&s->st); i++) {
      raft_log_save_entry(node, i, raft_entry_at(&s->st, i));
      raft_emit_append(node, &s->st, i);
      if (raft_config_appended(&s->cfg, &s->st, i))
        config_changed(node, s);
    }
  int64_t leader_commit = sim_msg_get(msg, "commit", 0);
  set_commit(node, s, MIN(leader_commit, prev + (int64_t) n));
  reply_append(node, s, msg, TRUE, prev, prev + (int64_t) n, 0);
  return n > 0 && s->role == RAFT_FOLLOWER;
}

/* Pipelining: resends, once, each entry the follower rejected because it
 * overtook its predecessor (prev index r in gaps[p]) as soon as the
 * follower is known to hold r. */
static void resend_gaps(SimNode *node, RaftServer *s, guint p)
{
  GArray *gaps = s->gaps[p];
  for (guint k = 0; k < gaps->len;) {
    int64_t r = g_array_index(gaps, int64_t, k);
    if (r > s->matchIndex[p]) {
      k++;
      continue;
    }
    if (r + 1 > s->matchIndex[p] && r + 1 <= raft_last_index(&s->st))
      send_append(node, s, s->peers[p], r, TRUE);
    g_array_remove_index_fast(gaps, k);
  }
}

/* A reply to a leader's request: a higher term makes this server a
 * follower. Returns the replying peer's position when this server leads
 * the reply's term (the peer is noted as heard), else -1. */
static int leader_reply_from(SimNode *node, RaftServer *s, const SimMsg *msg)
{
  int64_t term = sim_msg_get(msg, "term", 0);
  if (term > s->st.currentTerm) {
    become_follower(node, s, term);
    return -1;
  }
  int p = peer_pos(s, msg->src);
  if (s->role != RAFT_LEADER || term != s->st.currentTerm || p < 0 || !replicates(s, (guint) p))
    return -1;
  s->heard[p] = sim_node_clock(node);
  if (s->reads) {
    RaftReadView v = read_view(s);
    raft_reads_on_reply(node, s->reads, (guint) p, msg, &v);
  }
  return p;
}

static void on_append_reply(SimNode *node, RaftServer *s, const SimMsg *msg)
{
  int p = leader_reply_from(node, s, msg);
  if (p < 0)
    return;
  if (sim_msg_get(msg, "success", 0)) {
    int64_t m = sim_msg_get(msg, "match", 0);
    if (m > s->matchIndex[p])
      s->matchIndex[p] = m;
    if (m + 1 > s->nextIndex[p])
      s->nextIndex[p] = m + 1;
    s->probing[p] = FALSE;
    raft_members_on_match(node, s->members, msg->src, s->matchIndex[p]);
    leader_commit(node, s);
    if (s->role != RAFT_LEADER || !replicates(s, (guint) p))
      return; /* stepped down (§4.2.2), or it acknowledged its removal */
    resend_gaps(node, s, (guint) p);
    send_window(node, s, (guint) p, FALSE);
    return;
  }
  int64_t rejected = sim_msg_get(msg, "prev", 0);
  if (!s->probing[p]) {
    /* Pipelining, the logs match up to matchIndex and every later entry
     * went out in order: a rejection means entry rejected + 1 overtook its
     * predecessor (links need not keep order) or the predecessor was lost.
     * It is sent again once the follower holds its predecessor (a lost one
     * comes with the next heartbeat's window). Only if too many are
     * outstanding does the leader fall back to probing. */
    if (rejected + 1 <= s->matchIndex[p])
      return;
    GArray *gaps = s->gaps[(guint) p];
    for (guint k = 0; k < gaps->len; k++)
      if (g_array_index(gaps, int64_t, k) == rejected)
        return;
    if (gaps->len < (guint) MIN(s->max_batch, 1024)) {
      g_array_append_val(gaps, rejected);
      resend_gaps(node, s, (guint) p);
      return;
    }
    g_array_set_size(gaps, 0);
  } else if (rejected <= s->matchIndex[p] || rejected != s->nextIndex[p] - 1) {
    /* Probing: a rejection of another index than the one probed is late
     * (reordered or duplicated), as in etcd's maybeDecrTo. */
    return;
  }
  /* Back off to the follower's hint and probe one entry at a time until a
   * success shows where the logs match. */
  s->nextIndex[p] = MAX(s->matchIndex[p] + 1, MIN(rejected, sim_msg_get(msg, "hint", 1)));
  s->sent[p] = s->nextIndex[p] - 1;
  s->probing[p] = TRUE;
  send_window(node, s, (guint) p, FALSE);
}

/* Figure 13, receiver step 1 and the follower's part of AppendEntries
 * (a leader of the current term was heard); the rest in raft_snapshot.c. */
static void on_install_snapshot(SimNode *node, RaftServer *s, const SimMsg *msg)
{
  if (!follow_leader(node, s, msg)) {
    raft_snap_reply(node, msg->src, s->st.currentTerm, sim_msg_get(msg, "lii", 0), 0, FALSE);
    return;
  }
  if (raft_snap_receive(node, s->snap, &s->st, msg))
    config_changed(node, s); /* the snapshot's configuration (Figure 13) */
}

/* The follower holds the snapshot up to `lii`: replication goes on from
 * there. */
static void on_install_reply(SimNode *node, RaftServer *s, const SimMsg *msg)
{
  int p = leader_reply_from(node, s, msg);
  if (p < 0)
    return;
  int64_t lii = raft_snap_on_reply(node, s->snap, &s->st, (guint) p, s->peers[p], s->max_batch, msg);
  if (lii <= 0)
    return;
  s->matchIndex[p] = MAX(s->matchIndex[p], MIN(lii, raft_last_index(&s->st)));
  if (s->matchIndex[p] + 1 > s->nextIndex[p]) {
    s->nextIndex[p] = s->matchIndex[p] + 1;
    s->sent[p] = s->matchIndex[p];
  }
  s->probing[p] = FALSE;
  raft_members_on_match(node, s->members, msg->src, s->matchIndex[p]); /* a server being caught up */
  leader_commit(node, s);
  if (s->role != RAFT_LEADER || !replicates(s, (guint) p))
    return;
  send_window(node, s, (guint) p, FALSE);
}

void raft_server_on_message(SimNode *node, const SimMsg *msg)
{
  RaftServer *s = sim_node_data(node);
  const char *t = msg->type;
  if (strcmp(t, "AppendEntries") == 0)
    on_append_entries(node, s, msg);
  else if (strcmp(t, "AppendEntriesReply") == 0)
    on_append_reply(node, s, msg);
  else if (strcmp(t, "RequestVote") == 0)
    on_request_vote(node, s, msg);
  else if (strcmp(t, "RequestVoteReply") == 0)
    on_vote_reply(node, s, msg, FALSE);
  else if (strcmp(t, "PreVote") == 0)
    on_prevote(node, s, msg);
  else if (strcmp(t, "PreVoteReply") == 0)
    on_vote_reply(node, s, msg, TRUE);
  else if (strcmp(t, "InstallSnapshot") == 0)
    on_install_snapshot(node, s, msg);
  else if (strcmp(t, "InstallSnapshotReply") == 0)
    on_install_reply(node, s, msg);
  else if (raft_members_handles(t))
    raft_members_on_request(node, s->members, msg);
  else
    s->machine->on_message(node, s->m, msg);
}

/* CheckQuorum (thesis §6.2): a leader that has not heard from a majority
 * within the minimum election timeout steps down. */
static gboolean leader_has_quorum(SimNode *node, const RaftServer *s)
{
  SimTime now = sim_node_clock(node);
  if (now - s->leader_since < s->et_lo)
    return TRUE;
  gboolean *live = g_newa(gboolean, s->npeers + 1);
  for (guint i = 0; i < s->npeers; i++)
    live[i] = now - s->heard[i] < s->et_lo;
  return quorum_of(s, live);
}

void raft_server_on_timer(SimNode *node, uint64_t tag)
{
  RaftServer *s = sim_node_data(node);
  if (tag & RAFT_MACHINE_TIMER) {
    if (s->machine->on_timer)
      s->machine->on_timer(node, s->m, tag);
  } else if (tag == TAG_ELECTION) {
    s->election_timer = 0;
    if (s->role == RAFT_LEADER)
      return;
    if (!raft_config_may_campaign(&s->cfg, &s->st, s->self)) {
      reset_election_timer(node, s); /* not a voter (yet): wait to be added */
      return;
    }
    if (s->prevote)
      start_prevote(node, s);
    else
      start_election(node, s);
  } else if (tag == TAG_HEARTBEAT) {
    s->heartbeat_timer = 0;
    if (s->role != RAFT_LEADER)
      return;
    if (s->check_quorum && !leader_has_quorum(node, s)) {
      sim_metric_add(sim_node_sim(node), "raft_check_quorum_stepdowns", 1);
      become_follower(node, s, s->st.currentTerm);
      return;
    }
    if (s->reads)
      raft_reads_heartbeat(node, s->reads);
    for (guint i = 0; i < s->npeers; i++)
      if (replicates(s, i))
        send_window(node, s, i, TRUE);
    raft_members_on_tick(node, s->members);
    if (s->role != RAFT_LEADER)
      return;
    s->heartbeat_timer = sim_timer_after(node, s->heartbeat, TAG_HEARTBEAT);
  }
}

void raft_server_start(SimNode *node, const RaftMachine *machine)
{
  raft_check_attach(node);
  RaftServer *s = g_new0(RaftServer, 1);
  raft_state_init(&s->st);
  s->self = sim_node_id(node);
  s->leader = -1;
  const SimModel *model = sim_node_model(node);
  s->old_terms = model == &model_raft_commit_old_terms;
  s->volatile_vote = model == &model_raft_volatile_vote;
  s->machine = machine;
  s->m = machine->create(node, s);
  sim_node_set_data(node, s, server_free);
  guint count = 0;
  const int *ids = sim_node_param_nodes(node, "peers", &count);
  s->peers = g_new0(int, count + 1);
  for (guint i = 0; i < count; i++)
    if (ids[i] != s->self && peer_pos(s, ids[i]) < 0)
      s->peers[s->npeers++] = ids[i];
  s->n = s->npeers + 1;
  if (count == 0) {
    sim_fail(sim_node_sim(node), "node '%s' (%s): parameter peers names no server (list every server of the cluster)",
             sim_node_name(node), model->name);
    return;
  }
  s->votes = g_new0(gboolean, s->npeers + 1);
  s->nextIndex = g_new0(int64_t, s->npeers + 1);
  s->matchIndex = g_new0(int64_t, s->npeers + 1);
  s->sent = g_new0(int64_t, s->npeers + 1);
  s->probing = g_new0(gboolean, s->npeers + 1);
  s->gaps = g_new0(GArray *, s->npeers + 1);
  for (guint i = 0; i < s->npeers; i++)
    s->gaps[i] = g_array_new(FALSE, FALSE, sizeof(int64_t));
  s->heard = g_new0(SimTime, s->npeers + 1);
  s->snap = raft_snap_new(node, machine, s->m, &s->cfg, s->npeers);
  s->heartbeat = sim_node_param_duration(node, "heartbeat");
  s->prevote = sim_node_param_bool(node, "prevote");
  s->check_quorum = sim_node_param_bool(node, "check_quorum");
  s->max_batch = sim_node_param_int(node, "max_batch");
  const char *range = sim_node_param_string(node, "election_timeout");
  if (!parse_range(range, &s->et_lo, &s->et_hi)) {
    sim_fail(sim_node_sim(node), "node '%s': election_timeout \"%s\" is not \"LO,HI\" with 0 < LO <= HI",
             sim_node_name(node), range);
    return;
  }
  if (s->heartbeat <= 0) {
    sim_fail(sim_node_sim(node), "node '%s': heartbeat must be > 0", sim_node_name(node));
    return;
  }
  s->reads = raft_reads_new(node, s->et_lo, s->npeers, s->check_quorum,
                            model != &model_raft_lease_no_drift_margin, machine->read != NULL);
  if (sim_failure(sim_node_sim(node)))
    return;
  raft_log_load(node, &s->st);
  raft_snap_restore_recovered(node, s->snap, &s->st);
  /* The initial configuration: the peers and this server, unless it joins
   * (thesis §4.1: a new server starts in no configuration). */
  s->peers[s->npeers] = s->self;
  raft_config_init(&s->cfg, s->peers, s->npeers + (sim_node_param_bool(node, "join") ? 0 : 1));
  raft_config_load(&s->cfg, &s->st);
  config_changed(node, s);
  s->members = raft_members_new(s);
  if (sim_node_incarnation(node) > 0) {
    raft_emit_truncate(node, 1);
    if (s->st.lastIncludedIndex > 0)
      raft_emit_snapshot(node, &s->st);
    for (int64_t i = s->st.lastIncludedIndex + 1; i <= raft_last_index(&s->st); i++)
      raft_emit_append(node, &s->st, i);
  }
  reset_election_timer(node, s);
}

/* Counters are reported even when nothing counted them. */
void raft_server_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  sim_metric_add(sim, "raft_elections", 0);
  sim_metric_add(sim, "raft_leaders_elected", 0);
  sim_metric_add(sim, "raft_check_quorum_stepdowns", 0);
  sim_metric_add(sim, "raft_committed_truncations", 0);
  raft_reads_finish(sim, nodes, count);
}

/* ---- what a machine may ask ---- */

RaftRole raft_server_role(const RaftServer *s) { return s->role; }

int raft_server_leader(const RaftServer *s) { return s->leader; }

const RaftState *raft_server_state(const RaftServer *s) { return &s->st; }

gboolean raft_server_read(SimNode *node, RaftServer *s, const SimMsg *request)
{
  if (!s->reads || s->role != RAFT_LEADER)
    return FALSE;
  RaftReadView v = read_view(s);
  if (raft_reads_request(node, s->reads, request, &v))
    send_read_round(node, s);
  return TRUE;
}

int64_t raft_server_propose(SimNode *node, RaftServer *s, const int64_t cmd[RAFT_CMD_WORDS])
{
  if (s->role != RAFT_LEADER)
    return 0;
  RaftEntry e = { 0 };
  memcpy(e.cmd, cmd, sizeof e.cmd);
  leader_append(node, s, e);
  return raft_last_index(&s->st);
}

const RaftConfig *raft_server_config(const RaftServer *s) { return &s->cfg; }

int64_t raft_server_match(const RaftServer *s, int id)
{
  int p = peer_pos(s, id);
  return p < 0 ? -1 : s->matchIndex[p];
}

SimTime raft_server_election_min(const RaftServer *s) { return s->et_lo; }

void raft_server_track(SimNode *node, RaftServer *s, int id)
{
  int p = add_peer(node, s, id);
  if (p >= 0 && s->role == RAFT_LEADER && replicates(s, (guint) p))
    send_window(node, s, (guint) p, TRUE);
}
