/* Snapshots and log compaction for the Raft server (Ongaro & Ousterhout,
 * USENIX ATC 2014, §7, Figures 12 and 13; Ongaro's thesis, Stanford 2014,
 * §5): every `snapshot_every` applied entries a server writes its state
 * machine's applied state and the last included index, term (and chain)
 * to its durable log and discards the log up to there; a leader whose
 * follower needs an entry it discarded sends its snapshot instead, in
 * InstallSnapshot chunks.
 *
 * A snapshot is a sequence of int64 words: the chain (raft_chain) up to
 * the last included entry; if a configuration entry is among the entries
 * it covers, the configuration as of its last included index (Figure 13;
 * raft_config_save's section, flagged by RAFT_SNAP_CONFIG_FLAG in the
 * chain word, which has 62 bits); then the machine's own words
 * (RaftMachine snapshot/restore). A message has 8 fields, so an InstallSnapshot {term,
 * lii, lit, off, done, w0, w1, w2} carries RAFT_SNAP_CHUNK_WORDS words at
 * word offset `off`, `done` on the last chunk, as in Figure 13. Figure 13
 * runs over TCP; here links lose, duplicate and reorder, so the follower
 * keeps only chunks that extend what it has in order and acknowledges each
 * with InstallSnapshotReply {term, lii, next, done}: `next` is the offset
 * it wants, `done` that it holds the snapshot (installed now or already
 * covered by its commit index). The leader keeps `max_batch` chunks in
 * flight from the acknowledged offset and sends the window again on each
 * heartbeat, like its AppendEntries window.
 *
 * The log after compaction keeps entries lastIncludedIndex + 1 .. (raft.h);
 * the durable log drops every record before the snapshot once it has
 * copied after it the last term/vote record and the entries after the
 * snapshot (discard_before_snapshot), and a restart recovers from that
 * snapshot and the entries after it (raft_recover). */
#include "models/raft/raft.h"
#include <string.h>

/* ---- pure ---- */

gboolean raft_snapshot_compact(RaftState *s, int64_t index, int64_t term, GArray *words)
{
  if (index <= s->lastIncludedIndex || !words || words->len == 0)
    return FALSE;
  if (raft_term_at(s, index) == term) {
    /* §7: the entries after the snapshot stay (Figure 13 step 6). */
    g_array_remove_range(s->log, 0, (guint) (index - s->lastIncludedIndex));
  } else {
    /* Figure 13 step 7: the snapshot supersedes the whole log. */
    g_array_set_size(s->log, 0);
  }
  s->lastIncludedIndex = index;
  s->lastIncludedTerm = term;
  s->lastIncludedChain = g_array_index(words, int64_t, 0) & RAFT_CHAIN_MASK;
  if (s->snapshot)
    g_array_unref(s->snapshot);
  s->snapshot = g_array_ref(words);
  s->commitIndex = MAX(s->commitIndex, index);
  s->lastApplied = MAX(s->lastApplied, index);
  return TRUE;
}

int64_t raft_snapshot_chunks(int64_t len)
{
  return len <= 0 ? 0 : (len + RAFT_SNAP_CHUNK_WORDS - 1) / RAFT_SNAP_CHUNK_WORDS;
}

gboolean raft_snapshot_chunk_done(int64_t len, int64_t off)
{
  return off + RAFT_SNAP_CHUNK_WORDS >= len;
}

static const char *const word_names[] = { "w0", "w1", "w2", "w3", "w4", "w5" };

void raft_snapshot_record_words(const SimMsg *record, GArray *saving)
{
  int64_t off = sim_msg_get(record, "off", -1);
  if (off == 0)
    g_array_set_size(saving, 0);
  if (off != (int64_t) saving->len)
    return; /* not the continuation of what was saved: cannot be complete */
  for (guint k = 0; k < RAFT_SNAP_RECORD_WORDS && sim_msg_has(record, word_names[k]); k++) {
    int64_t w = sim_msg_get(record, word_names[k], 0);
    g_array_append_val(saving, w);
  }
}

/* ---- the server's side ---- */

