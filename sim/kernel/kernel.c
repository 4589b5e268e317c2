/* The kernel: a Sim's lifetime, the pooled event records, the run loop and
 * the node-level faults (crash, restart, pause, resume, clock changes). */
#include "sim/kernel/internal.h"
#include <stdarg.h>
#include <string.h>

/* Nodes whose records (104 bytes each) no longer fit the caches. */
#define NODES_PAST_CACHE 65536

/* Messages being built (sim_msg_new until sim_send): few at a time. */
#define MSG_CHUNK 64

/* The name set holds node records, hashed and compared by name: a key and
 * a hash per node, where a table of name → id held a value too. */
static guint node_name_hash(gconstpointer node)
{
  return g_str_hash(((const SimNode *) node)->name);
}

static gboolean node_name_equal(gconstpointer a, gconstpointer b)
{
  return strcmp(((const SimNode *) a)->name, ((const SimNode *) b)->name) == 0;
}

/* The queue's lookahead (queue.h): stage 0 asks for the event record,
 * stage 1 reads it and asks for its node and message. */
static void event_ahead(void *ctx, uint32_t idx, unsigned stage)
{
  Sim *sim = ctx;
  if (stage == 0)
    __builtin_prefetch(sim_ev(sim, idx));
  else
    sim_event_prefetch(sim, idx);
}

Sim *sim_new(uint64_t seed)
{
  Sim *sim = g_new0(Sim, 1);
  sim->seed = seed;
  sim_budget_init(sim);
  sim_queue_init(&sim->queue);
  sim->queue.ahead_fn = event_ahead;
  sim->queue.ahead_ctx = sim;
  sim->free_event = UINT32_MAX;
  sim->free_dlv = UINT32_MAX;
  sim->msg_chunks = g_ptr_array_new_with_free_func(g_free);
  sim->wire_chunks = g_ptr_array_new_with_free_func(g_free);
  sim->node_names = g_string_chunk_new(4096);
  sim->node_by_name = g_hash_table_new(node_name_hash, node_name_equal);
  sim->streams = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  sim->observers = g_array_new(FALSE, FALSE, sizeof(SimObserverEntry));
  sim->digest[0] = 0x6a09e667f3bcc908ULL;
  sim->digest[1] = 0xbb67ae8584caa73bULL;
  sim_rng_init(&sim->net_rng, seed, "network");
  sim_net_init(sim);
  sim_history_init(sim);
  sim_metrics_init(sim);
  return sim;
}

static void event_release(Sim *sim, uint32_t idx)
{
  SimEvent *ev = sim_ev(sim, idx);
  switch (ev->kind) {
  case EV_DELIVER:
    sim_wire_free(sim, ev->u.msg, ev->wire);
    break;
  case EV_CALL:
    if (ev->u.call) {
      SimCall *call = ev->u.call;
      ev->u.call = NULL;
      if (call->destroy)
        call->destroy(call->data);
      g_free(call);
      sim_mem_charge(sim, SIM_MEM_EVENTS, -(gssize) sizeof *call);
    }
    break;
  default:
    break;
  }
  ev = sim_ev(sim, idx); /* a destroy callback may have grown the pool */
  ev->kind = EV_FREE;
  ev->gen++;
  if (idx & SIM_DLV_BIT) {
    ev->u.next_free = sim->free_dlv;
    sim->free_dlv = idx;
    return;
  }
  ev->u.next_free = sim->free_event;
  sim->free_event = idx;
}

void sim_event_release(Sim *sim, uint32_t idx) { event_release(sim, idx); }

