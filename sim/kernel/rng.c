/* xoshiro256** (Blackman & Vigna) with splitmix64 seeding. */
#include "sim/kernel/rng.h"
#include <math.h>

uint64_t sim_hash_str(const char *s)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  for (; *s; s++) {
    h ^= (unsigned char) *s;
    h *= 0x100000001b3ULL;
  }
  return h;
}

static void seed_from(SimRng *rng, uint64_t x)
{
  for (int i = 0; i < 4; i++) {
    x += 0x9e3779b97f4a7c15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    rng->s[i] = z ^ (z >> 31);
  }
}

void sim_rng_init(SimRng *rng, uint64_t seed, const char *stream)
{
  seed_from(rng, sim_mix64(seed) ^ sim_hash_str(stream));
}

void sim_rng_init_indexed(SimRng *rng, uint64_t seed, const char *prefix, uint64_t index)
{
  seed_from(rng, sim_mix64(seed) ^ sim_hash_str(prefix) ^ sim_mix64(index + 0x51ed270b27e3fa7dULL));
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t sim_rng_u64(SimRng *rng)
{
  uint64_t *s = rng->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double sim_rng_double(SimRng *rng)
{
  return (double) (sim_rng_u64(rng) >> 11) * 0x1.0p-53;
}

uint64_t sim_rng_below(SimRng *rng, uint64_t n)
{
  unsigned __int128 m = (unsigned __int128) sim_rng_u64(rng) * n;
  uint64_t low = (uint64_t) m;
  if (low < n) {
    uint64_t threshold = -n % n;
    while (low < threshold) {
      m = (unsigned __int128) sim_rng_u64(rng) * n;
      low = (uint64_t) m;
    }
  }
  return (uint64_t) (m >> 64);
}

int64_t sim_rng_range(SimRng *rng, int64_t lo, int64_t hi)
{
  uint64_t span = (uint64_t) hi - (uint64_t) lo;
  if (span == UINT64_MAX)
    return (int64_t) sim_rng_u64(rng);
  return (int64_t) ((uint64_t) lo + sim_rng_below(rng, span + 1));
}

gboolean sim_rng_chance(SimRng *rng, double p)
{
  if (p <= 0.0)
    return FALSE;
  if (p >= 1.0)
    return TRUE;
  return sim_rng_double(rng) < p;
}

double sim_rng_exponential(SimRng *rng, double mean)
{
  /* 1 - u is in (0, 1], so the log is finite. */
  return -mean * log(1.0 - sim_rng_double(rng));
}

double sim_rng_normal(SimRng *rng)
{
  double u1 = 1.0 - sim_rng_double(rng);
  double u2 = sim_rng_double(rng);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * G_PI * u2);
}
