/* `kafka.broker`: a replica of the partition (Kafka design §4.7,
 * "Replication"). Its role comes from the controller (kafka_controller.c):
 * LeaderAndIsr {leader, epoch, isr, version}, pushed after every change
 * and answering each BrokerHeartbeat, sent every `heartbeat` to the
 * active controller (NotController redirects, silence moves on to the
 * next one).
 *
 * Leader: appends Produce requests (an idempotent producer's (pid, seq)
 * once: a retry of the last one is answered with its first offset);
 * answers acks=1 at once, acks=all once the high watermark passes the
 * record, refusing with NOT_ENOUGH_REPLICAS when the ISR is smaller than
 * `min_insync_replicas` (before the append, and after it when the ISR
 * shrank meanwhile); serves Fetch {epoch, offset} from followers (a
 * follower's fetch offset is its log end: the HW is the smallest among the
 * ISR, kafka_hw_advance), and Poll {offset} from consumers up to the HW.
 * It asks the controller for ISR changes (AlterPartition, KIP-497) — a
 * follower whose fetches have not reached its log end for
 * `replica_lag_time` leaves, one that reached the HW rejoins — and uses an
 * ISR only once the controller committed it.
 *
 * Follower: on becoming follower it truncates, as `truncation` says:
 * "hw" to its own high watermark (Kafka before KIP-101), "epoch" to the
 * end offset the leader gives for its last epoch (OffsetsForLeaderEpoch,
 * KIP-101 with KIP-279's rule); then fetches every `fetch_interval` (up
 * to `max_fetch` records per answer); its HW is the leader's, capped by
 * its own log end. A fetch past the leader's log end is answered with
 * that end, and the follower truncates to it (Kafka's out-of-range rule).
 *
 * Durable: the log (records "krec", truncations "ktrunc", forced) and the
 * HW checkpoint (durable key). Kafka does not fsync by default and relies
 * on replication; here the log is forced so that a crash-restart loses
 * nothing by itself and every loss shown is replication's. On restart
 * the broker re-emits its log (kafka_truncate {from 0} then kafka_append
 * for each record) for the checker's mirror. */
#include "models/kafka/kafka.h"
#include <string.h>

enum { TAG_HEARTBEAT = 1, TAG_FETCH = 2, TAG_ISR = 3 };

typedef struct {
  int64_t offset;
  int src;
  int64_t req;
} Waiting;

typedef struct {
  int64_t seq, offset;
} ProducerState;

typedef struct {
  const int *replicas;
  guint n;
  int self;                 /* index into replicas */
  const int *controllers;
  guint ncontrollers;
  guint ctrl;               /* the controller asked next */
  gboolean ctrl_answered;
  GArray *log;              /* KafkaRecord */
  int64_t hw;
  /* What the controller said. */
  int leader;               /* node id, -1 none */
  int64_t epoch, version;
  uint64_t isr;
  /* Leader */
  gboolean leading;
  int64_t epoch_start;
  int64_t fetched[KAFKA_MAX_REPLICAS];
  SimTime caught_up[KAFKA_MAX_REPLICAS];
  gboolean parked[KAFKA_MAX_REPLICAS]; /* a caught-up follower's fetch waits for data */
  gboolean alter_pending;   /* an AlterPartition awaits the controller's answer */
  uint64_t alter_isr;       /* the ISR it asks for */
  SimTime alter_sent;
  GArray *waiting;          /* Waiting */
  GHashTable *producers;    /* pid → ProducerState */
  /* Follower */
  gboolean truncating;      /* epoch rule: waiting for EpochReply */
  /* Parameters */
  SimTime fetch_interval, lag, heartbeat;
  int64_t min_isr, max_fetch;
  gboolean epoch_rule;
} Broker;

static void broker_free(gpointer p)
{
  Broker *b = p;
  g_array_unref(b->log);
  g_array_unref(b->waiting);
  g_hash_table_unref(b->producers);
  g_free(b);
}

static int64_t leo(const Broker *b) { return b->log->len; }

static int replica_of(const Broker *b, int node)
{
  for (guint i = 0; i < b->n; i++)
    if (b->replicas[i] == node)
      return (int) i;
  return -1;
}

