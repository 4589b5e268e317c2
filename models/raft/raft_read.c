/* Raft read-only queries without log entries: ReadIndex and leader leases
 * (Ongaro's thesis, Stanford 2014, §6.4 and §6.4.1). See raft_read.h for
 * the rules; checked against etcd's raft (ReadOnlySafe: one heartbeat
 * broadcast per ReadIndex request, answered once a majority acknowledged
 * it and the leader has committed an entry of its term; ReadOnlyLeaseBased
 * only with CheckQuorum). */
#include "models/raft/raft_read.h"
#include <string.h>

/* A read held at the leader until raft_read_ready. */
typedef struct {
  SimMsg request;     /* a copy of the client's message */
  int64_t read_index; /* -1 until the leader has committed in its term */
  int64_t round;      /* the round that must reach a majority; 0: none */
} PendingRead;

struct RaftReads {
  RaftReadMode mode;
  SimTime lease;         /* raft_lease_duration */
  SimTime election_min;
  guint npeers;
  gboolean restarted;    /* started after a crash, at restarted_at */
  SimTime restarted_at;  /* local clock */
  /* Leader, this term */
  int64_t round;         /* the last round started (0: none) */
  int64_t quorum;        /* the last round a majority acknowledged */
  int64_t *acked;        /* per peer, the highest round it echoed */
  GArray *starts;        /* SimTime: local start of rounds base, base+1, ... */
  int64_t base;
  SimTime lease_start;   /* start of round `quorum` (a lease only if quorum > 0) */
  GArray *pending;       /* of PendingRead, in arrival order */
};

/* ---- pure rules ---- */

gboolean raft_read_mode_parse(const char *text, RaftReadMode *mode)
{
  static const struct { const char *name; RaftReadMode mode; } modes[] = {
    { "log", RAFT_READ_LOG }, { "readindex", RAFT_READ_INDEX }, { "lease", RAFT_READ_LEASE },
  };
  for (guint i = 0; text && i < G_N_ELEMENTS(modes); i++)
    if (strcmp(text, modes[i].name) == 0) {
      *mode = modes[i].mode;
      return TRUE;
    }
  return FALSE;
}

SimTime raft_lease_duration(SimTime election_min, int64_t drift_ppm, gboolean margin)
{
  if (!margin || drift_ppm <= 0)
    return election_min;
  /* Rounded down: a lease a nanosecond short is safe, one too long not. */
  return (SimTime) ((__int128) election_min * 1000000 / (1000000 + (__int128) drift_ppm));
}

gboolean raft_lease_holds(SimTime now, SimTime start, SimTime duration)
{
  return now < sim_time_add_sat(start, duration);
}

static int cmp_desc(const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x < y) - (x > y);
}

int64_t raft_read_quorum_round(const int64_t *acked, guint n, int64_t current)
{
  /* The leader plus n / 2 peers make a majority of n. */
  guint need = n / 2;
  if (need == 0)
    return current;
  int64_t *sorted = g_newa(int64_t, n - 1);
  memcpy(sorted, acked, (n - 1) * sizeof *sorted);
  qsort(sorted, n - 1, sizeof *sorted, cmp_desc);
  return MIN(sorted[need - 1], current);
}

int64_t raft_read_config_round(const RaftConfig *c, int self, const int *peers, const int64_t *acked,
                               guint npeers, int64_t current)
{
  /* Candidates, highest first: the current round and every acknowledged
   * one below it; the first that a majority reached is the answer. */
  int64_t *cand = g_newa(int64_t, npeers + 1);
  int *ids = g_newa(int, npeers + 1);
  guint nc = 0;
  cand[nc++] = current;
  for (guint i = 0; i < npeers; i++)
    if (acked[i] > 0 && acked[i] < current)
      cand[nc++] = acked[i];
  qsort(cand, nc, sizeof *cand, cmp_desc);
  for (guint k = 0; k < nc; k++) {
    guint n = 0;
    ids[n++] = self;
    for (guint i = 0; i < npeers; i++)
      if (acked[i] >= cand[k])
        ids[n++] = peers[i];
    if (raft_config_majority(c, ids, n))
      return cand[k];
  }
  return 0;
}

gboolean raft_read_committed_in_term(const RaftState *st)
{
  return st->commitIndex > 0 && raft_term_at(st, st->commitIndex) == st->currentTerm;
}

gboolean raft_read_ready(int64_t read_index, int64_t round, int64_t quorum_round, int64_t last_applied)
{
  return read_index >= 0 && round <= quorum_round && last_applied >= read_index;
}

/* ---- runtime ---- */

