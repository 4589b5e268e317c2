/* kv.quorum.client: the coordinator of kv.quorum. For an operation on key k
 * it sends the request to the N nodes of k's preference list and completes
 * after R read replies (returning the newest version) or W write acks.
 *   - Fan-out (parameter `send_to`):
 *       "all" (default): every phase goes to all N replicas, as Dynamo does
 *         (DeCandia et al., SOSP 2007, section 4.5: get() and put() go to
 *         the N highest-ranked reachable nodes) and as Cassandra does for
 *         writes. Each replica serves every request; W and R decide only
 *         which reply the coordinator waits for.
 *       "quorum": a phase goes to just the R (or W) replicas it needs, the
 *         first of them rotated per operation along the preference list so
 *         the load spreads evenly, as Cassandra's reads contact only the
 *         replicas the consistency level needs. Every `sloppy_after` that
 *         the phase still lacks replies, as many more replicas of the list
 *         as replies are missing get the request (Cassandra's speculative
 *         retry sends a read to one more replica when the first are slow),
 *         so a lost request or a silent replica still makes the quorum;
 *         with `sloppy`, fallbacks cover the silent ones only once the
 *         whole list has been asked. Each phase gets its own check timer,
 *         so a write's PUT waits a full `sloppy_after` after its query.
 *         Replicas not asked do not get the write: they diverge until read
 *         repair or a later write reaches them.
 *   - Versions (parameter `versions`):
 *       "read" (default): a write first reads, like the writer of
 *         multi-writer ABD (Attiya, Bar-Noy, Dolev, JACM 1995; Lynch and
 *         Shvartsman, FTCS 1997): it asks the replicas for their version,
 *         waits for R replies, and writes (highest ts + 1, op id). When
 *         R + W > N the query meets every completed write's W acks, so a
 *         write that starts after another completed gets a higher version:
 *         versions follow real time. It costs a second round trip, and a
 *         write needs max(R, W) replicas.
 *       "clock": the coordinator stamps (its local clock in ns, op id), as
 *         Cassandra does with coordinator timestamps: one round trip, and
 *         versions follow real time only as far as the clocks agree. A
 *         clock that is behind makes its writes lose to older ones
 *         (clock_offset, clock_jump and clock_drift on the client reach it).
 *     The tie-break is the write's operation id, unique in the run: with
 *     the client's id, two writes of one client in flight could get the
 *     same version with different values, and replicas that received them
 *     in different orders would never agree.
 *   - Read repair: every replica that answered a read with an older version
 *     (also after the read completed, for `linger`) is sent the newest one.
 *     There is no write-back before the read returns (ABD's second phase),
 *     so a read that sees a write in progress can be followed by a read
 *     that does not: not linearizable, even with R + W > N.
 *   - Sloppy quorum (sloppy = true): every `sloppy_after` without an answer
 *     from a target, the request goes to the next node down the extended
 *     preference list with a hint naming the preferred replica; acks from
 *     fallbacks count towards W, and the fallback hands the cell on later.
 * Each reply is counted once per target and phase: a duplicated or late
 * reply, or one from the other phase of the same write, counts nothing.
 * Membership: the initial kv.quorum members; JOIN adds a node and LEAVE
 * removes one (acknowledged with the view's version, mv, which every
 * request carries). The view is kept in durable state across crashes. */
#include "models/kv/kv.h"

enum { TIMER_CHECK = 0, TIMER_LINGER = 1 };
/* A request's phase; a message's rid is op * 2 + phase. */
enum { PHASE_GET = 0, PHASE_PUT = 1 };