/* A transfer the leader runs to one follower. */
typedef struct {
  GArray *words;      /* the snapshot being sent (a reference), NULL: none */
  int64_t lii, lit, term;
  int64_t acked;      /* the offset the follower last asked for */
  int64_t sent;       /* chunks before this offset went out since the last
                       * heartbeat (from acked on) */
  gboolean heard;     /* a reply came since the last heartbeat */
} SnapOut;

struct RaftSnap {
  const RaftMachine *machine;
  void *m;
  RaftConfig *cfg;    /* the server's: a snapshot carries its configuration */
  int64_t every;
  guint npeers;
  SnapOut *out;       /* per peer */
  /* Follower: the snapshot being received, words at their offsets */
  GArray *in;
  GByteArray *got;    /* per chunk: received */
  int64_t in_lii, in_term;
  int64_t in_total;   /* its length, once the done chunk came; else -1 */
  int64_t in_next;    /* words held from 0 without a gap */
};

RaftSnap *raft_snap_new(SimNode *node, const RaftMachine *machine, void *m, RaftConfig *cfg, guint npeers)
{
  RaftSnap *snap = g_new0(RaftSnap, 1);
  snap->machine = machine;
  snap->m = m;
  snap->cfg = cfg;
  snap->npeers = npeers;
  snap->out = g_new0(SnapOut, npeers + 1);
  snap->in = g_array_new(FALSE, FALSE, sizeof(int64_t));
  snap->got = g_byte_array_new();
  snap->in_total = -1;
  int64_t every = sim_node_param_int(node, "snapshot_every");
  if (every > 0 && (!machine->snapshot || !machine->restore)) {
    sim_fail(sim_node_sim(node), "node '%s' (%s): snapshot_every needs a state machine that can snapshot and restore; this one cannot",
             sim_node_name(node), sim_node_model(node)->name);
    return snap;
  }
  snap->every = every;
  if (every > 0) {
    Sim *sim = sim_node_sim(node);
    sim_metric_add(sim, "raft_snapshots_taken", 0);
    sim_metric_add(sim, "raft_snapshots_installed", 0);
    sim_metric_add(sim, "raft_snapshot_chunks_sent", 0);
  }
  return snap;
}

void raft_snap_free(RaftSnap *snap)
{
  if (!snap)
    return;
  for (guint i = 0; i < snap->npeers; i++)
    if (snap->out[i].words)
      g_array_unref(snap->out[i].words);
  g_free(snap->out);
  g_array_unref(snap->in);
  g_byte_array_unref(snap->got);
  g_free(snap);
}

void raft_snap_resize(RaftSnap *snap, guint npeers)
{
  if (!snap || npeers <= snap->npeers)
    return;
  snap->out = g_renew(SnapOut, snap->out, npeers + 1);
  memset(snap->out + snap->npeers + 1, 0, (npeers - snap->npeers) * sizeof *snap->out);
  snap->npeers = npeers;
}

/* The configuration section of snapshot `words` (after the chain), or NULL
 * when it carries none; its length in *n (0 without one). */
static const int64_t *config_section(const GArray *words, guint *n)
{
  *n = 0;
  if (words->len < 2 || !(g_array_index(words, int64_t, 0) & RAFT_SNAP_CONFIG_FLAG))
    return NULL;
  const int64_t *w = &g_array_index(words, int64_t, 1);
  *n = raft_config_section_len(w, words->len - 1);
  return *n > 0 ? w : NULL;
}

/* The machine's state becomes the snapshot's (the words after the chain
 * and the configuration section). */
static void restore_machine(SimNode *node, RaftSnap *snap, const GArray *words)
{
  guint ncfg;
  config_section(words, &ncfg);
  guint start = 1 + ncfg;
  if (!snap->machine->restore || words->len < start
      || !snap->machine->restore(snap->m, &g_array_index(words, int64_t, start), words->len - start))
    sim_fail(sim_node_sim(node), "node '%s': its state machine could not restore a snapshot", sim_node_name(node));
}

void raft_snap_restore_recovered(SimNode *node, RaftSnap *snap, const RaftState *s)
{
  if (s->lastIncludedIndex > 0 && s->snapshot)
    restore_machine(node, snap, s->snapshot);
}

