/* The fault schedule: recording every fault a run applies, replaying a
 * list of faults in place of the scenario's own, and printing faults as
 * Lua. See fault_schedule.h. */
#include "sim/lua/fault_schedule.h"
#include "sim/kernel/dist.h"
#include <string.h>

static void fault_clear(gpointer p)
{
  Fault *f = p;
  g_clear_pointer(&f->group_of, g_free);
  g_clear_pointer(&f->trigger_type, g_free);
}

FaultSchedule *fault_schedule_new(void)
{
  FaultSchedule *s = g_new0(FaultSchedule, 1);
  s->faults = g_array_new(FALSE, FALSE, sizeof(Fault));
  g_array_set_clear_func(s->faults, fault_clear);
  return s;
}

void fault_schedule_free(FaultSchedule *s)
{
  if (!s)
    return;
  g_array_unref(s->faults);
  g_free(s);
}

void fault_schedule_add(FaultSchedule *s, const Fault *f)
{
  Fault copy = *f;
  if (f->group_of)
    copy.group_of = g_memdup2(f->group_of, sizeof(int) * f->nodes);
  copy.trigger_type = g_strdup(f->trigger_type);
  g_array_append_val(s->faults, copy);
}

FaultSchedule *fault_schedule_copy(const FaultSchedule *s)
{
  FaultSchedule *c = fault_schedule_new();
  for (guint i = 0; i < s->faults->len; i++)
    fault_schedule_add(c, fault_schedule_get(s, i));
  return c;
}

guint fault_schedule_len(const FaultSchedule *s) { return s->faults->len; }

Fault *fault_schedule_get(const FaultSchedule *s, guint i) { return &g_array_index(s->faults, Fault, i); }

/* ---- applying ---- */

typedef struct {
  int node;
  gboolean restart;
} NodeAction;

static void node_action(Sim *sim, void *data)
{
  NodeAction *a = data;
  if (a->restart)
    sim_restart(sim, a->node);
  else
    sim_resume(sim, a->node);
}

/* The restart of crash_restart() or the resume of a timed pause(): one
 * event scheduled while the fault applies, as the script's call did. */
static void later(Sim *sim, SimTime delay, int node, gboolean restart)
{
  NodeAction *a = g_new(NodeAction, 1);
  a->node = node;
  a->restart = restart;
  sim_schedule(sim, sim_time_after(sim_now(sim), delay), node_action, a, g_free);
}

gboolean fault_apply(Sim *sim, const Fault *f)
{
  switch (f->kind) {
  case FAULT_CRASH: sim_crash(sim, f->node); break;
  case FAULT_RESTART: sim_restart(sim, f->node); break;
  case FAULT_CRASH_RESTART:
    sim_crash(sim, f->node);
    later(sim, f->span, f->node, TRUE);
    break;
  case FAULT_PAUSE:
    sim_pause(sim, f->node);
    if (f->span >= 0)
      later(sim, f->span, f->node, FALSE);
    break;
  case FAULT_RESUME: sim_resume(sim, f->node); break;
  case FAULT_CLOCK_JUMP: return sim_clock_jump(sim, f->node, f->span);
  case FAULT_CLOCK_OFFSET: return sim_clock_set_offset(sim, f->node, f->span);
  case FAULT_CLOCK_DRIFT: sim_clock_set_drift(sim, f->node, f->ppm); break;
  case FAULT_PARTITION: sim_net_partition(sim, f->group_of, MIN(f->nodes, sim_node_count(sim))); break;
  case FAULT_HEAL: sim_net_heal(sim); break;
  case FAULT_CUT: sim_net_cut(sim, f->node, f->peer, TRUE); break;
  case FAULT_RESTORE: sim_net_cut(sim, f->node, f->peer, FALSE); break;
  case FAULT_LINK:
    sim_net_set_link(sim, f->node, f->peer, &f->link[0]);
    if (!f->oneway)
      sim_net_set_link(sim, f->peer, f->node, &f->link[1]);
    break;
  case FAULT_LOSE_UNSYNCED: sim_log_lose_unsynced(sim, f->node); break;
  }
  return TRUE;
}

/* ---- recording and replaying ---- */

struct FaultLog {
  Sim *sim;
  FaultSchedule *record;
  const FaultSchedule *replay;
  gboolean exact;
  guint64 traced;   /* trace events so far */
  SimTime last;     /* the time of the last traced event */
  /* The last event traced that no fault made: a hook's fault was made at it. */
  int seen_kind, seen_node, seen_peer;
  const char *seen_type;
  guint applying;    /* a fault is being applied (its own events trace) */
  GArray *armed;    /* of guint: replayed faults made in hooks, waiting for
                       their event (not exact) */
  GArray *waiting;  /* of guint: replayed faults whose time has come but
                       whose traced events have not, in schedule order */
};

