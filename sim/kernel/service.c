/* A node's service model (see service.h): servers, a FIFO waiting room,
 * per-type service times, and the time-weighted counters behind the
 * capacity metrics.
 *
 * A job is the event record of the delivery (or timer) itself, moving
 * through SimJobStage: it arrives (popped from the event queue), waits in
 * the ring of event indices, is pushed back into the event queue at the end
 * of its service time, and runs the model's handler when it pops there.
 *
 * Pauses stop work in progress without touching the event queue: each
 * server remembers the node's total paused time (`pause_total`) when its
 * job's end was last set. When the end pops and the node has been paused
 * since, the end moves later by the pause and the job goes back into the
 * event queue; an end that pops during a pause waits with the node's
 * deferred events and is moved the same way after the resume. */
#include "sim/kernel/service.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include <math.h>
#include <string.h>

#define NO_JOB UINT32_MAX

typedef struct SimService SimService;

/* A latency series: the histogram (ms), the range of positive samples
 * (ns) it has buckets for, and the latest samples not yet in it. The
 * histogram lives apart from the node's other state; adding samples to it
 * a batch at a time keeps that memory out of the per-job path. */
#define SERIES_BATCH 16
typedef struct {
  SimHistogram *ms;
  SimTime lo, hi; /* hi == 0: no positive sample yet */
  guint npending;
  SimTime pending[SERIES_BATCH];
} Series;

/* A job waiting in the ring: its event and when it arrived. */
typedef struct {
  uint32_t ev;
  SimTime arrived;
} Waiting;

typedef struct {
  uint32_t ev;       /* the job in service, or NO_JOB */
  SimTime arrived;   /* when it arrived at the node */
  gboolean frozen;   /* its end fell due during a pause: in the node's deferred events */
  SimTime done;      /* when its service ends, pauses since `mark` excluded */
  SimTime started;
  SimTime mark;      /* pause_total when `done` was set */
} Server;


/* Hot fields first (a job reads most of them), so that a node's state
 * spans few cache lines; the arrays of the common small cases live inside
 * the struct, not in allocations of their own. */
#define SMALL_LENGTHS 8
struct SimService {
  gboolean working;   /* up and not paused: servers make progress */
  gboolean paused;
  guint nservers, busy, nidle, ntypes;
  SimOverflow overflow;
  gboolean timers;
  guint64 capacity;
  guint64 ring_cap, head, len;
  Waiting *ring;      /* waiting jobs, FIFO */
  Server *servers;
  uint32_t *idle;     /* stack of idle server indices */
  SimTime pause_total;

  /* Time-weighted counters, brought up to `last` by touch(). */
  SimTime last;
  __int128 busy_area, queue_area, system_area; /* count × ns */
  guint64 *time_at_len; /* ns spent with each queue length */
  guint64 time_at_len_cap;
  guint64 queue_max;
  guint64 arrivals, completions, overload_drops, rejected, abandoned, started;
  __int128 wait_sum, response_sum; /* ns */

  SimDist time;
  SimRng rng;
  Server one_server;  /* `servers` when there is one */
  uint32_t one_idle;
  guint64 small_lengths[SMALL_LENGTHS]; /* `time_at_len` until it grows */

  const char **types; /* sim_intern'd */
  SimDist *type_times;
  SimDist timer_time;
  SimTime paused_since, born;
  Series wait, response;
};

void sim_service_spec_init(SimServiceSpec *spec)
{
  memset(spec, 0, sizeof *spec);
  spec->time = sim_dist_constant(0);
  spec->timer_time = sim_dist_constant(0);
  spec->servers = 1;
  spec->queue = 1000;
  spec->overflow = SIM_OVERFLOW_DROP;
}

gboolean sim_service_serves_timers(const SimNode *node)
{
  return sim_node_service(node)->timers;
}

gboolean sim_node_has_service(Sim *sim, int node)
{
  return sim_node_service(sim_node(sim, node)) != NULL;
}

static void charge(Sim *sim, gssize bytes)
{
  sim_mem_charge(sim, SIM_MEM_EVENTS, bytes);
}

