/* `libraft.server`: a server of libraft 0.15.0 (the `struct raft` of the
 * library Debian ships, unmodified) on a simulated node, through the
 * raft_io of lr_io.c, with a key-value state machine. Clients speak
 * kv.raft's protocol: "Request" {op, c, k, v} (raft_cmd_pack's words) is
 * proposed with raft_apply when this server leads, and answered "Reply"
 * {op, ok, has, v} once applied, or "NotLeader" {op, leader} (the node id
 * of the leader the library knows, or -1). The state machine applies each
 * client op once (a retried op gets its first result), so libraft.client
 * (kv.raft's client) and lincheck judge it like faultsim's own Raft.
 *
 * After every event the server handles, it reads the library's state and
 * emits what models/raft/raft_check.h reads: raft_leader {term} when it
 * became leader of a term, raft_commit {index, term} when its commit
 * index grew, raft_apply {index, term, chain} for each entry applied (the
 * adapter emits raft_append, raft_truncate and raft_snapshot as the log
 * changes). faultsim's Raft checker then judges election safety, log
 * matching, leader completeness and state-machine safety on the library.
 *
 * A crash closes the library and frees it (its in-flight I/O cancelled,
 * as at a process exit nothing more happens); a restart runs raft_init
 * and raft_start again on the durable log, as a restarted process would.
 * The first start bootstraps the configuration: every server of `peers`
 * a voter, raft id i+1 for the i-th, its address the node's name. */
#include "models/libraft/libraft.h"
#include "models/raft/raft_check.h"
#include <string.h>

typedef struct {
  SimNode *node;
  LrIo *io;
  struct raft raft;
  struct raft_fsm fsm;
  struct raft_tracer tracer;
  LrArena *arena;   /* the library's memory (lr_heap.c) */
  guint depth;      /* calls into the library in progress */
  gboolean initialised, started, closing;
  gboolean crashing, close_on_crash, doomed;
  LrKv *kv;
  raft_term leader_term;
  raft_index commit_seen, applied_seen;
} LrServer;

typedef struct {
  struct raft_apply req;
  LrServer *s;
  int client;
  uint64_t op;
} ApplyReq;

/* ---- the state machine: lr_kv.c under the library's raft_fsm ---- */

/* A command is raft_cmd_pack's three words, 24 bytes little-endian. */
static int fsm_apply(struct raft_fsm *fsm, const struct raft_buffer *buf, void **result)
{
  LrServer *s = fsm->data;
  LrReader r = { buf->base, buf->len, 0, FALSE };
  int64_t c = (int64_t) lr_get_u64(&r), k = (int64_t) lr_get_u64(&r), v = (int64_t) lr_get_u64(&r);
  /* Bytes that are not a command of this machine apply as nothing. */
  *result = r.bad ? NULL : (void *) lr_kv_apply(s->kv, c, k, v);
  return 0;
}

static int fsm_snapshot(struct raft_fsm *fsm, struct raft_buffer *bufs[], unsigned *n_bufs)
{
  LrServer *s = fsm->data;
  g_autoptr(GByteArray) bytes = g_byte_array_new();
  LrWriter w = { bytes };
  lr_kv_snapshot(s->kv, &w);
  *bufs = raft_malloc(sizeof **bufs);
  if (!*bufs)
    return RAFT_NOMEM;
  (*bufs)[0].base = raft_malloc(bytes->len);
  if (!(*bufs)[0].base) {
    raft_free(*bufs);
    return RAFT_NOMEM;
  }
  memcpy((*bufs)[0].base, bytes->data, bytes->len);
  (*bufs)[0].len = bytes->len;
  *n_bufs = 1;
  return 0;
}

/* Takes over buf->base (the library's contract): freed here. */
static int fsm_restore(struct raft_fsm *fsm, struct raft_buffer *buf)
{
  LrServer *s = fsm->data;
  gboolean ok = lr_kv_restore(s->kv, buf->base, buf->len);
  raft_free(buf->base);
  return ok ? 0 : RAFT_MALFORMED;
}

/* ---- protocol events: the library's state after every event ---- */

static void emit(SimNode *node, const char *type, const char *a, int64_t va, const char *b, int64_t vb,
                 const char *c, int64_t vc)
{
  SimMsg ev = sim_record(type);
  sim_msg_add(&ev, a, va);
  sim_msg_add(&ev, b, vb);
  if (c)
    sim_msg_add(&ev, c, vc);
  sim_emit(node, &ev);
}