typedef struct {
  FaultLog *log;
  guint index;
} Injection;

/* Whether an event was traced at the current instant already. */
static gboolean now_traced(FaultLog *log)
{
  return log->traced > 0 && log->last == sim_now(log->sim);
}

/* Records `f`, applied now after `pos` traced events. */
static void note(FaultLog *log, const Fault *f, gboolean in_hook, guint64 pos, gboolean follows)
{
  if (!log || !log->record)
    return;
  Fault copy = *f;
  copy.triggered = in_hook;
  copy.trigger_type = NULL;
  if (in_hook) {
    copy.trigger_kind = log->seen_kind;
    copy.trigger_node = log->seen_node;
    copy.trigger_peer = log->seen_peer;
    copy.trigger_type = (char *) log->seen_type; /* copied by fault_schedule_add */
  }
  copy.at = sim_now(log->sim);
  copy.trace_pos = pos;
  copy.follows = follows;
  copy.in_hook = in_hook;
  fault_schedule_add(log->record, &copy);
  /* The list grows with the run: it counts against the run's memory. */
  sim_mem_charge(log->sim, SIM_MEM_SCRIPT,
                 (gssize) (sizeof copy + (f->group_of ? sizeof(int) * f->nodes : 0) +
                           (copy.trigger_type ? strlen(copy.trigger_type) + 1 : 0)));
}

/* Applies `f` and records it. The events the fault itself traces are not
 * what a hook's next fault was made at. */
static gboolean apply_noted(FaultLog *log, Sim *sim, const Fault *f, gboolean in_hook)
{
  guint64 pos = log ? log->traced : 0;
  gboolean follows = log && now_traced(log);
  if (log)
    log->applying++;
  gboolean ok = fault_apply(sim, f);
  if (log)
    log->applying--;
  if (ok)
    note(log, f, in_hook, pos, follows);
  return ok;
}

static void inject(FaultLog *log, guint index)
{
  const Fault *f = fault_schedule_get(log->replay, index);
  apply_noted(log, log->sim, f, f->in_hook);
}

static void inject_call(Sim *sim, void *data)
{
  (void) sim;
  Injection *in = data;
  inject(in->log, in->index);
}

/* A fault's time has come: apply it, or in an exact replay let it wait
 * until as many events have been traced as before it in the recorded run. */
static void due(Sim *sim, void *data)
{
  Injection *in = data;
  FaultLog *log = in->log;
  const Fault *f = fault_schedule_get(log->replay, in->index);
  (void) sim;
  if (!log->exact && f->triggered)
    g_array_append_val(log->armed, in->index);
  else if (!log->exact || log->traced >= f->trace_pos)
    inject(log, in->index);
  else
    g_array_append_val(log->waiting, in->index);
}

/* Whether `ev` is the event a hook's fault `f` was made at, matched as
 * once{ kind =, node =, peer =, type = } matches it. */
static gboolean trigger_matches(const Fault *f, const SimTraceEvent *ev)
{
  if (f->trigger_kind != (int) ev->kind || (f->trigger_node >= 0 && f->trigger_node != ev->node) ||
      (f->trigger_peer >= 0 && f->trigger_peer != ev->peer))
    return FALSE;
  return !f->trigger_type || (ev->msg && strcmp(f->trigger_type, ev->msg->type) == 0);
}

/* Counts traced events, applies replayed hook faults armed for this kind
 * of event (a replay that is not exact), and releases the faults waiting
 * for this one (an exact replay): one
 * made in a hook applies now, during the event, as the hook did; one made
 * by a timed callback applies after the event, from a callback scheduled
 * now, as a timeline woken by this event would. A fault whose time has
 * passed (an edited schedule) applies at once. */
static void observe(Sim *sim, const SimTraceEvent *ev, void *data)
{
  FaultLog *log = data;
  log->traced++;
  log->last = ev->time;
  if (!log->applying) {
    log->seen_kind = (int) ev->kind;
    log->seen_node = ev->node;
    log->seen_peer = ev->peer;
    log->seen_type = ev->msg ? ev->msg->type : NULL;
  }
  for (guint i = 0; i < log->armed->len;) {
    guint index = g_array_index(log->armed, guint, i);
    if (!trigger_matches(fault_schedule_get(log->replay, index), ev)) {
      i++;
      continue;
    }
    g_array_remove_index(log->armed, i);
    inject(log, index);
  }
  for (guint i = 0; i < log->waiting->len;) {
    guint index = g_array_index(log->waiting, guint, i);
    const Fault *f = fault_schedule_get(log->replay, index);
    if (log->traced < f->trace_pos && sim_now(sim) <= f->at) {
      i++;
      continue;
    }
    g_array_remove_index(log->waiting, i);
    if (f->in_hook || sim_now(sim) > f->at) {
      inject(log, index);
    } else {
      Injection *in = g_new(Injection, 1);
      *in = (Injection) { log, index };
      sim_schedule(sim, sim_now(sim), inject_call, in, g_free);
    }
  }
}

