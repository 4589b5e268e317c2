/* Kafka-style replicated partition (models/kafka/): one partition
 * replicated on `kafka.broker` nodes, its leader chosen by
 * `kafka.controller` (a RaftMachine served by models/raft/raft_server.c:
 * KRaft, KIP-500/KIP-631), written by `kafka.producer` and read by
 * `kafka.consumer`.
 *
 * Sources: Kafka's documentation, "Replication" (design §4.7: the ISR, the
 * high watermark, acks, min.insync.replicas, unclean leader election);
 * KIP-101 "Alter Replication Protocol to use Leader Epoch rather than High
 * Watermark for Truncation" and KIP-279 (its fix for fast leader changes);
 * KIP-497 (AlterPartition: ISR changes through the controller); KIP-631
 * (broker heartbeats, fencing by the active controller).
 *
 * The rules of replication are pure functions here (kafka_rules.c) so
 * CUnit can drive them on hand-built states; the models call them.
 *
 * Offsets start at 0 as in Kafka: a log of n records has log end offset
 * (LEO) n. Replicas are named by their position in the `replicas`
 * parameter (0..KAFKA_MAX_REPLICAS-1) inside ISR bit masks. */
#pragma once
#include "models/raft/raft.h"

#define KAFKA_MAX_REPLICAS 32

/* A record of the partition's log. `rid` names the record for the
 * checker (the producer's op id, unique in the run); `pid`/`seq` are the
 * idempotent producer's id and sequence number (pid 0: not idempotent). */
/* ProduceReply {req, err, offset, leader}: Kafka's error codes by name. */
typedef enum {
  KAFKA_OK = 0,
  KAFKA_NOT_LEADER = 1,               /* NOT_LEADER_OR_FOLLOWER; `leader` hints */
  KAFKA_NOT_ENOUGH_REPLICAS = 2,      /* refused before the append */
  KAFKA_NOT_ENOUGH_REPLICAS_AFTER_APPEND = 3, /* appended; the ISR shrank below min_isr */
} KafkaError;

typedef struct {
  int64_t epoch; /* the leader epoch it was appended in */
  int64_t rid, pid, seq;
} KafkaRecord;

/* ---- kafka_rules.c: replication rules, pure ---- */

/* The number of replicas in ISR mask `isr`. */
guint kafka_isr_size(uint64_t isr);
/* High watermark (Kafka design §4.7): the smallest log end offset among
 * the ISR members (`leo[i]` for replica i; the leader's own is its LEO),
 * never below `hw` (it does not move back while one leader leads). */
int64_t kafka_hw_advance(int64_t hw, uint64_t isr, const int64_t *leo, guint n);
/* ISR shrink (replica.lag.time.max.ms): the ISR without the followers
 * whose `caught_up[i]` (the last time they had fetched up to the leader's
 * log end) is more than `lag` before `now`; the leader `self` stays. */
uint64_t kafka_isr_shrink(uint64_t isr, int self, const SimTime *caught_up, guint n, SimTime now, SimTime lag);
/* ISR expand: a follower outside the ISR rejoins once its fetch offset
 * reached the high watermark and the start of the leader's current epoch
 * (so it holds every record the ISR vouches for). */
gboolean kafka_isr_may_join(int64_t fetch_offset, int64_t hw, int64_t epoch_start);

/* Truncation on becoming a follower, before KIP-101: to the replica's own
 * high watermark (what it knows to be committed), never past its LEO. */
int64_t kafka_truncate_hw(int64_t leo, int64_t hw);
/* The last leader epoch of a log (-1 when empty). */
int64_t kafka_last_epoch(const KafkaRecord *log, int64_t len);
/* The end offset of epoch `e` in a log: the offset of its first record
 * of an epoch above `e` (its LEO when none). */
