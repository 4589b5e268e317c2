/* Shrinking a failing run: the passes over its fault schedule and its
 * duration, and the scenario that reproduces the result. See shrink.h. */
#include "sim/cli/shrink.h"
#include "sim/cli/ddmin.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/internal.h"
#include <string.h>

static void size_of(Scenario *sc, guint faults, ShrinkSize *size)
{
  const SimStats *st = sim_stats(sc->sim);
  *size = (ShrinkSize) { faults, st->invoked, st->events, sc->duration };
}

/* One candidate: the scenario with its faults off and `faults` replayed
 * (like at() calls) over `duration`. TRUE if the invariant is violated. */
static gboolean holds(Shrink *s, const FaultSchedule *faults, SimTime duration, ShrinkSize *size)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  options.limits = s->limits;
  options.replay_faults = faults;
  options.duration = duration;
  s->runs++;
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run(s->path, s->seed, s->overrides, &options, &error);
  if (!sc) {
    /* A candidate the script cannot run with (it asserts on a fault that
     * no longer comes) does not reproduce the failure. */
    g_clear_error(&error);
    return FALSE;
  }
  if (size)
    size_of(sc, fault_schedule_len(faults), size);
  return sim_violations(sc->sim, s->invariant) > 0;
}

gboolean shrink_start(Shrink *s, const char *invariant, gboolean explore, ShrinkSize *before, GError **error)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  options.limits = s->limits;
  s->faults = fault_schedule_new();
  options.record_faults = s->faults;
  options.explore = explore; /* `faultsim run --explore`: explore's run N */
  s->runs = 1;
  s->base = scenario_run(s->path, s->seed, s->overrides, &options, error);
  if (!s->base)
    return FALSE;
  s->duration = s->base->duration;
  /* A replayed fault applies before the events of its instant (like an
   * at() call made at setup): one that came after some, such as a fault a
   * timeline made on a protocol event, moves 1 ns later to stay after them. */
  for (guint i = 0; i < fault_schedule_len(s->faults); i++)
    if (fault_schedule_get(s->faults, i)->follows && !fault_schedule_get(s->faults, i)->triggered)
      fault_schedule_get(s->faults, i)->at = sim_time_after(fault_schedule_get(s->faults, i)->at, 1);
  size_of(s->base, fault_schedule_len(s->faults), before);
  GHashTable *invariants = s->base->sim->invariants;
  if (invariant) {
    if (sim_violations(s->base->sim, invariant) == 0) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: seed %" G_GUINT64_FORMAT ": invariant '%s' is not violated",
                  s->path, s->seed, invariant);
      return FALSE;
    }
    s->invariant = g_strdup(invariant);
    return TRUE;
  }
  g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(invariants), (GCompareFunc) strcmp);
  for (GList *k = names; k && !s->invariant; k = k->next)
    if (sim_violations(s->base->sim, k->data) > 0)
      s->invariant = g_strdup(k->data);
  if (!s->invariant) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: seed %" G_GUINT64_FORMAT ": no invariant is violated, so there is nothing to shrink", s->path,
                s->seed);
    return FALSE;
  }
  return TRUE;
}

gboolean shrink_replays(Shrink *s)
{
  return holds(s, s->faults, s->duration, NULL);
}

/* ---- dropping faults ---- */

static FaultSchedule *subset(const FaultSchedule *all, const guint *items, guint n)
{
  FaultSchedule *out = fault_schedule_new();
  for (guint i = 0; i < n; i++)
    fault_schedule_add(out, fault_schedule_get(all, items[i]));
  return out;
}

static gboolean subset_holds(const guint *items, guint n, void *data)
{
  Shrink *s = data;
  if (s->max_runs && s->runs >= s->max_runs)
    return FALSE;
  g_autoptr(FaultSchedule) candidate = subset(s->faults, items, n);
  return holds(s, candidate, s->duration, NULL);
}

void shrink_drop_faults(Shrink *s)
{
  guint n = fault_schedule_len(s->faults);
  if (n == 0)
    return;
  g_autoptr(GArray) keep = ddmin(n, subset_holds, s, 0, NULL);
  FaultSchedule *smaller = subset(s->faults, (const guint *) (void *) keep->data, keep->len);
  fault_schedule_free(s->faults);
  s->faults = smaller;
}

/* ---- simpler times and shorter faults ---- */

/* Keeps the schedule in time order (stable: faults at one time keep their
 * order, which is their order of application). */
static void sort_by_time(FaultSchedule *s)
{
  GArray *a = s->faults;
  for (guint i = 1; i < a->len; i++)
    for (guint j = i; j > 0 && g_array_index(a, Fault, j - 1).at > g_array_index(a, Fault, j).at; j--) {
      Fault t = g_array_index(a, Fault, j);
      g_array_index(a, Fault, j) = g_array_index(a, Fault, j - 1);
      g_array_index(a, Fault, j - 1) = t;
    }
}

/* Tries fault `i` with time `at` and span `span`; keeps the change if the
 * invariant stays violated. */