FaultLog *fault_log_new(Sim *sim, FaultSchedule *record, const FaultSchedule *replay, gboolean exact)
{
  if (!record && !replay)
    return NULL;
  FaultLog *log = g_new0(FaultLog, 1);
  log->sim = sim;
  log->record = record;
  log->replay = replay;
  log->exact = exact;
  log->waiting = g_array_new(FALSE, FALSE, sizeof(guint));
  log->armed = g_array_new(FALSE, FALSE, sizeof(guint));
  sim_add_observer(sim, observe, log);
  return log;
}

void fault_log_free(FaultLog *log)
{
  if (!log)
    return;
  g_array_unref(log->waiting);
  g_array_unref(log->armed);
  g_free(log);
}

void fault_log_start(FaultLog *log)
{
  if (!log || !log->replay)
    return;
  for (guint i = 0; i < fault_schedule_len(log->replay); i++) {
    Injection *in = g_new(Injection, 1);
    *in = (Injection) { log, i };
    sim_schedule(log->sim, fault_schedule_get(log->replay, i)->at, due, in, g_free);
  }
}

gboolean fault_log_apply(FaultLog *log, Sim *sim, const Fault *f, gboolean in_hook)
{
  if (log && log->replay)
    return TRUE; /* replaying: the scenario's own faults are off */
  return apply_noted(log, sim, f, in_hook);
}

/* ---- as Lua ---- */

static const char *const kind_names[] = {
  [FAULT_CRASH] = "crash", [FAULT_RESTART] = "restart", [FAULT_CRASH_RESTART] = "crash_restart",
  [FAULT_PAUSE] = "pause", [FAULT_RESUME] = "resume", [FAULT_CLOCK_JUMP] = "clock_jump",
  [FAULT_CLOCK_OFFSET] = "clock_offset", [FAULT_CLOCK_DRIFT] = "clock_drift",
  [FAULT_PARTITION] = "partition", [FAULT_HEAL] = "heal", [FAULT_CUT] = "cut",
  [FAULT_RESTORE] = "restore", [FAULT_LINK] = "link", [FAULT_LOSE_UNSYNCED] = "lose_unsynced",
};

const char *fault_kind_name(FaultKind kind) { return kind_names[kind]; }

char *fault_duration_text(SimTime t)
{
  gboolean neg = t < 0;
  guint64 a = neg ? (guint64) 0 - (guint64) t : (guint64) t;
  char frac[16];
  g_snprintf(frac, sizeof frac, "%09" G_GUINT64_FORMAT, a % (guint64) SIM_S);
  for (int i = 8; i >= 0 && frac[i] == '0'; i--)
    frac[i] = '\0';
  return g_strdup_printf("%s%" G_GUINT64_FORMAT "%s%ss", neg ? "-" : "", a / (guint64) SIM_S, frac[0] ? "." : "",
                         frac);
}

/* `text` as a Lua string literal. */
static void lua_quoted(GString *out, const char *text)
{
  g_string_append_c(out, '"');
  for (const unsigned char *p = (const unsigned char *) text; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(out, "\\%c", *p);
    else if (*p < 0x20 || *p == 0x7f)
      g_string_append_printf(out, "\\%03u", *p);
    else
      g_string_append_c(out, (char) *p);
  }
  g_string_append_c(out, '"');
}

static void node_name(GString *out, Sim *sim, int id)
{
  lua_quoted(out, sim_node_name(sim_node(sim, id)));
}

static void duration(GString *out, SimTime t)
{
  g_autofree char *text = fault_duration_text(t);
  g_string_append_printf(out, "\"%s\"", text);
}

static void number(GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_dtostr(buf, sizeof buf, v));
}

