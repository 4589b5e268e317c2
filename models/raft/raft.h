/* Raft (Ongaro & Ousterhout, "In Search of an Understandable Consensus
 * Algorithm", USENIX ATC 2014, Figure 2; Ongaro's PhD thesis "Consensus:
 * Bridging Theory and Practice", Stanford 2014, §3, §6.2 CheckQuorum, §9.6
 * PreVote), generic over its replicated state machine.
 *
 * The rules of Figure 2 are pure functions over RaftState (raft_rules.c) so
 * tests can drive them on hand-built states; raft_log.c keeps the log in
 * memory and in the node's durable log; raft_server.c is the server (roles,
 * timers, messages) and runs any RaftMachine; raft_kv.c is the key-value
 * machine of the `raft` models and raft_client.c its `kv.raft` client;
 * raft_snapshot.c compacts the log into snapshots (§7) and sends them to
 * followers behind it (InstallSnapshot, Figure 13); models/zk/ runs ZooKeeper's data tree on the same server.
 *
 * Indices start at 1 as in the paper: log[i] is g_array_index(log, i - 1 -
 * lastIncludedIndex); entries at or below lastIncludedIndex were compacted
 * into a snapshot (§7) and are no longer in the log. */
#pragma once
#include "sim/kernel/model.h"

/* Words of a command: what one AppendEntries message has room for beside
 * term, prev, pt, commit and the entry's term (8 fields in all). */
#define RAFT_CMD_WORDS 3

/* A log entry. Its command is opaque to Raft: RAFT_CMD_WORDS words the
 * state machine packed; all zero is the no-op a leader appends at the start
 * of its term (thesis §6.4), which every machine must ignore. A negative
 * first word is Raft's own (RAFT_CONFIG_WORD, configuration entries). */
typedef struct {
  int64_t term;
  int64_t cmd[RAFT_CMD_WORDS];
  int64_t chain;  /* raft_chain of the log up to and including this entry */
} RaftEntry;

typedef struct {
  /* Persistent state on all servers (Figure 2). */
  int64_t currentTerm;
  int votedFor;   /* node id, -1 = none */
  GArray *log;    /* of RaftEntry: log[lastIncludedIndex + 1 ..] */
  /* The snapshot the log continues (§7, Figure 12): it replaces entries
   * 1 .. lastIncludedIndex (all 0 and NULL without one). Its words are
   * lastIncludedChain (with RAFT_SNAP_CONFIG_FLAG when the configuration
   * section of raft_config_save follows), then the machine's own
   * (raft_snapshot.c). */
  int64_t lastIncludedIndex, lastIncludedTerm, lastIncludedChain;
  GArray *snapshot; /* of int64_t, or NULL */
  /* Volatile state on all servers. */
  int64_t commitIndex;
  int64_t lastApplied;
} RaftState;

#define RAFT_CHAIN_MASK ((INT64_C(1) << 62) - 1)
/* Set in a snapshot's first word (its chain, which has 62 bits) when a
 * configuration section (raft_config_save) follows it (raft_snapshot.c). */
#define RAFT_SNAP_CONFIG_FLAG (INT64_C(1) << 62)

/* ---- raft_rules.c: Figure 2, pure ---- */

/* A fresh state: term 0, no vote, empty log. Free with raft_state_clear. */
void raft_state_init(RaftState *s);
void raft_state_clear(RaftState *s);
int64_t raft_last_index(const RaftState *s);
int64_t raft_last_term(const RaftState *s);
/* The term of log[index]: 0 for index 0, lastIncludedTerm at
 * lastIncludedIndex, -1 past the end, below 0 or inside the snapshot. */
int64_t raft_term_at(const RaftState *s, int64_t index);
/* log[index], or NULL past the end or at/below lastIncludedIndex. */
const RaftEntry *raft_entry_at(const RaftState *s, int64_t index);
/* The chain up to index: 0 for index 0, lastIncludedChain at
 * lastIncludedIndex, log[index].chain, or -1 where unknown (past the end
 * or inside the snapshot). */