typedef struct {
  uint64_t op;
  int64_t key;
  gboolean write, done;
  int phase;            /* PHASE_GET: a read, or a write's version query */
  guint need, count;
  int targets[64];
  int hint_for[64];     /* -1, or the preferred replica a fallback covers */
  gboolean covered[64]; /* a fallback was sent in place of this target */
  KvCell got[64];
  guint n_targets;
  guint n_pref;         /* targets[0..n_pref) is the key's preference list */
  guint first;          /* send_to = "quorum": the first preferred target asked */
  uint64_t replied;     /* bit i: targets[i] answered in this phase */
  uint64_t sent;        /* bit i: targets[i] was asked in this phase */
  KvCell cell;          /* GET: the newest seen; PUT: the cell written */
  int64_t value;        /* write: the value to write */
  SimTime invoked_at;
  uint64_t seq;         /* the client's count of operations before this one */
  SimTimerId check;     /* the pending TIMER_CHECK */
} QReq;

typedef struct {
  KvRing *ring;
  int64_t mv; /* membership changes applied */
  guint n;
  gboolean clock_versions; /* versions = "clock" */
  gboolean send_quorum;    /* send_to = "quorum" */
  uint64_t ops;            /* operations invoked since the (re)start */
  GHashTable *reqs; /* op → QReq* */
} QClient;

static void client_free(gpointer p)
{
  QClient *c = p;
  kv_ring_free(c->ring);
  g_hash_table_unref(c->reqs);
  g_free(c);
}

static void client_init(SimNode *node)
{
  Sim *sim = sim_node_sim(node);
  guint n = kv_client_replicas(node, &model_kv_quorum);
  if (n == 0)
    return;
  const char *versions = sim_node_param_string(node, "versions");
  if (!g_str_equal(versions, "read") && !g_str_equal(versions, "clock")) {
    sim_fail(sim, "node '%s' (kv.quorum.client): parameter 'versions' must be \"read\" or \"clock\", not \"%s\"",
             sim_node_name(node), versions);
    return;
  }
  const char *send_to = sim_node_param_string(node, "send_to");
  if (!g_str_equal(send_to, "all") && !g_str_equal(send_to, "quorum")) {
    sim_fail(sim, "node '%s' (kv.quorum.client): parameter 'send_to' must be \"all\" or \"quorum\", not \"%s\"",
             sim_node_name(node), send_to);
    return;
  }
  QClient *c = g_new0(QClient, 1);
  /* After a restart the view comes back from durable state. */
  c->ring = kv_ring_load(node);
  if (!c->ring) {
    c->ring = kv_initial_ring(sim, &model_kv_quorum, FALSE);
    if (!c->ring) {
      g_free(c);
      sim_fail(sim, "node '%s' (kv.quorum.client): every kv.quorum replica joins later; none to start with",
               sim_node_name(node));
      return;
    }
    kv_ring_save(node, c->ring);
  }
  sim_durable_get(node, "mv", &c->mv);
  c->n = n;
  c->clock_versions = g_str_equal(versions, "clock");
  c->send_quorum = g_str_equal(send_to, "quorum");
  c->reqs = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
  sim_node_set_data(node, c, client_free);
}

static int64_t c_mv(SimNode *node)
{
  return ((QClient *) sim_node_data(node))->mv;
}

static void send_req(SimNode *node, QReq *q, guint i)
{
  SimMsg *m = sim_msg_new(node, q->phase == PHASE_PUT ? "PUT" : "GET");
  sim_msg_set(m, "key", q->key);
  sim_msg_set(m, "rid", (int64_t) (q->op * 2 + (uint64_t) q->phase));
  sim_msg_set(m, "mv", c_mv(node));
  if (q->phase == PHASE_PUT) {
    kv_cell_to_msg(m, &q->cell);
    if (q->hint_for[i] >= 0)
      sim_msg_set(m, "hint", q->hint_for[i] + 1);
  }
  q->sent |= G_GUINT64_CONSTANT(1) << i;
  sim_send(node, q->targets[i], m);
}

/* send_to = "quorum": asks up to `more` preferred targets not yet asked in
 * this phase, in rotation order from q->first; returns how many it asked. */
static guint ask_more(SimNode *node, QReq *q, guint more)
{
  guint asked = 0;
  for (guint j = 0; j < q->n_pref && asked < more; j++) {
    guint i = (q->first + j) % q->n_pref;
    if (q->sent & (G_GUINT64_CONSTANT(1) << i))
      continue;
    send_req(node, q, i);
    asked++;
  }
  return asked;
}