static gboolean try_change(Shrink *s, guint i, SimTime at, SimTime span)
{
  if (s->max_runs && s->runs >= s->max_runs)
    return FALSE;
  Fault *f = fault_schedule_get(s->faults, i);
  if (at == f->at && span == f->span)
    return FALSE;
  g_autoptr(FaultSchedule) candidate = fault_schedule_copy(s->faults);
  fault_schedule_get(candidate, i)->at = at;
  fault_schedule_get(candidate, i)->span = span;
  sort_by_time(candidate);
  if (!holds(s, candidate, s->duration, NULL))
    return FALSE;
  f->at = at;
  f->span = span;
  return TRUE;
}

static SimTime round_to(SimTime t, SimTime grain, int how)
{
  SimTime down = t - t % grain;
  if (how < 0 || t % grain == 0)
    return down;
  if (how > 0 || t % grain >= grain / 2)
    return down > SIM_TIME_MAX - grain ? down : down + grain;
  return down;
}

/* Moves fault `i` earlier or later to the roundest time that still fails:
 * whole seconds, then tenths, hundredths, milliseconds. */
static void round_time(Shrink *s, guint i)
{
  static const SimTime grains[] = { SIM_S, 100 * SIM_MS, 10 * SIM_MS, SIM_MS };
  for (size_t g = 0; g < G_N_ELEMENTS(grains); g++)
    for (int how = 0; how <= 2; how++) {
      Fault *f = fault_schedule_get(s->faults, i);
      if (f->at % grains[g] == 0)
        return;
      SimTime at = round_to(f->at, grains[g], how == 0 ? 0 : how == 1 ? -1 : 1);
      if (try_change(s, i, at, f->span))
        return;
    }
}

static gboolean has_span(const Fault *f)
{
  return f->kind == FAULT_CRASH_RESTART || (f->kind == FAULT_PAUSE && f->span > 0) ||
         f->kind == FAULT_CLOCK_JUMP || f->kind == FAULT_CLOCK_OFFSET;
}

/* A fault that ends another (heal, restart, resume, restore): moving it
 * earlier shortens the outage. */
static gboolean ends_outage(const Fault *f)
{
  return f->kind == FAULT_HEAL || f->kind == FAULT_RESTART || f->kind == FAULT_RESUME || f->kind == FAULT_RESTORE;
}

/* Halves the fault's span (a downtime, a pause, a clock jump) while it
 * still fails, then rounds it; an outage's end moves toward the fault
 * before it the same way. */
static void shorten(Shrink *s, guint i)
{
  Fault *f = fault_schedule_get(s->faults, i);
  if (has_span(f)) {
    for (int k = 0; k < 8; k++) {
      f = fault_schedule_get(s->faults, i);
      SimTime half = round_to(f->span / 2, f->span / 2 >= SIM_MS || f->span / 2 <= -SIM_MS ? SIM_MS : 1, 0);
      if (half == 0 || !try_change(s, i, f->at, half))
        break;
    }
    f = fault_schedule_get(s->faults, i);
    SimTime mag = f->span < 0 ? -f->span : f->span;
    for (SimTime grain = 100 * SIM_MS; grain >= SIM_MS && mag >= grain; grain /= 10) {
      SimTime r = round_to(mag, grain, 1);
      if (try_change(s, i, f->at, f->span < 0 ? -r : r))
        break;
    }
  } else if (ends_outage(f) && i > 0) {
    for (int k = 0; k < 8; k++) {
      f = fault_schedule_get(s->faults, i);
      SimTime prev = fault_schedule_get(s->faults, i - 1)->at;
      SimTime mid = round_to(prev + (f->at - prev) / 2, SIM_MS, 1);
      if (mid >= f->at || !try_change(s, i, mid, f->span))
        break;
    }
  }
}

void shrink_simplify_faults(Shrink *s)
{
  /* Fault i keeps its index: try_change keeps the order when times do
   * not cross, and re-sorts only candidates. */
  for (guint i = 0; i < fault_schedule_len(s->faults); i++) {
    shorten(s, i);
    round_time(s, i);
    sort_by_time(s->faults);
  }
}

/* ---- a shorter run ---- */

void shrink_cut_duration(Shrink *s)
{
  /* The shortest run that still fails, to the millisecond, by bisection
   * (a run shorter than the violation cannot show it). */
  SimTime lo = 0, hi = s->duration;
  while (hi - lo > SIM_MS && !(s->max_runs && s->runs >= s->max_runs)) {
    SimTime mid = round_to(lo + (hi - lo) / 2, SIM_MS, 1);
    if (mid >= hi)
      break;
    if (holds(s, s->faults, mid, NULL))
      hi = mid;
    else
      lo = mid;
  }
  /* A rounder figure when it costs at most a tenth more. */
  for (SimTime grain = SIM_S; grain >= 10 * SIM_MS && hi < s->duration; grain /= 10) {
    SimTime r = round_to(hi, grain, 1);
    if (r == hi || r > hi + hi / 10 || r >= s->duration)
      continue;
    if (holds(s, s->faults, r, NULL)) {
      hi = r;
      break;
    }
  }
  s->duration = hi;
  /* Faults after the end never apply. */
  for (guint i = fault_schedule_len(s->faults); i > 0; i--)
    if (fault_schedule_get(s->faults, i - 1)->at > s->duration)
      g_array_remove_index(s->faults->faults, i - 1);
}

