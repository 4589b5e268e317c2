/* Hash functions of the ring library: XXH64, FNV-1a 64, a splitmix64 fold,
 * MD5 (through GChecksum), and the jump consistent hash. All are fixed by
 * their definitions and read bytes little-endian, so results do not depend
 * on the host. */
#include "models/ring/ring.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/rng.h"
#include <string.h>

static const struct { const char *name; RingHash hash; } ring_hash_names[] = {
  { "xxh64", RING_HASH_XXH64 },
  { "fnv1a", RING_HASH_FNV1A },
  { "splitmix", RING_HASH_SPLITMIX },
  { "md5", RING_HASH_MD5 },
};

gboolean ring_hash_parse(const char *name, RingHash *out, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS(ring_hash_names); i++)
    if (strcmp(name, ring_hash_names[i].name) == 0) {
      *out = ring_hash_names[i].hash;
      return TRUE;
    }
  g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
              "unknown hash '%s' (expected xxh64, fnv1a, splitmix or md5)", name);
  return FALSE;
}

const char *ring_hash_name(RingHash hash)
{
  for (gsize i = 0; i < G_N_ELEMENTS(ring_hash_names); i++)
    if (ring_hash_names[i].hash == hash)
      return ring_hash_names[i].name;
  return "?";
}

static inline uint64_t ring_read64(const guint8 *p)
{
  return (uint64_t) p[0] | (uint64_t) p[1] << 8 | (uint64_t) p[2] << 16 |
         (uint64_t) p[3] << 24 | (uint64_t) p[4] << 32 | (uint64_t) p[5] << 40 |
         (uint64_t) p[6] << 48 | (uint64_t) p[7] << 56;
}

static inline uint32_t ring_read32(const guint8 *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
         (uint32_t) p[3] << 24;
}

static inline uint64_t ring_rotl64(uint64_t x, int r)
{
  return (x << r) | (x >> (64 - r));
}

#define XXH_P1 0x9E3779B185EBCA87ULL
#define XXH_P2 0xC2B2AE3D27D4EB4FULL
#define XXH_P3 0x165667B19E3779F9ULL
#define XXH_P4 0x85EBCA77C2B2AE63ULL
#define XXH_P5 0x27D4EB2F165667C5ULL

static inline uint64_t xxh_round(uint64_t acc, uint64_t input)
{
  acc += input * XXH_P2;
  acc = ring_rotl64(acc, 31);
  return acc * XXH_P1;
}

static inline uint64_t xxh_merge(uint64_t acc, uint64_t val)
{
  acc ^= xxh_round(0, val);
  return acc * XXH_P1 + XXH_P4;
}

uint64_t ring_xxh64(const void *data, gsize len, uint64_t seed)
{
  const guint8 *p = data, *end = p + len;
  uint64_t h;
  if (len >= 32) {
    uint64_t v1 = seed + XXH_P1 + XXH_P2, v2 = seed + XXH_P2, v3 = seed, v4 = seed - XXH_P1;
    const guint8 *limit = end - 32;
    do {
      v1 = xxh_round(v1, ring_read64(p));
      v2 = xxh_round(v2, ring_read64(p + 8));
      v3 = xxh_round(v3, ring_read64(p + 16));
      v4 = xxh_round(v4, ring_read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = ring_rotl64(v1, 1) + ring_rotl64(v2, 7) + ring_rotl64(v3, 12) + ring_rotl64(v4, 18);
    h = xxh_merge(h, v1);
    h = xxh_merge(h, v2);
    h = xxh_merge(h, v3);
    h = xxh_merge(h, v4);
  } else {
    h = seed + XXH_P5;
  }
  h += (uint64_t) len;
  while (p + 8 <= end) {
    h ^= xxh_round(0, ring_read64(p));
    h = ring_rotl64(h, 27) * XXH_P1 + XXH_P4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= (uint64_t) ring_read32(p) * XXH_P1;
    h = ring_rotl64(h, 23) * XXH_P2 + XXH_P3;
    p += 4;
  }
  while (p < end) {
    h ^= (uint64_t) *p * XXH_P5;
    h = ring_rotl64(h, 11) * XXH_P1;
    p++;
  }
  h ^= h >> 33;
  h *= XXH_P2;
  h ^= h >> 29;
  h *= XXH_P3;
  h ^= h >> 32;
  return h;
}

uint64_t ring_fnv1a64(const void *data, gsize len)
{
  const guint8 *p = data;
  uint64_t h = 0xcbf29ce484222325ULL;
  for (gsize i = 0; i < len; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* Each 8-byte little-endian word (the last zero-padded) is xored into the
 * state and mixed with the splitmix64 finaliser; the length is mixed last. */
uint64_t ring_splitmix_hash(const void *data, gsize len)
{
  const guint8 *p = data;
  uint64_t h = 0;
  gsize i = 0;
  for (; i + 8 <= len; i += 8)
    h = sim_mix64(h ^ ring_read64(p + i));
  if (i < len) {
    guint8 tail[8] = { 0 };
    memcpy(tail, p + i, len - i);
    h = sim_mix64(h ^ ring_read64(tail));
  }
  return sim_mix64(h ^ (uint64_t) len);
}

void ring_md5(const void *data, gsize len, guint8 digest[16])
{
  GChecksum *c = g_checksum_new(G_CHECKSUM_MD5);
  gsize dlen = 16;
  g_checksum_update(c, data, (gssize) len);
  g_checksum_get_digest(c, digest, &dlen);
  g_checksum_free(c);
}

uint64_t ring_hash64(RingHash hash, const void *data, gsize len)
{
  switch (hash) {
  case RING_HASH_FNV1A:
    return ring_fnv1a64(data, len);
  case RING_HASH_SPLITMIX:
    return ring_splitmix_hash(data, len);
  case RING_HASH_MD5: {
    guint8 d[16];
    ring_md5(data, len, d);
    return ring_read64(d);
  }
  case RING_HASH_XXH64:
  default:
    return ring_xxh64(data, len, 0);
  }
}

/* Lamport & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014). */
gint32 ring_jump_hash(uint64_t key, gint32 n_buckets)
{
  int64_t b = -1, j = 0;
  while (j < n_buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = (int64_t) ((double) (b + 1) * ((double) (1LL << 31) / (double) ((key >> 33) + 1)));
  }
  return (gint32) b;
}