int64_t raft_chain_at(const RaftState *s, int64_t index);
/* The chain value after `prev_chain` and entry `e` (its term and command
 * words). */
int64_t raft_chain(int64_t prev_chain, const RaftEntry *e);
/* §5.4.1: a candidate's log (last_index, last_term) is at least as
 * up-to-date as s's: a later last term, or the same and at least as long. */
gboolean raft_log_up_to_date(const RaftState *s, int64_t last_index, int64_t last_term);
/* RequestVote receiver, after s has adopted a higher `term`: TRUE if the
 * vote goes to `candidate` (term current, votedFor null or candidate, log
 * up-to-date). Does not change s. */
gboolean raft_vote_granted(const RaftState *s, int64_t term, int candidate,
                           int64_t last_index, int64_t last_term);
/* AppendEntries receiver step 2: TRUE if log contains an entry at
 * prev_index whose term is prev_term (always TRUE for prev_index 0, and
 * below lastIncludedIndex: compacted entries were committed, and every
 * leader that can still reach this server holds them). */
gboolean raft_append_consistent(const RaftState *s, int64_t prev_index, int64_t prev_term);
/* What raft_append_entries changed. */
typedef struct {
  int64_t truncated_from; /* 0: nothing removed */
  int64_t first_new;      /* first index appended (0: none); entries
                           * first_new .. last index are new */
  gboolean below_commit;  /* the truncation removed a committed entry */
} RaftAppendResult;
/* AppendEntries receiver steps 3–4 after a consistent prev_index: entry k of
 * `entries` goes to prev_index + 1 + k; an existing entry with the same term
 * is kept (a duplicate or old message changes nothing), one with another
 * term is deleted with all that follow it, then the rest are appended with
 * their chains computed. Entries at or below commitIndex never conflict in a
 * correct run; a broken variant (Figure 8) can get there, and the entry is
 * replaced anyway (below_commit says so) so the loss shows in the events.
 * Entries at or below lastIncludedIndex are in the snapshot: skipped. */
void raft_append_entries(RaftState *s, int64_t prev_index, const RaftEntry *entries,
                             guint n, RaftAppendResult *out);
/* The conflict hint a follower returns with a failed AppendEntries: its
 * last index + 1 if its log is shorter than prev_index, else the first
 * index of the term it holds at prev_index (§5.3). */
int64_t raft_conflict_hint(const RaftState *s, int64_t prev_index);
/* Leader rule: the largest N > commitIndex with match[i] >= N for a
 * majority of the `n` cluster members (the leader's own entry is its last
 * index) and, unless `old_terms`, log[N].term == currentTerm. Returns
 * commitIndex when there is none. */
int64_t raft_commit_advance(const RaftState *s, const int64_t *match, guint n, gboolean old_terms);

/* Durable records, replayed in order on restart:
 *   raft_term  {term}            currentTerm := term, votedFor := null
 *   raft_vote  {term, vote}      currentTerm := term, votedFor := vote
 *   raft_entry {index, term, c, k, v}  log[index] (the command's words),
 *                                earlier entries from index on removed first
 *   raft_trunc {from}            entries at from and after removed
 *   raft_snap_data {off, w0..w5} words off .. off+5 of a snapshot being
 *                                saved (off 0 starts a new one)
 *   raft_snapshot {index, term, chain, len}  the len words saved just
 *                                before are the snapshot up to index:
 *                                raft_snapshot_compact */
/* Rebuilds the persistent state from `records` (other types skipped) into
 * s, which must be fresh. commitIndex and lastApplied are the snapshot's
 * lastIncludedIndex (0 without one): a snapshot holds applied entries only. */
void raft_recover(RaftState *s, const SimMsg *const *records, guint n);
/* The raft_entry record of log[index] = `e` (a stack record). */
SimMsg raft_entry_record(int64_t index, const RaftEntry *e);