void raft_emit_snapshot(SimNode *node, const RaftState *s)
{
  SimMsg ev = sim_record("raft_snapshot");
  sim_msg_set(&ev, "index", s->lastIncludedIndex);
  sim_msg_set(&ev, "term", s->lastIncludedTerm);
  sim_msg_set(&ev, "chain", s->lastIncludedChain);
  sim_emit(node, &ev);
}

/* Figure 13 step 5 ("save snapshot file"): the words as raft_snap_data
 * records, then the raft_snapshot record that makes them count; forced,
 * like every Raft record. */
/* Log compaction on the durable log (§7: "discards the log up to there"):
 * once the snapshot's records (from `first` on) are written, what a
 * restart still needs of the records before them is copied after them —
 * the last term/vote record and the entries after the snapshot (s->log,
 * already compacted) — and the records before are dropped, so a restart
 * reads one snapshot and the tail, not every snapshot and entry since the
 * start. The copies go in one synced write, like a new log segment. */
static void discard_before_snapshot(SimNode *node, const RaftState *s, guint first)
{
  const SimMsg *meta = NULL;
  for (guint i = first; i-- > 0 && !meta;) {
    const SimMsg *r = sim_log_get(node, i);
    if (strcmp(r->type, "raft_term") == 0 || strcmp(r->type, "raft_vote") == 0)
      meta = r;
  }
  if (meta) {
    SimMsg copy = *meta;
    copy.payload = NULL; /* Raft's records carry none */
    sim_log_append(node, &copy, FALSE);
  }
  for (int64_t index = s->lastIncludedIndex + 1; index <= raft_last_index(s); index++) {
    SimMsg r = raft_entry_record(index, raft_entry_at(s, index));
    sim_log_append(node, &r, FALSE);
  }
  sim_log_sync(node);
  sim_log_discard_prefix(node, first);
}

static void save_snapshot(SimNode *node, int64_t index, int64_t term, const GArray *words)
{
  for (guint off = 0; off < words->len; off += RAFT_SNAP_RECORD_WORDS) {
    SimMsg r = sim_record("raft_snap_data");
    sim_msg_set(&r, "off", off);
    for (guint k = 0; k < RAFT_SNAP_RECORD_WORDS && off + k < words->len; k++)
      sim_msg_set(&r, word_names[k], g_array_index(words, int64_t, off + k));
    sim_log_append(node, &r, TRUE);
  }
  SimMsg r = sim_record("raft_snapshot");
  sim_msg_set(&r, "index", index);
  sim_msg_set(&r, "term", term);
  sim_msg_set(&r, "chain", g_array_index(words, int64_t, 0) & RAFT_CHAIN_MASK);
  sim_msg_set(&r, "len", words->len);
  sim_log_append(node, &r, TRUE);
}

void raft_snap_maybe_take(SimNode *node, RaftSnap *snap, RaftState *s)
{
  if (snap->every <= 0 || s->lastApplied - s->lastIncludedIndex < snap->every)
    return;
  int64_t index = s->lastApplied, term = raft_term_at(s, index);
  g_autoptr(GArray) words = g_array_new(FALSE, FALSE, sizeof(int64_t));
  int64_t chain = raft_chain_at(s, index);
  g_array_append_val(words, chain);
  if (raft_config_save(snap->cfg, index, words))
    g_array_index(words, int64_t, 0) |= RAFT_SNAP_CONFIG_FLAG;
  snap->machine->snapshot(snap->m, words);
  guint first = sim_log_length(node);
  save_snapshot(node, index, term, words);
  raft_snapshot_compact(s, index, term, words);
  discard_before_snapshot(node, s, first);
  raft_emit_snapshot(node, s);
  sim_metric_add(sim_node_sim(node), "raft_snapshots_taken", 1);
}

static void send_chunk(SimNode *node, const SnapOut *o, int peer, int64_t off)
{
  SimMsg *m = sim_msg_new(node, "InstallSnapshot");
  int64_t len = (int64_t) o->words->len;
  sim_msg_set(m, "term", o->term);
  sim_msg_set(m, "lii", o->lii);
  sim_msg_set(m, "lit", o->lit);
  sim_msg_set(m, "off", off);
  sim_msg_set(m, "done", raft_snapshot_chunk_done(len, off));
  for (int64_t k = 0; k < RAFT_SNAP_CHUNK_WORDS && off + k < len; k++)
    sim_msg_set(m, word_names[k], g_array_index(o->words, int64_t, off + k));
  sim_send(node, peer, m);
  sim_metric_add(sim_node_sim(node), "raft_snapshot_chunks_sent", 1);
}

