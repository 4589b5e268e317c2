#include "sim/cli/sweep_stats.h"
#include <math.h>

void sweep_stat_add(SweepStat *s, double v)
{
  if (!isfinite(v))
    return;
  s->n++;
  double d = v - s->mean;
  s->mean += d / (double) s->n;
  s->m2 += d * (v - s->mean);
}

double sweep_stat_mean(const SweepStat *s)
{
  return s->n ? s->mean : NAN;
}

double sweep_stat_se(const SweepStat *s)
{
  if (s->n < 2)
    return NAN;
  double var = s->m2 / (double) (s->n - 1);
  return sqrt(var > 0 ? var : 0) / sqrt((double) s->n);
}

double sweep_t975(guint64 df)
{
  /* t(0.975, df) for df = 1..30, from the t distribution's tables. */
  static const double table[] = {
    12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135,
    2.262157163,  2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546, 2.119905299,
    2.109815578,  2.100922040, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
    2.059538553,  2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
  };
  if (df == 0)
    return NAN;
  if (df <= G_N_ELEMENTS(table))
    return table[df - 1];
  /* Cornish–Fisher: t = z + g1/ν + g2/ν² + g3/ν³ + g4/ν⁴ (Abramowitz &
   * Stegun 26.7.5), z the normal 0.975 quantile. */
  const double z = 1.959963984540054, z2 = z * z, nu = (double) df;
  double g1 = (z2 + 1) * z / 4;
  double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + g1 / nu + g2 / (nu * nu) + g3 / (nu * nu * nu) + g4 / (nu * nu * nu * nu);
}

void sweep_stat_ci95(const SweepStat *s, double *lo, double *hi)
{
  double se = sweep_stat_se(s);
  if (isnan(se)) {
    *lo = *hi = NAN;
    return;
  }
  double half = sweep_t975(s->n - 1) * se;
  *lo = s->mean - half;
  *hi = s->mean + half;
}
