#include "sim/cli/sweep_params.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <string.h>

void sweep_axis_free(SweepAxis *axis)
{
  if (!axis)
    return;
  g_free(axis->name);
  g_ptr_array_unref(axis->values);
  g_free(axis);
}

/* `text` as a finite number, the whole of it. */
static gboolean parse_number(const char *text, double *out)
{
  char *end = NULL;
  if (!*text || g_ascii_isspace(*text))
    return FALSE;
  double v = g_ascii_strtod(text, &end);
  if (*end || !isfinite(v))
    return FALSE;
  *out = v;
  return TRUE;
}

static char *format_number(double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(buf, sizeof buf, "%.12g", v == 0 ? 0 : v); /* no "-0" */
  return g_strdup(buf);
}

/* Fills `values` from the range `parts` (START, STOP, STEP-or-FACTOR);
 * `logarithmic` multiplies instead of adding. */
static gboolean expand_range(const char *spec, char **parts, gboolean logarithmic, GPtrArray *values, GError **error)
{
  double start, stop, step;
  if (!parse_number(parts[0], &start) || !parse_number(parts[1], &stop) || !parse_number(parts[2], &step)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "range '%s': START, STOP and %s must be numbers", spec,
                logarithmic ? "FACTOR" : "STEP");
    return FALSE;
  }
  double span, unit; /* the distance to STOP and one step, in steps' own scale */
  if (logarithmic) {
    if (start <= 0 || stop <= 0 || step <= 0 || step == 1 || (stop > start) != (step > 1)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "range '%s': log:START:STOP:FACTOR needs START and STOP above 0 and a FACTOR above 1 "
                  "(going up) or between 0 and 1 (going down)", spec);
      return FALSE;
    }
    span = log(stop / start);
    unit = log(step);
  } else {
    if (step == 0 || (stop != start && (stop > start) != (step > 0))) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "range '%s': START:STOP:STEP needs a STEP that is not 0 and goes from START towards STOP", spec);
      return FALSE;
    }
    span = stop - start;
    unit = step;
  }
  /* Steps from START to STOP, with a millionth of a step of slack so that
   * 0:1:0.1 reaches 1 despite rounding. */
  double steps = floor(span / unit + 1e-6);
  if (!(steps >= 0) || steps >= SWEEP_MAX_POINTS) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "range '%s': more than %d values", spec, SWEEP_MAX_POINTS);
    return FALSE;
  }
  for (guint64 i = 0; i <= (guint64) steps; i++)
    g_ptr_array_add(values, format_number(logarithmic ? start * pow(step, (double) i) : start + step * (double) i));
  return TRUE;
}

SweepAxis *sweep_axis_parse(const char *text, GError **error)
{
  const char *eq = strchr(text, '=');
  if (!eq || eq == text || !eq[1]) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--param '%s': expected NAME=V1,V2,... or NAME=START:STOP:STEP",
                text);
    return NULL;
  }
  SweepAxis *axis = g_new0(SweepAxis, 1);
  axis->name = g_strndup(text, (gsize) (eq - text));
  axis->values = g_ptr_array_new_with_free_func(g_free);
  const char *spec = eq + 1;
  g_auto(GStrv) parts = g_strsplit(spec, ":", -1);
  guint nparts = g_strv_length(parts);
  gboolean ok = TRUE;
  GError *local = NULL;
  double ignored;
  if (nparts == 4 && strcmp(parts[0], "log") == 0)
    ok = expand_range(spec, parts + 1, TRUE, axis->values, &local);
  else if (nparts == 3 && !strchr(spec, ',') && parse_number(parts[0], &ignored))
    ok = expand_range(spec, parts, FALSE, axis->values, &local);
  else {
    g_auto(GStrv) list = g_strsplit(spec, ",", -1);
    for (guint i = 0; list[i]; i++) {
      if (!*list[i]) {
        g_set_error(&local, SIM_ERROR, SIM_ERROR_INVALID, "an empty value in '%s'", spec);
        ok = FALSE;
        break;
      }
      g_ptr_array_add(axis->values, g_strdup(list[i]));
    }
    if (ok && axis->values->len > SWEEP_MAX_POINTS) {
      g_set_error(&local, SIM_ERROR, SIM_ERROR_INVALID, "more than %d values", SWEEP_MAX_POINTS);
      ok = FALSE;
    }
  }
  if (!ok) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--param %s: %s", axis->name, local->message);
    g_error_free(local);
    sweep_axis_free(axis);
    return NULL;
  }
  return axis;
}