gboolean sim_node_set_service(Sim *sim, int id, const SimServiceSpec *spec, GError **error)
{
  SimNode *node = sim_node(sim, id);
  if (sim_node_service(node)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "node '%s' already has a service model", node->name);
    return FALSE;
  }
  if (spec->servers < 1 || spec->servers > SIM_SERVICE_MAX_SERVERS) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "service: servers must be 1..%d, not %u",
                SIM_SERVICE_MAX_SERVERS, spec->servers);
    return FALSE;
  }
  if (spec->queue > SIM_SERVICE_MAX_QUEUE) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "service: queue must be 0..%d, not %" G_GUINT64_FORMAT,
                SIM_SERVICE_MAX_QUEUE, spec->queue);
    return FALSE;
  }
  SimService *s = g_new0(SimService, 1);
  s->time = spec->time;
  s->ntypes = spec->ntypes;
  s->types = g_new0(const char *, s->ntypes + 1);
  s->type_times = g_new0(SimDist, s->ntypes + 1);
  for (guint i = 0; i < s->ntypes; i++) {
    const SimServiceTypeTime *t = &spec->by_type[i];
    s->types[i] = sim_intern(sim, t->type);
    s->type_times[i] = t->time;
  }
  s->timer_time = spec->timer_time;
  s->timers = spec->timers;
  s->overflow = spec->overflow;
  s->capacity = spec->queue;
  sim_rng_init_indexed(&s->rng, sim->seed, "service", (uint64_t) id);
  s->nservers = spec->servers;
  s->servers = s->nservers == 1 ? &s->one_server : g_new0(Server, s->nservers);
  s->idle = s->nservers == 1 ? &s->one_idle : g_new(uint32_t, s->nservers);
  s->time_at_len = s->small_lengths;
  s->time_at_len_cap = SMALL_LENGTHS;
  for (guint i = 0; i < s->nservers; i++) {
    s->servers[i].ev = NO_JOB;
    s->idle[i] = s->nservers - 1 - i; /* server 0 is taken first */
  }
  s->nidle = s->nservers;
  s->working = node->state == SIM_NODE_UP;
  s->paused = node->state == SIM_NODE_PAUSED;
  s->paused_since = sim->now;
  s->born = s->last = sim->now;
  s->wait.ms = sim_histogram_new();
  s->response.ms = sim_histogram_new();
  sim_node_cold(node)->service = s;
  node->flags |= SIM_NODE_SERVICE;
  charge(sim, (gssize) (sizeof *s + s->ntypes * (sizeof(char *) + sizeof(SimDist)) +
                        (s->nservers > 1 ? s->nservers * (sizeof(Server) + sizeof(uint32_t)) : 0) +
                        sim_histogram_bytes(s->wait.ms) + sim_histogram_bytes(s->response.ms)));
  return TRUE;
}

void sim_service_free(SimService *s)
{
  g_free(s->types);
  g_free(s->type_times);
  if (s->servers != &s->one_server)
    g_free(s->servers);
  if (s->idle != &s->one_idle)
    g_free(s->idle);
  g_free(s->ring);
  if (s->time_at_len != s->small_lengths)
    g_free(s->time_at_len);
  sim_histogram_free(s->wait.ms);
  sim_histogram_free(s->response.ms);
  g_free(s);
}

/* ---- counters ---- */

/* Brings the time-weighted counters up to now; call before the number
 * waiting, the number busy or the node's state changes. */
static void touch(Sim *sim, SimService *s)
{
  SimTime dt = sim->now - s->last;
  if (dt <= 0)
    return;
  if (s->working)
    s->busy_area += (__int128) s->busy * dt;
  s->queue_area += (__int128) s->len * dt;
  s->system_area += (__int128) (s->len + s->busy) * dt;
  s->time_at_len[s->len] += (guint64) dt;
  s->last = sim->now;
}