void shrink_measure(Shrink *s, ShrinkSize *after)
{
  *after = (ShrinkSize) { fault_schedule_len(s->faults), 0, 0, s->duration };
  holds(s, s->faults, s->duration, after);
}

/* ---- the scenario ---- */

/* `to` relative to the folder `from_dir` (both made absolute). */
static char *relative_path(const char *from_dir, const char *to)
{
  g_autofree char *a = g_canonicalize_filename(from_dir, NULL);
  g_autofree char *b = g_canonicalize_filename(to, NULL);
  g_auto(GStrv) pa = g_strsplit(a, G_DIR_SEPARATOR_S, -1);
  g_auto(GStrv) pb = g_strsplit(b, G_DIR_SEPARATOR_S, -1);
  guint common = 0;
  while (pa[common] && pb[common] && pb[common + 1] && strcmp(pa[common], pb[common]) == 0)
    common++;
  GString *out = g_string_new(NULL);
  for (guint i = common; pa[i]; i++)
    if (*pa[i])
      g_string_append(out, "../");
  for (guint i = common; pb[i]; i++)
    g_string_append_printf(out, "%s%s", pb[i], pb[i + 1] ? "/" : "");
  return g_string_free(out, FALSE);
}

static void lua_string(GString *out, const char *text)
{
  g_string_append_c(out, '"');
  for (const char *p = text; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_c(out, '\\');
    g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

char *shrink_scenario_text(Shrink *s, const char *out_path, const char *command, const ShrinkSize *before)
{
  GString *out = g_string_new(NULL);
  g_autofree char *dir = g_path_get_dirname(out_path);
  g_autofree char *include = relative_path(dir, s->path);
  g_autofree char *was = fault_duration_text(before->duration);
  g_autofree char *now = fault_duration_text(s->duration);
  g_string_append_printf(out, "-- Written by: %s\n", command);
  g_string_append_printf(out, "-- Invariant '%s' is violated with %u of the run's %u faults, in %s of its %s.\n",
                         s->invariant, fault_schedule_len(s->faults), before->faults, now, was);
  g_string_append(out,
                  "-- The included scenario's own faults do nothing once the run is going (its\n"
                  "-- setup still applies); only the faults below apply, at their times. Its\n"
                  "-- expect{} is off: the run exits 1 when an invariant is violated.\n"
                  "local fault, running = {}, false\n"
                  "at(0, function() running = true end)\n"
                  "for _, name in ipairs { \"crash\", \"restart\", \"crash_restart\", \"pause\", \"resume\",\n"
                  "    \"clock_jump\", \"clock_offset\", \"clock_drift\", \"partition\", \"heal\", \"cut\",\n"
                  "    \"restore\", \"link\", \"lose_unsynced\" } do\n"
                  "  local real = _G[name]\n"
                  "  fault[name] = real\n"
                  "  _G[name] = function(...) if not running then return real(...) end end\n"
                  "end\n"
                  "expect = function() end\n");
  g_string_append(out, "include(");
  lua_string(out, include);
  g_string_append(out, ")\n");
  g_string_append_printf(out, "duration(\"%s\")\n", now);
  for (guint i = 0; i < fault_schedule_len(s->faults); i++) {
    const Fault *f = fault_schedule_get(s->faults, i);
    g_autofree char *at = fault_duration_text(f->at);
    g_string_append_printf(out, "at(\"%s\", function() ", at);
    if (f->triggered) {
      /* Made by a hook: at the first such event from then on. */
      g_string_append(out, "once(");
      fault_trigger_to_lua(out, s->base->sim, f);
      g_string_append(out, ", function() ");
    }
    fault_to_lua(out, s->base->sim, f, "fault.");
    g_string_append(out, f->triggered ? " end) end)\n" : " end)\n");
  }
  return g_string_free(out, FALSE);
}

gboolean shrink_verify(Shrink *s, const char *file, GError **error)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  options.limits = s->limits;
  g_autoptr(Scenario) sc = scenario_run(file, s->seed, s->overrides, &options, error);
  return sc && sim_violations(sc->sim, s->invariant) > 0;
}

void shrink_clear(Shrink *s)
{
  g_clear_pointer(&s->invariant, g_free);
  g_clear_pointer(&s->faults, fault_schedule_free);
  g_clear_pointer(&s->base, scenario_free);
}

void shrink_all(Shrink *s)
{
  /* Simpler times can make another fault unnecessary: drop again while
   * that helps. */
  for (guint before = G_MAXUINT; fault_schedule_len(s->faults) < before;) {
    before = fault_schedule_len(s->faults);
    shrink_drop_faults(s);
    shrink_simplify_faults(s);
  }
  shrink_cut_duration(s);
}