/* ---- raft_kv.c: the key-value state machine of the `raft` models ---- */

/* A command of the key-value machine. */
typedef enum { RAFT_NOOP = 0, RAFT_READ = 1, RAFT_WRITE = 2, RAFT_CAS = 3 } RaftCmdKind;

typedef struct {
  RaftCmdKind kind;
  gboolean has_key;
  int64_t key;
  int64_t a, b;   /* write: a; cas: expected a, new b */
  uint64_t op;    /* the client's op id: the state machine applies it once */
  int64_t session; /* with client sessions (raft_session.c): the client's
                    * node id + 1, stamped by the leader; 0: none */
} RaftKvCmd;

/* A command packed into three words (c, k, v) for entries, messages and
 * records: c = op << 4 | has_key << 2 | kind; k = key; v = write value, or
 * cas (a << 32 | (uint32) b). A cas operand outside int32 cannot travel:
 * raft_cmd_packable says so. A command with a session has bit 3 of c set
 * and c = op << 24 | session << 4 | 8 | has_key << 2 | kind: op below
 * 2^39 and session below 2^20 (raft_cmd_session_packable). */
void raft_cmd_pack(const RaftKvCmd *e, int64_t *c, int64_t *k, int64_t *v);
void raft_cmd_unpack(RaftKvCmd *e, int64_t c, int64_t k, int64_t v);
gboolean raft_cmd_packable(RaftCmdKind kind, int64_t a, int64_t b, uint64_t op);
gboolean raft_cmd_session_packable(uint64_t op, int64_t session);

/* ---- raft_session.c: the key-value machine's client sessions ---- */

/* Results kept per session (thesis §6.3; raft_session.c says why). */
#define RAFT_SESSION_WINDOW 32
typedef struct RaftSessions RaftSessions;
typedef enum { RAFT_SESSION_NEW, RAFT_SESSION_DUPLICATE, RAFT_SESSION_EXPIRED } RaftSessionCheck;
/* Sessions that expire after `expiry` (>= 1) log entries without a request. */
RaftSessions *raft_sessions_new(int64_t expiry);
void raft_sessions_free(RaftSessions *s);
guint raft_sessions_count(const RaftSessions *s);
/* What op `op` of `session` is, changing nothing: NEW (never applied),
 * DUPLICATE (applied: its result in result[0..1]) or EXPIRED (its outcome
 * is unknown here: neither apply it nor answer it with a result). */
RaftSessionCheck raft_sessions_peek(const RaftSessions *s, int64_t session, int64_t op, int64_t result[2]);
/* The same for the command applied at log `index` (increasing from call to
 * call), which also expires idle sessions and opens or touches the
 * session; after NEW the caller applies the op and calls
 * raft_sessions_record with its result. */
RaftSessionCheck raft_sessions_begin(RaftSessions *s, int64_t session, int64_t op, int64_t index,
                                     int64_t result[2]);
void raft_sessions_record(RaftSessions *s, int64_t session, int64_t op, const int64_t result[2]);
/* Appends the sessions to `out` as words (in session order); load reads
 * them back from w[0..n), setting *used to the words it read; FALSE (s
 * unchanged) when they are not such words. */
void raft_sessions_save(const RaftSessions *s, GArray *out);
gboolean raft_sessions_load(RaftSessions *s, const int64_t *w, guint n, guint *used);
/* A key-value machine with sessions, made without a node (for tests). */
void *raft_kv_create_with_sessions(int64_t expiry);

/* ---- raft_log.c: the log kept in memory and in the durable log ---- */

/* Replays the node's durable log into s (fresh) via raft_recover. */
void raft_log_load(SimNode *node, RaftState *s);
/* Forced records, so a lose-unsynced fault never drops them. */
void raft_log_save_term(SimNode *node, int64_t term);
void raft_log_save_vote(SimNode *node, int64_t term, int vote);
void raft_log_save_entry(SimNode *node, int64_t index, const RaftEntry *e);
void raft_log_save_trunc(SimNode *node, int64_t from);
/* Emits raft_truncate {from}. */
void raft_emit_truncate(SimNode *node, int64_t from);
/* Emits raft_append {index, term, chain} for log[index]. */
void raft_emit_append(SimNode *node, const RaftState *s, int64_t index);