void sim_free(Sim *sim)
{
  if (!sim)
    return;
  for (uint32_t i = 0; i < sim->events_len; i++)
    if (sim->events[i].kind != EV_FREE)
      event_release(sim, i);
  for (uint32_t i = 0; i < sim->dlv_len; i++)
    if (sim_ev(sim, i | SIM_DLV_BIT)->kind != EV_FREE)
      event_release(sim, i | SIM_DLV_BIT);
  for (uint32_t c = 0; c < sim->dlv_chunks_len; c++)
    g_aligned_free(sim->dlv_chunks[c]);
  g_free(sim->dlv_chunks);
  g_hash_table_unref(sim->node_by_name);
  for (guint i = 0; i < sim->nnodes; i++)
    sim_node_destroy(sim_node(sim, (int) i));
  for (guint c = 0; c < sim->node_chunks_len; c++)
    g_free(sim->node_chunks[c]);
  g_free(sim->node_chunks);
  g_string_chunk_free(sim->node_names);
  g_hash_table_unref(sim->streams);
  g_array_unref(sim->observers);
  sim_net_free(sim);
  sim_history_free(sim);
  sim_metrics_free(sim);
  if (sim->trace_line)
    g_string_free(sim->trace_line, TRUE);
  g_free(sim->events);
  sim_queue_clear(&sim->queue);
  g_ptr_array_unref(sim->msg_chunks);
  g_ptr_array_unref(sim->wire_chunks);
  g_free(sim->failure);
  sim_budget_free(sim); /* last: the history and messages point into the pool */
  g_free(sim);
}

uint64_t sim_seed(const Sim *sim) { return sim->seed; }
SimTime sim_now(const Sim *sim) { return sim->now; }
const SimStats *sim_stats(const Sim *sim) { return &sim->stats; }

SimRng *sim_stream(Sim *sim, const char *name)
{
  SimRng *rng = g_hash_table_lookup(sim->streams, name);
  if (!rng) {
    rng = g_new(SimRng, 1);
    sim_rng_init(rng, sim->seed, name);
    g_hash_table_insert(sim->streams, g_strdup(name), rng);
    sim_mem_charge(sim, SIM_MEM_NAMES, (gssize) (strlen(name) + 1 + sizeof *rng + SIM_HASH_ENTRY_BYTES));
  }
  return rng;
}

/* ---- pooled records ---- */

static uint32_t event_init(Sim *sim, uint32_t idx, SimEventKind kind, int node);

uint32_t sim_event_alloc(Sim *sim, SimEventKind kind, int node)
{
  uint32_t idx;
  if (sim->free_event != UINT32_MAX) {
    idx = sim->free_event;
    sim->free_event = sim->events[idx].u.next_free;
  } else {
    if (sim->events_len == sim->events_cap) {
      if (sim->events_cap >= UINT32_MAX / 2)
        g_error("more than %u event records", sim->events_cap); /* the memory limit comes first */
      uint32_t grown = sim->events_cap ? sim->events_cap * 2 : 1024;
      sim_mem_charge(sim, SIM_MEM_EVENTS, (gssize) ((grown - sim->events_cap) * sizeof(SimEvent)));
      sim->events_cap = grown;
      sim->events = g_renew(SimEvent, sim->events, sim->events_cap);
    }
    idx = sim->events_len++;
    sim->events[idx].gen = 0;
  }
  return event_init(sim, idx, kind, node);
}

uint32_t sim_event_alloc_deliver(Sim *sim, int node, gboolean small)
{
  if (!small)
    return sim_event_alloc(sim, EV_DELIVER, node);
  uint32_t idx;
  if (sim->free_dlv != UINT32_MAX) {
    idx = sim->free_dlv;
    sim->free_dlv = sim_ev(sim, idx)->u.next_free;
  } else {
    if ((sim->dlv_len & (SIM_DLV_CHUNK - 1)) == 0) {
      if (sim->dlv_len >= SIM_DLV_BIT / 2)
        g_error("more than %u delivery slots", sim->dlv_len); /* the memory limit comes first */
      if ((sim->dlv_chunks_len & (sim->dlv_chunks_len - 1)) == 0) /* 0, 1, 2, 4...: double */
        sim->dlv_chunks = g_renew(SimDlvSlot *, sim->dlv_chunks, sim->dlv_chunks_len ? 2 * sim->dlv_chunks_len : 1);
      sim->dlv_chunks[sim->dlv_chunks_len++] = g_aligned_alloc(SIM_DLV_CHUNK, sizeof(SimDlvSlot), 64);
      /* charged as messages: a slot is mostly the message it carries */
      sim_mem_charge(sim, SIM_MEM_MESSAGES, (gssize) (SIM_DLV_CHUNK * sizeof(SimDlvSlot) + sizeof(SimDlvSlot *)));
    }
    idx = sim->dlv_len++ | SIM_DLV_BIT;
    sim_ev(sim, idx)->gen = 0;
  }
  return event_init(sim, idx, EV_DELIVER, node);
}

