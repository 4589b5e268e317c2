/* `zk.probe`: a client that exercises every request and notification path
 * of zk.server through the session library and checks the guarantees of
 * ZooKeeper's Programmer's Guide as it goes (invariants, counted with
 * sim_violation):
 * - zk_results_ordered: results come back in the order requests were
 *   issued (FIFO client order);
 * - zk_watch_once: a watch event arrives only for a watch set, once;
 * - zk_watch_first: a client sees the watch event before the change
 *   (its own setData's result never shows a version its watch, set
 *   earlier on the same connection, has not fired for);
 * - zk_watch_fresh: a read after a watch event shows the change;
 * - zk_exactly_once: a setData applies once (the version of the probe's
 *   own znode grows by exactly one per successful setData);
 * - zk_ephemeral: a session's ephemeral node is gone once the client
 *   learns the session expired, owned by its session while it lives;
 * - zk_sequential: at the end, sequential names ordered by czxid grow
 *   strictly (the parent's counter) and czxids are unique.
 *
 * Every `period` a probe writes the shared znode /1 (watched by all,
 * through exists), creates an ephemeral sequential child of /2, reads the
 * children before it and deletes it, and increments its own /4/ID; at
 * each new session it creates its ephemeral /3/ID. */
#include "models/zk/zk_session.h"
#include "sim/kernel/model.h"
#include <string.h>

enum {
  K_SETUP = 1,     /* create /1 /2 /3 /4 (NODEEXISTS is fine) */
  K_WATCH,         /* exists(/1, watch) */
  K_WRITE_SHARED,  /* setData(/1) */
  K_SEQ_CREATE,    /* create(/2/_, ephemeral | sequential) */
  K_SEQ_CHILDREN,  /* getChildren(/2, before = mine) */
  K_SEQ_DELETE,    /* delete(/2/mine) */
  K_EPH_CREATE,    /* create(/3/ID, ephemeral) */
  K_EPH_CHECK,     /* exists(/3/ID) */
  K_OWN_CREATE,    /* create(/4/ID) */
  K_OWN_SET,       /* setData(/4/ID) */
  K_OWN_READ,      /* getData(/4/ID) */
};
enum { TAG_PERIOD = 1 };

typedef struct {
  ZkSession *zs;
  int64_t me;              /* node id + 1: this probe's names */
  SimTime period;
  uint64_t issued, last_result;
  /* watch on /1 */
  guint gen;               /* connections so far: a watch set on an older one is gone */
  gboolean armed, watching;
  guint armed_gen;
  int64_t armed_version;   /* -1: /1 did not exist */
  gboolean recheck;        /* the read after an event: must show the change */
  int64_t event_version;
  /* sequential */
  gboolean seq_busy;
  int64_t seq_name, seq_session;
  GArray *seq;             /* of int64 pairs (czxid, name) */
  /* own counter */
  int64_t own_version;     /* -1: unknown (read it) */
  gboolean own_busy;
  int64_t eph_session;
} Probe;

static void probe_free(gpointer p)
{
  Probe *pr = p;
  zk_session_free(pr->zs);
  g_array_unref(pr->seq);
  g_free(pr);
}

static uint64_t tag(Probe *p, int kind) { return ++p->issued << 8 | (uint64_t) kind; }

static void arm_watch(Probe *p)
{
  if (p->watching)
    return;
  p->watching = TRUE;
  zk_exists(p->zs, (ZkPath) { 1, 0 }, TRUE, tag(p, K_WATCH) | (uint64_t) p->gen << 40);
}

static void on_connected(SimNode *node, ZkSession *zs, void *ud)
{
  (void) node;
  Probe *p = ud;
  p->gen++;
  p->armed = FALSE;
  p->watching = FALSE;
  arm_watch(p);
  if (zk_session_id(zs) != p->eph_session) {
    p->eph_session = zk_session_id(zs);
    zk_create(zs, (ZkPath) { 3, p->me }, p->me, ZK_EPHEMERAL, tag(p, K_EPH_CREATE));
    zk_exists(zs, (ZkPath) { 3, p->me }, FALSE, tag(p, K_EPH_CHECK));
  }
}

