/* Benchmarks of the ring library: lookups per second of every algorithm on
 * 100 servers, bounded batch placement, and a ring of 10^6 virtual nodes
 * (build rate, lookup rate; ns per lookup and ring memory on stderr).
 * The keys are made once; each case then runs in a process of its own, so
 * its rss_kb is the keys plus its own ring. */
#include "bench/bench_util.h"
#include "models/ring/ring.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define BENCH_KEYS (1u << 20)

typedef struct {
  GString *bytes;
  gsize *off;  /* BENCH_KEYS + 1 */
} BenchKeys;

static void bench_keys_init(BenchKeys *k)
{
  k->bytes = g_string_sized_new(BENCH_KEYS * 12);
  k->off = g_new(gsize, BENCH_KEYS + 1);
  for (guint i = 0; i < BENCH_KEYS; i++) {
    k->off[i] = k->bytes->len;
    g_string_append_printf(k->bytes, "user:%u", i * 2654435761u);
  }
  k->off[BENCH_KEYS] = k->bytes->len;
}

static Ring *bench_ring_new(const char *algo, guint n, guint vnodes)
{
  g_autofree RingServer *servers = g_new(RingServer, n);
  g_auto(GStrv) addrs = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++) {
    addrs[i] = ring_measure_addr(i);
    servers[i].addr = addrs[i];
    servers[i].weight = 1;
  }
  RingConfig cfg = { .vnodes = vnodes };
  return ring_new(ring_algo_find(algo), &cfg, servers, n, NULL);
}

/* Lookups per second over `count` keys; the sum of results defeats dead-code
 * elimination. */
static double bench_lookups(const Ring *ring, const BenchKeys *k, guint count, guint64 *sink)
{
  double t0 = bench_seconds();
  for (guint i = 0; i < count; i++) {
    guint j = i % BENCH_KEYS;
    *sink += ring_lookup(ring, k->bytes->str + k->off[j], k->off[j + 1] - k->off[j]);
  }
  return (double) count / MAX(bench_seconds() - t0, 1e-6);
}

typedef struct {
  const BenchKeys *keys; /* made once, before the cases fork */
  const char *algo;
  guint vnodes, count;
} LookupCase;

static int bench_lookup_case(gpointer data)
{
  const LookupCase *c = data;
  double ref = bench_reference_rate();
  guint64 sink = 0;
  g_autoptr(Ring) ring = bench_ring_new(c->algo, 100, c->vnodes);
  double rate = bench_lookups(ring, c->keys, c->count, &sink);
  g_autofree char *name = g_strdup_printf("ring_lookup_%s", c->algo);
  g_autofree char *extra = g_strdup_printf("checksum=%" G_GUINT64_FORMAT, sink);
  bench_report(name, rate, "lookups/s", ref, extra);
  return 0;
}

static int bench_bounded_case(gpointer data)
{
  const BenchKeys *keys = data;
  double ref = bench_reference_rate();
  guint64 sink = 0;
  g_autoptr(Ring) ring = bench_ring_new("bounded", 100, 100);
  g_autoptr(RingLoad) load = ring_load_new(ring, BENCH_KEYS);
  double t0 = bench_seconds();
  for (guint i = 0; i < BENCH_KEYS; i++)
    sink += ring_load_assign(load, keys->bytes->str + keys->off[i], keys->off[i + 1] - keys->off[i]);
  double rate = (double) BENCH_KEYS / MAX(bench_seconds() - t0, 1e-6);
  g_autofree char *extra = g_strdup_printf("checksum=%" G_GUINT64_FORMAT, sink);
  bench_report("ring_assign_bounded", rate, "keys/s", ref, extra);
  return 0;
}

static int bench_million_case(gpointer data)
{
  const BenchKeys *keys = data;
  double ref = bench_reference_rate();
  guint64 sink = 0;
  long rss_before = bench_status_kb("VmRSS");
  double t0 = bench_seconds();
  g_autoptr(Ring) ring = bench_ring_new("vnodes", 1000, 1000);
  double build = MAX(bench_seconds() - t0, 1e-6);
  gsize points = ring_n_points(ring);
  g_autofree char *arrays = g_strdup_printf("ring_arrays_kib=%" G_GSIZE_FORMAT,
                                            points * (sizeof(uint64_t) + sizeof(guint32)) / 1024);
  bench_report("ring_build_vnodes_1m", (double) points / build, "points/s", ref, arrays);
  double rate = bench_lookups(ring, keys, 4 * BENCH_KEYS, &sink);
  g_autofree char *extra = g_strdup_printf("ns_per_lookup=%.1f checksum=%" G_GUINT64_FORMAT, 1e9 / rate, sink);
  bench_report("ring_lookup_vnodes_1m", rate, "lookups/s", ref, extra);
  fprintf(stderr, "# ring_lookup_vnodes_1m: %" G_GSIZE_FORMAT " points, resident before the build %ld kB\n", points,
          rss_before);
  return 0;
}

int bench_ring(gpointer unused)
{
  (void) unused;
  BenchKeys keys;
  bench_keys_init(&keys);
  LookupCase cases[] = {
    { &keys, "ketama", 0, BENCH_KEYS },
    { &keys, "vnodes", 100, 4 * BENCH_KEYS },
    { &keys, "jump", 0, 4 * BENCH_KEYS },
    { &keys, "rendezvous", 0, BENCH_KEYS / 4 },
    { &keys, "modulo", 0, 4 * BENCH_KEYS },
  };
  int status = 0;
  for (gsize c = 0; c < G_N_ELEMENTS(cases); c++)
    status |= bench_fork(bench_lookup_case, &cases[c]);
  status |= bench_fork(bench_bounded_case, &keys);
  status |= bench_fork(bench_million_case, &keys);
  g_string_free(keys.bytes, TRUE);
  g_free(keys.off);
  return status;
}