/* Fills the fresh record `idx`. */
static uint32_t event_init(Sim *sim, uint32_t idx, SimEventKind kind, int node)
{
  SimEvent *ev = sim_ev(sim, idx);
  ev->kind = (uint8_t) kind;
  ev->cancelled = 0;
  ev->traced = 0;
  ev->stage = SIM_JOB_ARRIVING;
  ev->node = node;
  /* Not the node's incarnation: that would read the destination's record
   * at every send, where only a delivery needs it. Timers and starts set
   * it themselves. */
  ev->incarnation = 0;
  return idx;
}

void sim_event_push(Sim *sim, SimTime at, uint32_t ev)
{
  sim_queue_push(&sim->queue, at < sim->now ? sim->now : at, ev);
  size_t bytes = sim_queue_bytes(&sim->queue);
  if (bytes > sim->queue_charged) {
    sim_mem_charge(sim, SIM_MEM_EVENTS, (gssize) (bytes - sim->queue_charged));
    sim->queue_charged = bytes;
  }
}

SimTimerId sim_event_id(Sim *sim, uint32_t ev)
{
  return ((uint64_t) sim->events[ev].gen << 32) | ((uint64_t) ev + 1);
}

static SimEvent *event_from_id(Sim *sim, SimTimerId id)
{
  uint64_t idx = (id & 0xffffffffu);
  if (idx == 0 || idx > sim->events_len)
    return NULL;
  SimEvent *ev = &sim->events[idx - 1];
  if (ev->kind == EV_FREE || ev->gen != (uint32_t) (id >> 32))
    return NULL;
  return ev;
}

SimMsg *sim_msg_alloc(Sim *sim)
{
  if (!sim->free_msgs) {
    SimMsg *chunk = g_new(SimMsg, MSG_CHUNK);
    g_ptr_array_add(sim->msg_chunks, chunk);
    sim_mem_charge(sim, SIM_MEM_MESSAGES, (gssize) (MSG_CHUNK * sizeof(SimMsg)));
    for (int i = 0; i < MSG_CHUNK; i++) {
      chunk[i].next_free = sim->free_msgs;
      sim->free_msgs = &chunk[i];
    }
  }
  SimMsg *msg = sim->free_msgs;
  sim->free_msgs = msg->next_free;
  msg->nfields = 0;
  msg->next_free = NULL;
  return msg;
}

void sim_msg_release(Sim *sim, SimMsg *msg)
{
  if (msg->payload) {
    sim_mem_charge(sim, SIM_MEM_MESSAGES, -sim_payload_bytes(msg->payload));
    g_free(msg->payload);
  }
  msg->next_free = sim->free_msgs;
  sim->free_msgs = msg;
}

SimTimerId sim_schedule(Sim *sim, SimTime at, SimCallFn fn, void *data, GDestroyNotify destroy)
{
  uint32_t ev = sim_event_alloc(sim, EV_CALL, -1);
  SimCall *call = g_new(SimCall, 1);
  *call = (SimCall) { fn, data, destroy };
  sim_ev(sim, ev)->u.call = call;
  sim_mem_charge(sim, SIM_MEM_EVENTS, sizeof *call);
  sim_event_push(sim, at, ev);
  return sim_event_id(sim, ev);
}

void sim_cancel(Sim *sim, SimTimerId id)
{
  SimEvent *ev = event_from_id(sim, id);
  if (ev)
    ev->cancelled = 1;
}

SimTimerId sim_timer_after(SimNode *node, SimTime delay, uint64_t tag)
{
  Sim *sim = node->sim;
  uint32_t ev = sim_event_alloc(sim, EV_TIMER, node->id);
  sim_ev(sim, ev)->incarnation = node->incarnation;
  sim_ev(sim, ev)->u.tag = tag;
  sim_event_push(sim, sim_time_after(sim->now, sim_node_real_delay(node, delay < 0 ? 0 : delay)), ev);
  return sim_event_id(sim, ev);
}