int64_t kafka_epoch_end(const KafkaRecord *log, int64_t len, int64_t e);
/* KIP-101/KIP-279, the leader's OffsetsForLeaderEpoch answer for a
 * follower's last epoch `e`: the largest epoch <= e the leader knows
 * (its records' epochs and its own current `leader_epoch`, which starts at
 * `leader_start`), in *reply_epoch (-1 if none), and that epoch's end
 * offset in *end (the start of the next epoch; its LEO for the current
 * one; the first record's offset, 0, if none). */
void kafka_epoch_lookup(const KafkaRecord *log, int64_t len, int64_t leader_epoch, int64_t leader_start,
                        int64_t e, int64_t *reply_epoch, int64_t *end);
/* The follower's truncation offset from that answer (KIP-279): the
 * smaller of the leader's end offset, its own end offset of
 * `reply_epoch` and its LEO. */
int64_t kafka_truncate_epoch(const KafkaRecord *log, int64_t len, int64_t reply_epoch, int64_t end);
/* After that truncation: TRUE when the follower is done — its log is empty,
 * the leader knew no epoch of it (reply_epoch < 0), or it now ends with
 * `reply_epoch`; otherwise (its last epoch is one the leader never had) it
 * asks again for its new last epoch (KIP-279: one round per epoch). */
gboolean kafka_epoch_agreed(const KafkaRecord *log, int64_t len, int64_t reply_epoch);

/* The controller's partition state, replicated by Raft. */
typedef struct {
  int leader;          /* replica index, -1: none (offline) */
  int64_t epoch;       /* leader epoch, +1 at every leader change */
  int64_t version;     /* partition epoch: +1 at every change */
  uint64_t isr;
  uint64_t fenced;     /* replicas the controller holds dead */
  int64_t inc[KAFKA_MAX_REPLICAS]; /* each broker's registered incarnation + 1 (0: never) */
  guint n;             /* replicas */
} KafkaPartition;

/* A new partition: replica 0 leads epoch 1 with every replica in the ISR
 * and none fenced (the state a cluster is created in). */
void kafka_partition_init(KafkaPartition *p, guint n);
/* Leader election after `p->leader` left: the first unfenced ISR member in
 * replica order (clean); with none and `unclean`, the first unfenced
 * replica, whose ISR becomes itself alone; else none (-1, the partition
 * offline). The epoch and version go up when the leader changes. */
void kafka_elect(KafkaPartition *p, gboolean unclean);
/* The controller fences broker b (silent past broker_session_timeout): it
 * leaves the ISR unless it is the last member (Kafka keeps the last one,
 * so a clean election can wait for it), and a new leader is elected if it
 * led. */
void kafka_fence(KafkaPartition *p, int b, gboolean unclean);
/* Broker b heartbeats with incarnation `inc`: unfenced; a restarted
 * leader (a new incarnation) lost its leadership: another ISR member
 * leads (or itself again, epoch + 1). An offline partition gets b as
 * leader if it may lead (in the ISR, or any replica with `unclean`). */
void kafka_register(KafkaPartition *p, int b, int64_t inc, gboolean unclean);
/* AlterPartition from `leader` at `epoch`/`version` to ISR `isr`: TRUE
 * (applied, version + 1) if they are current, the leader stays in it and
 * every member is unfenced; else FALSE, nothing changes. */
gboolean kafka_alter_isr(KafkaPartition *p, int leader, int64_t epoch, int64_t version, uint64_t isr);

/* ---- kafka_controller.c ---- */

/* The controller's state machine (for tests). */
extern const RaftMachine kafka_controller_machine;

/* ---- kafka_check.c: the checker (its header comment lists the events) ---- */

/* Called from every broker's start: the first call attaches the run's
 * checker. */
void kafka_check_attach(SimNode *node);
/* End of run: judges the invariants against the final log. */
void kafka_check_finish(Sim *sim);

/* Emitted events (the checker's only input). */
void kafka_emit_append(SimNode *node, int64_t offset, const KafkaRecord *r);
void kafka_emit_truncate(SimNode *node, int64_t from);
void kafka_emit_hw(SimNode *node, int64_t hw);
void kafka_emit_leader(SimNode *node, int64_t epoch);