static void observe(LrServer *s)
{
  if (s->closing || !s->started)
    return;
  struct raft *r = &s->raft;
  if (raft_state(r) == RAFT_LEADER && s->leader_term != r->current_term) {
    s->leader_term = r->current_term;
    SimMsg ev = sim_record("raft_leader");
    sim_msg_add(&ev, "term", (int64_t) r->current_term);
    sim_emit(s->node, &ev);
    sim_metric_add(sim_node_sim(s->node), "raft_leaders_elected", 1);
  }
  if (r->commit_index > s->commit_seen) {
    s->commit_seen = r->commit_index;
    emit(s->node, "raft_commit", "index", (int64_t) r->commit_index, "term", (int64_t) r->current_term, NULL, 0);
  }
  while (s->applied_seen < r->last_applied) {
    raft_index i = ++s->applied_seen;
    uint64_t term, chain;
    if (lr_io_entry(s->io, i, &term, &chain))
      emit(s->node, "raft_apply", "index", (int64_t) i, "term", (int64_t) term, "chain", (int64_t) chain);
  }
}

/* ---- client requests ---- */

static void reply(SimNode *node, int client, uint64_t op, const LrKvResult *r)
{
  SimMsg *m = sim_msg_new(node, "Reply");
  sim_msg_add(m, "op", (int64_t) op);
  sim_msg_add(m, "ok", r->ok);
  sim_msg_add(m, "has", r->has);
  sim_msg_add(m, "v", r->value);
  sim_send(node, client, m);
}

static void not_leader(LrServer *s, int client, uint64_t op)
{
  raft_id id = 0;
  const char *address = NULL;
  raft_leader(&s->raft, &id, &address);
  SimMsg *m = sim_msg_new(s->node, "NotLeader");
  sim_msg_add(m, "op", (int64_t) op);
  sim_msg_add(m, "leader", lr_io_node_of(s->io, id));
  sim_send(s->node, client, m);
}

static void apply_done(struct raft_apply *req, int status, void *result)
{
  ApplyReq *a = req->data;
  LrServer *s = a->s;
  if (!s->closing) {
    if (status == 0 && result)
      reply(s->node, a->client, a->op, result);
    else
      not_leader(s, a->client, a->op); /* leadership lost: it may still commit; the client retries */
  }
  raft_free(a);
}

static void on_request(LrServer *s, const SimMsg *msg)
{
  uint64_t op = (uint64_t) sim_msg_get(msg, "op", 0);
  if (!s->started || raft_state(&s->raft) != RAFT_LEADER) {
    not_leader(s, msg->src, op);
    return;
  }
  struct raft_buffer buf = { raft_malloc(24), 24 };
  g_assert(buf.base);
  g_autoptr(GByteArray) bytes = g_byte_array_new();
  LrWriter w = { bytes };
  lr_put_u64(&w, (uint64_t) sim_msg_get(msg, "c", 0));
  lr_put_u64(&w, (uint64_t) sim_msg_get(msg, "k", 0));
  lr_put_u64(&w, (uint64_t) sim_msg_get(msg, "v", 0));
  memcpy(buf.base, bytes->data, 24);
  /* From the library's heap: a crash that kills the library frees it
   * with the arena, its callback never to run. */
  ApplyReq *a = raft_calloc(1, sizeof *a);
  g_assert(a);
  a->req.data = a;
  a->s = s;
  a->client = msg->src;
  a->op = op;
  if (raft_apply(&s->raft, &a->req, &buf, 1, apply_done) != 0) {
    raft_free(buf.base);
    raft_free(a);
    not_leader(s, msg->src, op);
  }
}

/* ---- the model ---- */

/* Every call into the library runs between these: the library's memory
 * goes to the server's arena, and a crash that an observer injects while
 * the library runs (a Lua hook on a send, say) waits for the library to
 * return before the server is freed. */
static LrArena *lib_enter(LrServer *s)
{
  s->depth++;
  return lr_arena_enter(s->arena);
}

static void teardown(LrServer *s);

/* Leaves the library; `s` may be freed here (a crash during the call). */
static void lib_leave(LrServer *s, LrArena *prev)
{
  lr_arena_leave(prev);
  if (--s->depth == 0 && s->doomed)
    teardown(s);
}

static void close_done(struct raft *r) { (void) r; }

/* crash = "kill" (and always at the end of the run): the process is gone,
 * no library code runs, its memory is freed whole. crash = "close": the
 * library is shut down with raft_close first, the way a process that
 * stops cleanly (dqlite on SIGTERM) does: requests in flight are
 * cancelled and their callbacks run. */