void sim_timer_cancel(SimNode *node, SimTimerId id)
{
  SimEvent *ev = event_from_id(node->sim, id);
  if (ev && ev->kind == EV_TIMER && ev->node == node->id) {
    ev->cancelled = 1;
    /* A timer job of a service model, in service: its server is free now. */
    if (G_UNLIKELY(ev->stage == SIM_JOB_IN_SERVICE))
      sim_service_cancelled(node->sim, (uint32_t) (ev - node->sim->events));
  }
}

/* ---- the run loop ---- */

void sim_node_defer(SimNode *node, uint32_t idx)
{
  SimNodeCold *c = sim_node_cold(node);
  if (!c->deferred)
    c->deferred = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  g_array_append_val(c->deferred, idx);
}

/* Runs one event. Returns FALSE if it was dead (cancelled, a timer of a
 * crashed incarnation) and so did not count. The record is released unless
 * it was deferred. */
static gboolean dispatch(Sim *sim, uint32_t idx)
{
  SimEvent *ev = sim_ev(sim, idx);
  if (ev->cancelled) {
    event_release(sim, idx);
    return FALSE;
  }
  SimNode *node = ev->node >= 0 ? sim_node(sim, ev->node) : NULL;
  switch ((SimEventKind) ev->kind) {
  case EV_DELIVER: {
    if (G_UNLIKELY(node->flags & SIM_NODE_SERVICE))
      return sim_service_dispatch(sim, node, idx);
    if (node->state == SIM_NODE_PAUSED) {
      sim_node_defer(node, idx);
      return TRUE;
    }
    SimMsg m;
    SimMsg *msg = &m;
    sim_event_msg(ev, msg);
    if (!ev->traced) {
      if (node->state == SIM_NODE_CRASHED || sim_net_is_cut(sim, msg->src, msg->dst)) {
        /* A link cut while the message was in flight loses it too. */
        sim->stats.dropped++;
        sim_trace_simple(sim, SIM_TR_DROP, msg->dst, msg->src, msg,
                         node->state == SIM_NODE_CRASHED ? "node down" : "cut", 0, 0);
        break;
      }
      sim->stats.delivered++;
      ev->traced = 1;
      sim_trace_simple(sim, SIM_TR_DELIVER, msg->dst, msg->src, msg, NULL, 0, 0);
      /* An observer may have crashed or paused the node as it arrived. */
      if (node->state == SIM_NODE_PAUSED) {
        sim_node_defer(node, idx);
        return TRUE;
      }
      if (node->state == SIM_NODE_CRASHED)
        break;
    }
    if (node->model->on_message) {
      sim_node_enter(node);
      node->model->on_message(node, msg);
      sim_node_leave(node);
    }
    break;
  }
  case EV_TIMER:
    if (node->state == SIM_NODE_CRASHED || ev->incarnation != node->incarnation) {
      event_release(sim, idx);
      return FALSE;
    }
    if (G_UNLIKELY(node->flags & SIM_NODE_SERVICE) && sim_service_serves_timers(node))
      return sim_service_dispatch(sim, node, idx);
    if (node->state == SIM_NODE_PAUSED) {
      sim_node_defer(node, idx);
      return TRUE;
    }
    if (!ev->traced) {
      sim->stats.timers++;
      ev->traced = 1;
      sim_trace_simple(sim, SIM_TR_TIMER, node->id, -1, NULL, NULL, (int64_t) ev->u.tag, 0);
      ev = sim_ev(sim, idx); /* observers may have grown the pool */
      if (node->state == SIM_NODE_PAUSED) {
        sim_node_defer(node, idx);
        return TRUE;
      }
      if (node->state == SIM_NODE_CRASHED)
        break;
    }
    if (node->model->on_timer) {
      uint64_t tag = ev->u.tag;
      sim_node_enter(node);
      node->model->on_timer(node, tag);
      sim_node_leave(node);
    }
    break;
  case EV_CALL: {
    SimCall call = *ev->u.call;
    /* Release first: the callback may schedule and grow the pool. */
    ev->u.call->destroy = NULL;
    event_release(sim, idx);
    call.fn(sim, call.data);
    if (call.destroy)
      call.destroy(call.data);
    return TRUE;
  }
  case EV_OP_TIMEOUT: {
    uint64_t op = ev->u.op;
    event_release(sim, idx);
    sim_op_timed_out(sim, op);
    return TRUE;
  }
  case EV_RETRY:
    if (node->state == SIM_NODE_PAUSED) {
      sim_node_defer(node, idx);
      return TRUE;
    }
    sim_retry_fire(sim, idx);
    return TRUE;
  case EV_NODE_START:
    if (ev->incarnation == node->incarnation && node->state != SIM_NODE_CRASHED) {
      if (node->state == SIM_NODE_PAUSED) {
        sim_node_defer(node, idx);
        return TRUE;
      }
      if (!ev->traced) {
        ev->traced = 1;
        sim_trace_simple(sim, SIM_TR_START, node->id, -1, NULL, node->model->name, 0, 0);
        if (node->state == SIM_NODE_PAUSED) {
          sim_node_defer(node, idx);
          return TRUE;
        }
        if (node->state == SIM_NODE_CRASHED)
          break;
      }
      event_release(sim, idx);
      if (node->model->init) {
        sim_node_enter(node);
        node->model->init(node);
        sim_node_leave(node);
      }
      return TRUE;
    }
    break;
  case EV_FREE:
    g_assert_not_reached();
  }
  event_release(sim, idx);
  return TRUE;
}