RaftReads *raft_reads_new(SimNode *node, SimTime election_min, guint npeers, gboolean check_quorum,
                          gboolean margin, gboolean machine_reads)
{
  Sim *sim = sim_node_sim(node);
  const char *text = sim_node_param_string(node, "read");
  RaftReadMode mode;
  if (!raft_read_mode_parse(text, &mode)) {
    sim_fail(sim, "node '%s': read \"%s\" is not \"log\", \"readindex\" or \"lease\"", sim_node_name(node), text);
    return NULL;
  }
  if (!margin && mode != RAFT_READ_LEASE) {
    sim_fail(sim, "node '%s' (%s): read must be \"lease\" (the variant differs from raft only in its lease)",
             sim_node_name(node), sim_node_model(node)->name);
    return NULL;
  }
  if (mode == RAFT_READ_LEASE && !check_quorum) {
    sim_fail(sim, "node '%s': read = \"lease\" needs check_quorum = true (followers must refuse votes while "
             "they hear from the leader, thesis §4.2.3; etcd requires the same)", sim_node_name(node));
    return NULL;
  }
  if (mode == RAFT_READ_LOG)
    return NULL;
  if (!machine_reads) {
    sim_fail(sim, "node '%s' (%s): read = \"%s\" but this model's state machine answers reads only through the log",
             sim_node_name(node), sim_node_model(node)->name, text);
    return NULL;
  }
  RaftReads *r = g_new0(RaftReads, 1);
  r->mode = mode;
  r->election_min = election_min;
  r->lease = raft_lease_duration(election_min, sim_node_param_int(node, "clock_drift"), margin);
  r->npeers = npeers;
  r->restarted = sim_node_incarnation(node) > 0;
  r->restarted_at = sim_node_clock(node);
  r->acked = g_new0(int64_t, npeers + 1);
  r->starts = g_array_new(FALSE, FALSE, sizeof(SimTime));
  r->pending = g_array_new(FALSE, FALSE, sizeof(PendingRead));
  r->base = 1;
  return r;
}

void raft_reads_free(RaftReads *r)
{
  if (!r)
    return;
  g_free(r->acked);
  g_array_unref(r->starts);
  g_array_unref(r->pending);
  g_free(r);
}

void raft_reads_resize(RaftReads *r, guint npeers)
{
  if (!r || npeers <= r->npeers)
    return;
  r->acked = g_renew(int64_t, r->acked, npeers + 1);
  memset(r->acked + r->npeers + 1, 0, (npeers - r->npeers) * sizeof *r->acked);
  r->npeers = npeers;
}

/* Starts round round + 1 at the leader's local time now. */
static void begin_round(SimNode *node, RaftReads *r)
{
  SimTime now = sim_node_clock(node);
  r->round++;
  g_array_append_val(r->starts, now);
}

void raft_reads_step_down(RaftReads *r)
{
  r->round = r->quorum = 0;
  memset(r->acked, 0, (r->npeers + 1) * sizeof *r->acked);
  g_array_set_size(r->starts, 0);
  r->base = 1;
  r->lease_start = 0;
  g_array_set_size(r->pending, 0);
}

void raft_reads_leader_start(SimNode *node, RaftReads *r)
{
  raft_reads_step_down(r);
  begin_round(node, r);
}

void raft_reads_heartbeat(SimNode *node, RaftReads *r)
{
  begin_round(node, r);
}

void raft_reads_tag(const RaftReads *r, SimMsg *append_entries)
{
  if (r->round > 0)
    sim_msg_set(append_entries, "round", r->round);
}

void raft_reads_echo(const SimMsg *request, SimMsg *reply)
{
  int64_t round = sim_msg_get(request, "round", 0);
  if (round > 0)
    sim_msg_set(reply, "round", round);
}

/* Answers, in arrival order, every waiting read that is ready. */
static void settle(SimNode *node, RaftReads *r, const RaftReadView *v)
{
  Sim *sim = sim_node_sim(node);
  for (guint i = 0; i < r->pending->len;) {
    PendingRead *p = &g_array_index(r->pending, PendingRead, i);
    if (!raft_read_ready(p->read_index, p->round, r->quorum, v->st->lastApplied)) {
      i++;
      continue;
    }
    PendingRead done = *p;
    g_array_remove_index(r->pending, i);
    sim_metric_add(sim, done.round > 0 ? "raft_reads_readindex" : "raft_reads_lease", 1);
    v->answer(node, &done.request, v->ud);
  }
}

/* The quorum round after the acknowledgements so far, counted over the
 * server's latest configuration; a new one moves the lease start to its
 * round's start and forgets older starts. */
