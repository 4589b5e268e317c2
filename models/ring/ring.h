/* Consistent-hash placement: maps keys to servers with one of several named
 * algorithms behind a common vtable (RingAlgo). A Ring is built from a list
 * of servers (address + positive weight) and a RingConfig; it is immutable
 * after ring_new(), so lookups are const and a Ring can be shared freely.
 *
 * Algorithms (ring_algo_find):
 *   ketama      libketama-compatible MD5 continuum (32-bit points)
 *   vnodes      the same ring, V virtual nodes per unit weight, 64-bit hash
 *   jump        jump consistent hash (Lamport & Veach 2014); equal weights
 *   rendezvous  highest random weight, weighted score -w/ln(u)
 *   bounded     vnodes ring with bounded loads (Mirrokni et al.), batch API
 *   modulo      hash mod N, the baseline; equal weights
 *
 * Server indices are positions in the list given to ring_new(). Every output
 * is a pure function of (algorithm, config, server list, key). */
#pragma once
#include <glib.h>
#include <stdint.h>

/* Returned where no server can be given (bounded: every server full). */
#define RING_NONE G_MAXUINT

/* A server's weight lies in [RING_WEIGHT_MIN, RING_WEIGHT_MAX]: room for
 * shares, megabytes or bytes of memory, yet small enough that no sum or
 * product of weights in the algorithms overflows (a weight of 1e308 once
 * turned into 10^8 virtual nodes). */
#define RING_WEIGHT_MIN 1e-6
#define RING_WEIGHT_MAX 1e12
/* The most points a continuum (vnodes, bounded) may have: 12 bytes each,
 * so 120 MB of arrays, plus a 16-byte-per-point array while sorting. */
#define RING_MAX_POINTS 10000000

typedef enum {
  RING_HASH_XXH64,    /* XXH64, seed 0 (the default) */
  RING_HASH_FNV1A,    /* FNV-1a 64-bit */
  RING_HASH_SPLITMIX, /* 8-byte little-endian words folded through splitmix64 */
  RING_HASH_MD5,      /* first 8 bytes of MD5, little-endian */
} RingHash;

typedef struct {
  const char *addr;   /* server address; copied by ring_new() */
  double weight;      /* RING_WEIGHT_MIN..RING_WEIGHT_MAX */
} RingServer;

typedef struct {
  guint vnodes;       /* vnodes/bounded: points per server of mean weight; 0 = 100 */
  RingHash hash;      /* vnodes/bounded/jump/rendezvous/modulo key hash */
  double epsilon;     /* bounded: capacity = ceil((1+epsilon) * fair share); 0 = 0.25 */
} RingConfig;

typedef struct Ring Ring;

/* The vtable of an algorithm. build() fills the algorithm's part of `ring`
 * (servers are already copied in) and returns FALSE with `error` set on bad
 * input; free() releases what build() allocated (also after a failed build). */
typedef struct {
  const char *name;
  const char *summary;
  gboolean (*build)(Ring *ring, GError **error);
  guint (*lookup)(const Ring *ring, const char *key, gsize len);
  guint (*preference)(const Ring *ring, const char *key, gsize len, guint n, guint *out);
  void (*free)(Ring *ring);
} RingAlgo;

/* The algorithm called `name`, or NULL. */
const RingAlgo *ring_algo_find(const char *name);
/* All algorithms, in a fixed order; *n_out receives their number. */
const RingAlgo *const *ring_algos(guint *n_out);

/* Parses a hash name ("xxh64", "fnv1a", "splitmix", "md5"); FALSE and
 * SIM_ERROR_INVALID on an unknown name. */
gboolean ring_hash_parse(const char *name, RingHash *out, GError **error);
const char *ring_hash_name(RingHash hash);
/* The 64-bit hash of `len` bytes at `data`. */
uint64_t ring_hash64(RingHash hash, const void *data, gsize len);
uint64_t ring_xxh64(const void *data, gsize len, uint64_t seed);
uint64_t ring_fnv1a64(const void *data, gsize len);
uint64_t ring_splitmix_hash(const void *data, gsize len);
/* MD5 of `len` bytes into `digest` (GChecksum). */
void ring_md5(const void *data, gsize len, guint8 digest[16]);
/* Jump consistent hash: the bucket in [0, n_buckets) of a 64-bit key;
 * n_buckets >= 1. The published loop, unchanged. */
gint32 ring_jump_hash(uint64_t key, gint32 n_buckets);