/* ---- the log ---- */

static void rebuild_producers(Broker *b)
{
  g_hash_table_remove_all(b->producers);
  for (guint i = 0; i < b->log->len; i++) {
    const KafkaRecord *r = &g_array_index(b->log, KafkaRecord, i);
    if (r->pid <= 0)
      continue;
    ProducerState ps = { r->seq, i };
    g_hash_table_replace(b->producers, g_memdup2(&r->pid, sizeof(gint64)), g_memdup2(&ps, sizeof ps));
  }
}

static void set_hw(SimNode *node, Broker *b, int64_t hw)
{
  if (hw == b->hw)
    return;
  b->hw = hw;
  sim_durable_set(node, "kafka.hw", hw);
  kafka_emit_hw(node, hw);
}

static void truncate_to(SimNode *node, Broker *b, int64_t from)
{
  if (from >= leo(b))
    return;
  SimMsg r = sim_record("ktrunc");
  sim_msg_set(&r, "from", from);
  sim_log_append(node, &r, TRUE);
  sim_metric_add(sim_node_sim(node), "kafka_truncated_records", (double) (leo(b) - from));
  g_array_set_size(b->log, (guint) from);
  kafka_emit_truncate(node, from);
  rebuild_producers(b);
  if (b->hw > from)
    set_hw(node, b, from);
}

static void append(SimNode *node, Broker *b, const KafkaRecord *rec)
{
  int64_t off = leo(b);
  SimMsg r = sim_record("krec");
  sim_msg_set(&r, "offset", off);
  sim_msg_set(&r, "epoch", rec->epoch);
  sim_msg_set(&r, "rid", rec->rid);
  sim_msg_set(&r, "pid", rec->pid);
  sim_msg_set(&r, "seq", rec->seq);
  sim_log_append(node, &r, TRUE);
  g_array_append_val(b->log, *rec);
  kafka_emit_append(node, off, rec);
  if (rec->pid > 0) {
    ProducerState ps = { rec->seq, off };
    g_hash_table_replace(b->producers, g_memdup2(&rec->pid, sizeof(gint64)), g_memdup2(&ps, sizeof ps));
  }
}

static void load(SimNode *node, Broker *b)
{
  for (guint i = 0; i < sim_log_length(node); i++) {
    const SimMsg *r = sim_log_get(node, i);
    if (strcmp(r->type, "krec") == 0) {
      int64_t off = sim_msg_get(r, "offset", -1);
      if (off < 0 || off > leo(b))
        continue;
      g_array_set_size(b->log, (guint) off);
      KafkaRecord rec = { sim_msg_get(r, "epoch", 0), sim_msg_get(r, "rid", 0), sim_msg_get(r, "pid", 0),
                          sim_msg_get(r, "seq", 0) };
      g_array_append_val(b->log, rec);
    } else if (strcmp(r->type, "ktrunc") == 0) {
      int64_t from = sim_msg_get(r, "from", 0);
      if (from >= 0 && from < leo(b))
        g_array_set_size(b->log, (guint) from);
    }
  }
  int64_t hw = 0;
  sim_durable_get(node, "kafka.hw", &hw);
  b->hw = MIN(hw, leo(b));
  rebuild_producers(b);
}

/* ---- leader ---- */

static void produce_reply(SimNode *node, int to, int64_t req, int err, int64_t offset, int leader)
{
  SimMsg *m = sim_msg_new(node, "ProduceReply");
  sim_msg_set(m, "req", req);
  sim_msg_set(m, "err", err);
  sim_msg_set(m, "offset", offset);
  sim_msg_set(m, "leader", leader);
  sim_send(node, to, m);
}

/* Answers the acks=all requests the HW has passed. */
static void settle(SimNode *node, Broker *b)
{
  guint k = 0;
  for (guint i = 0; i < b->waiting->len; i++) {
    Waiting w = g_array_index(b->waiting, Waiting, i);
    if (w.offset < b->hw) {
      gboolean enough = (int64_t) kafka_isr_size(b->isr) >= b->min_isr;
      produce_reply(node, w.src, w.req, enough ? KAFKA_OK : KAFKA_NOT_ENOUGH_REPLICAS_AFTER_APPEND, w.offset, b->leader);
    } else {
      g_array_index(b->waiting, Waiting, k++) = w;
    }
  }
  g_array_set_size(b->waiting, k);
}