static void link_table(GString *out, const SimLinkConfig *c)
{
  g_autofree char *latency = sim_dist_to_string(&c->latency);
  g_string_append(out, "{ latency = ");
  lua_quoted(out, latency);
  g_string_append(out, ", loss = ");
  number(out, c->loss);
  g_string_append(out, ", duplicate = ");
  number(out, c->duplicate);
  g_string_append_printf(out, ", fifo = %s", c->fifo ? "true" : "false");
  if (c->bandwidth) {
    g_string_append_printf(out, ", bandwidth = \"%" G_GUINT64_FORMAT "bit\"", c->bandwidth);
    if (c->queue)
      g_string_append_printf(out, ", queue = \"%" G_GUINT64_FORMAT "B\"", c->queue);
  } else {
    g_string_append(out, ", bandwidth = false");
  }
  g_string_append(out, " }");
}

static gboolean link_equal(const SimLinkConfig *a, const SimLinkConfig *b)
{
  g_autofree char *la = sim_dist_to_string(&a->latency), *lb = sim_dist_to_string(&b->latency);
  return strcmp(la, lb) == 0 && a->loss == b->loss && a->duplicate == b->duplicate && a->fifo == b->fifo &&
         a->bandwidth == b->bandwidth && a->queue == b->queue;
}

static void partition_args(GString *out, Sim *sim, const Fault *f)
{
  /* Groups in the order of their lowest member, members in node order. */
  g_autoptr(GArray) seen = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < f->nodes; i++) {
    int g = f->group_of[i];
    gboolean known = g < 0;
    for (guint k = 0; k < seen->len && !known; k++)
      known = g_array_index(seen, int, k) == g;
    if (!known)
      g_array_append_val(seen, g);
  }
  if (seen->len == 0)
    g_string_append(out, "{}");
  for (guint k = 0; k < seen->len; k++) {
    g_string_append(out, k ? ", {" : "{");
    gboolean first = TRUE;
    for (guint i = 0; i < f->nodes; i++) {
      if (f->group_of[i] != g_array_index(seen, int, k))
        continue;
      g_string_append(out, first ? " " : ", ");
      node_name(out, sim, (int) i);
      first = FALSE;
    }
    g_string_append(out, " }");
  }
}

void fault_to_lua(GString *out, Sim *sim, const Fault *f, const char *prefix)
{
  g_string_append_printf(out, "%s%s(", prefix, kind_names[f->kind]);
  switch (f->kind) {
  case FAULT_HEAL: break;
  case FAULT_PARTITION: partition_args(out, sim, f); break;
  case FAULT_CRASH: case FAULT_RESTART: case FAULT_RESUME: case FAULT_LOSE_UNSYNCED:
    node_name(out, sim, f->node);
    break;
  case FAULT_PAUSE:
    node_name(out, sim, f->node);
    if (f->span >= 0) {
      g_string_append(out, ", ");
      duration(out, f->span);
    }
    break;
  case FAULT_CRASH_RESTART: case FAULT_CLOCK_JUMP: case FAULT_CLOCK_OFFSET:
    node_name(out, sim, f->node);
    g_string_append(out, ", ");
    duration(out, f->span);
    break;
  case FAULT_CLOCK_DRIFT:
    node_name(out, sim, f->node);
    g_string_append(out, ", ");
    number(out, f->ppm);
    break;
  case FAULT_CUT: case FAULT_RESTORE:
    node_name(out, sim, f->node);
    g_string_append(out, ", ");
    node_name(out, sim, f->peer);
    break;
  case FAULT_LINK:
    node_name(out, sim, f->node);
    g_string_append(out, ", ");
    node_name(out, sim, f->peer);
    g_string_append(out, ", ");
    link_table(out, &f->link[0]);
    if (f->oneway || !link_equal(&f->link[0], &f->link[1])) {
      g_string_append(out, ", \"oneway\")");
      if (f->oneway)
        return;
      /* Each direction had its own settings: say both. */
      g_string_append_printf(out, "; %slink(", prefix);
      node_name(out, sim, f->peer);
      g_string_append(out, ", ");
      node_name(out, sim, f->node);
      g_string_append(out, ", ");
      link_table(out, &f->link[1]);
      g_string_append(out, ", \"oneway\"");
    }
    break;
  }
  g_string_append_c(out, ')');
}

void fault_trigger_to_lua(GString *out, Sim *sim, const Fault *f)
{
  g_string_append_printf(out, "{ kind = \"%s\"", sim_trace_kind_name((SimTraceKind) f->trigger_kind));
  if (f->trigger_node >= 0) {
    g_string_append(out, ", node = ");
    node_name(out, sim, f->trigger_node);
  }
  if (f->trigger_peer >= 0) {
    g_string_append(out, ", peer = ");
    node_name(out, sim, f->trigger_peer);
  }
  if (f->trigger_type) {
    g_string_append(out, ", type = ");
    lua_quoted(out, f->trigger_type);
  }
  g_string_append(out, " }");
}