static void teardown(LrServer *s)
{
  if (s->initialised && s->crashing && s->close_on_crash) {
    LrArena *prev = lr_arena_enter(s->arena);
    raft_close(&s->raft, close_done); /* synchronous: lr_io's close is */
    lr_arena_leave(prev);
  }
  lr_arena_free_all(s->arena);
  lr_io_free(s->io);
  lr_kv_free(s->kv);
  g_free(s);
}

static void server_free(gpointer p)
{
  LrServer *s = p;
  s->closing = TRUE;
  lr_io_closing(s->io);
  if (s->depth > 0)
    s->doomed = TRUE; /* freed when the library returns (lib_leave) */
  else
    teardown(s);
}

static void server_on_crash(SimNode *node)
{
  LrServer *s = sim_node_data(node);
  if (s)
    s->crashing = TRUE;
}

/* "T" or "LO,HI" with HI = 2 LO: libraft draws each timeout uniformly in
 * [T, 2T] itself. */
static gboolean election_timeout_ms(const char *text, unsigned *ms)
{
  g_auto(GStrv) parts = g_strsplit(text, ",", 3);
  guint n = g_strv_length(parts);
  SimTime lo, hi;
  if (n < 1 || n > 2 || !sim_time_parse(g_strstrip(parts[0]), &lo, NULL))
    return FALSE;
  if (n == 2 && (!sim_time_parse(g_strstrip(parts[1]), &hi, NULL) || hi != 2 * lo))
    return FALSE;
  if (lo < SIM_MS || lo % SIM_MS || lo / SIM_MS > G_MAXINT / 2)
    return FALSE;
  *ms = (unsigned) (lo / SIM_MS);
  return TRUE;
}

/* Checks the parameters; FALSE (the run failed, naming them) if bad. */
static gboolean check_params(SimNode *node, LrServer *s, unsigned *election_ms)
{
  Sim *sim = sim_node_sim(node);
  const char *et = sim_node_param_string(node, "election_timeout");
  const char *crash = sim_node_param_string(node, "crash");
  SimTime hb = sim_node_param_duration(node, "heartbeat");
  if (!election_timeout_ms(et, election_ms)) {
    sim_fail(sim, "node '%s' (libraft.server): election_timeout \"%s\" must be a whole number of milliseconds T "
             "or \"T,2T\" (libraft draws each timeout in [T, 2T])", sim_node_name(node), et);
    return FALSE;
  }
  if (hb < SIM_MS || hb % SIM_MS) {
    sim_fail(sim, "node '%s' (libraft.server): heartbeat must be a whole number of milliseconds", sim_node_name(node));
    return FALSE;
  }
  if (strcmp(crash, "kill") != 0 && strcmp(crash, "close") != 0) {
    sim_fail(sim, "node '%s' (libraft.server): crash must be \"kill\" or \"close\", not \"%s\"", sim_node_name(node),
             crash);
    return FALSE;
  }
  s->close_on_crash = strcmp(crash, "close") == 0;
  if (lr_io_raft_id(s->io, sim_node_id(node)) == 0) {
    sim_fail(sim, "node '%s' (libraft.server): parameter peers must list this server", sim_node_name(node));
    return FALSE;
  }
  return TRUE;
}

/* raft_init, the first start's bootstrap, raft_start: inside the arena. */
static void start_library(SimNode *node, LrServer *s, unsigned election_ms)
{
  Sim *sim = sim_node_sim(node);
  guint npeers;
  const int *peers = sim_node_param_nodes(node, "peers", &npeers);
  s->fsm.version = 1;
  s->fsm.data = s;
  s->fsm.apply = fsm_apply;
  s->fsm.snapshot = fsm_snapshot;
  s->fsm.restore = fsm_restore;
  raft_id id = lr_io_raft_id(s->io, sim_node_id(node));
  if (raft_init(&s->raft, lr_io_raft_io(s->io), &s->fsm, id, sim_node_name(node)) != 0) {
    sim_fail(sim, "node '%s': raft_init failed: %s", sim_node_name(node), raft_errmsg(&s->raft));
    return;
  }
  s->initialised = TRUE;
  /* The library's own tracer reads the wall clock when LIBRAFT_TRACE is
   * set; a disabled one keeps every run the same whatever the environment. */
  s->tracer.enabled = false;
  s->raft.tracer = &s->tracer;
  raft_set_election_timeout(&s->raft, election_ms);
  raft_set_heartbeat_timeout(&s->raft, (unsigned) (sim_node_param_duration(node, "heartbeat") / SIM_MS));
  raft_set_pre_vote(&s->raft, sim_node_param_bool(node, "prevote"));
  raft_set_snapshot_threshold(&s->raft, (unsigned) sim_node_param_int(node, "snapshot_threshold"));
  raft_set_snapshot_trailing(&s->raft, (unsigned) sim_node_param_int(node, "snapshot_trailing"));
  if (sim_log_length(node) == 0) {
    struct raft_configuration conf;
    raft_configuration_init(&conf);
    for (guint i = 0; i < npeers; i++)
      raft_configuration_add(&conf, i + 1, sim_node_name(sim_node(sim, peers[i])), RAFT_VOTER);
    int rv = raft_bootstrap(&s->raft, &conf);
    raft_configuration_close(&conf);
    if (rv != 0) {
      sim_fail(sim, "node '%s': raft_bootstrap failed: %s", sim_node_name(node), raft_strerror(rv));
      return;
    }
  }
  int rv = raft_start(&s->raft);
  if (rv != 0) {
    sim_fail(sim, "node '%s': raft_start failed: %s (%s)", sim_node_name(node), raft_strerror(rv),
             raft_errmsg(&s->raft));
    return;
  }
  s->started = TRUE;
  /* Entries a recovered snapshot covers were applied before the crash. */
  s->commit_seen = s->applied_seen = s->raft.last_applied;
}