static void advance_hw(SimNode *node, Broker *b)
{
  int64_t ends[KAFKA_MAX_REPLICAS];
  for (guint i = 0; i < b->n; i++)
    ends[i] = (int) i == b->self ? leo(b) : b->fetched[i];
  /* The maximal ISR (KIP-497): while a change is pending, the members of
   * both the current and the asked ISR hold the HW back, so a follower
   * being added has every record below the HW once it is in. */
  uint64_t isr = b->isr | (b->alter_pending ? b->alter_isr : 0);
  int64_t hw = MIN(kafka_hw_advance(b->hw, isr, ends, b->n), leo(b));
  if (hw > b->hw)
    set_hw(node, b, hw);
  settle(node, b);
}

static void send_alter(SimNode *node, Broker *b, uint64_t isr)
{
  SimMsg *m = sim_msg_new(node, "AlterPartition");
  sim_msg_set(m, "epoch", b->epoch);
  sim_msg_set(m, "version", b->version);
  sim_msg_set(m, "isr", (int64_t) isr);
  sim_send(node, b->controllers[b->ctrl], m);
  b->alter_pending = TRUE;
  b->alter_isr = isr;
  b->alter_sent = sim_node_clock(node);
}

static void send_fetch_data(SimNode *node, Broker *b, int to, const char *type, int64_t off, const KafkaRecord *r);

static void on_produce(SimNode *node, Broker *b, const SimMsg *msg)
{
  int64_t req = sim_msg_get(msg, "req", 0);
  if (!b->leading) {
    produce_reply(node, msg->src, req, KAFKA_NOT_LEADER, -1, b->leader);
    return;
  }
  int64_t acks = sim_msg_get(msg, "acks", 1);
  if (acks < 0 && (int64_t) kafka_isr_size(b->isr) < b->min_isr) {
    produce_reply(node, msg->src, req, KAFKA_NOT_ENOUGH_REPLICAS, -1, b->leader);
    return;
  }
  KafkaRecord rec = { b->epoch, sim_msg_get(msg, "rid", 0), sim_msg_get(msg, "pid", 0), sim_msg_get(msg, "seq", 0) };
  int64_t offset = -1;
  if (rec.pid > 0) {
    ProducerState *ps = g_hash_table_lookup(b->producers, &rec.pid);
    if (ps && rec.seq <= ps->seq) {
      /* A retry of a record already appended: its first offset. */
      offset = rec.seq == ps->seq ? ps->offset : -1;
      sim_metric_add(sim_node_sim(node), "kafka_dedup", 1);
      if (offset < 0) {
        produce_reply(node, msg->src, req, KAFKA_OK, -1, b->leader);
        return;
      }
    }
  }
  gboolean appended = offset < 0;
  if (appended) {
    offset = leo(b);
    append(node, b, &rec);
    b->fetched[b->self] = leo(b);
  }
  /* acks=1 is answered after the local write alone, before any follower
   * has the record (a crash right after it loses the record). */
  if (acks == 1)
    produce_reply(node, msg->src, req, KAFKA_OK, offset, sim_node_id(node));
  if (appended)
    for (guint i = 0; i < b->n; i++)
      if (b->parked[i] && b->fetched[i] == offset) {
        b->parked[i] = FALSE;
        send_fetch_data(node, b, b->replicas[i], "FetchData", offset, &rec);
      }
  if (acks >= 0)
    return;
  Waiting w = { offset, msg->src, req };
  g_array_append_val(b->waiting, w);
  advance_hw(node, b);
}

static void send_fetch_data(SimNode *node, Broker *b, int to, const char *type, int64_t off, const KafkaRecord *r)
{
  SimMsg *m = sim_msg_new(node, type);
  sim_msg_set(m, "epoch", b->epoch);
  sim_msg_set(m, "offset", off);
  sim_msg_set(m, "hw", b->hw);
  sim_msg_set(m, "leo", leo(b));
  if (r) {
    sim_msg_set(m, "repoch", r->epoch);
    sim_msg_set(m, "rid", r->rid);
    sim_msg_set(m, "pid", r->pid);
    sim_msg_set(m, "seq", r->seq);
  }
  sim_send(node, to, m);
}