static void on_expired(SimNode *node, ZkSession *zs, void *ud)
{
  (void) node;
  (void) ud;
  zk_session_restart(zs);
}

static void on_watch(SimNode *node, ZkSession *zs, int event, ZkPath path, void *ud)
{
  (void) zs;
  Probe *p = ud;
  Sim *sim = sim_node_sim(node);
  sim_metric_add(sim, "zk_probe_events", 1);
  if (path.dir != 1 || path.name != 0)
    return;
  if (!p->armed) {
    sim_violation(sim, "zk_watch_once", "%s: event %d on /1 with no watch set", sim_node_name(node), event);
    return;
  }
  p->armed = FALSE;
  p->recheck = p->armed_gen == p->gen;
  p->event_version = p->armed_version;
  arm_watch(p);
}

static void seq_cycle(Probe *p)
{
  if (p->seq_busy)
    return;
  p->seq_busy = TRUE;
  p->seq_session = zk_session_id(p->zs);
  zk_create(p->zs, (ZkPath) { 2, 0 }, p->me, ZK_EPHEMERAL | ZK_SEQUENTIAL, tag(p, K_SEQ_CREATE));
}

static void own_cycle(Probe *p)
{
  if (p->own_busy)
    return;
  p->own_busy = TRUE;
  if (p->own_version < 0)
    zk_get_data(p->zs, (ZkPath) { 4, p->me }, FALSE, tag(p, K_OWN_READ));
  else
    zk_set_data(p->zs, (ZkPath) { 4, p->me }, (int64_t) p->issued & 0xffff, -1, tag(p, K_OWN_SET));
}