/* Grows time_at_len so index `len` exists. */
static void track_length(Sim *sim, SimService *s, guint64 len)
{
  if (len > s->queue_max)
    s->queue_max = len;
  if (len < s->time_at_len_cap)
    return;
  guint64 cap = s->time_at_len_cap;
  while (cap <= len)
    cap *= 2;
  guint64 *grown = g_new0(guint64, cap);
  memcpy(grown, s->time_at_len, s->time_at_len_cap * sizeof(guint64));
  if (s->time_at_len != s->small_lengths)
    g_free(s->time_at_len);
  s->time_at_len = grown;
  charge(sim, (gssize) ((cap - (s->time_at_len_cap == SMALL_LENGTHS ? 0 : s->time_at_len_cap)) * sizeof(guint64)));
  s->time_at_len_cap = cap;
}

/* Moves the pending samples into the histogram. It grows only for a
 * positive value outside the positive range seen so far (zeros are a
 * counter), so only then are its bytes counted again. */
static void series_flush(Sim *sim, Series *sr)
{
  for (guint i = 0; i < sr->npending; i++) {
    SimTime ns = sr->pending[i];
    gboolean grows = ns > 0 && (sr->hi == 0 || ns < sr->lo || ns > sr->hi);
    gsize before = grows ? sim_histogram_bytes(sr->ms) : 0;
    sim_histogram_add(sr->ms, (double) ns / 1e6);
    if (!grows)
      continue;
    sr->lo = sr->hi == 0 || ns < sr->lo ? ns : sr->lo;
    sr->hi = MAX(sr->hi, ns);
    gsize after = sim_histogram_bytes(sr->ms);
    if (after != before)
      sim_mem_charge(sim, SIM_MEM_METRICS, (gssize) after - (gssize) before);
  }
  sr->npending = 0;
}

static inline void sample(Sim *sim, Series *sr, SimTime ns)
{
  sr->pending[sr->npending++] = ns;
  if (sr->npending == SERIES_BATCH)
    series_flush(sim, sr);
}

/* ---- the waiting room ---- */

static void enqueue(Sim *sim, SimService *s, uint32_t idx)
{
  if (s->len == s->ring_cap) {
    guint64 cap = s->ring_cap ? s->ring_cap * 2 : 64;
    Waiting *ring = g_new(Waiting, cap);
    for (guint64 i = 0; i < s->len; i++)
      ring[i] = s->ring[(s->head + i) % s->ring_cap];
    g_free(s->ring);
    charge(sim, (gssize) ((cap - s->ring_cap) * sizeof(Waiting)));
    s->ring = ring;
    s->ring_cap = cap;
    s->head = 0;
  }
  s->ring[(s->head + s->len) % s->ring_cap] = (Waiting) { idx, sim->now };
  s->len++;
  track_length(sim, s, s->len);
  sim_ev(sim, idx)->stage = SIM_JOB_QUEUED;
}

static Waiting dequeue(SimService *s)
{
  Waiting w = s->ring[s->head];
  s->head = (s->head + 1) % s->ring_cap;
  s->len--;
  return w;
}

/* ---- jobs ---- */

static const SimDist *service_time(const SimService *s, const SimEvent *ev)
{
  if (ev->kind == EV_TIMER)
    return &s->timer_time;
  if (s->ntypes == 0)
    return &s->time; /* without reading the message: it may be cold */
  const char *type = ev->u.msg->type;
  for (guint i = 0; i < s->ntypes; i++)
    if (s->types[i] == type || strcmp(s->types[i], type) == 0)
      return &s->type_times[i];
  return &s->time;
}

/* Puts job `idx`, which arrived at `arrived`, on an idle server (there is
 * one, and the node works). */
static void start(Sim *sim, SimService *s, uint32_t idx, SimTime arrived)
{
  uint32_t k = s->idle[--s->nidle];
  s->busy++;
  SimEvent *ev = sim_ev(sim, idx);
  ev->stage = SIM_JOB_IN_SERVICE;
  ev->slot = (uint16_t) k; /* servers <= SIM_SERVICE_MAX_SERVERS */
  SimTime wait = sim->now - arrived;
  s->started++;
  s->wait_sum += wait;
  sample(sim, &s->wait, wait);
  SimTime d = sim_dist_draw(service_time(s, ev), &s->rng);
  if (ev->kind == EV_DELIVER)
    __builtin_prefetch(ev->u.msg); /* read by the trace and the handler at the end */
  Server *srv = &s->servers[k];
  *srv = (Server) { idx, arrived, FALSE, sim_time_after(sim->now, d), sim->now, s->pause_total };
  sim_event_push(sim, srv->done, idx);
}

