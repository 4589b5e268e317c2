/* Log-bucketed histogram: see sim/kernel/histogram.h. A bucket index is
 * exponent * SUB + sub-bucket; each sign keeps a dense array of counters
 * over the range of indices seen so far. */
#include "sim/kernel/histogram.h"
#include <math.h>

typedef struct {
  gint64 base;     /* bucket index of counts[0] */
  GArray *counts;  /* of guint64; NULL until the first sample */
} Store;

struct SimHistogram {
  guint64 count;
  guint64 zeros;
  double min, max;
  Store pos, neg;  /* neg holds |value| of negative samples */
};

SimHistogram *sim_histogram_new(void)
{
  SimHistogram *h = g_new0(SimHistogram, 1);
  h->min = NAN;
  h->max = NAN;
  return h;
}

void sim_histogram_free(SimHistogram *h)
{
  if (!h)
    return;
  if (h->pos.counts)
    g_array_unref(h->pos.counts);
  if (h->neg.counts)
    g_array_unref(h->neg.counts);
  g_free(h);
}

/* The bucket of a finite v > 0; exact (no rounding anywhere). */
static gint64 bucket_of(double v)
{
  int e;
  double m = frexp(v, &e); /* v = m * 2^e, 0.5 <= m < 1 */
  gint64 sub = (gint64) ((m - 0.5) * (2.0 * SIM_HISTOGRAM_SUB));
  return (gint64) e * SIM_HISTOGRAM_SUB + sub;
}

/* The midpoint of a bucket: (2 * (SUB + sub) + 1) * 2^(e - BITS - 2). */
static double bucket_mid(gint64 index)
{
  gint64 e = index >= 0 ? index / SIM_HISTOGRAM_SUB : -((-index + SIM_HISTOGRAM_SUB - 1) / SIM_HISTOGRAM_SUB);
  gint64 sub = index - e * SIM_HISTOGRAM_SUB;
  return ldexp((double) (2 * (SIM_HISTOGRAM_SUB + sub) + 1), (int) e - SIM_HISTOGRAM_SUB_BITS - 2);
}

static void store_add(Store *s, gint64 index)
{
  if (!s->counts) {
    s->counts = g_array_new(FALSE, TRUE, sizeof(guint64));
    s->base = index;
  }
  if (index < s->base) {
    guint grow = (guint) (s->base - index);
    guint64 *zeros = g_new0(guint64, grow);
    g_array_prepend_vals(s->counts, zeros, grow);
    g_free(zeros);
    s->base = index;
  }
  guint at = (guint) (index - s->base);
  if (at >= s->counts->len)
    g_array_set_size(s->counts, at + 1);
  g_array_index(s->counts, guint64, at)++;
}

gsize sim_histogram_bytes(const SimHistogram *h)
{
  gsize bytes = sizeof *h;
  if (h->pos.counts)
    bytes += 32 + h->pos.counts->len * sizeof(guint64);
  if (h->neg.counts)
    bytes += 32 + h->neg.counts->len * sizeof(guint64);
  return bytes;
}

gboolean sim_histogram_add(SimHistogram *h, double value)
{
  if (!isfinite(value))
    return FALSE;
  if (value > 0)
    store_add(&h->pos, bucket_of(value));
  else if (value < 0)
    store_add(&h->neg, bucket_of(-value));
  else
    h->zeros++;
  if (h->count == 0 || value < h->min)
    h->min = value;
  if (h->count == 0 || value > h->max)
    h->max = value;
  h->count++;
  return TRUE;
}

guint64 sim_histogram_count(const SimHistogram *h) { return h->count; }
double sim_histogram_min(const SimHistogram *h) { return h->min; }
double sim_histogram_max(const SimHistogram *h) { return h->max; }

guint64 sim_histogram_rank(double q, guint64 n)
{
  double r = ceil(q * (double) n);
  if (!(r >= 1))
    return 1;
  guint64 k = r > (double) n ? n : (guint64) r;
  /* q * n can round up past a whole number (0.07 * 100 is 7.000000000000001
   * in doubles): step back while a smaller k already reaches q. */
  while (k > 1 && (double) (k - 1) / (double) n >= q)
    k--;
  return k;
}

double sim_histogram_quantile(const SimHistogram *h, double q)
{
  if (h->count == 0)
    return NAN;
  guint64 rank = sim_histogram_rank(q, h->count), seen = 0;
  if (rank == 1)
    return h->min;
  if (rank == h->count)
    return h->max;
  double v = NAN;
  /* Ascending order: negatives from the largest magnitude, zeros, positives. */
  const GArray *neg = h->neg.counts, *pos = h->pos.counts;
  for (guint i = neg ? neg->len : 0; i > 0 && isnan(v); i--) {
    seen += g_array_index(neg, guint64, i - 1);
    if (seen >= rank)
      v = -bucket_mid(h->neg.base + (gint64) (i - 1));
  }
  if (isnan(v)) {
    seen += h->zeros;
    if (seen >= rank)
      v = 0;
  }
  for (guint i = 0; pos && i < pos->len && isnan(v); i++) {
    seen += g_array_index(pos, guint64, i);
    if (seen >= rank)
      v = bucket_mid(h->pos.base + (gint64) i);
  }
  if (isnan(v)) /* unreachable: the counts add up to count */
    v = h->max;
  return v < h->min ? h->min : v > h->max ? h->max : v;
}