/* ---- raft_config.c: cluster membership (thesis §4.1), pure ---- */

/* A configuration entry changes the cluster by one server (thesis §4.1:
 * any two majorities of configurations that differ by one server overlap).
 * Its words: RAFT_CONFIG_WORD, the change, the server's node id. The first
 * word is reserved for Raft: the machines' first words are never negative
 * (raft_cmd_pack: op << 4; zk_txn_pack: xid << 32), and the server handles
 * configuration entries itself: a RaftMachine never sees them (apply is
 * not called for their index). */
#define RAFT_CONFIG_WORD INT64_MIN
typedef enum { RAFT_CONFIG_ADD = 1, RAFT_CONFIG_REMOVE = 2 } RaftConfigChange;

/* One configuration entry of the log. */
typedef struct {
  int64_t index;
  RaftConfigChange change;
  int id;
} RaftConfigStep;

/* A server's configuration: the initial one (the `peers` parameter) plus
 * the configuration entries in its log, the latest taking effect as soon
 * as it is appended, committed or not (§4.1); a truncation that removes
 * configuration entries brings back the one before them. */
typedef struct {
  GArray *initial;   /* int, sorted: the configuration the log starts from: the
                      * peers parameter, or the one a snapshot carried */
  GArray *base_previous; /* int, sorted: the one before it (= initial without a snapshot's) */
  int64_t base_index;    /* the index of the entry that made `initial` (0: none) */
  GArray *steps;     /* RaftConfigStep: the log's configuration entries, by index */
  GArray *members;   /* int, sorted: the latest configuration */
  GArray *previous;  /* int, sorted: the one before the latest entry (= initial without one) */
  int64_t index;     /* the latest configuration entry's index, 0: the initial one */
} RaftConfig;

/* The initial configuration `ids` (duplicates ignored), no entries. Free
 * with raft_config_clear. */
void raft_config_init(RaftConfig *c, const int *ids, guint n);
void raft_config_clear(RaftConfig *c);
/* The entry that makes `change` for server `id` (term 0: the leader sets
 * it when appending). */
RaftEntry raft_config_entry(RaftConfigChange change, int id);
/* TRUE if `e` is a configuration entry (first word RAFT_CONFIG_WORD); its
 * change and server in *change and *id when it is a well-formed one (a
 * malformed one, which no server writes, changes nothing). */
gboolean raft_config_is_entry(const RaftEntry *e, RaftConfigChange *change, int *id);
/* Log[index] of s was just appended: if it is a configuration entry it
 * becomes the latest configuration. TRUE if the configuration changed. */
gboolean raft_config_appended(RaftConfig *c, const RaftState *s, int64_t index);
/* Entries `from` and after were removed from the log: their configuration
 * entries are forgotten. TRUE if the configuration changed. */
gboolean raft_config_truncated(RaftConfig *c, int64_t from);
/* Rebuilds the configuration from the snapshot of s (its configuration
 * section, if any) and the configuration entries of its log (after
 * recovery). */
void raft_config_load(RaftConfig *c, const RaftState *s);
/* Figure 13: a snapshot up to `index` carries the configuration as of
 * `index`. Appends its section — words: the index of the entry that made
 * it, the number of members, the members, the number in the one before,
 * those — to `out` and returns TRUE, unless that configuration is the
 * initial one with no entry behind it (FALSE, nothing appended). */
gboolean raft_config_save(const RaftConfig *c, int64_t index, GArray *out);
/* The length of the section raft_config_save wrote at the start of
 * `w` (n words), or 0 when they do not start with a well-formed one. */