static void on_fetch(SimNode *node, Broker *b, const SimMsg *msg)
{
  int i = replica_of(b, msg->src);
  if (!b->leading || i < 0 || i == b->self || sim_msg_get(msg, "epoch", -1) != b->epoch)
    return;
  int64_t off = sim_msg_get(msg, "offset", 0);
  if (off > leo(b) || off < 0) {
    /* Out of range: the follower truncates to this log's end. */
    SimMsg *m = sim_msg_new(node, "FetchOutOfRange");
    sim_msg_set(m, "epoch", b->epoch);
    sim_msg_set(m, "leo", leo(b));
    sim_send(node, msg->src, m);
    return;
  }
  b->fetched[i] = off;
  if (off >= leo(b))
    b->caught_up[i] = sim_node_clock(node);
  advance_hw(node, b);
  if (!(b->isr >> i & 1) && !b->alter_pending && kafka_isr_may_join(off, b->hw, b->epoch_start))
    send_alter(node, b, b->isr | UINT64_C(1) << i);
  int64_t end = MIN(leo(b), off + b->max_fetch);
  for (int64_t o = off; o < end; o++)
    send_fetch_data(node, b, msg->src, "FetchData", o, &g_array_index(b->log, KafkaRecord, o));
  /* Caught up: the fetch waits for the next record (Kafka's long poll,
   * replica.fetch.wait.max.ms), answered now only to pass on a newer HW. */
  b->parked[i] = off == end;
  if (off == end && sim_msg_get(msg, "hw", 0) < b->hw)
    send_fetch_data(node, b, msg->src, "FetchData", off, NULL);
}

/* Poll {offset} from a consumer: records below the HW. */
static void on_poll(SimNode *node, Broker *b, const SimMsg *msg)
{
  int64_t off = sim_msg_get(msg, "offset", 0);
  if (!b->leading) {
    SimMsg *m = sim_msg_new(node, "PollError");
    sim_msg_set(m, "leader", b->leader);
    sim_send(node, msg->src, m);
    return;
  }
  if (off > b->hw || off < 0) {
    SimMsg *m = sim_msg_new(node, "PollError");
    sim_msg_set(m, "leader", sim_node_id(node));
    sim_msg_set(m, "reset", b->hw);
    sim_send(node, msg->src, m);
    return;
  }
  int64_t end = MIN(b->hw, off + b->max_fetch);
  for (int64_t o = off; o < end; o++)
    send_fetch_data(node, b, msg->src, "PollData", o, &g_array_index(b->log, KafkaRecord, o));
  if (off == end)
    send_fetch_data(node, b, msg->src, "PollData", off, NULL); /* nothing new: still an answer */
}

static void on_epoch_query(SimNode *node, Broker *b, const SimMsg *msg)
{
  if (!b->leading || sim_msg_get(msg, "epoch", -1) != b->epoch)
    return;
  int64_t reply_epoch, end;
  kafka_epoch_lookup((const KafkaRecord *) (void *) b->log->data, leo(b), b->epoch, b->epoch_start,
                     sim_msg_get(msg, "qepoch", -1), &reply_epoch, &end);
  SimMsg *m = sim_msg_new(node, "EpochReply");
  sim_msg_set(m, "epoch", b->epoch);
  sim_msg_set(m, "repoch", reply_epoch);
  sim_msg_set(m, "end", end);
  sim_send(node, msg->src, m);
}

/* ---- follower ---- */

static void send_fetch(SimNode *node, Broker *b)
{
  if (b->leading || b->leader < 0)
    return;
  SimMsg *m;
  if (b->truncating) {
    m = sim_msg_new(node, "EpochQuery");
    sim_msg_set(m, "qepoch", kafka_last_epoch((const KafkaRecord *) (void *) b->log->data, leo(b)));
  } else {
    m = sim_msg_new(node, "Fetch");
    sim_msg_set(m, "offset", leo(b));
    sim_msg_set(m, "hw", b->hw);
  }
  sim_msg_set(m, "epoch", b->epoch);
  sim_send(node, b->leader, m);
}