static void on_result(SimNode *node, ZkSession *zs, uint64_t t, const ZkResult *r, void *ud)
{
  Probe *p = ud;
  Sim *sim = sim_node_sim(node);
  const char *me = sim_node_name(node);
  uint64_t n = (t >> 8) & ((UINT64_C(1) << 32) - 1);
  if (n <= p->last_result)
    sim_violation(sim, "zk_results_ordered", "%s: result of request %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT,
                  me, n, p->last_result);
  p->last_result = n;
  sim_metric_add(sim, "zk_probe_results", 1);
  gboolean expired = r->err == ZK_SESSIONEXPIRED;
  switch ((int) (t & 0xff)) {
  case K_WATCH: {
    p->watching = FALSE;
    guint gen = (guint) (t >> 40);
    if (expired)
      break; /* on_connected sets it again */
    if (gen != p->gen) {
      /* Issued on an older connection: answered there (the watch went
       * with it) or sent again and answered on this one (it is set).
       * An event may come, but nothing can be checked against it. */
      p->armed = TRUE;
      p->armed_gen = 0;
      p->armed_version = INT64_MAX;
      p->recheck = FALSE;
      arm_watch(p);
      break;
    }
    int64_t v = r->err == ZK_OK ? r->version : -1;
    if (p->recheck && v <= p->event_version)
      sim_violation(sim, "zk_watch_fresh", "%s: read version %" G_GINT64_FORMAT " of /1 after the event for version %" G_GINT64_FORMAT,
                    me, v, p->event_version);
    p->recheck = FALSE;
    p->armed = TRUE;
    p->armed_gen = gen;
    p->armed_version = v;
    break;
  }
  case K_WRITE_SHARED:
    if (r->err == ZK_NONODE)
      zk_create(zs, (ZkPath) { 1, 0 }, 0, 0, tag(p, K_SETUP));
    else if (r->err == ZK_OK && p->armed && p->armed_gen == p->gen && r->version > p->armed_version)
      sim_violation(sim, "zk_watch_first", "%s: its setData made version %" G_GINT64_FORMAT " of /1 before the watch (set at %" G_GINT64_FORMAT ") fired",
                    me, r->version, p->armed_version);
    break;
  case K_SEQ_CREATE:
    if (r->err != ZK_OK) {
      p->seq_busy = FALSE;
      if (r->err == ZK_NONODE)
        zk_create(zs, (ZkPath) { 2, 0 }, 0, 0, tag(p, K_SETUP));
      break;
    }
    {
      int64_t pair[2] = { r->zxid, r->name };
      g_array_append_vals(p->seq, pair, 2);
    }
    p->seq_name = r->name;
    zk_get_children(zs, 2, r->name, FALSE, tag(p, K_SEQ_CHILDREN));
    break;
  case K_SEQ_CHILDREN:
    if (r->err == ZK_OK && !(r->nchildren >= 1 && r->first <= p->seq_name && r->pred < p->seq_name
                             && (r->pred == 0 || r->pred >= r->first)))
      sim_violation(sim, "zk_sequential", "%s: children of /2 before %" G_GINT64_FORMAT ": count %" G_GINT64_FORMAT " first %" G_GINT64_FORMAT " pred %" G_GINT64_FORMAT,
                    me, p->seq_name, r->nchildren, r->first, r->pred);
    zk_delete(zs, (ZkPath) { 2, p->seq_name }, -1, tag(p, K_SEQ_DELETE));
    break;
  case K_SEQ_DELETE:
    p->seq_busy = FALSE;
    if (r->err == ZK_NONODE && zk_session_id(zs) == p->seq_session)
      sim_violation(sim, "zk_ephemeral", "%s: its ephemeral /2/%" G_GINT64_FORMAT " vanished while session %" G_GINT64_FORMAT " lived",
                    me, p->seq_name, p->seq_session);
    break;
  case K_EPH_CREATE:
    if (r->err == ZK_NODEEXISTS)
      sim_violation(sim, "zk_ephemeral", "%s: /3/%" G_GINT64_FORMAT " still exists for new session %" G_GINT64_FORMAT,
                    me, p->me, zk_session_id(zs));
    else if (r->err == ZK_NONODE)
      zk_create(zs, (ZkPath) { 3, 0 }, 0, 0, tag(p, K_SETUP));
    break;
  case K_EPH_CHECK:
    if (r->err == ZK_OK && r->owner != zk_session_id(zs))
      sim_violation(sim, "zk_ephemeral", "%s: /3/%" G_GINT64_FORMAT " owned by %" G_GINT64_FORMAT ", not session %" G_GINT64_FORMAT,
                    me, p->me, r->owner, zk_session_id(zs));
    if (r->err == ZK_NONODE && p->eph_session == zk_session_id(zs)) {
      p->eph_session = 0; /* /3 was missing: try again at the next connection */
    }
    break;
  case K_OWN_READ:
    p->own_busy = FALSE;
    if (r->err == ZK_OK)
      p->own_version = r->version;
    else if (r->err == ZK_NONODE)
      zk_create(zs, (ZkPath) { 4, p->me }, 0, 0, tag(p, K_OWN_CREATE));
    break;
  case K_OWN_CREATE:
    if (r->err == ZK_NONODE)
      zk_create(zs, (ZkPath) { 4, 0 }, 0, 0, tag(p, K_SETUP));
    break;
  case K_OWN_SET:
    p->own_busy = FALSE;
    if (r->err == ZK_OK) {
      if (r->version != p->own_version + 1)
        sim_violation(sim, "zk_exactly_once", "%s: setData took /4/%" G_GINT64_FORMAT " from version %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                      me, p->me, p->own_version, r->version);
      p->own_version = r->version;
    } else {
      p->own_version = -1; /* unknown after an expiry: read it again */
    }
    break;
  default:
    break;
  }
}

static void probe_init(SimNode *node)
{
  Probe *p = g_new0(Probe, 1);
  p->me = sim_node_id(node) + 1;
  p->period = sim_node_param_duration(node, "period");
  p->seq = g_array_new(FALSE, FALSE, sizeof(int64_t));
  p->own_version = -1;
  sim_node_set_data(node, p, probe_free);
  Sim *sim = sim_node_sim(node);
  static const char *const inv[] = { "zk_results_ordered", "zk_watch_once", "zk_watch_first", "zk_watch_fresh",
                                     "zk_exactly_once", "zk_ephemeral", "zk_sequential" };
  for (guint i = 0; i < G_N_ELEMENTS(inv); i++)
    sim_invariant_declare(sim, inv[i]);
  guint n = 0;
  const int *servers = sim_node_param_nodes(node, "servers", &n);
  if (n == 0 || p->period <= 0) {
    sim_fail(sim, "node '%s' (zk.probe): needs servers and a period > 0", sim_node_name(node));
    return;
  }
  static const ZkSessionCallbacks cb = { on_connected, on_expired, on_result, on_watch };
  p->zs = zk_session_new(node, servers, n, sim_node_param_duration(node, "session_timeout"), &cb, p);
  zk_session_set_resend(p->zs, sim_node_param_duration(node, "resend"));
  for (int64_t d = 1; d <= 4; d++)
    zk_create(p->zs, (ZkPath) { d, 0 }, 0, 0, tag(p, K_SETUP));
  sim_timer_after(node, p->period, TAG_PERIOD);
}

static void probe_on_message(SimNode *node, const SimMsg *msg)
{
  Probe *p = sim_node_data(node);
  if (p->zs)
    zk_session_on_message(p->zs, msg);
}

static void probe_on_timer(SimNode *node, uint64_t t)
{
  Probe *p = sim_node_data(node);
  if (!p->zs || zk_session_on_timer(p->zs, t))
    return;
  sim_timer_after(node, p->period, TAG_PERIOD);
  if (!zk_session_connected(p->zs) || zk_session_outstanding(p->zs) > 16)
    return;
  zk_set_data(p->zs, (ZkPath) { 1, 0 }, (int64_t) p->issued & 0xffff, -1, tag(p, K_WRITE_SHARED));
  seq_cycle(p);
  own_cycle(p);
}

static gint cmp_pair(gconstpointer a, gconstpointer b)
{
  const int64_t *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Sequential names across every probe: ordered by czxid, strictly growing. */
static void probe_finish(Sim *sim, SimNode *const *nodes, guint count)
{
  g_autoptr(GArray) all = g_array_new(FALSE, FALSE, 2 * sizeof(int64_t));
  for (guint i = 0; i < count; i++) {
    Probe *p = sim_node_data(nodes[i]);
    if (p && p->seq)
      g_array_append_vals(all, p->seq->data, p->seq->len / 2);
  }
  g_array_sort(all, cmp_pair);
  const int64_t *v = (const int64_t *) all->data;
  for (guint i = 1; i < all->len; i++)
    if (v[2 * i] == v[2 * i - 2] || v[2 * i + 1] <= v[2 * i - 1])
      sim_violation(sim, "zk_sequential", "czxid %" G_GINT64_FORMAT " got name %" G_GINT64_FORMAT " after czxid %" G_GINT64_FORMAT " got %" G_GINT64_FORMAT,
                    v[2 * i], v[2 * i + 1], v[2 * i - 2], v[2 * i - 1]);
  sim_metric_set(sim, "zk_probe_sequential", all->len);
}

static const SimParamSpec probe_params[] = {
  { "servers", SIM_PARAM_NODES, "", "the zk.server nodes, comma-separated", 0, 0 },
  { "session_timeout", SIM_PARAM_DURATION, "1s", "the session timeout asked for", 0, 0 },
  { "resend", SIM_PARAM_DURATION, "50ms", "unanswered requests and connects are sent again after this", 0, 0 },
  { "period", SIM_PARAM_DURATION, "50ms", "time between rounds of requests", 0, 0 },
  { NULL },
};

const SimModel model_zk_probe = {
  .name = "zk.probe",
  .summary = "test client of zk.server: exercises watches, ephemeral and sequential znodes, retries, and checks ZooKeeper's guarantees as invariants (zk_*)",
  .params = probe_params,
  .init = probe_init,
  .on_message = probe_on_message,
  .on_timer = probe_on_timer,
  .finish = probe_finish,
};
