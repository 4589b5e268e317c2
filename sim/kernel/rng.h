/* Seeded random streams. One master seed is split into independent named
 * streams ("network", "faults", "node:3", "client:0", ...) so that adding or
 * removing draws in one stream never shifts another. The generator is
 * xoshiro256** seeded through splitmix64: its output is fixed by definition,
 * unlike rand() or GRand (wallclock-ok: a mention), and the distributions below are our own for the
 * same reason. */
#pragma once
#include <glib.h>
#include <stdint.h>

typedef struct { uint64_t s[4]; } SimRng;

/* Seeds `rng` for the stream called `stream` under master `seed`. */
void sim_rng_init(SimRng *rng, uint64_t seed, const char *stream);
/* Same, for a stream named by a prefix and a number ("node", 3). */
void sim_rng_init_indexed(SimRng *rng, uint64_t seed, const char *prefix, uint64_t index);

uint64_t sim_rng_u64(SimRng *rng);
/* Uniform in [0, 1), 53 random bits. */
double sim_rng_double(SimRng *rng);
/* Uniform in [0, n); n > 0. Unbiased (Lemire's method). */
uint64_t sim_rng_below(SimRng *rng, uint64_t n);
/* Uniform in [lo, hi], inclusive; lo <= hi. */
int64_t sim_rng_range(SimRng *rng, int64_t lo, int64_t hi);
/* TRUE with probability p (p <= 0 never draws and is FALSE; p >= 1 never draws
 * and is TRUE, so a lossless link consumes no randomness). */
gboolean sim_rng_chance(SimRng *rng, double p);
/* Exponential with the given mean. */
double sim_rng_exponential(SimRng *rng, double mean);
/* Standard normal (Box–Muller, one value per call). */
double sim_rng_normal(SimRng *rng);

/* splitmix64 finaliser, also used to mix digests. */
static inline uint64_t sim_mix64(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* FNV-1a of a string: stable across processes, unlike g_str_hash seeds. */
uint64_t sim_hash_str(const char *s);