static void on_fetch_data(SimNode *node, Broker *b, const SimMsg *msg)
{
  if (b->leading || msg->src != b->leader || b->truncating || sim_msg_get(msg, "epoch", -1) != b->epoch)
    return;
  int64_t off = sim_msg_get(msg, "offset", -1), rid = sim_msg_get(msg, "rid", 0);
  if (rid && off == leo(b)) {
    KafkaRecord rec = { sim_msg_get(msg, "repoch", 0), rid, sim_msg_get(msg, "pid", 0), sim_msg_get(msg, "seq", 0) };
    append(node, b, &rec);
    if (leo(b) == sim_msg_get(msg, "leo", 0))
      send_fetch(node, b); /* caught up: the leader learns it at once */
  }
  int64_t hw = MIN(sim_msg_get(msg, "hw", 0), leo(b));
  if (hw > b->hw)
    set_hw(node, b, hw);
}

/* FetchOutOfRange {epoch, leo}: this follower's log is longer than the
 * leader's: it truncates to the leader's end (Kafka's rule before KIP-101). */
static void on_out_of_range(SimNode *node, Broker *b, const SimMsg *msg)
{
  if (b->leading || msg->src != b->leader || b->truncating || sim_msg_get(msg, "epoch", -1) != b->epoch)
    return;
  truncate_to(node, b, MAX(sim_msg_get(msg, "leo", 0), 0));
}

static void on_epoch_reply(SimNode *node, Broker *b, const SimMsg *msg)
{
  if (b->leading || msg->src != b->leader || !b->truncating || sim_msg_get(msg, "epoch", -1) != b->epoch)
    return;
  int64_t reply = sim_msg_get(msg, "repoch", -1);
  int64_t to = kafka_truncate_epoch((const KafkaRecord *) (void *) b->log->data, leo(b), reply, sim_msg_get(msg, "end", 0));
  truncate_to(node, b, to);
  /* KIP-279: until its last epoch is one the leader answered for, the
   * follower asks again for the epoch its log now ends with. */
  b->truncating = !kafka_epoch_agreed((const KafkaRecord *) (void *) b->log->data, leo(b), reply);
  send_fetch(node, b);
}

/* ---- roles ---- */

static void become_leader(SimNode *node, Broker *b)
{
  b->leading = TRUE;
  b->truncating = FALSE;
  b->epoch_start = leo(b);
  b->alter_pending = FALSE;
  SimTime now = sim_node_clock(node);
  for (guint i = 0; i < b->n; i++) {
    b->fetched[i] = (int) i == b->self ? leo(b) : 0;
    b->parked[i] = FALSE;
    b->caught_up[i] = now;
  }
  kafka_emit_leader(node, b->epoch);
  sim_metric_add(sim_node_sim(node), "kafka_leader_changes", 1);
  advance_hw(node, b);
}

static void become_follower(SimNode *node, Broker *b)
{
  b->leading = FALSE;
  b->alter_pending = FALSE;
  for (guint i = 0; i < b->waiting->len; i++) {
    Waiting w = g_array_index(b->waiting, Waiting, i);
    produce_reply(node, w.src, w.req, KAFKA_NOT_LEADER, -1, b->leader);
  }
  g_array_set_size(b->waiting, 0);
  if (b->leader < 0)
    return;
  if (b->epoch_rule) {
    b->truncating = TRUE;
  } else {
    truncate_to(node, b, kafka_truncate_hw(leo(b), b->hw));
    b->truncating = FALSE;
  }
  send_fetch(node, b);
}