static void advance_quorum(RaftReads *r, const RaftReadView *v)
{
  int64_t q = v->cfg ? raft_read_config_round(v->cfg, v->self, v->peers, r->acked, r->npeers, r->round)
                     : raft_read_quorum_round(r->acked, r->npeers + 1, r->round);
  if (q <= r->quorum)
    return;
  r->quorum = q;
  guint at = (guint) (q - r->base);
  r->lease_start = g_array_index(r->starts, SimTime, at);
  g_array_remove_range(r->starts, 0, at + 1);
  r->base = q + 1;
}

void raft_reads_on_reply(SimNode *node, RaftReads *r, guint peer, const SimMsg *reply, const RaftReadView *v)
{
  int64_t round = sim_msg_get(reply, "round", 0);
  if (round <= r->acked[peer] || round > r->round)
    return; /* an old, duplicated or untagged reply */
  r->acked[peer] = round;
  advance_quorum(r, v);
  settle(node, r, v);
}

/* A read with its read index set waits for a new round unless the lease
 * covers it; TRUE when a round was started. */
static gboolean needs_round(SimNode *node, RaftReads *r, PendingRead *p)
{
  if (r->mode == RAFT_READ_LEASE && r->quorum > 0
      && raft_lease_holds(sim_node_clock(node), r->lease_start, r->lease)) {
    p->round = 0;
    return FALSE;
  }
  p->round = r->round + 1;
  return TRUE;
}

gboolean raft_reads_on_commit(SimNode *node, RaftReads *r, const RaftReadView *v)
{
  if (r->pending->len == 0)
    return FALSE;
  gboolean round = FALSE;
  if (raft_read_committed_in_term(v->st))
    for (guint i = 0; i < r->pending->len; i++) {
      PendingRead *p = &g_array_index(r->pending, PendingRead, i);
      if (p->read_index < 0) {
        p->read_index = v->st->commitIndex;
        round |= needs_round(node, r, p);
      }
    }
  if (round) {
    begin_round(node, r);
    sim_metric_add(sim_node_sim(node), "raft_read_rounds", 1);
  }
  advance_quorum(r, v); /* a one-server cluster confirms its round alone */
  settle(node, r, v);
  return round;
}

/* TRUE if `a` and `b` are the same request from the same client: a resend
 * (same type and fields in the same order; the message ids differ). */
static gboolean same_request(const SimMsg *a, const SimMsg *b)
{
  if (a->src != b->src || a->nfields != b->nfields || strcmp(a->type, b->type) != 0)
    return FALSE;
  for (uint32_t i = 0; i < a->nfields; i++)
    if (a->fields[i].value != b->fields[i].value || strcmp(a->fields[i].name, b->fields[i].name) != 0)
      return FALSE;
  return TRUE;
}

gboolean raft_reads_request(SimNode *node, RaftReads *r, const SimMsg *request, const RaftReadView *v)
{
  /* A client resending a read that already waits here adds nothing: the
   * waiting copy arrived earlier, so its answer is as fresh as needed. This
   * keeps the queue as short as the clients' outstanding reads. */
  for (guint i = 0; i < r->pending->len; i++)
    if (same_request(&g_array_index(r->pending, PendingRead, i).request, request))
      return FALSE;
  PendingRead p = { .request = *request, .read_index = -1, .round = 0 };
  p.request.next_free = NULL;
  gboolean round = FALSE;
  if (raft_read_committed_in_term(v->st)) {
    p.read_index = v->st->commitIndex;
    round = needs_round(node, r, &p);
  }
  g_array_append_val(r->pending, p);
  if (round) {
    begin_round(node, r);
    sim_metric_add(sim_node_sim(node), "raft_read_rounds", 1);
  }
  advance_quorum(r, v);
  settle(node, r, v);
  return round;
}

gboolean raft_reads_vote_guard(SimNode *node, const RaftReads *r)
{
  return r->mode == RAFT_READ_LEASE && r->restarted
         && sim_time_sub_sat(sim_node_clock(node), r->restarted_at) < r->election_min;
}

void raft_reads_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  for (guint i = 0; i < count; i++) {
    RaftReadMode mode;
    if (raft_read_mode_parse(sim_node_param_string(nodes[i], "read"), &mode) && mode != RAFT_READ_LOG) {
      sim_metric_add(sim, "raft_reads_lease", 0);
      sim_metric_add(sim, "raft_reads_readindex", 0);
      sim_metric_add(sim, "raft_read_rounds", 0);
      return;
    }
  }
}
