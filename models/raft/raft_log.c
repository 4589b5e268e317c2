/* The Raft log's durability (Figure 2: "updated on stable storage before
 * responding to RPCs"): currentTerm, votedFor and the entries go to the
 * node's durable log as forced records, so a lose-unsynced fault never
 * drops one; a restart replays them through raft_recover. Also the
 * protocol events a checker mirrors each node's log from. */
#include "models/raft/raft.h"

void raft_log_load(SimNode *node, RaftState *s)
{
  guint n = sim_log_length(node);
  g_autofree const SimMsg **records = g_new(const SimMsg *, n ? n : 1);
  for (guint i = 0; i < n; i++)
    records[i] = sim_log_get(node, i);
  raft_recover(s, records, n);
}

void raft_log_save_term(SimNode *node, int64_t term)
{
  SimMsg r = sim_record("raft_term");
  sim_msg_set(&r, "term", term);
  sim_log_append(node, &r, TRUE);
}

void raft_log_save_vote(SimNode *node, int64_t term, int vote)
{
  SimMsg r = sim_record("raft_vote");
  sim_msg_set(&r, "term", term);
  sim_msg_set(&r, "vote", vote);
  sim_log_append(node, &r, TRUE);
}

void raft_log_save_entry(SimNode *node, int64_t index, const RaftEntry *e)
{
  SimMsg r = raft_entry_record(index, e);
  sim_log_append(node, &r, TRUE);
}

void raft_log_save_trunc(SimNode *node, int64_t from)
{
  SimMsg r = sim_record("raft_trunc");
  sim_msg_set(&r, "from", from);
  sim_log_append(node, &r, TRUE);
}

void raft_emit_truncate(SimNode *node, int64_t from)
{
  SimMsg ev = sim_record("raft_truncate");
  sim_msg_set(&ev, "from", from);
  sim_emit(node, &ev);
}

void raft_emit_append(SimNode *node, const RaftState *s, int64_t index)
{
  const RaftEntry *e = raft_entry_at(s, index);
  SimMsg ev = sim_record("raft_append");
  sim_msg_add(&ev, "index", index);
  sim_msg_add(&ev, "term", e->term);
  sim_msg_add(&ev, "chain", e->chain);
  sim_emit(node, &ev);
}