/* Starts `phase`: the key's preferred replicas are the targets again (a
 * write's PUT does not inherit its GET's fallbacks), no one has answered.
 * The request goes to every preferred replica, or with send_to = "quorum"
 * to `need` of them from the operation's place in the rotation. */
static void start_phase(SimNode *node, QClient *c, QReq *q, int phase)
{
  q->phase = phase;
  q->replied = 0;
  q->sent = 0;
  q->count = 0;
  q->n_targets = kv_ring_preference(c->ring, q->key, c->n, q->targets);
  q->n_pref = q->n_targets;
  for (guint i = 0; i < 64; i++) {
    q->hint_for[i] = -1;
    q->covered[i] = FALSE;
  }
  q->need = (guint) CLAMP(sim_node_param_int(node, phase == PHASE_PUT ? "w" : "r"), 1, (int64_t) q->n_targets);
  if (c->send_quorum) {
    q->first = (guint) (q->seq % q->n_pref);
    ask_more(node, q, q->need);
    return;
  }
  for (guint i = 0; i < q->n_targets; i++)
    send_req(node, q, i);
}

static void repair(SimNode *node, QReq *q, guint i)
{
  if (q->hint_for[i] >= 0 || !sim_node_param_bool(node, "read_repair") ||
      kv_version_cmp(q->got[i].version, q->cell.version) >= 0)
    return;
  SimMsg *m = sim_msg_new(node, "PUT");
  sim_msg_set(m, "key", q->key);
  sim_msg_set(m, "rid", 0);
  sim_msg_set(m, "mv", c_mv(node));
  kv_cell_to_msg(m, &q->cell);
  sim_send(node, q->targets[i], m);
  sim_metric_add(sim_node_sim(node), "kv_read_repairs", 1);
}

static void client_on_invoke(SimNode *node, uint64_t op, const char *f,
                             const SimValue *key, const SimValue *value)
{
  QClient *c = sim_node_data(node);
  gboolean write = g_str_equal(f, "write");
  if (!write && !g_str_equal(f, "read")) {
    sim_op_complete(node, op, SIM_OP_FAIL, NULL);
    return;
  }
  QReq *q = g_new0(QReq, 1);
  q->op = op;
  q->key = key && key->kind == SIM_V_INT ? key->a : 0;
  q->write = write;
  q->value = value && value->kind == SIM_V_INT ? value->a : 0;
  q->invoked_at = sim_now(sim_node_sim(node));
  q->cell = (KvCell) { KV_NONE, FALSE, 0 };
  q->seq = c->ops++;
  g_hash_table_insert(c->reqs, &q->op, q);
  if (write && c->clock_versions) {
    q->cell = (KvCell) { { sim_node_clock(node), (int64_t) q->op }, TRUE, q->value };
    start_phase(node, c, q, PHASE_PUT);
  } else {
    start_phase(node, c, q, PHASE_GET);
  }
  q->check = sim_timer_after(node, sim_node_param_duration(node, "sloppy_after"), op * 2 + TIMER_CHECK);
}

static void complete(SimNode *node, QReq *q)
{
  Sim *sim = sim_node_sim(node);
  q->done = TRUE;
  double ms = (double) (sim_now(sim) - q->invoked_at) / 1e6;
  if (q->write) {
    SimValue v = sim_value_int(q->value);
    if (sim_op_complete(node, q->op, SIM_OP_OK, &v))
      sim_metric_sample(sim, "kv_write_latency_ms", ms);
  } else {
    SimValue v = q->cell.has ? sim_value_int(q->cell.value) : sim_value_nil();
    if (sim_op_complete(node, q->op, SIM_OP_OK, &v))
      sim_metric_sample(sim, "kv_read_latency_ms", ms);
    for (guint i = 0; i < q->n_targets; i++)
      if (q->replied & (G_GUINT64_CONSTANT(1) << i))
        repair(node, q, i);
  }
  sim_timer_after(node, sim_node_param_duration(node, "linger"), q->op * 2 + TIMER_LINGER);
}