/* Starts waiting jobs while a server is idle and the node works. A timer
 * the model cancelled while it waited just leaves. */
static void fill(Sim *sim, SimService *s)
{
  while (s->working && s->nidle > 0 && s->len > 0) {
    touch(sim, s);
    Waiting w = dequeue(s);
    if (sim_ev(sim, w.ev)->cancelled) {
      sim_event_release(sim, w.ev);
      continue;
    }
    start(sim, s, w.ev, w.arrived);
  }
  /* The next job's record is touched when it starts, a service time from
   * now: with deep queues it is rarely in cache, so ask for it early. */
  if (s->len > 0)
    __builtin_prefetch(sim_ev(sim, s->ring[s->head].ev));
}

/* An arrival that found the waiting room full. */
static void overflow(Sim *sim, SimNode *node, SimService *s, uint32_t idx)
{
  SimMsg m, *msg = &m;
  sim_event_msg(sim_ev(sim, idx), msg);
  sim->stats.dropped++;
  if (s->overflow == SIM_OVERFLOW_REJECT && node->state == SIM_NODE_UP && node->model->on_overload) {
    s->rejected++;
    sim_trace_simple(sim, SIM_TR_DROP, msg->dst, msg->src, msg, "rejected", 0, 0);
    if (node->state == SIM_NODE_UP) {
      sim_node_enter(node);
      node->model->on_overload(node, msg);
      sim_node_leave(node);
    }
  } else {
    s->overload_drops++;
    sim_trace_simple(sim, SIM_TR_DROP, msg->dst, msg->src, msg, "overload", 0, 0);
  }
  sim_event_release(sim, idx);
}

static gboolean arrive(Sim *sim, SimNode *node, SimService *s, uint32_t idx)
{
  SimEvent *ev = sim_ev(sim, idx);
  if (ev->kind == EV_DELIVER) {
    if (node->state == SIM_NODE_CRASHED || sim_net_is_cut(sim, ev->src, ev->node)) {
      SimMsg m, *msg = &m;
      sim_event_msg(ev, msg);
      sim->stats.dropped++;
      sim_trace_simple(sim, SIM_TR_DROP, msg->dst, msg->src, msg,
                       node->state == SIM_NODE_CRASHED ? "node down" : "cut", 0, 0);
      sim_event_release(sim, idx);
      return TRUE;
    }
  }
  gboolean now_free = s->working && s->nidle > 0;
  /* Timers are the node's own work: they wait, whatever the bound. */
  if (!now_free && ev->kind == EV_DELIVER && s->len >= s->capacity) {
    overflow(sim, node, s, idx);
    return TRUE;
  }
  touch(sim, s);
  s->arrivals++;
  if (now_free)
    start(sim, s, idx, sim->now);
  else
    enqueue(sim, s, idx);
  return TRUE;
}

/* Runs the handler of served job `idx`, tracing it first unless done. */
static gboolean handle(Sim *sim, SimNode *node, uint32_t idx, SimTime waited, SimTime served)
{
  SimEvent *ev = sim_ev(sim, idx);
  ev->stage = SIM_JOB_SERVED;
  SimMsg m;
  if (ev->kind == EV_DELIVER)
    sim_event_msg(ev, &m);
  if (!ev->traced) {
    ev->traced = 1;
    if (ev->kind == EV_DELIVER) {
      sim->stats.delivered++;
      sim_trace_simple(sim, SIM_TR_DELIVER, m.dst, m.src, &m, NULL, waited, served);
    } else {
      sim->stats.timers++;
      sim_trace_simple(sim, SIM_TR_TIMER, node->id, -1, NULL, NULL, (int64_t) ev->u.tag, 0);
    }
    ev = sim_ev(sim, idx); /* observers may have grown the pool */
    if (node->state == SIM_NODE_PAUSED) {
      sim_node_defer(node, idx);
      return TRUE;
    }
  }
  if (node->state == SIM_NODE_UP) {
    sim_node_enter(node);
    if (ev->kind == EV_DELIVER) {
      if (node->model->on_message)
        node->model->on_message(node, &m);
    } else if (node->model->on_timer) {
      node->model->on_timer(node, ev->u.tag);
    }
    sim_node_leave(node);
  }
  sim_event_release(sim, idx);
  return TRUE;
}