static void server_start(SimNode *node)
{
  guint npeers;
  const int *peers = sim_node_param_nodes(node, "peers", &npeers);
  LrServer *s = g_new0(LrServer, 1);
  s->node = node;
  s->arena = lr_arena_new();
  s->kv = lr_kv_new();
  s->io = lr_io_new(node, peers, npeers, sim_node_param_duration(node, "disk_latency"));
  sim_node_set_data(node, s, server_free);
  unsigned election_ms;
  if (!check_params(node, s, &election_ms))
    return;
  raft_check_attach(node);
  LrArena *prev = lib_enter(s);
  start_library(node, s, election_ms);
  observe(s);
  lib_leave(s, prev);
}

static void server_on_message(SimNode *node, const SimMsg *msg)
{
  LrServer *s = sim_node_data(node);
  if (!s || !s->started)
    return;
  LrArena *prev = lib_enter(s);
  if (strcmp(msg->type, "Request") == 0)
    on_request(s, msg);
  else if (lr_io_is_raft_message(msg->type))
    lr_io_on_message(s->io, msg);
  observe(s);
  lib_leave(s, prev);
}

static void server_on_timer(SimNode *node, uint64_t tag)
{
  LrServer *s = sim_node_data(node);
  if (!s || !s->started)
    return;
  LrArena *prev = lib_enter(s);
  lr_io_on_timer(s->io, tag);
  observe(s);
  lib_leave(s, prev);
}

static const SimParamSpec server_params[] = {
  { "peers", SIM_PARAM_NODES, "", "every server of the cluster, comma-separated, this one included (raft id i+1 for the i-th)", 0, 0 },
  { "election_timeout", SIM_PARAM_STRING, "150ms", "libraft's election timeout T (each timeout uniform in [T, 2T], checked at every tick); \"T,2T\" is accepted too", 0, 0 },
  { "heartbeat", SIM_PARAM_DURATION, "50ms", "libraft's heartbeat timeout, also its tick period (whole milliseconds)", 0, 3600 },
  { "prevote", SIM_PARAM_BOOL, "false", "libraft's pre-vote (raft_set_pre_vote)", 0, 0 },
  { "disk_latency", SIM_PARAM_DURATION, "1ms", "time an fsync takes on the local clock: appends and snapshots complete after it", 0, 3600 },
  { "snapshot_threshold", SIM_PARAM_INT, "1024", "entries applied between snapshots (raft_set_snapshot_threshold)", 1, 1000000000 },
  { "snapshot_trailing", SIM_PARAM_INT, "2048", "entries kept in the log behind a snapshot (raft_set_snapshot_trailing)", 0, 1000000000 },
  { "crash", SIM_PARAM_STRING, "kill", "what a crash does to the library: \"kill\" (a process killed: no more library code runs, its memory is freed) or \"close\" (raft_close first, as a clean shutdown: in-flight requests are cancelled and their callbacks run)", 0, 0 },
  { NULL },
};

const SimModel model_libraft_server = {
  .name = "libraft.server",
  .summary = "the libraft 0.15.0 library (unmodified) as a Raft server with a key-value state machine; kv.raft's client protocol",
  .params = server_params,
  .init = server_start,
  .on_message = server_on_message,
  .on_timer = server_on_timer,
  .on_crash = server_on_crash,
};