guint64 sim_run(Sim *sim, SimTime until)
{
  guint64 before = sim->stats.events;
  SimQueueEntry e;
  sim->stopped = FALSE;
  if (sim->failure)
    return 0;
  /* SIM_TIME_MAX is where saturated sums land: those events never run. */
  SimTime last = until < SIM_TIME_MAX ? until : SIM_TIME_MAX - 1;
  while (!sim->stopped && sim_queue_pop_until(&sim->queue, last, &e)) {
    if (!sim_budget_event(sim, e.time, e.payload))
      break;
    sim->now = e.time;
    /* The next events' records, and the next event's node and message,
     * are rarely in cache on large runs: ask for them while this one runs. */
    uint32_t next;
    if (sim_queue_next_payload(&sim->queue, 0, &next)) {
      sim_event_prefetch(sim, next);
      if (sim_queue_next_payload(&sim->queue, 1, &next))
        __builtin_prefetch(sim_ev(sim, next));
    }
    if (dispatch(sim, e.payload))
      sim->stats.events++;
  }
  if (!sim->stopped && until != SIM_TIME_MAX && sim->now < until)
    sim->now = until;
  return sim->stats.events - before;
}

void sim_stop(Sim *sim) { sim->stopped = TRUE; }

void sim_fail(Sim *sim, const char *fmt, ...)
{
  if (!sim->failure) {
    va_list ap;
    va_start(ap, fmt);
    sim->failure = g_strdup_vprintf(fmt, ap);
    va_end(ap);
  }
  sim->stopped = TRUE;
}

const char *sim_failure(const Sim *sim) { return sim->failure; }
gboolean sim_stopped(const Sim *sim) { return sim->stopped; }

void sim_finish(Sim *sim)
{
  if (sim->finished)
    return;
  sim->finished = TRUE;
  /* Each model's finish hook once, models in order of first appearance. */
  g_autoptr(GPtrArray) seen = g_ptr_array_new();
  for (guint i = 0; i < sim->nnodes; i++) {
    const SimModel *m = sim_node(sim, (int) i)->model;
    if (!m->finish || g_ptr_array_find(seen, m, NULL))
      continue;
    g_ptr_array_add(seen, (gpointer) m);
    g_autoptr(GPtrArray) mine = g_ptr_array_new();
    for (guint j = 0; j < sim->nnodes; j++)
      if (sim_node(sim, (int) j)->model == m)
        g_ptr_array_add(mine, sim_node(sim, (int) j));
    m->finish(sim, (SimNode *const *) mine->pdata, mine->len);
  }
}

/* ---- nodes ---- */

