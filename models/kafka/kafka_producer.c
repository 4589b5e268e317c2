/* `kafka.producer`: a workload client whose op "send" produces one record
 * (Kafka's producer configs: acks, retries, enable.idempotence). The
 * record's id (rid) is the op id, so the checker can follow it; the op
 * completes ok with value rid.
 *
 * - acks = "0": the op is ok as soon as the request is sent (nothing is
 *   acknowledged: the checker counts no ack); "1": ok when the leader
 *   appended it; "all": ok when the ISR has it (the HW passed it).
 * - Each attempt goes to the broker believed to lead; a NOT_LEADER answer
 *   names the leader it knows (followed at once); silence for
 *   `request_timeout` is retried there, after two such to the next broker. A retriable answer
 *   (NOT_LEADER, NOT_ENOUGH_REPLICAS) or a timeout is retried up to
 *   `retries` times, after `retry_backoff`; then the op ends fail (the
 *   record was not appended: NOT_ENOUGH_REPLICAS before the append) or
 *   info (unknown: a timeout, or NOT_ENOUGH_REPLICAS_AFTER_APPEND).
 * - `idempotent`: the producer id ((node id + 1) << 20 | incarnation) and a sequence number per
 *   record go with every attempt, and the leader appends a (pid, seq)
 *   once; without it a retry after a lost answer appends the record again
 *   (the checker's `kafka_duplicates`).
 * On an acknowledgement the producer emits kafka_ack {rid, offset}. */
#include "models/kafka/kafka.h"
#include <string.h>


typedef struct {
  uint64_t op;
  int64_t seq;
  guint attempts;
  guint timeouts;         /* attempts that got no answer */
  gboolean maybe_appended;
  SimTimerId timer;
} Pending;

typedef struct {
  const int *brokers;
  guint nbrokers;
  guint target;
  int64_t acks;             /* 0, 1 or -1 (all) */
  int64_t retries;
  SimTime timeout, backoff;
  gboolean idempotent;
  int64_t next_seq;
  GHashTable *ops;          /* op → Pending */
} Producer;

static void producer_free(gpointer p)
{
  Producer *c = p;
  g_hash_table_unref(c->ops);
  g_free(c);
}

/* Timer tags: op << 1 | 1 for a backoff over, op << 1 for a timeout. */
static void send_attempt(SimNode *node, Producer *c, Pending *p)
{
  SimMsg *m = sim_msg_new(node, "Produce");
  sim_msg_set(m, "req", (int64_t) p->op);
  sim_msg_set(m, "rid", (int64_t) p->op);
  sim_msg_set(m, "pid", c->idempotent ? ((int64_t) sim_node_id(node) + 1) << 20 | sim_node_incarnation(node) : 0);
  sim_msg_set(m, "seq", p->seq);
  sim_msg_set(m, "acks", c->acks);
  sim_send(node, c->brokers[c->target], m);
  p->attempts++;
  sim_timer_cancel(node, p->timer);
  p->timer = c->acks == 0 ? 0 : sim_timer_after(node, c->timeout, p->op << 1);
}

static void finish(SimNode *node, Producer *c, Pending *p, int type, int64_t offset)
{
  if (type == SIM_OP_OK && c->acks != 0) {
    SimMsg ev = sim_record("kafka_ack");
    sim_msg_set(&ev, "rid", (int64_t) p->op);
    sim_msg_set(&ev, "offset", offset);
    sim_emit(node, &ev);
  }
  SimValue v = sim_value_int((int64_t) p->op);
  sim_op_complete(node, p->op, type, &v);
  sim_timer_cancel(node, p->timer);
  gint64 k = (gint64) p->op;
  g_hash_table_remove(c->ops, &k);
}

/* A retriable failure: again after the backoff, or the op ends. */
static void retry(SimNode *node, Producer *c, Pending *p, gboolean now)
{
  if (!sim_op_pending(sim_node_sim(node), p->op)) {
    sim_timer_cancel(node, p->timer);
    gint64 k = (gint64) p->op;
    g_hash_table_remove(c->ops, &k);
    return;
  }
  if ((int64_t) p->attempts > c->retries) {
    finish(node, c, p, p->maybe_appended ? SIM_OP_INFO : SIM_OP_FAIL, -1);
    return;
  }
  sim_metric_add(sim_node_sim(node), "kafka_producer_retries", 1);
  sim_timer_cancel(node, p->timer);
  if (now)
    send_attempt(node, c, p);
  else
    p->timer = sim_timer_after(node, c->backoff, p->op << 1 | 1);
}

static void producer_on_invoke(SimNode *node, uint64_t op, const char *f, const SimValue *key, const SimValue *value)
{
  (void) f;
  (void) key;
  (void) value;
  Producer *c = sim_node_data(node);
  Pending *p = g_new0(Pending, 1);
  p->op = op;
  p->seq = c->next_seq++;
  g_hash_table_replace(c->ops, g_memdup2(&(gint64) { (gint64) op }, sizeof(gint64)), p);
  send_attempt(node, c, p);
  if (c->acks == 0)
    finish(node, c, p, SIM_OP_OK, -1);
}