/* Builds a ring of `algo` over `n_servers` servers (>= 1, distinct addresses,
 * weights from RING_WEIGHT_MIN to RING_WEIGHT_MAX). `config` may be NULL for
 * the defaults. NULL and `error` (SIM_ERROR_INVALID) on bad input, or when
 * the continuum would need more than RING_MAX_POINTS points. */
Ring *ring_new(const RingAlgo *algo, const RingConfig *config,
               const RingServer *servers, guint n_servers, GError **error);
void ring_free(Ring *ring);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Ring, ring_free)

const RingAlgo *ring_algo(const Ring *ring);
guint ring_n_servers(const Ring *ring);
const char *ring_server_addr(const Ring *ring, guint index);
double ring_server_weight(const Ring *ring, guint index);
/* Number of points on the continuum (ketama/vnodes/bounded), else 0. */
gsize ring_n_points(const Ring *ring);

/* The server a key maps to. For `bounded` this ignores loads (it is the plain
 * ring lookup); use RingLoad for bounded placement. */
guint ring_lookup(const Ring *ring, const char *key, gsize len);
/* Writes the preference list of `key` (n distinct servers, primary first)
 * into out[0..]. Returns the number written: min(n, ring_n_servers()).
 *   ring algorithms: first distinct servers clockwise from the key's point;
 *   rendezvous: the n highest scores, descending;
 *   jump: replica r is jump(mix(h + r)) for r = 0, 1, ... skipping servers
 *     already chosen (after 64·n tries, the lowest unchosen indices);
 *   modulo: (h mod N + r) mod N. */
guint ring_preference(const Ring *ring, const char *key, gsize len, guint n, guint *out);

/* Fraction of the hash circle owned by each server (continuum algorithms);
 * share[] has ring_n_servers() entries. FALSE when the algorithm has no
 * continuum (jump, rendezvous, modulo). */
gboolean ring_shares(const Ring *ring, double *share);

/* Load-aware placement of a known number of keys, in order. For `bounded`
 * each server i has capacity ceil((1+epsilon) * n_keys * w_i / W) and a key
 * walks clockwise past full servers; for the other algorithms assignment is
 * ring_lookup() and capacity is unlimited (G_MAXUINT64). */
typedef struct RingLoad RingLoad;
RingLoad *ring_load_new(const Ring *ring, guint64 n_keys);
/* Places one key and counts it. RING_NONE only if every server is full,
 * which cannot happen before n_keys keys have been placed. */
guint ring_load_assign(RingLoad *load, const char *key, gsize len);
guint64 ring_load_count(const RingLoad *load, guint server);
guint64 ring_load_capacity(const RingLoad *load, guint server);
void ring_load_free(RingLoad *load);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RingLoad, ring_load_free)
/* Batch form: out[i] = server of keys[i] (NUL-terminated). */
void ring_assign_batch(const Ring *ring, const char *const *keys, gsize n_keys, guint *out);

/* Measurements (ring_measure.c). */
/* Population stddev / mean of n values; 0 when the mean is 0. */
double ring_cv(const double *x, gsize n);
/* Keys "key-0".."key-(K-1)" that change primary server between two rings. */
guint64 ring_count_moved(const Ring *before, const Ring *after, guint64 n_keys);

/* The address of the i-th server in measurements: "10.0.X.Y:11211". */
char *ring_measure_addr(guint i);

typedef struct {
  double ring_cv;        /* stddev/mean of ring shares (continuum algos) */
  double keys_cv;        /* stddev/mean of keys per server */
  double keys_max_mean;  /* max/mean of keys per server */
} RingBalance;

/* Builds `algo` over n_servers measurement servers (equal weights) and places
 * keys "key-0".."key-(K-1)" (with RingLoad, so bounded is load-aware). */
gboolean ring_measure_balance(const RingAlgo *algo, const RingConfig *config,
                              guint n_servers, guint64 n_keys, RingBalance *out,
                              GError **error);

typedef struct {
  guint64 moved;          /* keys whose primary server changed */
  guint64 moved_not_new;  /* ... to a server other than the new one */
} RingJoin;

/* Keys "key-0".."key-(K-1)" moved when server n_before joins servers
 * 0..n_before-1 (the `trial`-th measurement server set: addresses offset by
 * trial * (n_before + 1)). */
gboolean ring_measure_join(const RingAlgo *algo, const RingConfig *config,
                           guint n_before, guint64 n_keys, guint trial,
                           RingJoin *out, GError **error);