int sim_add_node(Sim *sim, const char *name, const SimModel *model, GHashTable *params, GError **error)
{
  if (sim_node_find(sim, name) >= 0) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "node name '%s' is used twice", name);
    return -1;
  }
  if (sim->nnodes >= (guint) G_MAXINT) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "more than %d nodes", G_MAXINT);
    return -1;
  }
  int id = (int) sim->nnodes;
  SimNode *node = sim_node_create(sim, id, name, model);
  if (!sim_node_parse_params(node, params, error)) {
    g_prefix_error(error, "node '%s' (%s): ", name, model->name);
    sim_node_destroy(node); /* its slot is reused by the next node added */
    return -1;
  }
  sim->nnodes++;
  /* Past the caches' reach, a delivery's node record is rarely in cache
   * however few events are queued: have the queue's lookahead ask for it. */
  if (sim->nnodes == NODES_PAST_CACHE)
    sim->queue.ahead_above = 0;
  g_hash_table_add(sim->node_by_name, node);
  sim_mem_charge(sim, SIM_MEM_NODES, (gssize) sim_node_bytes(node));
  uint32_t ev = sim_event_alloc(sim, EV_NODE_START, id);
  sim_ev(sim, ev)->incarnation = node->incarnation;
  sim_event_push(sim, sim->now, ev);
  return id;
}

guint sim_node_count(const Sim *sim) { return sim->nnodes; }

SimNode *sim_node(Sim *sim, int id)
{
  g_return_val_if_fail(id >= 0 && (guint) id < sim->nnodes, NULL);
  return sim_node_at(sim, id);
}

int sim_node_find(const Sim *sim, const char *name)
{
  SimNode key = { .name = name };
  const SimNode *node = g_hash_table_lookup(sim->node_by_name, &key);
  return node ? node->id : -1;
}

/* ---- faults on nodes ---- */

void sim_crash(Sim *sim, int id)
{
  SimNode *node = sim_node(sim, id);
  if (node->state == SIM_NODE_CRASHED)
    return;
  if (node->model->on_crash && node->state == SIM_NODE_UP)
    node->model->on_crash(node);
  node->state = SIM_NODE_CRASHED;
  sim_node_drop_volatile(node);
  if (node->flags & SIM_NODE_SERVICE)
    sim_service_crashed(node);
  GArray *deferred = node->cold ? node->cold->deferred : NULL;
  if (deferred) {
    /* Deferred messages are lost with the node; deferred timers die. */
    for (guint i = 0; i < deferred->len; i++) {
      uint32_t idx = g_array_index(deferred, uint32_t, i);
      SimEvent *ev = sim_ev(sim, idx);
      if (ev->kind == EV_DELIVER && !ev->cancelled) {
        SimMsg m;
        sim_event_msg(ev, &m);
        sim->stats.dropped++;
        sim_trace_simple(sim, SIM_TR_DROP, m.dst, m.src, &m, "node down", 0, 0);
      } else if (G_UNLIKELY(ev->kind == EV_RETRY)) {
        sim_retry_lost(sim, idx);
      }
      event_release(sim, idx);
    }
    g_array_set_size(deferred, 0);
  }
  sim_uptime_crash(node, sim->now);
  sim_trace_simple(sim, SIM_TR_CRASH, id, -1, NULL, NULL, node->incarnation, 0);
}

void sim_restart(Sim *sim, int id)
{
  SimNode *node = sim_node(sim, id);
  if (node->state != SIM_NODE_CRASHED)
    return;
  node->state = SIM_NODE_UP;
  node->incarnation++;
  if (node->flags & SIM_NODE_SERVICE)
    sim_service_restarted(node);
  sim_uptime_restart(node, sim->now);
  sim_trace_simple(sim, SIM_TR_RESTART, id, -1, NULL, NULL, node->incarnation, 0);
  /* An observer may have crashed it again at once. */
  if (node->state == SIM_NODE_CRASHED)
    return;
  sim_node_enter(node);
  if (node->model->on_restart)
    node->model->on_restart(node);
  else if (node->model->init)
    node->model->init(node);
  sim_node_leave(node);
}

void sim_pause(Sim *sim, int id)
{
  SimNode *node = sim_node(sim, id);
  if (node->state != SIM_NODE_UP)
    return;
  node->state = SIM_NODE_PAUSED;
  if (node->flags & SIM_NODE_SERVICE)
    sim_service_paused(node);
  sim_trace_simple(sim, SIM_TR_PAUSE, id, -1, NULL, NULL, 0, 0);
}