static void on_leader_and_isr(SimNode *node, Broker *b, const SimMsg *msg)
{
  int64_t version = sim_msg_get(msg, "version", 0), epoch = sim_msg_get(msg, "epoch", 0);
  if (version <= b->version || epoch < b->epoch)
    return;
  b->ctrl_answered = TRUE;
  for (guint i = 0; i < b->ncontrollers; i++)
    if (b->controllers[i] == msg->src)
      b->ctrl = i;
  gboolean new_epoch = epoch != b->epoch;
  b->version = version;
  b->epoch = epoch;
  b->leader = (int) sim_msg_get(msg, "leader", -1);
  b->isr = (uint64_t) sim_msg_get(msg, "isr", 0);
  if (b->leader == sim_node_id(node)) {
    if (new_epoch || !b->leading)
      become_leader(node, b);
    else {
      b->alter_pending = FALSE;
      advance_hw(node, b); /* a smaller ISR may move the HW */
    }
  } else if (new_epoch || b->leading) {
    become_follower(node, b);
  }
}

static void on_not_controller(Broker *b, const SimMsg *msg)
{
  int hint = (int) sim_msg_get(msg, "leader", -1);
  for (guint i = 0; i < b->ncontrollers; i++)
    if (b->controllers[i] == hint) {
      b->ctrl = i;
      b->ctrl_answered = TRUE; /* the next heartbeat goes there */
      return;
    }
}

static void heartbeat(SimNode *node, Broker *b)
{
  if (!b->ctrl_answered)
    b->ctrl = (b->ctrl + 1) % b->ncontrollers;
  b->ctrl_answered = FALSE;
  SimMsg *m = sim_msg_new(node, "BrokerHeartbeat");
  sim_msg_set(m, "inc", sim_node_incarnation(node));
  sim_send(node, b->controllers[b->ctrl], m);
}

static void broker_on_message(SimNode *node, const SimMsg *msg)
{
  Broker *b = sim_node_data(node);
  const char *t = msg->type;
  if (strcmp(t, "Fetch") == 0)
    on_fetch(node, b, msg);
  else if (strcmp(t, "FetchData") == 0)
    on_fetch_data(node, b, msg);
  else if (strcmp(t, "Produce") == 0)
    on_produce(node, b, msg);
  else if (strcmp(t, "Poll") == 0)
    on_poll(node, b, msg);
  else if (strcmp(t, "LeaderAndIsr") == 0) {
    b->ctrl_answered = TRUE;
    on_leader_and_isr(node, b, msg);
  } else if (strcmp(t, "NotController") == 0)
    on_not_controller(b, msg);
  else if (strcmp(t, "EpochQuery") == 0)
    on_epoch_query(node, b, msg);
  else if (strcmp(t, "EpochReply") == 0)
    on_epoch_reply(node, b, msg);
  else if (strcmp(t, "FetchOutOfRange") == 0)
    on_out_of_range(node, b, msg);
}

static void broker_on_timer(SimNode *node, uint64_t tag)
{
  Broker *b = sim_node_data(node);
  if (tag == TAG_HEARTBEAT) {
    heartbeat(node, b);
    sim_timer_after(node, b->heartbeat, TAG_HEARTBEAT);
  } else if (tag == TAG_FETCH) {
    send_fetch(node, b);
    sim_timer_after(node, b->fetch_interval, TAG_FETCH);
  } else if (tag == TAG_ISR) {
    sim_timer_after(node, MAX(b->lag / 2, 1), TAG_ISR);
    if (!b->leading)
      return;
    SimTime now = sim_node_clock(node);
    if (b->alter_pending) {
      /* Unanswered: the same request again, until an answer comes. */
      if (now - b->alter_sent >= 2 * b->heartbeat)
        send_alter(node, b, b->alter_isr);
      return;
    }
    uint64_t isr = kafka_isr_shrink(b->isr, b->self, b->caught_up, b->n, now, b->lag);
    if (isr != b->isr)
      send_alter(node, b, isr);
  }
}

