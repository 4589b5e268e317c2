#include "sim/cli/explore_tally.h"
#include "sim/kernel/internal.h"
#include "sim/lua/explore.h"
#include <stdlib.h>
#include <string.h>

/* ---- one run ---- */

/* The time of an example "t=1.234567s: ...", or G_MAXDOUBLE. */
static double example_time(const char *example)
{
  if (!g_str_has_prefix(example, "t="))
    return G_MAXDOUBLE;
  return g_ascii_strtod(example + 2, NULL);
}

void explore_outcome_fill(ExploreOutcome *out, guint64 seed, Scenario *sc, const GError *error)
{
  memset(out, 0, sizeof *out);
  out->seed = seed;
  if (!sc) {
    out->status = EXPLORE_ERROR;
    out->invariant = g_strdup("error");
    out->message = g_strdup(error ? error->message : "the run did not finish");
    out->shape = explore_shape(out->message);
    out->cells = g_ptr_array_new();
    return;
  }
  out->events = sim_stats(sc->sim)->events;
  out->injected = explore_run_injected(sc);
  out->kinds = explore_run_kinds(sc);
  out->cells = explore_run_cells(sc);
  /* The invariant violated first; ties go to the name first in order. */
  g_autoptr(GList) names = g_list_sort(g_hash_table_get_keys(sc->sim->invariants), (GCompareFunc) strcmp);
  double first = G_MAXDOUBLE;
  for (GList *k = names; k; k = k->next) {
    const SimInvariant *inv = g_hash_table_lookup(sc->sim->invariants, k->data);
    if (inv->count == 0)
      continue;
    const char *example = inv->examples->len ? inv->examples->pdata[0] : "(no message)";
    double t = example_time(example);
    if (!out->invariant || t < first) {
      g_free(out->invariant);
      g_free(out->message);
      out->invariant = g_strdup(k->data);
      out->message = g_strdup(example);
      first = t;
    }
  }
  out->status = out->invariant ? EXPLORE_VIOLATED : EXPLORE_HELD;
  if (out->invariant)
    out->shape = explore_shape(out->message);
}

void explore_outcome_clear(ExploreOutcome *out)
{
  g_free(out->invariant);
  g_free(out->message);
  g_free(out->shape);
  if (out->cells)
    g_ptr_array_unref(out->cells);
  memset(out, 0, sizeof *out);
}

char *explore_shape(const char *message)
{
  const char *p = message;
  if (g_str_has_prefix(p, "t=")) {
    const char *colon = strstr(p, ": ");
    if (colon)
      p = colon + 2;
  }
  GString *s = g_string_new(NULL);
  while (*p) {
    if (g_ascii_isdigit(*p)) {
      while (g_ascii_isdigit(*p) || (*p == '.' && g_ascii_isdigit(p[1])))
        p++;
      g_string_append_c(s, '#');
    } else {
      g_string_append_c(s, *p++);
    }
  }
  return g_string_free(s, FALSE);
}

char *explore_outcome_key(const ExploreOutcome *out)
{
  return g_strdup_printf("%s\n%s", out->invariant ? out->invariant : "", out->shape ? out->shape : "");
}

/* ---- over runs ---- */

#define SHOWN_SEEDS 10

typedef struct {
  char *invariant;
  char *message;   /* of the first run */
  guint64 first_seed;
  GArray *seeds;   /* guint64, at most SHOWN_SEEDS */
  guint runs;
  gboolean error;
} Group;

static void group_free(gpointer p)
{
  Group *g = p;
  g_free(g->invariant);
  g_free(g->message);
  g_array_unref(g->seeds);
  g_free(g);
}

#define N_KINDS 16

typedef struct {
  char *role, *phase;
  guint runs[N_KINDS];
} Row;

static void row_free(gpointer p)
{
  Row *r = p;
  g_free(r->role);
  g_free(r->phase);
  g_free(r);
}

struct ExploreTally {
  guint runs, violated, errors;
  guint64 events, injected;
  guint32 kinds;
  GPtrArray *groups;     /* Group*, in order of first seed */
  GHashTable *by_key;    /* key → Group* */
  GHashTable *rows;      /* "role\tphase" → Row* */
};

ExploreTally *explore_tally_new(void)
{
  ExploreTally *t = g_new0(ExploreTally, 1);
  t->groups = g_ptr_array_new_with_free_func(group_free);
  t->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  t->rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, row_free);
  return t;
}

void explore_tally_free(ExploreTally *t)
{
  if (!t)
    return;
  g_ptr_array_unref(t->groups);
  g_hash_table_unref(t->by_key);
  g_hash_table_unref(t->rows);
  g_free(t);
}

static int kind_index(const char *kind)
{
  for (int i = 0; explore_fault_kinds[i] && i < N_KINDS; i++)
    if (strcmp(explore_fault_kinds[i], kind) == 0)
      return i;
  return -1;
}

static Row *row(ExploreTally *t, const char *role, const char *phase)
{
  g_autofree char *key = g_strdup_printf("%s\t%s", role, phase);
  Row *r = g_hash_table_lookup(t->rows, key);
  if (!r) {
    r = g_new0(Row, 1);
    r->role = g_strdup(role);
    r->phase = g_strdup(phase);
    g_hash_table_insert(t->rows, g_steal_pointer(&key), r);
  }
  return r;
}