void sim_resume(Sim *sim, int id)
{
  SimNode *node = sim_node(sim, id);
  if (node->state != SIM_NODE_PAUSED)
    return;
  node->state = SIM_NODE_UP;
  if (node->flags & SIM_NODE_SERVICE)
    sim_service_resumed(node);
  GArray *deferred = node->cold ? node->cold->deferred : NULL;
  guint waiting = deferred ? deferred->len : 0;
  sim_trace_simple(sim, SIM_TR_RESUME, id, -1, NULL, NULL, waiting, 0);
  /* What arrived or fell due during the pause runs now, in arrival order. */
  for (guint i = 0; i < waiting; i++)
    sim_event_push(sim, sim->now, g_array_index(deferred, uint32_t, i));
  if (deferred)
    g_array_set_size(deferred, 0);
}

/* The drift accumulated since the anchor. |ppb| <= 1e9, so the result is
 * no larger than the time elapsed and fits. */
static SimTime drift_part(const SimNodeCold *c, SimTime now)
{
  return (SimTime) (((__int128) now - c->drift_anchor) * c->drift_ppb / 1000000000);
}

/* The clock's offset from true time now, drift included (128-bit). */
static __int128 clock_offset_now(const SimNode *node)
{
  if (!(node->flags & SIM_NODE_SKEWED))
    return 0;
  const SimNodeCold *c = node->cold;
  return (__int128) c->clock_offset + (c->drift_ppb ? drift_part(c, node->sim->now) : 0);
}

SimTime sim_node_clock(const SimNode *node)
{
  if (!(node->flags & SIM_NODE_SKEWED))
    return node->sim->now;
  return sim_time_from_i128_sat((__int128) node->sim->now + clock_offset_now(node));
}

SimTime sim_node_real_delay(const SimNode *node, SimTime local_delay)
{
  if (!(node->flags & SIM_NODE_SKEWED) || node->cold->drift_ppb == 0)
    return local_delay;
  /* A clock at -500000 ppm takes twice as long: this may pass int64. */
  return sim_time_from_i128_sat((__int128) local_delay * 1000000000 / (1000000000 + node->cold->drift_ppb));
}

/* Moves the offset by `delta` (128-bit) if the result stays within
 * ±SIM_CLOCK_OFFSET_MAX, and traces the jump. */
static gboolean jump_by(Sim *sim, int id, __int128 delta)
{
  SimNode *node = sim_node(sim, id);
  SimNodeCold *c = sim_node_cold(node);
  __int128 offset = (__int128) c->clock_offset + delta;
  if (offset > SIM_CLOCK_OFFSET_MAX || offset < -SIM_CLOCK_OFFSET_MAX)
    return FALSE;
  c->clock_offset = (SimTime) offset;
  node->flags |= SIM_NODE_SKEWED;
  sim_trace_simple(sim, SIM_TR_CLOCK, id, -1, NULL, "jump", (int64_t) delta, 0);
  return TRUE;
}

gboolean sim_clock_jump(Sim *sim, int id, SimTime delta)
{
  return jump_by(sim, id, delta);
}

gboolean sim_clock_set_offset(Sim *sim, int id, SimTime offset)
{
  __int128 delta = (__int128) offset - clock_offset_now(sim_node(sim, id));
  if (delta > SIM_TIME_MAX || delta < SIM_TIME_MIN)
    return FALSE;
  return jump_by(sim, id, delta);
}

gboolean sim_resolve_nodes(Sim *sim, GError **error)
{
  for (guint i = 0; i < sim->nnodes; i++)
    if (!sim_node_resolve_params(sim_node(sim, (int) i), error))
      return FALSE;
  return TRUE;
}

void sim_clock_set_drift(Sim *sim, int id, double ppm)
{
  SimNode *node = sim_node(sim, id);
  SimNodeCold *c = sim_node_cold(node);
  /* Fold the drift so far into the offset, then drift from now. A clock may
   * run at most 2x fast or 0.5x slow. */
  c->clock_offset = sim_time_from_i128_sat((__int128) c->clock_offset + drift_part(c, sim->now));
  c->drift_anchor = sim->now;
  double ppb = CLAMP(ppm, -500000.0, 1000000.0) * 1000.0;
  c->drift_ppb = (int64_t) ppb;
  node->flags |= SIM_NODE_SKEWED;
  sim_trace_simple(sim, SIM_TR_CLOCK, id, -1, NULL, "drift", c->drift_ppb, 0);
}
