/* `kafka.controller`: the partition's controller as a replicated state
 * machine on the Raft server of models/raft/ (KRaft: KIP-500, KIP-631),
 * served exactly as zk.server is. Its replicated state (KafkaPartition)
 * is the partition's leader, leader epoch, partition epoch (version), ISR
 * and which brokers are fenced; every change is a log entry, applied by
 * the pure rules of kafka_rules.c on every controller.
 *
 * The active controller (the Raft leader):
 * - answers each BrokerHeartbeat {inc} with LeaderAndIsr {leader, epoch,
 *   isr, version} (followers answer NotController {leader}, like kv.raft's
 *   NotLeader); a heartbeat from a fenced broker, or from a new
 *   incarnation, is committed as a registration (KC_REGISTER);
 * - fences a broker it has not heard from for `broker_session_timeout` on
 *   its local clock, checked every `tick` (KC_FENCE): the broker leaves
 *   the ISR (unless it is the last member) and, if it led, a new leader
 *   is elected from the ISR, or from any live replica with
 *   `unclean_leader_election`, with epoch + 1 (kafka_fence); a new active
 *   controller first gives every broker a fresh timeout;
 * - commits AlterPartition {epoch, version, isr} from the partition leader
 *   when epoch and version are current (KC_ALTER, KIP-497);
 * - after applying a change, pushes LeaderAndIsr to every broker.
 *
 * Commands (three words, first word never negative or all-zero): w0 =
 * kind | replica << 8; REGISTER w1 = incarnation; ALTER w1 = epoch << 32 |
 * version, w2 = ISR mask. */
#include "models/kafka/kafka.h"
#include <string.h>

enum { KC_REGISTER = 1, KC_FENCE = 2, KC_ALTER = 3 };
enum { TAG_TICK = 1 };

typedef struct {
  RaftServer *server;
  KafkaPartition p;
  const int *replicas;
  guint n;
  gboolean unclean;
  SimTime session, tick;
  /* Active controller only, volatile. */
  SimTime heard[KAFKA_MAX_REPLICAS];
  SimTimerId tick_timer;
} Controller;

static int replica_of(const Controller *c, int node)
{
  for (guint i = 0; i < c->n; i++)
    if (c->replicas[i] == node)
      return (int) i;
  return -1;
}

static void *kc_create(SimNode *node, RaftServer *server)
{
  Controller *c = g_new0(Controller, 1);
  c->server = server;
  if (node) {
    c->replicas = sim_node_param_nodes(node, "replicas", &c->n);
    c->n = MIN(c->n, KAFKA_MAX_REPLICAS);
    c->unclean = sim_node_param_bool(node, "unclean_leader_election");
    c->session = sim_node_param_duration(node, "broker_session_timeout");
    c->tick = sim_node_param_duration(node, "tick");
  }
  kafka_partition_init(&c->p, c->n);
  return c;
}

static void kc_free(void *m) { g_free(m); }

static gboolean leading(const Controller *c) { return c->server && raft_server_role(c->server) == RAFT_LEADER; }

/* An active controller serves once it has applied an entry of its own term
 * (Raft's no-op, thesis §6.4): before that its state may be older than
 * what brokers were told, and answering from it would move them back. */
static gboolean ready(const Controller *c)
{
  if (!leading(c))
    return FALSE;
  const RaftState *st = raft_server_state(c->server);
  return raft_term_at(st, st->lastApplied) == st->currentTerm;
}

static SimMsg *leader_and_isr(SimNode *node, const Controller *c)
{
  SimMsg *m = sim_msg_new(node, "LeaderAndIsr");
  sim_msg_set(m, "leader", c->p.leader >= 0 ? c->replicas[c->p.leader] : -1);
  sim_msg_set(m, "epoch", c->p.epoch);
  sim_msg_set(m, "version", c->p.version);
  sim_msg_set(m, "isr", (int64_t) c->p.isr);
  return m;
}

/* Tells broker `to` the partition state once a ReadIndex round (or a
 * lease: the server's `read` parameter, thesis §6.4) confirmed that this
 * controller still leads: a deposed controller that does not know it yet
 * must not hand out its older state (a restarted broker would take it). */
