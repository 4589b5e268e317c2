/* The registry: the one list of the models compiled in. Adding a model means
 * adding its vtable here; nothing in sim/ names a model. */
#include "models/registry.h"
#include <string.h>

extern const SimModel model_bench_forward;
extern const SimModel model_echo_client;
extern const SimModel model_echo_server;
extern const SimModel model_echo_source;
extern const SimModel model_hdfs_client;
extern const SimModel model_hdfs_datanode;
extern const SimModel model_hdfs_namenode;
extern const SimModel model_kafka_broker;
extern const SimModel model_kafka_consumer;
extern const SimModel model_kafka_controller;
extern const SimModel model_kafka_producer;
extern const SimModel model_kv_abd;
extern const SimModel model_kv_abd_client;
extern const SimModel model_kv_quorum;
extern const SimModel model_kv_quorum_admin;
extern const SimModel model_kv_quorum_client;
extern const SimModel model_kv_raft;
extern const SimModel model_libraft_client;
extern const SimModel model_libraft_server;
extern const SimModel model_lock_fenced_client;
extern const SimModel model_lock_fenced_server;
extern const SimModel model_lock_lease_client;
extern const SimModel model_lock_lease_server;
extern const SimModel model_lock_naive_client;
extern const SimModel model_lock_naive_server;
extern const SimModel model_lock_redlock_client;
extern const SimModel model_lock_redlock_server;
extern const SimModel model_lock_zk;
extern const SimModel model_lock_zk_fenced;
extern const SimModel model_lock_zk_herd;
extern const SimModel model_raft;
extern const SimModel model_raft_admin;
extern const SimModel model_raft_commit_old_terms;
extern const SimModel model_raft_volatile_vote;
extern const SimModel model_raft_lease_no_drift_margin;
extern const SimModel model_resource;
extern const SimModel model_txn_2pc_coordinator;
extern const SimModel model_txn_2pc_participant;
extern const SimModel model_txn_2pc_participant_unforced;
extern const SimModel model_txn_3pc_coordinator;
extern const SimModel model_txn_3pc_participant;
extern const SimModel model_txn_client;
extern const SimModel model_zk_client;
extern const SimModel model_zk_election;
extern const SimModel model_zk_probe;
extern const SimModel model_zk_server;

static const SimModel *const models[] = {
  &model_bench_forward,
  &model_echo_client,
  &model_echo_server,
  &model_echo_source,
  &model_hdfs_client,
  &model_hdfs_datanode,
  &model_hdfs_namenode,
  &model_kafka_broker,
  &model_kafka_consumer,
  &model_kafka_controller,
  &model_kafka_producer,
  &model_kv_abd,
  &model_kv_abd_client,
  &model_kv_quorum,
  &model_kv_quorum_admin,
  &model_kv_quorum_client,
  &model_kv_raft,
  &model_libraft_client,
  &model_libraft_server,
  &model_lock_fenced_client,
  &model_lock_fenced_server,
  &model_lock_lease_client,
  &model_lock_lease_server,
  &model_lock_naive_client,
  &model_lock_naive_server,
  &model_lock_redlock_client,
  &model_lock_redlock_server,
  &model_lock_zk,
  &model_lock_zk_fenced,
  &model_lock_zk_herd,
  &model_raft,
  &model_raft_admin,
  &model_raft_commit_old_terms,
  &model_raft_volatile_vote,
  &model_raft_lease_no_drift_margin,
  &model_resource,
  &model_txn_2pc_coordinator,
  &model_txn_2pc_participant,
  &model_txn_2pc_participant_unforced,
  &model_txn_3pc_coordinator,
  &model_txn_3pc_participant,
  &model_txn_client,
  &model_zk_client,
  &model_zk_election,
  &model_zk_probe,
  &model_zk_server,
  NULL,
};

const SimModel *const *sim_registry(void) { return models; }

const SimModel *sim_registry_find(const char *name)
{
  for (const SimModel *const *m = models; *m; m++)
    if (strcmp((*m)->name, name) == 0)
      return *m;
  return NULL;
}