static void broker_start(SimNode *node)
{
  kafka_check_attach(node);
  Broker *b = g_new0(Broker, 1);
  b->log = g_array_new(FALSE, FALSE, sizeof(KafkaRecord));
  b->waiting = g_array_new(FALSE, FALSE, sizeof(Waiting));
  b->producers = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
  sim_node_set_data(node, b, broker_free);
  b->replicas = sim_node_param_nodes(node, "replicas", &b->n);
  b->controllers = sim_node_param_nodes(node, "controllers", &b->ncontrollers);
  b->self = replica_of(b, sim_node_id(node));
  b->leader = -1;
  b->epoch = -1;
  b->version = -1;
  b->fetch_interval = sim_node_param_duration(node, "fetch_interval");
  b->lag = sim_node_param_duration(node, "replica_lag_time");
  b->heartbeat = sim_node_param_duration(node, "heartbeat");
  b->min_isr = sim_node_param_int(node, "min_insync_replicas");
  b->max_fetch = sim_node_param_int(node, "max_fetch");
  const char *trunc = sim_node_param_string(node, "truncation");
  b->epoch_rule = strcmp(trunc, "epoch") == 0;
  Sim *sim = sim_node_sim(node);
  if (b->n == 0 || b->n > KAFKA_MAX_REPLICAS || b->self < 0 || b->ncontrollers == 0) {
    sim_fail(sim, "node '%s' (kafka.broker): replicas must list 1 to %d brokers including this one, and controllers name the kafka.controller nodes",
             sim_node_name(node), KAFKA_MAX_REPLICAS);
    return;
  }
  if (!b->epoch_rule && strcmp(trunc, "hw") != 0) {
    sim_fail(sim, "node '%s' (kafka.broker): truncation must be \"hw\" or \"epoch\", not \"%s\"", sim_node_name(node), trunc);
    return;
  }
  if (b->fetch_interval <= 0 || b->heartbeat <= 0 || b->lag <= 0) {
    sim_fail(sim, "node '%s' (kafka.broker): fetch_interval, heartbeat and replica_lag_time must be > 0", sim_node_name(node));
    return;
  }
  load(node, b);
  if (sim_node_incarnation(node) > 0) {
    kafka_emit_truncate(node, 0);
    for (guint i = 0; i < b->log->len; i++)
      kafka_emit_append(node, i, &g_array_index(b->log, KafkaRecord, i));
    kafka_emit_hw(node, b->hw);
  }
  heartbeat(node, b);
  sim_timer_after(node, b->heartbeat, TAG_HEARTBEAT);
  sim_timer_after(node, b->fetch_interval, TAG_FETCH);
  sim_timer_after(node, MAX(b->lag / 2, 1), TAG_ISR);
}

static void broker_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  (void) nodes;
  (void) count;
  sim_metric_add(sim, "kafka_leader_changes", 0);
  sim_metric_add(sim, "kafka_dedup", 0);
  kafka_check_finish(sim);
}

static const SimParamSpec broker_params[] = {
  { "replicas", SIM_PARAM_NODES, "", "the partition's brokers (the same list on each, and on the controllers)", 0, 0 },
  { "controllers", SIM_PARAM_NODES, "", "the kafka.controller nodes", 0, 0 },
  { "fetch_interval", SIM_PARAM_DURATION, "20ms", "a follower fetches from the leader this often", 0, 0 },
  { "max_fetch", SIM_PARAM_INT, "32", "records per fetch or poll answer", 1, 100000 },
  { "replica_lag_time", SIM_PARAM_DURATION, "300ms", "a follower that has not caught up with the leader's log end for this long leaves the ISR (replica.lag.time.max.ms)", 0, 0 },
  { "min_insync_replicas", SIM_PARAM_INT, "1", "acks=all is refused (NOT_ENOUGH_REPLICAS) while the ISR is smaller", 1, KAFKA_MAX_REPLICAS },
  { "truncation", SIM_PARAM_STRING, "epoch", "on becoming follower: \"hw\" truncates to the own high watermark (before KIP-101), \"epoch\" asks the leader for its last epoch's end offset (KIP-101)", 0, 0 },
  { "heartbeat", SIM_PARAM_DURATION, "100ms", "broker heartbeat period to the active controller", 0, 0 },
  { NULL },
};

const SimModel model_kafka_broker = {
  .name = "kafka.broker",
  .summary = "Kafka partition replica: leader or follower by the controller, ISR, high watermark, acks, HW or leader-epoch truncation",
  .params = broker_params,
  .init = broker_start,
  .on_message = broker_on_message,
  .on_timer = broker_on_timer,
  .finish = broker_finish,
};
