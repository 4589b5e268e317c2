/* Client operation records for stale-read counting, kept in the client's
 * durable log (not forced: only a lose-unsynced fault could drop them). */
#include "models/kv/kv.h"

static void append(SimNode *client, const char *type, int64_t key, KvVersion v, SimTime at)
{
  SimMsg r = sim_record(type);
  sim_msg_set(&r, "key", key);
  sim_msg_set(&r, "ts", v.ts);
  sim_msg_set(&r, "nid", v.nid);
  sim_msg_set(&r, "at", at);
  sim_log_append(client, &r, FALSE);
}

void kv_record_write(SimNode *client, int64_t key, KvVersion v)
{
  append(client, "kv.w", key, v, sim_now(sim_node_sim(client)));
}

void kv_record_read(SimNode *client, int64_t key, KvVersion v, SimTime invoked_at)
{
  append(client, "kv.r", key, v, invoked_at);
}
