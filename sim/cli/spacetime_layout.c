/* Label placement for space-time diagrams: see spacetime_layout.h. */
#include "sim/cli/spacetime_layout.h"
#include <math.h>
#include <string.h>

/* Horizontal room kept between two labels, in columns. */
#define PAD_COLUMNS 0.03

double spacetime_text_width(const char *text)
{
  return (double) g_utf8_strlen(text, -1) * SPACETIME_CHAR_PX / SPACETIME_COL_PX;
}

SpacetimeLabel *spacetime_label_new(double ax, double ay, double x, const char *text, const char *klass)
{
  SpacetimeLabel *l = g_new0(SpacetimeLabel, 1);
  *l = (SpacetimeLabel) { ax, ay, x, ay, spacetime_text_width(text), g_strdup(text), klass, FALSE };
  return l;
}

SpacetimeLabel *spacetime_obstacle_new(double x, double w, double y)
{
  SpacetimeLabel *l = g_new0(SpacetimeLabel, 1);
  *l = (SpacetimeLabel) { x, y, x, y, w, NULL, NULL, FALSE };
  return l;
}

void spacetime_label_free(gpointer label)
{
  SpacetimeLabel *l = label;
  g_free(l->text);
  g_free(l);
}

static gboolean overlaps(const SpacetimeLabel *a, double y, const SpacetimeLabel *b, double line_ms)
{
  return a->x < b->x + b->w + PAD_COLUMNS && b->x < a->x + a->w + PAD_COLUMNS && fabs(y - b->y) < line_ms * 0.95;
}

/* Obstacles first, then by anchor time, then anchor column, then the
 * order given. */
static gint by_anchor(gconstpointer pa, gconstpointer pb)
{
  const SpacetimeLabel *a = *(SpacetimeLabel *const *) pa, *b = *(SpacetimeLabel *const *) pb;
  if ((a->klass == NULL) != (b->klass == NULL))
    return a->klass == NULL ? -1 : 1;
  if (a->ay != b->ay)
    return a->ay < b->ay ? -1 : 1;
  if (a->ax != b->ax)
    return a->ax < b->ax ? -1 : 1;
  return 0;
}

void spacetime_layout(GPtrArray *labels, double line_ms, guint max_lines, double xmin, double xmax)
{
  g_autoptr(GPtrArray) order = g_ptr_array_sized_new(labels->len);
  for (guint i = 0; i < labels->len; i++)
    g_ptr_array_add(order, labels->pdata[i]);
  /* g_ptr_array_sort is stable (GLib >= 2.32): ties keep the caller's order. */
  g_ptr_array_sort(order, by_anchor);
  for (guint i = 0; i < order->len; i++) {
    SpacetimeLabel *l = order->pdata[i];
    if (!l->klass)
      continue; /* an obstacle stays put */
    if (l->x + l->w > xmax)
      l->x = xmax - l->w;
    if (l->x < xmin)
      l->x = xmin;
    l->y = l->ay;
    for (guint step = 0; step <= 2 * max_lines; step++) {
      /* 0, +1, -1, +2, -2, ... lines: later in time (down) first. */
      double lines = step == 0 ? 0 : (step % 2 ? 1.0 : -1.0) * (double) ((step + 1) / 2);
      double y = l->ay + lines * line_ms;
      gboolean free = TRUE;
      for (guint j = 0; j < i && free; j++)
        free = !overlaps(l, y, order->pdata[j], line_ms);
      if (free) {
        l->y = y;
        l->leader = step > 0;
        break;
      }
    }
  }
}

static gint cmp_double(gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

SpacetimeTimeMap *spacetime_time_map_new(const GArray *times, gboolean linear)
{
  SpacetimeTimeMap *m = g_new0(SpacetimeTimeMap, 1);
  m->t = g_array_new(FALSE, FALSE, sizeof(double));
  m->y = g_array_new(FALSE, FALSE, sizeof(double));
  g_autoptr(GArray) sorted = g_array_sized_new(FALSE, FALSE, sizeof(double), times->len);
  g_array_append_vals(sorted, times->data, times->len);
  g_array_sort(sorted, cmp_double);
  for (guint i = 0; i < sorted->len; i++) {
    double t = g_array_index(sorted, double, i);
    if (m->t->len == 0 || t > g_array_index(m->t, double, m->t->len - 1))
      g_array_append_val(m->t, t);
  }
  m->cap = m->idle = INFINITY;
  guint n_gaps = m->t->len > 1 ? m->t->len - 1 : 0;
  if (!linear && n_gaps >= 2) {
    g_autoptr(GArray) gaps = g_array_sized_new(FALSE, FALSE, sizeof(double), n_gaps);
    for (guint i = 1; i < m->t->len; i++) {
      double g = g_array_index(m->t, double, i) - g_array_index(m->t, double, i - 1);
      g_array_append_val(gaps, g);
    }
    g_array_sort(gaps, cmp_double);
    double idle = m->idle = SPACETIME_IDLE_FACTOR * g_array_index(gaps, double, (n_gaps - 1) / 2);
    double busy = 0;
    guint n_idle = 0;
    for (guint i = 0; i < n_gaps; i++) {
      double g = g_array_index(gaps, double, i);
      if (g > idle)
        n_idle++;
      else
        busy += g;
    }
    /* busy / (busy + n_idle * cap) = SPACETIME_BURST_SHARE */
    if (n_idle > 0)
      m->cap = MIN(idle, busy * (1 - SPACETIME_BURST_SHARE) / (SPACETIME_BURST_SHARE * n_idle));
  }
  double y = m->t->len ? g_array_index(m->t, double, 0) : 0;
  for (guint i = 0; i < m->t->len; i++) {
    if (i > 0) {
      double g = g_array_index(m->t, double, i) - g_array_index(m->t, double, i - 1);
      y += g > m->idle ? MIN(g, m->cap) : g;
    }
    g_array_append_val(m->y, y);
  }
  return m;
}

void spacetime_time_map_free(SpacetimeTimeMap *m)
{
  g_array_unref(m->t);
  g_array_unref(m->y);
  g_free(m);
}

gboolean spacetime_time_map_shortened(const SpacetimeTimeMap *m, guint i)
{
  if (i + 1 >= m->t->len)
    return FALSE;
  double g = g_array_index(m->t, double, i + 1) - g_array_index(m->t, double, i);
  return g > m->idle && g > m->cap;
}

double spacetime_time_map_y(const SpacetimeTimeMap *m, double t)
{
  guint n = m->t->len;
  if (n == 0)
    return t;
  const double *ts = (const double *) m->t->data, *ys = (const double *) m->y->data;
  if (t <= ts[0])
    return ys[0] - (ts[0] - t);
  if (t >= ts[n - 1])
    return ys[n - 1] + (t - ts[n - 1]);
  guint lo = 0, hi = n - 1; /* ts[lo] <= t < ts[hi] */
  while (hi - lo > 1) {
    guint mid = (lo + hi) / 2;
    if (ts[mid] <= t)
      lo = mid;
    else
      hi = mid;
  }
  return ys[lo] + (t - ts[lo]) * (ys[hi] - ys[lo]) / (ts[hi] - ts[lo]);
}