static void on_reply(SimNode *node, QClient *c, const SimMsg *msg)
{
  uint64_t rid = (uint64_t) sim_msg_get(msg, "rid", 0);
  gint64 op = (gint64) (rid / 2);
  int phase = (int) (rid % 2);
  QReq *q = g_hash_table_lookup(c->reqs, &op);
  if (!q || q->phase != phase || (phase == PHASE_PUT) != g_str_equal(msg->type, "PUT_R"))
    return;
  guint i = 0;
  while (i < q->n_targets && q->targets[i] != msg->src)
    i++;
  if (i == q->n_targets || !(q->sent & (G_GUINT64_CONSTANT(1) << i)) ||
      (q->replied & (G_GUINT64_CONSTANT(1) << i)))
    return; /* not asked in this phase, or already counted */
  q->replied |= G_GUINT64_CONSTANT(1) << i;
  KvCell cell = kv_cell_from_msg(msg);
  q->got[i] = cell;
  if (phase == PHASE_GET && kv_version_cmp(cell.version, q->cell.version) > 0)
    q->cell = cell;
  if (q->done) {
    if (!q->write)
      repair(node, q, i);
    return;
  }
  if (++q->count < q->need)
    return;
  if (phase == PHASE_PUT || !q->write) {
    complete(node, q);
    return;
  }
  /* The version query is done: write above the highest version seen. */
  int64_t ts = q->cell.version.ts < G_MAXINT64 ? q->cell.version.ts + 1 : G_MAXINT64;
  q->cell = (KvCell) { { ts, (int64_t) q->op }, TRUE, q->value };
  start_phase(node, c, q, PHASE_PUT);
  if (c->send_quorum) {
    /* The PUT gets a full sloppy_after before more replicas are asked. */
    sim_timer_cancel(node, q->check);
    q->check = sim_timer_after(node, sim_node_param_duration(node, "sloppy_after"), q->op * 2 + TIMER_CHECK);
  }
}

/* Sloppy quorum: one fallback for each target asked, silent and not yet
 * covered. */
static void add_fallbacks(SimNode *node, QClient *c, QReq *q)
{
  int ext[64];
  guint n_ext = kv_ring_preference(c->ring, q->key, 64, ext);
  guint silent = q->n_targets;
  for (guint i = 0; i < silent; i++) {
    if (!(q->sent & (G_GUINT64_CONSTANT(1) << i)) || (q->replied & (G_GUINT64_CONSTANT(1) << i)) ||
        q->covered[i] || q->n_targets >= 64)
      continue;
    for (guint e = 0; e < n_ext; e++) {
      gboolean used = FALSE;
      for (guint t = 0; t < q->n_targets; t++)
        used |= q->targets[t] == ext[e];
      if (used)
        continue;
      guint j = q->n_targets++;
      q->targets[j] = ext[e];
      q->hint_for[j] = q->hint_for[i] >= 0 ? q->hint_for[i] : q->targets[i];
      q->covered[i] = TRUE;
      send_req(node, q, j);
      sim_metric_add(sim_node_sim(node), "kv_sloppy_fallbacks", 1);
      break;
    }
  }
}

static void client_on_timer(SimNode *node, uint64_t tag)
{
  QClient *c = sim_node_data(node);
  gint64 op = (gint64) (tag / 2);
  QReq *q = g_hash_table_lookup(c->reqs, &op);
  if (!q)
    return;
  if (tag % 2 == TIMER_LINGER) {
    g_hash_table_remove(c->reqs, &op);
    return;
  }
  if (q->done)
    return;
  if (!sim_op_pending(sim_node_sim(node), q->op)) {
    g_hash_table_remove(c->reqs, &op); /* timed out: info */
    return;
  }
  /* With send_to = "quorum", the rest of the preference list first (as
   * many as replies are missing), fallbacks once all of it was asked. */
  guint asked = c->send_quorum ? ask_more(node, q, q->need - q->count) : 0;
  if (asked)
    sim_metric_add(sim_node_sim(node), "kv_extra_requests", asked);
  else if (sim_node_param_bool(node, "sloppy"))
    add_fallbacks(node, c, q);
  q->check = sim_timer_after(node, sim_node_param_duration(node, "sloppy_after"), tag);
}