/* The end of job `idx`'s service time popped. */
static gboolean finish(Sim *sim, SimNode *node, SimService *s, uint32_t idx)
{
  uint32_t k = sim_ev(sim, idx)->slot;
  Server *srv = &s->servers[k];
  if (node->state == SIM_NODE_PAUSED) {
    srv->frozen = TRUE;
    sim_node_defer(node, idx);
    return FALSE;
  }
  srv->frozen = FALSE;
  if (srv->mark != s->pause_total) {
    /* Paused since its end was set: the work stopped that long. */
    srv->done = sim_time_add_sat(srv->done, s->pause_total - srv->mark);
    srv->mark = s->pause_total;
    if (srv->done > sim->now) {
      sim_event_push(sim, srv->done, idx);
      return FALSE;
    }
  }
  touch(sim, s);
  SimTime arrived = srv->arrived;
  SimTime waited = srv->started - arrived, served = sim->now - srv->started;
  srv->ev = NO_JOB;
  s->idle[s->nidle++] = k;
  s->busy--;
  s->completions++;
  s->response_sum += sim->now - arrived;
  sample(sim, &s->response, sim->now - arrived);
  fill(sim, s);
  return handle(sim, node, idx, waited, served);
}

gboolean sim_service_dispatch(Sim *sim, SimNode *node, uint32_t idx)
{
  SimService *s = sim_node_service(node);
  switch ((SimJobStage) sim_ev(sim, idx)->stage) {
  case SIM_JOB_ARRIVING:
    return arrive(sim, node, s, idx);
  case SIM_JOB_IN_SERVICE:
    return finish(sim, node, s, idx);
  case SIM_JOB_SERVED:
    return handle(sim, node, idx, 0, 0);
  case SIM_JOB_QUEUED:
    break;
  }
  g_assert_not_reached();
}

void sim_service_cancelled(Sim *sim, uint32_t idx)
{
  SimEvent *ev = sim_ev(sim, idx);
  SimService *s = ev->node >= 0 ? sim_node_service(sim_node(sim, ev->node)) : NULL;
  if (!s || s->servers[ev->slot].ev != idx)
    return; /* lost at a crash: the server was freed then */
  touch(sim, s);
  s->servers[ev->slot].ev = NO_JOB;
  s->idle[s->nidle++] = ev->slot;
  s->busy--;
  fill(sim, s);
}

/* ---- faults ---- */

void sim_service_paused(SimNode *node)
{
  SimService *s = sim_node_service(node);
  touch(node->sim, s);
  s->working = FALSE;
  s->paused = TRUE;
  s->paused_since = node->sim->now;
}

void sim_service_resumed(SimNode *node)
{
  SimService *s = sim_node_service(node);
  touch(node->sim, s);
  s->working = TRUE;
  s->paused = FALSE;
  s->pause_total = sim_time_add_sat(s->pause_total, node->sim->now - s->paused_since);
  fill(node->sim, s);
}

void sim_service_restarted(SimNode *node)
{
  SimService *s = sim_node_service(node);
  touch(node->sim, s);
  s->working = TRUE;
}

/* Traces one lost job as a drop (messages only: a timer just dies). */
static void lose(Sim *sim, SimService *s, uint32_t idx)
{
  SimEvent *ev = sim_ev(sim, idx);
  s->abandoned++;
  if (ev->kind == EV_DELIVER) {
    SimMsg m;
    sim_event_msg(ev, &m);
    sim->stats.dropped++;
    sim_trace_simple(sim, SIM_TR_DROP, m.dst, m.src, &m, "node down", 0, 0);
  }
}