guint raft_config_section_len(const int64_t *w, guint n);
/* A snapshot up to `index` replaced the log up to there: the configuration
 * starts from the section `w` (n words, raft_config_save's; NULL: the
 * snapshot carries none, the initial configuration stays) and only the
 * configuration entries after `index` remain. TRUE if the latest
 * configuration changed. */
gboolean raft_config_compact(RaftConfig *c, int64_t index, const int64_t *w, guint n);
/* Membership of `id` in the latest configuration, and in the one before. */
gboolean raft_config_has(const RaftConfig *c, int id);
gboolean raft_config_had(const RaftConfig *c, int id);
guint raft_config_size(const RaftConfig *c);
/* TRUE if the members of the latest configuration among `ids` (counted
 * once each; others ignored) are a majority of it. */
gboolean raft_config_majority(const RaftConfig *c, const int *ids, guint n);
/* The leader's commit rule (raft_commit_advance) over the members of the
 * latest configuration only: `ids[k]` has matchIndex `match[k]`, `self`
 * holds its whole log and counts only if it is a member (§4.2.2: a leader
 * removing itself does not count itself); a member with no match counts 0. */
int64_t raft_config_commit(const RaftConfig *c, const RaftState *s, const int *ids, const int64_t *match,
                           guint n, int self, gboolean old_terms);
/* TRUE if a leader of s may append a new configuration entry: the latest
 * one is committed (§4.1, one change at a time) and an entry of the
 * current term is committed (Ongaro, raft-dev, 2015 "bug in single-server
 * membership changes": until then an uncommitted configuration of an
 * earlier term could still commit and not overlap the new one). */
gboolean raft_config_may_change(const RaftConfig *c, const RaftState *s);
/* TRUE if server `self` may start elections: it is in its latest
 * configuration, or was in the one before and has not learnt that the
 * latest is committed (§4.2.2: it may still be needed until then). A
 * server that joins starts in no configuration and waits to be added. */
gboolean raft_config_may_campaign(const RaftConfig *c, const RaftState *s, int self);
/* The index of the configuration entry that removed `id` if it is not a
 * member now and the latest entry about it removed it; else 0. */
int64_t raft_config_removed_at(const RaftConfig *c, int id);

/* ---- raft_server.c: the server, generic over its state machine ---- */

typedef struct RaftServer RaftServer;
typedef enum { RAFT_FOLLOWER, RAFT_CANDIDATE, RAFT_LEADER } RaftRole;

/* Timer tags with this bit set belong to the state machine. */
#define RAFT_MACHINE_TIMER (UINT64_C(1) << 60)

/* A replicated state machine the server runs. Its state lives in the
 * node's volatile memory beside the server's (the log is the durable part:
 * after a restart the machine starts empty and committed entries are
 * applied again as the commit index is learnt). */
typedef struct {
  /* The machine's empty state for `server` on `node` (at every start). */
  void *(*create)(SimNode *node, RaftServer *server);
  void (*free)(void *machine);
  /* Figure 2: log[index] is committed and applied now, in index order,
   * exactly once per start; `e` may be the no-op (all words zero). */
  void (*apply)(SimNode *node, void *machine, int64_t index, const RaftEntry *e);
  /* A message that is not one of Raft's own (the machine's clients'):
   * handled by the machine. */
  void (*on_message)(SimNode *node, void *machine, const SimMsg *msg);
  /* Optional: the server just became leader (`leading`, after its no-op
   * was appended) or stopped being leader. */
  void (*on_leadership)(SimNode *node, void *machine, gboolean leading);
  /* Optional: a timer the machine armed with RAFT_MACHINE_TIMER in its
   * tag (the tag comes back whole). */
  void (*on_timer)(SimNode *node, void *machine, uint64_t tag);
  /* Optional: answer the read-only client request `request` now from the
   * applied state, without the log (for ReadIndex and lease reads, once
   * the server has established that applied state is fresh enough). */
  void (*read)(SimNode *node, void *machine, const SimMsg *request);
  /* Optional, both or neither (snapshot_every > 0 needs them; a machine
   * without them is a setup error there), §7: `snapshot` appends words
   * encoding the applied state to `out` (the same state always gives the
   * same words); `restore` replaces the state by the one `words` encode,
   * or returns FALSE, state unchanged, when they encode none. */
  void (*snapshot)(void *machine, GArray *out);
  gboolean (*restore)(void *machine, const int64_t *words, guint n);
} RaftMachine;

