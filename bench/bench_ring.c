/* Benchmarks of the ring library: lookups per second of every algorithm on
 * 100 servers, bounded batch placement, and a ring of 10^6 virtual nodes
 * (build rate, lookup rate; ns per lookup and ring memory on stderr).
 * rss_kb is the process high-water mark (VmHWM) after the benchmark. */
#include "models/ring/ring.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define BENCH_KEYS (1u << 20)

static long bench_rss_kb(void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
    return 0;
  const char *p = strstr(status, "VmHWM:");
  return p ? strtol(p + 6, NULL, 10) : 0;
}

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
  gint64 t0 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing only */
  for (guint i = 0; i < count; i++) {
    guint j = i % BENCH_KEYS;
    *sink += ring_lookup(ring, k->bytes->str + k->off[j], k->off[j + 1] - k->off[j]);
  }
  gint64 t1 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing only */
  return (double) count * 1e6 / (double) MAX(t1 - t0, 1);
}

static void bench_print(const char *name, double rate, const char *unit)
{
  printf("BENCH name=%s rate=%.0f unit=%s rss_kb=%ld\n", name, rate, unit, bench_rss_kb());
  fflush(stdout);
}

void bench_ring(void)
{
  BenchKeys keys;
  bench_keys_init(&keys);
  guint64 sink = 0;
  static const struct { const char *algo; guint vnodes; guint count; } cases[] = {
    { "ketama", 0, BENCH_KEYS },
    { "vnodes", 100, 4 * BENCH_KEYS },
    { "jump", 0, 4 * BENCH_KEYS },
    { "rendezvous", 0, BENCH_KEYS / 4 },
    { "modulo", 0, 4 * BENCH_KEYS },
  };
  for (gsize c = 0; c < G_N_ELEMENTS(cases); c++) {
    g_autoptr(Ring) ring = bench_ring_new(cases[c].algo, 100, cases[c].vnodes);
    double rate = bench_lookups(ring, &keys, cases[c].count, &sink);
    g_autofree char *name = g_strdup_printf("ring_lookup_%s", cases[c].algo);
    bench_print(name, rate, "lookups/s");
  }

  {
    g_autoptr(Ring) ring = bench_ring_new("bounded", 100, 100);
    g_autoptr(RingLoad) load = ring_load_new(ring, BENCH_KEYS);
    gint64 t0 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing only */
    for (guint i = 0; i < BENCH_KEYS; i++)
      sink += ring_load_assign(load, keys.bytes->str + keys.off[i], keys.off[i + 1] - keys.off[i]);
    gint64 t1 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing only */
    bench_print("ring_assign_bounded", (double) BENCH_KEYS * 1e6 / (double) MAX(t1 - t0, 1), "keys/s");
  }

  {
    long rss_before = bench_rss_kb();
    gint64 t0 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing only */
    g_autoptr(Ring) ring = bench_ring_new("vnodes", 1000, 1000);
    gint64 t1 = g_get_monotonic_time(); /* wallclock-ok: benchmark timing only */
    gsize points = ring_n_points(ring);
    bench_print("ring_build_vnodes_1m", (double) points * 1e6 / (double) MAX(t1 - t0, 1), "points/s");
    double rate = bench_lookups(ring, &keys, 4 * BENCH_KEYS, &sink);
    bench_print("ring_lookup_vnodes_1m", rate, "lookups/s");
    fprintf(stderr, "# ring_lookup_vnodes_1m: %" G_GSIZE_FORMAT " points, %.1f ns/lookup, "
            "ring arrays %" G_GSIZE_FORMAT " KiB, rss_kb high-water before build %ld\n",
            points, 1e9 / rate, points * (sizeof(uint64_t) + sizeof(guint32)) / 1024, rss_before);
  }
  fprintf(stderr, "# ring checksum %" G_GUINT64_FORMAT "\n", sink);
  g_string_free(keys.bytes, TRUE);
  g_free(keys.off);
}
