/* The verdict of a run: what expect{} asked for, checked against the
 * violations, availability and metrics the run measured. */
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include <math.h>
#include <string.h>

double scenario_availability(Scenario *sc)
{
  const SimStats *s = sim_stats(sc->sim);
  return s->invoked ? (double) s->ok / (double) s->invoked : NAN;
}

static gboolean in_range(const ExpectRange *r, double v)
{
  return v >= r->min && v <= r->max;
}

static char *range_text(const ExpectRange *r)
{
  if (r->min == r->max)
    return g_strdup_printf("%g", r->min);
  if (isinf(r->min))
    return g_strdup_printf("<= %g", r->max);
  if (isinf(r->max))
    return g_strdup_printf(">= %g", r->min);
  return g_strdup_printf("in [%g, %g]", r->min, r->max);
}

static guint64 total_violations(Scenario *sc)
{
  guint64 total = 0;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, sc->sim->invariants);
  while (g_hash_table_iter_next(&it, NULL, &value))
    total += ((SimInvariant *) value)->count;
  return total;
}

static void check_named(GHashTable *expected, const char *what, GPtrArray *failures,
                        gboolean (*lookup)(Scenario *, const char *, double *), Scenario *sc)
{
  g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(expected), (GCompareFunc) strcmp);
  for (GList *k = keys; k; k = k->next) {
    const ExpectRange *r = g_hash_table_lookup(expected, k->data);
    double v = 0;
    g_autofree char *want = range_text(r);
    if (!lookup(sc, k->data, &v))
      g_ptr_array_add(failures, g_strdup_printf("%s %s: not reported (expected %s)", what, (char *) k->data, want));
    else if (!in_range(r, v))
      g_ptr_array_add(failures, g_strdup_printf("%s %s = %g (expected %s)", what, (char *) k->data, v, want));
  }
}

static gboolean lookup_invariant(Scenario *sc, const char *name, double *v)
{
  SimInvariant *inv = g_hash_table_lookup(sc->sim->invariants, name);
  *v = inv ? (double) inv->count : 0;
  return inv != NULL;
}

static gboolean lookup_metric(Scenario *sc, const char *name, double *v)
{
  SimMetric *m = g_hash_table_lookup(sc->sim->metrics, name);
  if (!m)
    return FALSE;
  *v = m->hist ? (double) sim_histogram_count(m->hist) : m->value;
  return TRUE;
}

static void describe_named(GString *out, GHashTable *expected, const char *what)
{
  g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(expected), (GCompareFunc) strcmp);
  for (GList *k = keys; k; k = k->next) {
    g_autofree char *want = range_text(g_hash_table_lookup(expected, k->data));
    g_string_append_printf(out, "%s%s %s %s%s", out->len ? ", " : "", what, (char *) k->data,
                           g_ascii_isdigit(want[0]) || want[0] == '-' ? "= " : "", want);
  }
}

char *scenario_expectations_text(Scenario *sc)
{
  const Expectations *e = &sc->expect;
  if (!e->present)
    return NULL;
  GString *out = g_string_new(NULL);
  if (e->violations.set) {
    g_autofree char *want = range_text(&e->violations);
    g_string_append_printf(out, "violations %s%s", g_ascii_isdigit(want[0]) ? "= " : "", want);
  }
  if (e->availability.set) {
    g_autofree char *want = range_text(&e->availability);
    g_string_append_printf(out, "%savailability %s%s", out->len ? ", " : "", g_ascii_isdigit(want[0]) ? "= " : "", want);
  }
  describe_named(out, e->invariants, "invariant");
  describe_named(out, e->metrics, "metric");
  if (e->any_seed)
    g_string_append(out, " (in any one seed)");
  return g_string_free(out, FALSE);
}

/* With expect{} present but no `violations` total, a violation of an
 * invariant that expect{} does not name is still a failure: naming an
 * invariant (or setting `violations`) is how a scenario says it expects one
 * to break. Without this rule a scenario that expects only metrics could
 * not fail on any invariant. Adds one failure per such invariant, in name
 * order. */
static void check_unexpected_violations(Scenario *sc, GPtrArray *failures)
{
  g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(sc->sim->invariants), (GCompareFunc) strcmp);
  for (GList *k = names; k; k = k->next) {
    const SimInvariant *inv = g_hash_table_lookup(sc->sim->invariants, k->data);
    if (inv->count > 0 && !g_hash_table_contains(sc->expect.invariants, k->data))
      g_ptr_array_add(failures, g_strdup_printf("invariant %s = %" G_GUINT64_FORMAT
                                                " (not named in expect{}: expected 0)",
                                                (char *) k->data, inv->count));
  }
}

gboolean scenario_verdict(Scenario *sc, GPtrArray *failures)
{
  guint before = failures->len;
  const Expectations *e = &sc->expect;
  guint64 violations = total_violations(sc);
  if (!e->present) {
    if (violations > 0)
      g_ptr_array_add(failures, g_strdup_printf("%" G_GUINT64_FORMAT " invariant violations", violations));
    return failures->len == before;
  }
  if (e->violations.set && !in_range(&e->violations, (double) violations)) {
    g_autofree char *want = range_text(&e->violations);
    g_ptr_array_add(failures, g_strdup_printf("violations = %" G_GUINT64_FORMAT " (expected %s)", violations, want));
  }
  if (e->availability.set) {
    double a = scenario_availability(sc);
    if (isnan(a))
      g_ptr_array_add(failures, g_strdup("availability: no operations were invoked"));
    else if (!in_range(&e->availability, a)) {
      g_autofree char *want = range_text(&e->availability);
      g_ptr_array_add(failures, g_strdup_printf("availability = %.4f (expected %s)", a, want));
    }
  }
  check_named(e->invariants, "invariant", failures, lookup_invariant, sc);
  if (!e->violations.set)
    check_unexpected_violations(sc, failures);
  check_named(e->metrics, "metric", failures, lookup_metric, sc);
  return failures->len == before;
}