/* The server's parameters, for a model's SimParamSpec array (a machine
 * adds its own after them, then { NULL }). */
#define RAFT_SERVER_PARAMS \
  { "peers", SIM_PARAM_NODES, "", "every server of the cluster, comma-separated, this one listed or not (required; a one-server cluster names itself)", 0, 0 }, \
  { "election_timeout", SIM_PARAM_STRING, "150ms,300ms", "\"LO,HI\": each election timeout is uniform in [LO, HI] on the node's local clock", 0, 0 }, \
  { "heartbeat", SIM_PARAM_DURATION, "50ms", "the leader's AppendEntries period (also resends unacknowledged entries)", 0, 0 }, \
  { "prevote", SIM_PARAM_BOOL, "false", "PreVote (thesis §9.6): ask for votes for term+1 before incrementing the term", 0, 0 }, \
  { "check_quorum", SIM_PARAM_BOOL, "false", "CheckQuorum (thesis §6.2): a leader without replies from a majority for the minimum election timeout steps down; vote requests within a leader's lease are refused", 0, 0 }, \
  { "max_batch", SIM_PARAM_INT, "64", "entries in flight per follower (each AppendEntries carries one entry: a message has at most 8 fields)", 1, 1000000 }, \
  { "read", SIM_PARAM_STRING, "log", "read-only queries: \"log\" (an entry each), \"readindex\" (thesis §6.4: commitIndex confirmed by a heartbeat round to a majority) or \"lease\" (§6.4.1: no round within a lease; needs check_quorum)", 0, 0 }, \
  { "clock_drift", SIM_PARAM_INT, "100000", "ppm: the assumed bound on how much faster one server's clock runs than another's; a lease lasts the minimum election timeout x 1e6 / (1e6 + clock_drift) on the leader's clock", 0, 1000000 }, \
  { "snapshot_every", SIM_PARAM_INT, "0", "take a snapshot of the applied state and discard the log up to it every N applied entries (paper §7; 0 = never); a follower behind the leader's log start gets InstallSnapshot (chunks in flight: max_batch)", 0, 1000000000 }, \
  { "join", SIM_PARAM_BOOL, "false", "a server being added (thesis §4.1): not in the initial configuration (peers), it does not campaign until a configuration entry adds it (raft.admin)", 0, 0 }, \
  { "catchup_rounds", SIM_PARAM_INT, "10", "a leader adding a server replicates to it in up to this many rounds, adding it after a round shorter than the minimum election timeout (thesis §4.2.1)", 1, 1000 }

/* SimModel handlers: a model running `machine` on the Raft server sets
 * .init (and so .on_restart) to a function calling raft_server_start, and
 * .on_message, .on_timer, .finish to these (its own finish may call
 * raft_server_finish and add its own). */
void raft_server_start(SimNode *node, const RaftMachine *machine);
void raft_server_on_message(SimNode *node, const SimMsg *msg);
void raft_server_on_timer(SimNode *node, uint64_t tag);
void raft_server_finish(Sim *sim, SimNode *const *nodes, guint count);

/* What a machine may ask of its server. */
RaftRole raft_server_role(const RaftServer *s);
/* The leader this server knows (itself when leading), or -1. */
int raft_server_leader(const RaftServer *s);
const RaftState *raft_server_state(const RaftServer *s);
/* Leader only: appends a command of the current term, persists and sends
 * it; returns its index (its zxid, to ZooKeeper), or 0 when this server
 * is not leader (nothing done). */
