/* The Kafka checker: a mirror of every broker's log built from the events
 * the models emit (the pattern of models/raft/raft_check.c), judged at the
 * end of the run in real time — what was acknowledged or read before the
 * end against the final log:
 *
 *   kafka_append   {offset, epoch, rid}  broker: a record is now at offset
 *   kafka_truncate {from}                broker: records from..end removed
 *   kafka_hw       {hw}                  broker: its high watermark
 *   kafka_leader   {epoch}               broker: it leads epoch
 *   kafka_ack      {rid, offset}         producer: the record was acknowledged
 *   kafka_read     {offset, rid}         consumer: it read rid at offset
 *
 * The final log is the mirror of the broker that became leader of the
 * highest epoch (whether or not it is up at the end: its log is on disk),
 * whole: a new leader's HW catches up only on its followers' next fetches.
 * Invariants:
 *   acked_loss      an acknowledged record is not in the final log
 *   read_then_lost  a record a consumer read is not at that offset of it
 *   divergence      a broker's log up to its HW (what it holds committed)
 *                   is not a prefix of the final log
 * Metrics: kafka_acked (distinct records acknowledged), kafka_lost_acked,
 * kafka_duplicates (extra copies of a record in the final log),
 * kafka_final_log (its length). */
#include "models/kafka/kafka.h"
#include <string.h>

typedef struct {
  GArray *log; /* of int64_t rid */
  int64_t hw;
  gboolean seen;
} KcBroker;

typedef struct {
  int64_t rid, offset;
  SimTime at;
  int node;
} KcObs;

typedef struct {
  Sim *sim;
  GArray *brokers;   /* KcBroker by node id */
  GArray *acks;      /* KcObs */
  GArray *reads;     /* KcObs */
  int final_node;
  int64_t final_epoch;
} KafkaCheck;

static KcBroker *broker_of(KafkaCheck *kc, int id)
{
  if ((guint) id >= kc->brokers->len) {
    guint old = kc->brokers->len;
    g_array_set_size(kc->brokers, (guint) id + 1);
    for (guint i = old; i < kc->brokers->len; i++)
      g_array_index(kc->brokers, KcBroker, i) = (KcBroker) { g_array_new(FALSE, FALSE, sizeof(int64_t)), 0, FALSE };
  }
  KcBroker *b = &g_array_index(kc->brokers, KcBroker, id);
  b->seen = TRUE;
  return b;
}

static void observe(Sim *sim, const SimTraceEvent *ev, void *data)
{
  KafkaCheck *kc = data;
  if (ev->kind != SIM_TR_EVENT || ev->node < 0 || !ev->msg || strncmp(ev->msg->type, "kafka_", 6) != 0)
    return;
  const SimMsg *m = ev->msg;
  const char *t = m->type + 6;
  if (strcmp(t, "append") == 0) {
    KcBroker *b = broker_of(kc, ev->node);
    int64_t off = sim_msg_get(m, "offset", -1), rid = sim_msg_get(m, "rid", 0);
    if (off < 0 || off > (int64_t) b->log->len)
      return; /* not a position a broker's log reaches */
    g_array_set_size(b->log, (guint) off);
    g_array_append_val(b->log, rid);
    sim_mem_charge(sim, SIM_MEM_METRICS, sizeof rid);
  } else if (strcmp(t, "truncate") == 0) {
    KcBroker *b = broker_of(kc, ev->node);
    int64_t from = sim_msg_get(m, "from", 0);
    if (from >= 0 && from < (int64_t) b->log->len)
      g_array_set_size(b->log, (guint) from);
  } else if (strcmp(t, "hw") == 0) {
    broker_of(kc, ev->node)->hw = sim_msg_get(m, "hw", 0);
  } else if (strcmp(t, "leader") == 0) {
    broker_of(kc, ev->node);
    int64_t epoch = sim_msg_get(m, "epoch", 0);
    if (epoch > kc->final_epoch) {
      kc->final_epoch = epoch;
      kc->final_node = ev->node;
    }
  } else if (strcmp(t, "ack") == 0 || strcmp(t, "read") == 0) {
    KcObs o = { sim_msg_get(m, "rid", 0), sim_msg_get(m, "offset", -1), ev->time, ev->node };
    g_array_append_val(t[0] == 'a' ? kc->acks : kc->reads, o);
    sim_mem_charge(sim, SIM_MEM_METRICS, sizeof o);
  }
}

static void kc_free(gpointer p)
{
  KafkaCheck *kc = p;
  for (guint i = 0; i < kc->brokers->len; i++)
    g_array_unref(g_array_index(kc->brokers, KcBroker, i).log);
  g_array_unref(kc->brokers);
  g_array_unref(kc->acks);
  g_array_unref(kc->reads);
  g_free(kc);
}

static void never(Sim *sim, void *data)
{
  (void) sim;
  (void) data;
}


void kafka_check_attach(SimNode *node)
{
  Sim *sim = sim_node_sim(node);
  if (sim_observer_data(sim, observe))
    return;
  KafkaCheck *kc = g_new0(KafkaCheck, 1);
  kc->sim = sim;
  kc->brokers = g_array_new(FALSE, FALSE, sizeof(KcBroker));
  kc->acks = g_array_new(FALSE, FALSE, sizeof(KcObs));
  kc->reads = g_array_new(FALSE, FALSE, sizeof(KcObs));
  kc->final_node = -1;
  sim_invariant_declare(sim, "acked_loss");
  sim_invariant_declare(sim, "read_then_lost");
  sim_invariant_declare(sim, "divergence");
  sim_add_observer(sim, observe, kc);
  sim_schedule(sim, SIM_TIME_MAX, never, kc, kc_free);
}

