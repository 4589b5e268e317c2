/* `kafka.consumer`: reads the partition from offset 0, every
 * `poll_interval` asking the leader it believes in for the records from
 * its next offset (Poll {offset}); the leader answers only records below
 * its high watermark (PollData, one per record). Each record read in
 * order is emitted as kafka_read {offset, rid} (the checker's input for
 * read_then_lost) and counted in metric kafka_reads. A PollError names the
 * leader (a follower's redirect) or, from the leader, an offset to reset
 * to (Kafka's auto.offset.reset when its position is past the log: after
 * an unclean election). Silence for two intervals moves to the next
 * broker. */
#include "models/kafka/kafka.h"
#include <string.h>

typedef struct {
  const int *brokers;
  guint nbrokers;
  guint target;
  int64_t next;
  gboolean answered;
  SimTime interval;
  guint silent;
} Consumer;

static void consumer_poll(SimNode *node, Consumer *c)
{
  if (!c->answered && ++c->silent >= 2) {
    c->target = (c->target + 1) % c->nbrokers;
    c->silent = 0;
  }
  c->answered = FALSE;
  SimMsg *m = sim_msg_new(node, "Poll");
  sim_msg_set(m, "offset", c->next);
  sim_send(node, c->brokers[c->target], m);
}

static void consumer_on_message(SimNode *node, const SimMsg *msg)
{
  Consumer *c = sim_node_data(node);
  if (strcmp(msg->type, "PollData") == 0) {
    c->answered = TRUE;
    c->silent = 0;
    if (sim_msg_get(msg, "offset", -1) != c->next || !sim_msg_has(msg, "rid"))
      return;
    SimMsg ev = sim_record("kafka_read");
    sim_msg_set(&ev, "offset", c->next);
    sim_msg_set(&ev, "rid", sim_msg_get(msg, "rid", 0));
    sim_emit(node, &ev);
    sim_metric_add(sim_node_sim(node), "kafka_reads", 1);
    c->next++;
  } else if (strcmp(msg->type, "PollError") == 0) {
    c->answered = TRUE;
    int leader = (int) sim_msg_get(msg, "leader", -1);
    if (leader == msg->src && sim_msg_has(msg, "reset")) {
      c->next = sim_msg_get(msg, "reset", c->next);
      sim_metric_add(sim_node_sim(node), "kafka_consumer_resets", 1);
      return;
    }
    for (guint i = 0; i < c->nbrokers; i++)
      if (c->brokers[i] == leader)
        c->target = i;
  }
}

static void consumer_on_timer(SimNode *node, uint64_t tag)
{
  (void) tag;
  Consumer *c = sim_node_data(node);
  consumer_poll(node, c);
  sim_timer_after(node, c->interval, 0);
}

/* The position is volatile: a restarted consumer reads from 0 again. */
static void consumer_init(SimNode *node)
{
  Consumer *c = g_new0(Consumer, 1);
  sim_node_set_data(node, c, g_free);
  c->brokers = sim_node_param_nodes(node, "brokers", &c->nbrokers);
  c->interval = sim_node_param_duration(node, "poll_interval");
  c->answered = TRUE;
  if (c->nbrokers == 0 || c->interval <= 0) {
    sim_fail(sim_node_sim(node), "node '%s' (kafka.consumer): brokers names no broker, or poll_interval is not > 0",
             sim_node_name(node));
    return;
  }
  c->target = (guint) sim_rng_below(sim_node_rng(node), c->nbrokers);
  sim_timer_after(node, c->interval, 0);
}

static void consumer_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  (void) nodes;
  (void) count;
  sim_metric_add(sim, "kafka_reads", 0);
  sim_metric_add(sim, "kafka_consumer_resets", 0);
}

static const SimParamSpec consumer_params[] = {
  { "brokers", SIM_PARAM_NODES, "", "the partition's brokers", 0, 0 },
  { "poll_interval", SIM_PARAM_DURATION, "20ms", "how often the consumer asks for more records", 0, 0 },
  { NULL },
};

const SimModel model_kafka_consumer = {
  .name = "kafka.consumer",
  .summary = "Kafka consumer: reads the partition in order up to the high watermark, emitting kafka_read per record",
  .params = consumer_params,
  .init = consumer_init,
  .on_message = consumer_on_message,
  .on_timer = consumer_on_timer,
  .finish = consumer_finish,
};
