/* A log-bucketed histogram (HdrHistogram-style) for latency-like series.
 *
 * Each power of two is split into SIM_HISTOGRAM_SUB linear sub-buckets, found
 * exactly from the binary exponent and the top mantissa bits (frexp), so the
 * bucket of a value never depends on libm rounding. A quantile is the
 * midpoint of the bucket holding the nearest-rank sample, clamped to the
 * exact minimum and maximum: its relative error is at most
 * SIM_HISTOGRAM_REL_ERROR (1/256, about 0.4 %) against the exact
 * nearest-rank quantile. Zero and negative values are kept too (negatives
 * in a mirrored set of buckets). Memory grows with the range of magnitudes
 * seen (128 counters per power of two), not with the number of samples. */
#pragma once
#include <glib.h>

#define SIM_HISTOGRAM_SUB_BITS 7
#define SIM_HISTOGRAM_SUB (1 << SIM_HISTOGRAM_SUB_BITS)
#define SIM_HISTOGRAM_REL_ERROR (1.0 / (2.0 * SIM_HISTOGRAM_SUB))

typedef struct SimHistogram SimHistogram;

/* An empty histogram; never fails. */
SimHistogram *sim_histogram_new(void);
void sim_histogram_free(SimHistogram *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimHistogram, sim_histogram_free)

/* Records one sample. NaN and infinities are not recorded (returns FALSE). */
gboolean sim_histogram_add(SimHistogram *h, double value);
/* The bytes it holds (its counters), for memory budgets. */
gsize sim_histogram_bytes(const SimHistogram *h);
/* Number of recorded samples. */
guint64 sim_histogram_count(const SimHistogram *h);
/* Exact smallest and largest samples; NAN when empty. */
double sim_histogram_min(const SimHistogram *h);
double sim_histogram_max(const SimHistogram *h);
/* The q-quantile (0 <= q <= 1) by nearest rank: the sample of rank
 * sim_histogram_rank(q, count), within SIM_HISTOGRAM_REL_ERROR of it
 * relatively; rank 1 and rank count give the exact min and max. NAN when
 * empty. */
double sim_histogram_quantile(const SimHistogram *h, double q);
/* The 1-based nearest rank of quantile q among n samples: the smallest k
 * in 1..n with k / n >= q (ceil(q * n) in exact arithmetic, for q as written
 * in decimal, e.g. 0.07). */
guint64 sim_histogram_rank(double q, guint64 n);