static const char *name_of(Sim *sim, int id) { return sim_node_name(sim_node(sim, id)); }

static gint cmp_int64(gconstpointer a, gconstpointer b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x > y) - (x < y);
}

void kafka_check_finish(Sim *sim)
{
  KafkaCheck *kc = sim_observer_data(sim, observe);
  if (!kc)
    return;
  static const GArray empty = { 0 };
  const GArray *final = kc->final_node >= 0 ? g_array_index(kc->brokers, KcBroker, kc->final_node).log : &empty;
  guint flen = final->len;
  const int64_t *f = flen ? (const int64_t *) (void *) final->data : NULL;
  /* The final log's records sorted, for membership and duplicates. */
  g_autoptr(GArray) sorted = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), flen);
  if (flen)
    g_array_append_vals(sorted, f, flen);
  g_array_sort(sorted, cmp_int64);
  guint64 dups = 0;
  for (guint i = 1; i < sorted->len; i++)
    dups += g_array_index(sorted, int64_t, i) == g_array_index(sorted, int64_t, i - 1);
  sim_metric_set(sim, "kafka_duplicates", (double) dups);
  sim_metric_set(sim, "kafka_final_log", flen);

  /* acked_loss: once per record, at its first acknowledgement. */
  g_autoptr(GHashTable) judged = g_hash_table_new(g_int64_hash, g_int64_equal);
  guint64 acked = 0, lost = 0;
  for (guint i = 0; i < kc->acks->len; i++) {
    KcObs *o = &g_array_index(kc->acks, KcObs, i);
    if (g_hash_table_contains(judged, &o->rid))
      continue;
    g_hash_table_add(judged, &o->rid);
    acked++;
    if (!g_array_binary_search(sorted, &o->rid, cmp_int64, NULL)) {
      lost++;
      sim_violation_at(sim, "acked_loss", o->at,
                       "record %" G_GINT64_FORMAT " acknowledged to %s at offset %" G_GINT64_FORMAT
                       " is not in the final log (%s, %u records)",
                       o->rid, name_of(sim, o->node), o->offset,
                       kc->final_node >= 0 ? name_of(sim, kc->final_node) : "no leader", flen);
    }
  }
  sim_metric_set(sim, "kafka_acked", (double) acked);
  sim_metric_set(sim, "kafka_lost_acked", (double) lost);

  for (guint i = 0; i < kc->reads->len; i++) {
    KcObs *o = &g_array_index(kc->reads, KcObs, i);
    if (o->offset < 0 || o->offset >= (int64_t) flen || f[o->offset] != o->rid)
      sim_violation_at(sim, "read_then_lost", o->at,
                       "%s read record %" G_GINT64_FORMAT " at offset %" G_GINT64_FORMAT
                       "; the final log holds %s there",
                       name_of(sim, o->node), o->rid, o->offset,
                       o->offset >= 0 && o->offset < (int64_t) flen ? "another record" : "nothing");
  }

  for (guint id = 0; id < kc->brokers->len; id++) {
    KcBroker *b = &g_array_index(kc->brokers, KcBroker, id);
    if (!b->seen)
      continue;
    int64_t upto = MIN(b->hw, (int64_t) b->log->len);
    for (int64_t o = 0; o < upto; o++) {
      int64_t rid = g_array_index(b->log, int64_t, o);
      if (o >= (int64_t) flen || f[o] != rid) {
        sim_violation(sim, "divergence",
                      "%s holds record %" G_GINT64_FORMAT " at offset %" G_GINT64_FORMAT
                      " below its high watermark %" G_GINT64_FORMAT "; the final log (%s) holds %s there",
                      name_of(sim, (int) id), rid, o, b->hw,
                      kc->final_node >= 0 ? name_of(sim, kc->final_node) : "none",
                      o < (int64_t) flen ? "another record" : "nothing");
        break;
      }
    }
  }
}

/* ---- emitting ---- */

void kafka_emit_append(SimNode *node, int64_t offset, const KafkaRecord *r)
{
  SimMsg ev = sim_record("kafka_append");
  sim_msg_set(&ev, "offset", offset);
  sim_msg_set(&ev, "epoch", r->epoch);
  sim_msg_set(&ev, "rid", r->rid);
  sim_emit(node, &ev);
}

void kafka_emit_truncate(SimNode *node, int64_t from)
{
  SimMsg ev = sim_record("kafka_truncate");
  sim_msg_set(&ev, "from", from);
  sim_emit(node, &ev);
}

void kafka_emit_hw(SimNode *node, int64_t hw)
{
  SimMsg ev = sim_record("kafka_hw");
  sim_msg_set(&ev, "hw", hw);
  sim_emit(node, &ev);
}

void kafka_emit_leader(SimNode *node, int64_t epoch)
{
  SimMsg ev = sim_record("kafka_leader");
  sim_msg_set(&ev, "epoch", epoch);
  sim_emit(node, &ev);
}