void raft_snap_send(SimNode *node, RaftSnap *snap, const RaftState *s, guint i, int peer, int64_t window,
                    gboolean heartbeat)
{
  SnapOut *o = &snap->out[i];
  if (!s->snapshot)
    return; /* cannot happen: the log starts past 1 only after a snapshot */
  /* A transfer of an earlier term, or of an older snapshot and not yet
   * acknowledged, restarts with the latest snapshot; one under way
   * finishes first, so snapshots taken faster than they travel cannot
   * starve a follower. */
  if (!o->words || o->term != s->currentTerm || (o->acked == 0 && o->lii < s->lastIncludedIndex)) {
    gboolean heard = !o->words || o->term != s->currentTerm || o->heard;
    if (o->words)
      g_array_unref(o->words);
    *o = (SnapOut) { g_array_ref(s->snapshot), s->lastIncludedIndex, s->lastIncludedTerm, s->currentTerm, 0, 0, heard };
  }
  int64_t len = (int64_t) o->words->len;
  if (heartbeat || o->sent < o->acked)
    o->sent = o->acked;
  /* A follower silent since the last heartbeat (down, cut off) gets one
   * chunk at a time, not the window. */
  if (!o->heard)
    window = 1;
  if (heartbeat)
    o->heard = FALSE;
  int64_t limit = MIN(len, o->acked + window * RAFT_SNAP_CHUNK_WORDS);
  for (int64_t off = o->sent; off < limit; off += RAFT_SNAP_CHUNK_WORDS)
    send_chunk(node, o, peer, off);
  o->sent = MAX(o->sent, limit);
}

void raft_snap_reply(SimNode *node, int to, int64_t term, int64_t lii, int64_t next, gboolean done)
{
  SimMsg *m = sim_msg_new(node, "InstallSnapshotReply");
  sim_msg_set(m, "term", term);
  sim_msg_set(m, "lii", lii);
  sim_msg_set(m, "next", next);
  sim_msg_set(m, "done", done);
  sim_send(node, to, m);
}

/* Forgets what was received and starts receiving snapshot `lii` of a
 * leader of `term`. */
static void receive_reset(RaftSnap *snap, int64_t lii, int64_t term)
{
  g_array_set_size(snap->in, 0);
  g_byte_array_set_size(snap->got, 0);
  snap->in_lii = lii;
  snap->in_term = term;
  snap->in_total = -1;
  snap->in_next = 0;
}

/* Figure 13 steps 5–8 for the complete snapshot in snap->in. */
static void install(SimNode *node, RaftSnap *snap, RaftState *s, int64_t lii, int64_t lit)
{
  g_autoptr(GArray) words = snap->in;
  g_array_set_size(words, (guint) snap->in_total);
  snap->in = g_array_new(FALSE, FALSE, sizeof(int64_t));
  receive_reset(snap, 0, 0);
  guint first = sim_log_length(node);
  save_snapshot(node, lii, lit, words);
  int64_t commit = s->commitIndex;
  gboolean kept = raft_term_at(s, lii) == lit;
  raft_snapshot_compact(s, lii, lit, words);
  discard_before_snapshot(node, s, first);
  restore_machine(node, snap, words);
  /* Figure 13: the snapshot's configuration replaces the entries it covers;
   * entries after it are gone too unless the log went on past it. */
  if (!kept)
    raft_config_truncated(snap->cfg, lii + 1);
  guint ncfg;
  const int64_t *section = config_section(words, &ncfg);
  raft_config_compact(snap->cfg, lii, section, ncfg);
  raft_emit_snapshot(node, s);
  if (s->commitIndex > commit) {
    SimMsg ev = sim_record("raft_commit");
    sim_msg_set(&ev, "index", s->commitIndex);
    sim_emit(node, &ev);
  }
  sim_metric_add(sim_node_sim(node), "raft_snapshots_installed", 1);
}