static void tell(SimNode *node, Controller *c, int to)
{
  SimMsg r = sim_record("StateRequest");
  r.src = to;
  if (!raft_server_read(node, c->server, &r))
    sim_send(node, to, leader_and_isr(node, c)); /* not leading: nothing waits */
}

/* The server confirmed its leadership for a StateRequest or heartbeat. */
static void kc_read(SimNode *node, void *m, const SimMsg *request)
{
  sim_send(node, request->src, leader_and_isr(node, m));
}

static void push(SimNode *node, Controller *c)
{
  for (guint i = 0; i < c->n; i++)
    tell(node, c, c->replicas[i]);
}

static void propose(SimNode *node, Controller *c, int64_t w0, int64_t w1, int64_t w2)
{
  int64_t w[RAFT_CMD_WORDS] = { w0, w1, w2 };
  raft_server_propose(node, c->server, w);
}

static void kc_apply(SimNode *node, void *m, int64_t index, const RaftEntry *e)
{
  (void) index;
  Controller *c = m;
  int64_t kind = e->cmd[0] & 0xff, b = e->cmd[0] >> 8;
  if (e->cmd[0] == 0 && e->cmd[1] == 0 && e->cmd[2] == 0 && node && ready(c)) {
    push(node, c); /* its own no-op: the state is current, tell the brokers */
    return;
  }
  if (e->cmd[0] <= 0 || b >= c->n)
    return;
  int64_t before = c->p.version;
  if (kind == KC_REGISTER)
    kafka_register(&c->p, (int) b, e->cmd[1], c->unclean);
  else if (kind == KC_FENCE)
    kafka_fence(&c->p, (int) b, c->unclean);
  else if (kind == KC_ALTER)
    kafka_alter_isr(&c->p, (int) b, e->cmd[1] >> 32, e->cmd[1] & 0xffffffff, (uint64_t) e->cmd[2]);
  if (c->p.version != before && node) {
    Sim *sim = sim_node_sim(node);
    if (ready(c)) {
      if (kind == KC_FENCE)
        sim_metric_add(sim, "kafka_fenced", 1);
      push(node, c);
    }
  }
}

static void not_controller(SimNode *node, const Controller *c, int to)
{
  SimMsg *m = sim_msg_new(node, "NotController");
  sim_msg_set(m, "leader", raft_server_leader(c->server));
  sim_send(node, to, m);
}

static void kc_on_message(SimNode *node, void *m, const SimMsg *msg)
{
  Controller *c = m;
  gboolean hb = strcmp(msg->type, "BrokerHeartbeat") == 0;
  if (!hb && strcmp(msg->type, "AlterPartition") != 0)
    return;
  if (!leading(c)) {
    not_controller(node, c, msg->src);
    return;
  }
  int b = replica_of(c, msg->src);
  if (b < 0 || !ready(c))
    return; /* not yet: the broker asks again */

  if (hb) {
    c->heard[b] = sim_node_clock(node);
    int64_t inc = sim_msg_get(msg, "inc", 0);
    if ((c->p.fenced >> b & 1) || c->p.inc[b] != inc + 1)
      propose(node, c, KC_REGISTER | (int64_t) b << 8, inc, 0);
    tell(node, c, msg->src);
    return;
  }
  int64_t epoch = sim_msg_get(msg, "epoch", -1), version = sim_msg_get(msg, "version", -1);
  int64_t isr = sim_msg_get(msg, "isr", 0);
  if (epoch != c->p.epoch || version != c->p.version || epoch < 0 || epoch > G_MAXINT32 || version < 0
      || version > G_MAXINT32) {
    tell(node, c, msg->src); /* stale: it learns the current state */
    return;
  }
  propose(node, c, KC_ALTER | (int64_t) b << 8, epoch << 32 | version, isr);
}

static void kc_on_leadership(SimNode *node, void *m, gboolean lead)
{
  Controller *c = m;
  sim_timer_cancel(node, c->tick_timer);
  c->tick_timer = 0;
  if (!lead)
    return;
  /* A new active controller gives every broker a fresh session. */
  for (guint i = 0; i < c->n; i++)
    c->heard[i] = sim_node_clock(node);
  c->tick_timer = sim_timer_after(node, c->tick, RAFT_MACHINE_TIMER | TAG_TICK);
}