void explore_tally_add(ExploreTally *t, const ExploreOutcome *out)
{
  t->runs++;
  t->events += out->events;
  t->injected += out->injected;
  t->kinds |= out->kinds;
  for (guint i = 0; i < out->cells->len; i++) {
    const ExploreCell *c = out->cells->pdata[i];
    Row *r = row(t, c->role, c->phase);
    int k = c->faulted ? kind_index(c->kind) : -1;
    if (k >= 0)
      r->runs[k]++;
  }
  if (out->status == EXPLORE_HELD)
    return;
  if (out->status == EXPLORE_ERROR)
    t->errors++;
  else
    t->violated++;
  g_autofree char *key = explore_outcome_key(out);
  Group *g = g_hash_table_lookup(t->by_key, key);
  if (!g) {
    g = g_new0(Group, 1);
    g->invariant = g_strdup(out->invariant);
    g->message = g_strdup(out->message);
    g->first_seed = out->seed;
    g->seeds = g_array_new(FALSE, FALSE, sizeof(guint64));
    g->error = out->status == EXPLORE_ERROR;
    g_ptr_array_add(t->groups, g);
    g_hash_table_insert(t->by_key, g_steal_pointer(&key), g);
  }
  g->runs++;
  if (g->seeds->len < SHOWN_SEEDS)
    g_array_append_val(g->seeds, out->seed);
}

guint explore_tally_runs(const ExploreTally *t) { return t->runs; }
guint explore_tally_violated(const ExploreTally *t) { return t->violated; }
guint explore_tally_errors(const ExploreTally *t) { return t->errors; }
guint explore_tally_unique(const ExploreTally *t) { return t->groups->len; }
guint64 explore_tally_events(const ExploreTally *t) { return t->events; }
guint64 explore_tally_injected(const ExploreTally *t) { return t->injected; }

guint explore_tally_coverage(const ExploreTally *t, const char *role, const char *phase, const char *kind)
{
  g_autofree char *key = g_strdup_printf("%s\t%s", role, phase);
  const Row *r = g_hash_table_lookup(t->rows, key);
  int k = kind_index(kind);
  return r && k >= 0 ? r->runs[k] : 0;
}

void explore_tally_print_failures(const ExploreTally *t, const char *program, const char *rerun_args, FILE *out)
{
  for (guint i = 0; i < t->groups->len; i++) {
    const Group *g = t->groups->pdata[i];
    fprintf(out, "\n%s %u of %u: %s, in %u run%s (seed%s", g->error ? "error" : "failure", i + 1, t->groups->len,
            g->error ? "the run could not finish" : g->invariant, g->runs, g->runs == 1 ? "" : "s",
            g->runs == 1 ? "" : "s");
    for (guint j = 0; j < g->seeds->len; j++)
      fprintf(out, "%s%" G_GUINT64_FORMAT, j ? ", " : " ", g_array_index(g->seeds, guint64, j));
    fprintf(out, "%s)\n", g->runs > g->seeds->len ? ", ..." : "");
    fprintf(out, "  first: %s\n", g->message);
    fprintf(out, "  reproduce: %s run %s --explore --seed %" G_GUINT64_FORMAT "\n", program, rerun_args,
            g->first_seed);
  }
}

static int row_cmp(gconstpointer a, gconstpointer b)
{
  const Row *x = *(Row *const *) a, *y = *(Row *const *) b;
  int c = strcmp(x->role, y->role);
  if (c)
    return c;
  /* "-" (before the first event) first, then the phases by name. */
  if (strcmp(x->phase, "-") == 0 || strcmp(y->phase, "-") == 0)
    return (strcmp(y->phase, "-") == 0) - (strcmp(x->phase, "-") == 0);
  return strcmp(x->phase, y->phase);
}

void explore_tally_print_coverage(const ExploreTally *t, FILE *out)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new();
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, t->rows);
  while (g_hash_table_iter_next(&it, NULL, &value))
    g_ptr_array_add(rows, value);
  g_ptr_array_sort(rows, row_cmp);
  int role_w = 4, phase_w = 5;
  for (guint i = 0; i < rows->len; i++) {
    const Row *r = rows->pdata[i];
    role_w = MAX(role_w, (int) strlen(r->role));
    phase_w = MAX(phase_w, (int) strlen(r->phase));
  }
  fprintf(out, "\nfault coverage: runs that injected each fault into a node of each role in each phase\n"
               "(the node's last protocol event; '-': none yet)\n");
  fprintf(out, "%-*s  %-*s", role_w, "role", phase_w, "phase");
  for (int k = 0; explore_fault_kinds[k] && k < N_KINDS; k++)
    if (t->kinds & (1u << k))
      fprintf(out, "  %*s", MAX(5, (int) strlen(explore_fault_kinds[k])), explore_fault_kinds[k]);
  fputc('\n', out);
  for (guint i = 0; i < rows->len; i++) {
    const Row *r = rows->pdata[i];
    fprintf(out, "%-*s  %-*s", role_w, r->role, phase_w, r->phase);
    for (int k = 0; explore_fault_kinds[k] && k < N_KINDS; k++)
      if (t->kinds & (1u << k))
        fprintf(out, "  %*u", MAX(5, (int) strlen(explore_fault_kinds[k])), r->runs[k]);
    fputc('\n', out);
  }
}
