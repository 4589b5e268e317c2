/* The statistics of a sweep's summary: mean, standard error and a 95%
 * confidence interval of one measure over the runs of a parameter point.
 *
 * Values are added one at a time (Welford's update, numerically stable);
 * the sweep adds them in run order, so the figures do not depend on how
 * many threads ran the runs or on how a sharded sweep was merged. */
#pragma once
#include <glib.h>

typedef struct {
  guint64 n;
  double mean;
  double m2; /* sum of squared deviations from the mean */
} SweepStat;

/* Adds one value; NaN and infinities are not values and are skipped. */
void sweep_stat_add(SweepStat *s, double v);
/* The mean (NaN with no value). */
double sweep_stat_mean(const SweepStat *s);
/* The standard error of the mean, sqrt(sample variance / n) (NaN with
 * fewer than 2 values). */
double sweep_stat_se(const SweepStat *s);
/* The 95% confidence interval of the mean, mean ± t(0.975, n − 1) × se,
 * Student's t (NaN ends with fewer than 2 values). */
void sweep_stat_ci95(const SweepStat *s, double *lo, double *hi);
/* The 0.975 quantile of Student's t with `df` degrees of freedom (df >= 1):
 * exact to 9 digits from a table up to 30, the Cornish–Fisher expansion
 * (within 1e-6) above. */
double sweep_t975(guint64 df);
