/* Kafka's replication rules as pure functions (kafka.h): the ISR, the high
 * watermark, both follower-truncation rules and the controller's
 * partition state changes. */
#include "models/kafka/kafka.h"
#include <string.h>

guint kafka_isr_size(uint64_t isr)
{
  guint n = 0;
  for (; isr; isr &= isr - 1)
    n++;
  return n;
}

static gboolean in(uint64_t set, int i) { return i >= 0 && i < 64 && (set >> i) & 1; }

int64_t kafka_hw_advance(int64_t hw, uint64_t isr, const int64_t *leo, guint n)
{
  int64_t low = -1;
  for (guint i = 0; i < n; i++)
    if (in(isr, (int) i) && (low < 0 || leo[i] < low))
      low = leo[i];
  return MAX(hw, low);
}

uint64_t kafka_isr_shrink(uint64_t isr, int self, const SimTime *caught_up, guint n, SimTime now, SimTime lag)
{
  for (guint i = 0; i < n; i++)
    if ((int) i != self && in(isr, (int) i) && now - caught_up[i] > lag)
      isr &= ~(UINT64_C(1) << i);
  return isr;
}

gboolean kafka_isr_may_join(int64_t fetch_offset, int64_t hw, int64_t epoch_start)
{
  return fetch_offset >= hw && fetch_offset >= epoch_start;
}

int64_t kafka_truncate_hw(int64_t leo, int64_t hw) { return MIN(leo, MAX(hw, 0)); }

int64_t kafka_last_epoch(const KafkaRecord *log, int64_t len) { return len > 0 ? log[len - 1].epoch : -1; }

int64_t kafka_epoch_end(const KafkaRecord *log, int64_t len, int64_t e)
{
  for (int64_t i = 0; i < len; i++)
    if (log[i].epoch > e)
      return i;
  return len;
}

void kafka_epoch_lookup(const KafkaRecord *log, int64_t len, int64_t leader_epoch, int64_t leader_start,
                        int64_t e, int64_t *reply_epoch, int64_t *end)
{
  if (e >= leader_epoch) {
    *reply_epoch = leader_epoch;
    *end = len;
    return;
  }
  int64_t best = -1;
  for (int64_t i = 0; i < len; i++)
    if (log[i].epoch <= e)
      best = MAX(best, log[i].epoch);
  *reply_epoch = best;
  /* The next epoch starts at the first record above `best`, or where the
   * current epoch began if no record of a later epoch precedes it. */
  *end = MIN(kafka_epoch_end(log, len, best), leader_start);
}

int64_t kafka_truncate_epoch(const KafkaRecord *log, int64_t len, int64_t reply_epoch, int64_t end)
{
  return MAX(0, MIN(MIN(end, len), kafka_epoch_end(log, len, reply_epoch)));
}

/* ---- the controller's partition state ---- */

void kafka_partition_init(KafkaPartition *p, guint n)
{
  memset(p, 0, sizeof *p);
  p->n = MIN(n, KAFKA_MAX_REPLICAS);
  p->leader = p->n ? 0 : -1;
  p->epoch = 1;
  p->version = 1;
  p->isr = p->n ? (UINT64_C(1) << p->n) - 1 : 0;
}

static void set_leader(KafkaPartition *p, int leader)
{
  p->leader = leader;
  p->epoch++;
}

void kafka_elect(KafkaPartition *p, gboolean unclean)
{
  int old = p->leader;
  for (guint i = 0; i < p->n; i++)
    if ((int) i != old && in(p->isr, (int) i) && !in(p->fenced, (int) i)) {
      set_leader(p, (int) i);
      p->version++;
      return;
    }
  if (unclean)
    for (guint i = 0; i < p->n; i++)
      if ((int) i != old && !in(p->fenced, (int) i) && p->inc[i] > 0) {
        set_leader(p, (int) i);
        p->isr = UINT64_C(1) << i;
        p->version++;
        return;
      }
  if (old >= 0) {
    p->leader = -1;
    p->epoch++;
    p->version++;
  }
}

void kafka_fence(KafkaPartition *p, int b, gboolean unclean)
{
  if (b < 0 || (guint) b >= p->n || in(p->fenced, b))
    return;
  p->fenced |= UINT64_C(1) << b;
  p->version++;
  if (in(p->isr, b) && kafka_isr_size(p->isr) > 1)
    p->isr &= ~(UINT64_C(1) << b);
  if (p->leader == b)
    kafka_elect(p, unclean);
}

void kafka_register(KafkaPartition *p, int b, int64_t inc, gboolean unclean)
{
  if (b < 0 || (guint) b >= p->n)
    return;
  gboolean restarted = p->inc[b] != 0 && p->inc[b] != inc + 1;
  gboolean was_fenced = in(p->fenced, b);
  if (!restarted && !was_fenced && p->inc[b] == inc + 1)
    return;
  p->inc[b] = inc + 1;
  p->fenced &= ~(UINT64_C(1) << b);
  p->version++;
  if (restarted && p->leader == b && !was_fenced) {
    /* It lost its leadership with its memory: another ISR member leads,
     * or itself again in a new epoch. */
    kafka_elect(p, FALSE);
    if (p->leader < 0) {
      p->leader = b;
      p->epoch++;
    }
    return;
  }
  if (p->leader < 0 && (in(p->isr, b) || unclean)) {
    if (!in(p->isr, b))
      p->isr = UINT64_C(1) << b;
    p->leader = b;
    p->epoch++;
  }
}

gboolean kafka_alter_isr(KafkaPartition *p, int leader, int64_t epoch, int64_t version, uint64_t isr)
{
  if (leader != p->leader || epoch != p->epoch || version != p->version || !in(isr, leader))
    return FALSE;
  if (isr >> p->n || (isr & p->fenced))
    return FALSE;
  p->isr = isr;
  p->version++;
  return TRUE;
}

gboolean kafka_epoch_agreed(const KafkaRecord *log, int64_t len, int64_t reply_epoch)
{
  return len == 0 || reply_epoch < 0 || kafka_last_epoch(log, len) == reply_epoch;
}