static void producer_on_message(SimNode *node, const SimMsg *msg)
{
  Producer *c = sim_node_data(node);
  if (strcmp(msg->type, "ProduceReply") != 0)
    return;
  gint64 k = sim_msg_get(msg, "req", 0);
  Pending *p = g_hash_table_lookup(c->ops, &k);
  if (!p)
    return;
  int64_t err = sim_msg_get(msg, "err", 0);
  int leader = (int) sim_msg_get(msg, "leader", -1);
  if (err == KAFKA_OK) {
    finish(node, c, p, SIM_OP_OK, sim_msg_get(msg, "offset", -1));
    return;
  }
  if (err == KAFKA_NOT_LEADER) {
    gboolean known = FALSE;
    for (guint i = 0; i < c->nbrokers; i++)
      if (c->brokers[i] == leader && leader != msg->src) {
        c->target = i;
        known = TRUE;
      }
    retry(node, c, p, known);
    return;
  }
  if (err == KAFKA_NOT_ENOUGH_REPLICAS_AFTER_APPEND)
    p->maybe_appended = TRUE;
  retry(node, c, p, FALSE);
}

static void producer_on_timer(SimNode *node, uint64_t tag)
{
  Producer *c = sim_node_data(node);
  gint64 k = (gint64) (tag >> 1);
  Pending *p = g_hash_table_lookup(c->ops, &k);
  if (!p)
    return;
  p->timer = 0;
  if (tag & 1) {
    if (sim_op_pending(sim_node_sim(node), p->op))
      send_attempt(node, c, p);
    else
      retry(node, c, p, FALSE);
    return;
  }
  /* No answer: it may have been appended. Again to the same broker (a
   * lost message), and after two silent attempts to the next one (a dead
   * leader: the producer refreshes its metadata). */
  p->maybe_appended = TRUE;
  if (++p->timeouts % 2 == 0)
    c->target = (c->target + 1) % c->nbrokers;
  retry(node, c, p, TRUE);
}

static void producer_init(SimNode *node)
{
  Producer *c = g_new0(Producer, 1);
  c->ops = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  sim_node_set_data(node, c, producer_free);
  c->brokers = sim_node_param_nodes(node, "brokers", &c->nbrokers);
  c->retries = sim_node_param_int(node, "retries");
  c->timeout = sim_node_param_duration(node, "request_timeout");
  c->backoff = sim_node_param_duration(node, "retry_backoff");
  c->idempotent = sim_node_param_bool(node, "idempotent");
  const char *acks = sim_node_param_string(node, "acks");
  c->acks = strcmp(acks, "all") == 0 || strcmp(acks, "-1") == 0 ? -1 : strcmp(acks, "1") == 0 ? 1 : 0;
  Sim *sim = sim_node_sim(node);
  if (c->acks == 0 && strcmp(acks, "0") != 0) {
    sim_fail(sim, "node '%s' (kafka.producer): acks must be \"0\", \"1\" or \"all\", not \"%s\"", sim_node_name(node), acks);
    return;
  }
  if (c->nbrokers == 0 || c->timeout <= 0) {
    sim_fail(sim, "node '%s' (kafka.producer): brokers names no broker, or request_timeout is not > 0", sim_node_name(node));
    return;
  }
  /* Metadata: any broker first; answers say who leads. */
  c->target = (guint) sim_rng_below(sim_node_rng(node), c->nbrokers);
}

static void producer_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  (void) nodes;
  (void) count;
  sim_metric_add(sim, "kafka_producer_retries", 0);
}

static const SimParamSpec producer_params[] = {
  { "brokers", SIM_PARAM_NODES, "", "the partition's brokers", 0, 0 },
  { "acks", SIM_PARAM_STRING, "all", "\"0\", \"1\" or \"all\"", 0, 0 },
  { "retries", SIM_PARAM_INT, "3", "attempts after the first for a retriable error or a timeout", 0, 1000 },
  { "request_timeout", SIM_PARAM_DURATION, "200ms", "silence after which an attempt counts as failed (it may have been appended)", 0, 0 },
  { "retry_backoff", SIM_PARAM_DURATION, "50ms", "wait before retrying after an error answer", 0, 0 },
  { "idempotent", SIM_PARAM_BOOL, "false", "producer id + sequence numbers: the leader appends a record once however often it is retried", 0, 0 },
  { NULL },
};

static const char *const producer_ops[] = { "send", NULL };

const SimModel model_kafka_producer = {
  .name = "kafka.producer",
  .summary = "Kafka producer: op send appends a record; acks 0/1/all, retries, optional idempotence",
  .params = producer_params,
  .init = producer_init,
  .on_message = producer_on_message,
  .on_timer = producer_on_timer,
  .on_invoke = producer_on_invoke,
  .finish = producer_finish,
  .ops = producer_ops,
};