static void client_on_message(SimNode *node, const SimMsg *msg)
{
  QClient *c = sim_node_data(node);
  if (g_str_equal(msg->type, "GET_R") || g_str_equal(msg->type, "PUT_R")) {
    on_reply(node, c, msg);
  } else if (g_str_equal(msg->type, "JOIN") || g_str_equal(msg->type, "LEAVE")) {
    gboolean join = g_str_equal(msg->type, "JOIN");
    int id = (int) sim_msg_get(msg, "node", -1);
    if (id >= 0 && (guint) id < sim_node_count(sim_node_sim(node)) && kv_ring_has(c->ring, id) != join) {
      KvRing *next = join ? kv_ring_with(c->ring, id, NULL) : kv_ring_without(c->ring, id, NULL);
      if (next) {
        kv_ring_free(c->ring);
        c->ring = next;
        kv_ring_save(node, c->ring);
        sim_durable_set(node, "mv", ++c->mv);
      }
    }
    SimMsg *r = sim_msg_new(node, join ? "JOIN_ACK" : "LEAVE_ACK");
    sim_msg_set(r, "mv", c->mv);
    sim_send(node, msg->src, r);
  }
}

static void client_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  kv_metrics_availability(sim, nodes, count, "kv");
  kv_check_stale_reads(sim, nodes, count, "kv");
  /* Counters are reported even when nothing counted them. */
  sim_metric_add(sim, "kv_read_repairs", 0);
  sim_metric_add(sim, "kv_sloppy_fallbacks", 0);
  sim_metric_add(sim, "kv_extra_requests", 0);
  if (sim_node_param_bool(nodes[0], "lincheck"))
    kv_lincheck_history(sim, nodes, count, 10000000, "linearizable", "kv");
}

static const SimParamSpec client_params[] = {
  { "r", SIM_PARAM_INT, "1", "R: replies a read (and a write's version query) waits for", 0, 0 },
  { "w", SIM_PARAM_INT, "1", "W: acks a write waits for", 0, 0 },
  { "versions", SIM_PARAM_STRING, "read", "how a write picks its version: \"read\" (query R replicas, highest + 1) or \"clock\" (the coordinator's local clock)", 0, 0 },
  { "send_to", SIM_PARAM_STRING, "all", "which replicas get a request: \"all\" N of the preference list, or \"quorum\" only the R or W it needs (rotated per operation), more after sloppy_after without them", 0, 0 },
  { "sloppy", SIM_PARAM_BOOL, "false", "sloppy quorum: fall back to the next nodes of the ring, with hints", 0, 0 },
  { "sloppy_after", SIM_PARAM_DURATION, "20ms", "silence after which a fallback is tried, or with send_to = \"quorum\" more replicas are asked (and abandoned ops are swept)", 0, 0 },
  { "read_repair", SIM_PARAM_BOOL, "true", "send the newest version to replicas that answered a read with an older one", 0, 0 },
  { "linger", SIM_PARAM_DURATION, "200ms", "keep a completed request this long for late replies and read repair", 0, 0 },
  { "lincheck", SIM_PARAM_BOOL, "false", "check the history for linearizability at the end (invariant `linearizable`)", 0, 0 },
  { NULL },
};

static const char *const client_ops[] = { "read", "write", NULL };

const SimModel model_kv_quorum_client = {
  .name = "kv.quorum.client",
  .summary = "Dynamo-style coordinator: N/R/W quorums, LWW versions from a read phase or the local clock, read repair, sloppy quorum",
  .params = client_params,
  .init = client_init,
  .on_message = client_on_message,
  .on_timer = client_on_timer,
  .on_invoke = client_on_invoke,
  .finish = client_finish,
  .ops = client_ops,
};
