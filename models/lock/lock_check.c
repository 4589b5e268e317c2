/* End of run for the lock models: gathers the records every lock client and
 * resource left in their durable logs, hands them to sim/check_lock and
 * reports invariants and metrics:
 *   mutual_exclusion  overlapping believed critical sections (pairs)
 *   resource_safety   accepted writes of a grant older than one of another
 *                     client that had already written
 *   overlaps, unsafe_writes, lock_availability (acquisitions / acquire
 *   operations that ended) as metrics. */
#include "models/lock/lock.h"
#include "sim/check/check_lock.h"
#include <string.h>

static void report_overlap(SimTime at, const char *what, void *data)
{
  sim_violation_at(data, "mutual_exclusion", at, "%s", what);
}

static void report_unsafe(SimTime at, const char *what, void *data)
{
  sim_violation_at(data, "resource_safety", at, "%s", what);
}

/* Reads one client's "cs" and "cs_end" records into `out`. */
static void collect_intervals(SimNode *node, GArray *out)
{
  guint first = out->len;
  for (guint i = 0; i < sim_log_length(node); i++) {
    const SimMsg *r = sim_log_get(node, i);
    int64_t seq = sim_msg_get(r, "seq", -1);
    if (lock_is(r, LOCK_REC_CS)) {
      CheckLockInterval iv = { sim_node_id(node), seq, sim_msg_get(r, "start", 0), sim_msg_get(r, "end", 0) };
      g_array_append_val(out, iv);
    } else if (lock_is(r, LOCK_REC_CS_END)) {
      for (guint k = first; k < out->len; k++) {
        CheckLockInterval *iv = &g_array_index(out, CheckLockInterval, k);
        if (iv->seq == seq)
          iv->end = MIN(iv->end, sim_msg_get(r, "end", iv->end));
      }
    }
  }
}

static void collect_writes(SimNode *node, GArray *out)
{
  for (guint i = 0; i < sim_log_length(node); i++) {
    const SimMsg *r = sim_log_get(node, i);
    if (!lock_is(r, LOCK_REC_WRITE))
      continue;
    CheckLockWrite w = { (int) sim_msg_get(r, "client", -1), sim_msg_get(r, "seq", -1), sim_msg_get(r, "at", 0),
                         sim_msg_get(r, "accepted", 0) != 0 };
    g_array_append_val(out, w);
  }
}

/* The share of ended `acquire` operations that ended ok (1 when none ended). */
static double acquire_availability(Sim *sim)
{
  const GArray *h = sim_history(sim);
  guint64 ended = 0, ok = 0;
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    if (e->type == SIM_OP_INVOKE || strcmp(e->f, "acquire") != 0)
      continue;
    ended++;
    ok += e->type == SIM_OP_OK;
  }
  return ended ? (double) ok / (double) ended : 1.0;
}

void lock_check_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  /* Once per run: only the model of the first lock client node checks. */
  guint n = sim_node_count(sim);
  for (guint i = 0; i < n; i++) {
    const SimModel *m = sim_node_model(sim_node(sim, (int) i));
    if (lock_is_client_model(m)) {
      if (count == 0 || m != sim_node_model(nodes[0]))
        return;
      break;
    }
  }
  g_autoptr(GArray) iv = g_array_new(FALSE, FALSE, sizeof(CheckLockInterval));
  g_autoptr(GArray) w = g_array_new(FALSE, FALSE, sizeof(CheckLockWrite));
  SimTime now = sim_now(sim);
  for (guint i = 0; i < n; i++) {
    SimNode *node = sim_node(sim, (int) i);
    if (lock_is_client_model(sim_node_model(node)))
      collect_intervals(node, iv);
    else if (lock_is_resource_model(sim_node_model(node)))
      collect_writes(node, w);
  }
  /* A belief still open at the end lasts until the end of the run. */
  for (guint k = 0; k < iv->len; k++) {
    CheckLockInterval *x = &g_array_index(iv, CheckLockInterval, k);
    x->end = MIN(x->end, now);
  }
  sim_invariant_declare(sim, "mutual_exclusion");
  sim_invariant_declare(sim, "resource_safety");
  g_autofree const char **names = g_new0(const char *, n);
  for (guint i = 0; i < n; i++)
    names[i] = sim_node_name(sim_node(sim, (int) i));
  CheckLockSink overlap_sink = { report_overlap, sim, names, n };
  CheckLockSink unsafe_sink = { report_unsafe, sim, names, n };
  guint64 overlaps = check_lock_overlaps((CheckLockInterval *) iv->data, iv->len, &overlap_sink);
  guint64 unsafe = check_lock_unsafe_writes((CheckLockInterval *) iv->data, iv->len, (CheckLockWrite *) w->data,
                                            w->len, &unsafe_sink);
  sim_metric_set(sim, "overlaps", (double) overlaps);
  sim_metric_set(sim, "unsafe_writes", (double) unsafe);
  /* Counters show 0 when nothing happened, rather than going missing. */
  static const char *const counters[] = {
    "acquisitions", "acquire_attempts", "acquire_timeouts", "stale_token_rejections", "writes_accepted",
    "locks_deleted_by_non_owner", "server_requests_refused",
  };
  for (guint i = 0; i < G_N_ELEMENTS(counters); i++)
    sim_metric_add(sim, counters[i], 0);
  sim_metric_set(sim, "lock_availability", acquire_availability(sim));
}