void sim_service_crashed(SimNode *node)
{
  Sim *sim = node->sim;
  SimService *s = sim_node_service(node);
  touch(sim, s);
  if (s->paused)
    s->pause_total = sim_time_add_sat(s->pause_total, sim->now - s->paused_since);
  s->working = FALSE;
  s->paused = FALSE;
  /* Detach everything first: observers of the drops below may restart the
   * node and give it new jobs. In service first (oldest), then the queue. */
  g_autoptr(GArray) in_service = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  for (guint k = 0; k < s->nservers; k++) {
    Server *srv = &s->servers[k];
    if (srv->ev == NO_JOB)
      continue;
    g_array_append_val(in_service, srv->ev);
    /* In the event queue or among the node's deferred events: released
     * from there, as cancelled. */
    sim_ev(sim, srv->ev)->cancelled = 1;
    srv->ev = NO_JOB;
  }
  g_autoptr(GArray) waiting = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), (guint) s->len);
  while (s->len > 0) {
    uint32_t idx = dequeue(s).ev;
    g_array_append_val(waiting, idx);
  }
  s->busy = 0;
  s->nidle = s->nservers;
  for (guint i = 0; i < s->nservers; i++)
    s->idle[i] = s->nservers - 1 - i;
  for (guint i = 0; i < in_service->len; i++)
    lose(sim, s, g_array_index(in_service, uint32_t, i));
  for (guint i = 0; i < waiting->len; i++) {
    uint32_t idx = g_array_index(waiting, uint32_t, i);
    lose(sim, s, idx);
    sim_event_release(sim, idx);
  }
}

/* ---- figures ---- */

gboolean sim_node_service_stats(Sim *sim, int id, SimTime end, SimServiceStats *out)
{
  SimNode *node = sim_node(sim, id);
  SimService *s = sim_node_service(node);
  if (!s)
    return FALSE;
  series_flush(sim, &s->wait);
  series_flush(sim, &s->response);
  SimTime open = end > s->last ? end - s->last : 0;
  __int128 busy = s->busy_area + (s->working ? (__int128) s->busy * open : 0);
  __int128 queue = s->queue_area + (__int128) s->len * open;
  __int128 system = s->system_area + (__int128) (s->len + s->busy) * open;
  SimTime observed = end - s->born;
  SimNodeUptime u;
  sim_node_uptime(sim, id, end, &u);
  double up_ns = isnan(u.uptime) ? 0 : u.uptime * (double) (end - sim_node_born(node));
  memset(out, 0, sizeof *out);
  out->servers = s->nservers;
  out->queue_capacity = s->capacity;
  out->arrivals = s->arrivals;
  out->completions = s->completions;
  out->overload_drops = s->overload_drops;
  out->rejected = s->rejected;
  out->abandoned = s->abandoned;
  out->in_system = s->len + s->busy;
  out->observed_s = sim_time_to_seconds(observed);
  out->utilization = up_ns > 0 ? (double) busy / ((double) s->nservers * up_ns) : NAN;
  out->queue_mean = observed > 0 ? (double) queue / (double) observed : NAN;
  out->system_mean = observed > 0 ? (double) system / (double) observed : NAN;
  out->arrival_rate = observed > 0 ? (double) s->arrivals / sim_time_to_seconds(observed) : NAN;
  out->queue_max = s->queue_max;
  /* The smallest length the queue was at or under for 99% of the time. */
  if (observed > 0) {
    double need = 0.99 * (double) observed, seen = 0;
    out->queue_p99 = s->queue_max;
    for (guint64 len = 0; len < s->time_at_len_cap; len++) {
      seen += (double) s->time_at_len[len] + (len == s->len ? (double) open : 0);
      if (seen >= need) {
        out->queue_p99 = len;
        break;
      }
    }
  }
  out->wait_mean_ms = s->started ? (double) s->wait_sum / 1e6 / (double) s->started : NAN;
  out->response_mean_ms = s->completions ? (double) s->response_sum / 1e6 / (double) s->completions : NAN;
  out->wait_ms = s->wait.ms;
  out->response_ms = s->response.ms;
  return TRUE;
}