static void kc_on_timer(SimNode *node, void *m, uint64_t tag)
{
  (void) tag;
  Controller *c = m;
  c->tick_timer = 0;
  if (!leading(c))
    return;
  c->tick_timer = sim_timer_after(node, c->tick, RAFT_MACHINE_TIMER | TAG_TICK);
  SimTime now = sim_node_clock(node);
  if (!ready(c)) {
    for (guint i = 0; i < c->n; i++)
      c->heard[i] = now; /* sessions start when it serves */
    return;
  }
  for (guint i = 0; i < c->n; i++)
    if (!(c->p.fenced >> i & 1) && now - c->heard[i] > c->session) {
      propose(node, c, KC_FENCE | (int64_t) i << 8, 0, 0);
      c->heard[i] = now; /* proposed once per session timeout */
    }
}

/* The snapshot (paper §7): the partition state in words. */
static void kc_snapshot(void *m, GArray *out)
{
  const Controller *c = m;
  int64_t head[6] = { c->p.leader, c->p.epoch, c->p.version, (int64_t) c->p.isr, (int64_t) c->p.fenced, c->p.n };
  g_array_append_vals(out, head, 6);
  g_array_append_vals(out, c->p.inc, c->p.n);
}

static gboolean kc_restore(void *m, const int64_t *w, guint n)
{
  Controller *c = m;
  if (n < 6 || w[5] != (int64_t) c->p.n || n != 6 + c->p.n || w[0] < -1 || w[0] >= (int64_t) c->p.n)
    return FALSE;
  c->p.leader = (int) w[0];
  c->p.epoch = w[1];
  c->p.version = w[2];
  c->p.isr = (uint64_t) w[3];
  c->p.fenced = (uint64_t) w[4];
  memcpy(c->p.inc, w + 6, c->p.n * sizeof(int64_t));
  return TRUE;
}

const RaftMachine kafka_controller_machine = {
  .create = kc_create,
  .free = kc_free,
  .apply = kc_apply,
  .on_message = kc_on_message,
  .on_leadership = kc_on_leadership,
  .on_timer = kc_on_timer,
  .read = kc_read,
  .snapshot = kc_snapshot,
  .restore = kc_restore,
};

static void kc_start(SimNode *node)
{
  guint n = 0;
  sim_node_param_nodes(node, "replicas", &n);
  if (strcmp(sim_node_param_string(node, "read"), "log") == 0) {
    sim_fail(sim_node_sim(node), "node '%s' (kafka.controller): read must be \"readindex\" or \"lease\": a controller confirms it still leads before telling brokers the partition state",
             sim_node_name(node));
    return;
  }
  if (n == 0 || n > KAFKA_MAX_REPLICAS || sim_node_param_duration(node, "tick") <= 0) {
    sim_fail(sim_node_sim(node), "node '%s' (kafka.controller): replicas must name 1 to %d brokers and tick be > 0",
             sim_node_name(node), KAFKA_MAX_REPLICAS);
    return;
  }
  raft_server_start(node, &kafka_controller_machine);
}

static void kc_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  raft_server_finish(sim, nodes, count);
  sim_metric_add(sim, "kafka_fenced", 0);
}

static const SimParamSpec kc_params[] = {
  RAFT_SERVER_PARAMS,
  { "replicas", SIM_PARAM_NODES, "", "the partition's brokers, comma-separated (the first leads epoch 1)", 0, 0 },
  { "broker_session_timeout", SIM_PARAM_DURATION, "500ms", "a broker whose heartbeats stop for this long is fenced (KIP-631's broker.session.timeout.ms)", 0, 0 },
  { "unclean_leader_election", SIM_PARAM_BOOL, "false", "with no live ISR member, elect any live replica (acknowledged records may be lost) instead of waiting", 0, 0 },
  { "tick", SIM_PARAM_DURATION, "50ms", "how often the active controller checks broker sessions", 0, 0 },
  { NULL },
};

const SimModel model_kafka_controller = {
  .name = "kafka.controller",
  .summary = "Kafka's controller on Raft (KRaft): partition leader, epoch and ISR; fences silent brokers and elects leaders",
  .params = kc_params,
  .init = kc_start,
  .on_message = raft_server_on_message,
  .on_timer = raft_server_on_timer,
  .finish = kc_finish,
};