int64_t raft_server_propose(SimNode *node, RaftServer *s, const int64_t cmd[RAFT_CMD_WORDS]);
/* A read-only client request at the leader, served without the log as the
 * server's `read` parameter says (raft_read.h: ReadIndex or a lease): the
 * machine's `read` answers it once the applied state is known fresh.
 * FALSE (nothing done) when reads go through the log or this server is not
 * leader: the machine then proposes it or redirects the client. */
gboolean raft_server_read(SimNode *node, RaftServer *s, const SimMsg *request);

/* For raft_members.c: the configuration; the matchIndex of server `id`
 * (-1: no slot); the minimum election timeout; track: the leader starts
 * replicating to server `id` (a slot is made for it if it has none) while
 * raft_members_learner names it or a configuration includes it. */
const RaftConfig *raft_server_config(const RaftServer *s);
int64_t raft_server_match(const RaftServer *s, int id);
SimTime raft_server_election_min(const RaftServer *s);
void raft_server_track(SimNode *node, RaftServer *s, int id);

/* The key-value machine (raft_kv.c): requests "Request" {op, c, k, v},
 * answers "Reply" {op, ok, has, v} or "NotLeader" {op, leader}. */
extern const RaftMachine raft_kv_machine;

/* ---- raft_snapshot.c: snapshots and log compaction (paper §7, Figures
 * 12–13; thesis §5) ---- */

/* Snapshot words one InstallSnapshot chunk carries beside term,
 * lastIncludedIndex (lii), lastIncludedTerm (lit), offset and done: the
 * 8 fields a message has. */
#define RAFT_SNAP_CHUNK_WORDS 3
/* The longest snapshot a follower receives, in words (a bound on what a
 * stray offset can make it allocate). */
#define RAFT_SNAP_MAX_WORDS (INT64_C(1) << 24)
/* Snapshot words per raft_snap_data record (beside off). */
#define RAFT_SNAP_RECORD_WORDS 6

/* Figure 13 steps 6–7, and §7's compaction: `words` (a reference is
 * taken; words[0] is the chain up to `index`) is the snapshot of the log up
 * to `index`, whose last entry has `term`. If the log holds an entry of
 * `term` at `index`, the entries after it are kept; otherwise the whole
 * log is discarded. commitIndex and lastApplied become at least `index`.
 * Returns FALSE and changes nothing for a snapshot not past
 * lastIncludedIndex or without words. */
gboolean raft_snapshot_compact(RaftState *s, int64_t index, int64_t term, GArray *words);
/* The number of InstallSnapshot chunks of a snapshot of `len` words, and
 * whether the chunk at word offset `off` is the last one (Figure 13's
 * done). */
int64_t raft_snapshot_chunks(int64_t len);
gboolean raft_snapshot_chunk_done(int64_t len, int64_t off);
/* Recovery: appends the words of raft_snap_data `record` to `saving` when
 * they continue it (off 0 starts it again); others are ignored. */
void raft_snapshot_record_words(const SimMsg *record, GArray *saving);

/* A server's snapshot machinery: when to take one, the transfers it
 * leads (one per follower), the chunks it receives. */
typedef struct RaftSnap RaftSnap;
/* For a server running `machine` (state `m`) with `npeers` other servers
 * and configuration `cfg` (a snapshot carries the configuration as of its
 * last included index, and installing one restores it: Figure 13);
 * reads the node's snapshot_every. On a machine without snapshot/restore
 * and snapshot_every > 0: sim_fail (a setup error) and NULL. */
RaftSnap *raft_snap_new(SimNode *node, const RaftMachine *machine, void *m, RaftConfig *cfg, guint npeers);
/* The server made slots for `npeers` other servers (membership). */
void raft_snap_resize(RaftSnap *snap, guint npeers);
void raft_snap_free(RaftSnap *snap);
/* After raft_log_load: the machine starts from the recovered snapshot (if
 * any) instead of empty. */