gboolean raft_snap_receive(SimNode *node, RaftSnap *snap, RaftState *s, const SimMsg *msg)
{
  int64_t lii = sim_msg_get(msg, "lii", 0), lit = sim_msg_get(msg, "lit", 0);
  int64_t off = sim_msg_get(msg, "off", -1), term = sim_msg_get(msg, "term", 0);
  if (lii <= s->commitIndex) {
    /* Everything it covers is committed here already (a duplicate, or
     * the entries came another way): nothing to install. */
    raft_snap_reply(node, msg->src, s->currentTerm, lii, 0, TRUE);
    return FALSE;
  }
  /* A chunk starts a new snapshot if it is later than the one being
   * received or comes from a later leader; a late chunk of an older one
   * (links reorder and duplicate) does not interrupt it. */
  if (lii > snap->in_lii || (lii != snap->in_lii && term > snap->in_term))
    receive_reset(snap, lii, term);
  if (snap->in_lii != lii) {
    raft_snap_reply(node, msg->src, s->currentTerm, lii, 0, FALSE);
    return FALSE;
  }
  /* Step 3, "write data into snapshot file at given offset": chunks may
   * come in any order; `next` (the reply) is where the words held without
   * a gap end. */
  if (off >= 0 && off % RAFT_SNAP_CHUNK_WORDS == 0 && off < RAFT_SNAP_MAX_WORDS) {
    guint chunk = (guint) (off / RAFT_SNAP_CHUNK_WORDS), n = 0;
    while (n < RAFT_SNAP_CHUNK_WORDS && sim_msg_has(msg, word_names[n]))
      n++;
    if (chunk >= snap->got->len || !snap->got->data[chunk]) {
      if (snap->in->len < (guint) off + n)
        g_array_set_size(snap->in, (guint) off + n);
      for (guint k = 0; k < n; k++)
        g_array_index(snap->in, int64_t, off + k) = sim_msg_get(msg, word_names[k], 0);
      if (chunk >= snap->got->len) {
        guint old = snap->got->len;
        g_byte_array_set_size(snap->got, chunk + 1); /* new bytes are not cleared */
        memset(snap->got->data + old, 0, chunk + 1 - old);
      }
      snap->got->data[chunk] = 1;
    }
    if (sim_msg_get(msg, "done", 0))
      snap->in_total = off + n;
    while (snap->in_next < (int64_t) snap->in->len && snap->got->data[snap->in_next / RAFT_SNAP_CHUNK_WORDS])
      snap->in_next = MIN(snap->in_next + RAFT_SNAP_CHUNK_WORDS, (int64_t) snap->in->len);
  }
  if (snap->in_total > 0 && snap->in_next >= snap->in_total) {
    int64_t len = snap->in_total;
    install(node, snap, s, lii, lit);
    raft_snap_reply(node, msg->src, s->currentTerm, lii, len, TRUE);
    return TRUE;
  }
  raft_snap_reply(node, msg->src, s->currentTerm, lii, snap->in_next, FALSE);
  return FALSE;
}

int64_t raft_snap_on_reply(SimNode *node, RaftSnap *snap, const RaftState *s, guint i, int peer, int64_t window,
                           const SimMsg *msg)
{
  SnapOut *o = &snap->out[i];
  int64_t lii = sim_msg_get(msg, "lii", 0), next = sim_msg_get(msg, "next", 0);
  if (sim_msg_get(msg, "done", 0)) {
    if (o->words && o->lii <= lii) {
      g_array_unref(o->words);
      *o = (SnapOut) { 0 };
    }
    return lii > 0 ? lii : 0;
  }
  if (!o->words || o->lii != lii || next < 0 || next > (int64_t) o->words->len)
    return 0;
  o->heard = TRUE;
  if (next > o->acked) {
    o->acked = next;
    raft_snap_send(node, snap, s, i, peer, window, FALSE);
  } else {
    /* Behind what was acknowledged: the follower lost its chunks (a
     * restart) or this reply is late; the next heartbeat sends again from
     * here. */
    o->acked = next;
  }
  return 0;
}