gboolean sweep_shard_parse(const char *text, guint *shard, guint *nshards, GError **error)
{
  g_auto(GStrv) parts = g_strsplit(text, "/", -1);
  guint64 i = 0, n = 0;
  if (g_strv_length(parts) != 2 || !g_ascii_string_to_unsigned(parts[0], 10, 1, 100000, &i, NULL) ||
      !g_ascii_string_to_unsigned(parts[1], 10, 1, 100000, &n, NULL) || i > n) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--shard %s: expected I/N with 1 <= I <= N <= 100000", text);
    return FALSE;
  }
  *shard = (guint) i;
  *nshards = (guint) n;
  return TRUE;
}

void sweep_plan_free(SweepPlan *plan)
{
  if (!plan)
    return;
  g_ptr_array_unref(plan->axes);
  g_free(plan);
}

SweepPlan *sweep_plan_new(GPtrArray *axes, GHashTable *fixed, guint64 first_seed, guint64 nseeds, guint shard,
                          guint nshards, GError **error)
{
  g_ptr_array_set_free_func(axes, (GDestroyNotify) sweep_axis_free);
  SweepPlan *plan = g_new0(SweepPlan, 1);
  plan->axes = axes;
  plan->first_seed = first_seed;
  plan->nseeds = nseeds;
  plan->shard = shard;
  plan->nshards = nshards;
  plan->npoints = 1;
  GError *err = NULL;
  if (axes->len == 0)
    g_set_error(&err, SIM_ERROR, SIM_ERROR_INVALID, "give at least one --param NAME=V1,V2,...");
  for (guint a = 0; a < axes->len && !err; a++) {
    const SweepAxis *axis = axes->pdata[a];
    for (guint b = 0; b < a; b++)
      if (!err && strcmp(((SweepAxis *) axes->pdata[b])->name, axis->name) == 0)
        g_set_error(&err, SIM_ERROR, SIM_ERROR_INVALID, "--param %s is given twice", axis->name);
    if (!err && fixed && g_hash_table_contains(fixed, axis->name))
      g_set_error(&err, SIM_ERROR, SIM_ERROR_INVALID, "%s is both swept (--param) and fixed (--set)", axis->name);
    plan->npoints *= axis->values->len;
    if (!err && plan->npoints > SWEEP_MAX_POINTS)
      g_set_error(&err, SIM_ERROR, SIM_ERROR_INVALID, "the --param values make more than %d points",
                  SWEEP_MAX_POINTS);
  }
  if (!err && plan->npoints * nseeds > SWEEP_MAX_RUNS)
    g_set_error(&err, SIM_ERROR, SIM_ERROR_INVALID,
                "%" G_GUINT64_FORMAT " points × %" G_GUINT64_FORMAT " seeds is more than %d runs", plan->npoints,
                nseeds, SWEEP_MAX_RUNS);
  if (err) {
    g_propagate_error(error, err);
    sweep_plan_free(plan);
    return NULL;
  }
  plan->nruns = plan->npoints * nseeds;
  return plan;
}

const char *sweep_plan_value(const SweepPlan *plan, guint64 point, guint axis)
{
  /* The last axis varies fastest: peel axes off from the end. */
  for (guint a = plan->axes->len; a-- > axis + 1;)
    point /= ((SweepAxis *) plan->axes->pdata[a])->values->len;
  const SweepAxis *ax = plan->axes->pdata[axis];
  return ax->values->pdata[point % ax->values->len];
}

gboolean sweep_plan_in_shard(const SweepPlan *plan, guint64 index)
{
  return index % plan->nshards == plan->shard - 1;
}

guint64 sweep_plan_shard_runs(const SweepPlan *plan)
{
  guint64 n = plan->nruns / plan->nshards;
  return n + (plan->nruns % plan->nshards > plan->shard - 1 ? 1 : 0);
}