void raft_snap_restore_recovered(SimNode *node, RaftSnap *snap, const RaftState *s);
/* After applying: takes a snapshot of the applied state and compacts the
 * log once snapshot_every entries were applied since the last one. */
void raft_snap_maybe_take(SimNode *node, RaftSnap *snap, RaftState *s);
/* Leader, follower i (node `peer`) needs entries the log no longer has:
 * sends the chunks of the window (`window` chunks in flight) not yet sent,
 * all of it again on a heartbeat. */
void raft_snap_send(SimNode *node, RaftSnap *snap, const RaftState *s, guint i, int peer, int64_t window,
                    gboolean heartbeat);
/* Follower, InstallSnapshot of the current term (the caller checked the
 * term and heard its leader): Figure 13's receiver, replies. Returns TRUE
 * when a snapshot was installed. */
gboolean raft_snap_receive(SimNode *node, RaftSnap *snap, RaftState *s, const SimMsg *msg);
/* InstallSnapshotReply {term, lii, next, done} to `to`. */
void raft_snap_reply(SimNode *node, int to, int64_t term, int64_t lii, int64_t next, gboolean done);
/* Leader, InstallSnapshotReply of the current term from follower i:
 * returns the lastIncludedIndex the follower now holds (its match) when the
 * transfer ended, else 0 (more chunks were sent if it progressed). */
int64_t raft_snap_on_reply(SimNode *node, RaftSnap *snap, const RaftState *s, guint i, int peer, int64_t window,
                           const SimMsg *msg);
/* Emits raft_snapshot {index, term, chain}: the node's log now begins
 * after `index`, which its snapshot covers (not a truncation: a checker
 * keeps what it knew of entries up to there only if chains agree). */
void raft_emit_snapshot(SimNode *node, const RaftState *s);
/* ---- raft_members.c: AddServer and RemoveServer (thesis §4.1-4.2) ---- */

/* The `status` of an AddServerReply / RemoveServerReply {id, status,
 * leader} (thesis Figure 4.1; BUSY and REFUSED are this simulator's). */
enum {
  RAFT_MEMBERS_OK = 1,         /* the change is committed (or was already) */
  RAFT_MEMBERS_NOT_LEADER = 2, /* ask `leader` (-1: none known) */
  RAFT_MEMBERS_TIMEOUT = 3,    /* the new server did not catch up: ask again */
  RAFT_MEMBERS_BUSY = 4,       /* another change is in progress: ask again */
  RAFT_MEMBERS_REFUSED = 5,    /* not a Raft server, or the last member */
};

/* The leader's state of one membership change (opaque). */
typedef struct RaftMembers RaftMembers;
RaftMembers *raft_members_new(RaftServer *server);
void raft_members_free(RaftMembers *m);
/* TRUE for the message types raft_members_on_request handles. */
gboolean raft_members_handles(const char *type);
/* An AddServer {id} or RemoveServer {id} request: answered NOT_LEADER by
 * a follower; a leader catches a new server up first, then appends the
 * configuration entry once raft_config_may_change, and answers OK once it
 * is committed. */
void raft_members_on_request(SimNode *node, RaftMembers *m, const SimMsg *msg);
/* Whether node `id` of the run exists and runs a Raft server (any model
 * whose messages go to raft_server_on_message). */
gboolean raft_is_server(Sim *sim, int64_t id);
/* The server being caught up (replicated to, not counted), or -1. */
int raft_members_learner(const RaftMembers *m);
/* Leader: server `id` acknowledged the log up to `match`. */
void raft_members_on_match(SimNode *node, RaftMembers *m, int id, int64_t match);
/* Leader: commitIndex advanced; on every heartbeat tick. */
void raft_members_on_commit(SimNode *node, RaftMembers *m);
void raft_members_on_tick(SimNode *node, RaftMembers *m);
/* The server stopped leading: a change in progress is dropped unanswered
 * (the admin asks again, and the new leader answers). */
void raft_members_on_lost_leadership(RaftMembers *m);
