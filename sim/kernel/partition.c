/* Counting the links a partition cuts, without visiting every pair.
 *
 * partition() must trace how many links it cuts and heal() how many it
 * restores, exactly as when every cut link was a key in a set. With the
 * active partitions kept as group arrays (net.c), those counts come from
 * group sizes: n nodes split into groups of sizes s_g cut A^2 - sum s_g^2
 * ordered pairs (A = nodes in some group). A partition on top of others
 * also needs the pairs that no earlier partition separates; nodes with the
 * same groups in every earlier partition form a class, and pairs of
 * classes are counted at once, so the work grows with the number of
 * classes, not with n^2. */
#include "sim/kernel/internal.h"
#include <stdlib.h>

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

guint64 sim_partition_cross(const int *group_of, guint n)
{
  g_autofree int *groups = g_new(int, n ? n : 1);
  guint m = 0;
  for (guint i = 0; i < n; i++)
    if (group_of[i] >= 0)
      groups[m++] = group_of[i];
  qsort(groups, m, sizeof(int), cmp_int);
  guint64 same = 0;
  for (guint i = 0; i < m;) {
    guint j = i;
    while (j < m && groups[j] == groups[i])
      j++;
    same += (guint64) (j - i) * (j - i);
    i = j;
  }
  return (guint64) m * m - same;
}

/* Node a's group in partition q, -1 for none. */
static int label(const SimPartition *q, guint a)
{
  return a < q->n && q->group_of[a] >= 0 ? q->group_of[a] : -1;
}

typedef struct {
  const GPtrArray *old; /* the active partitions */
  const SimPartition *p;
} ClassKey;

/* Orders nodes by their groups in the old partitions, then in p. */
static gint by_groups(gconstpointer x, gconstpointer y, gpointer data)
{
  const ClassKey *k = data;
  guint a = *(const guint *) x, b = *(const guint *) y;
  for (guint i = 0; i < k->old->len; i++) {
    int la = label(k->old->pdata[i], a), lb = label(k->old->pdata[i], b);
    if (la != lb)
      return la < lb ? -1 : 1;
  }
  int la = label(k->p, a), lb = label(k->p, b);
  if (la != lb)
    return la < lb ? -1 : 1;
  return (a > b) - (a < b);
}

/* No old partition separates a node of the class of a from one of b's. */
static gboolean classes_together(const GPtrArray *old, guint a, guint b)
{
  for (guint i = 0; i < old->len; i++) {
    int la = label(old->pdata[i], a), lb = label(old->pdata[i], b);
    if (la >= 0 && lb >= 0 && la != lb)
      return FALSE;
  }
  return TRUE;
}

typedef struct {
  guint rep;             /* a node of the class */
  guint64 size;          /* its nodes in some group of p */
  guint run, runs;       /* its (group of p, count) runs */
} Class;

typedef struct {
  int group;
  guint64 count;
} Run;

/* Ordered pairs of nodes in classes x and y that p separates:
 * size_x * size_y minus the pairs in the same group of p. */
static guint64 cross_classes(const Class *x, const Class *y, const Run *runs)
{
  guint64 same = 0;
  for (guint i = x->run, j = y->run; i < x->run + x->runs && j < y->run + y->runs;) {
    if (runs[i].group == runs[j].group)
      same += runs[i++].count * runs[j++].count;
    else if (runs[i].group < runs[j].group)
      i++;
    else
      j++;
  }
  return x->size * y->size - same;
}

guint64 sim_partition_fresh(Sim *sim, const SimPartition *p)
{
  g_autofree guint *ids = g_new(guint, p->n ? p->n : 1);
  guint m = 0;
  for (guint a = 0; a < p->n; a++)
    if (p->group_of[a] >= 0)
      ids[m++] = a;
  ClassKey key = { sim->partitions, p };
  g_qsort_with_data(ids, (gint) m, sizeof(guint), by_groups, &key);
  g_autoptr(GArray) classes = g_array_new(FALSE, FALSE, sizeof(Class));
  g_autoptr(GArray) runs = g_array_new(FALSE, FALSE, sizeof(Run));
  for (guint i = 0; i < m; i++) {
    gboolean same_class = i > 0;
    for (guint q = 0; same_class && q < sim->partitions->len; q++)
      same_class = label(sim->partitions->pdata[q], ids[i]) == label(sim->partitions->pdata[q], ids[i - 1]);
    if (!same_class) {
      Class c = { ids[i], 0, runs->len, 0 };
      g_array_append_val(classes, c);
    }
    Class *c = &g_array_index(classes, Class, classes->len - 1);
    int group = label(p, ids[i]);
    if (c->runs == 0 || g_array_index(runs, Run, runs->len - 1).group != group) {
      Run r = { group, 0 };
      g_array_append_val(runs, r);
      c->runs++;
    }
    g_array_index(runs, Run, runs->len - 1).count++;
    c->size++;
  }
  const Class *cs = (const Class *) classes->data;
  guint64 fresh = 0;
  for (guint x = 0; x < classes->len; x++)
    for (guint y = x; y < classes->len; y++)
      if (classes_together(sim->partitions, cs[x].rep, cs[y].rep))
        fresh += (x == y ? 1 : 2) * cross_classes(&cs[x], &cs[y], (const Run *) runs->data);
  return fresh;
}
