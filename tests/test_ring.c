/* Consistent-hash placement (models/ring): reference outputs of ketama and
 * jump derived independently of the library, hash test vectors, and the
 * measured properties: balance against 1/sqrt(v), keys moved on a join,
 * bounded capacities, distinct preference lists, and the CLI contract. */
#include "models/ring/ring.h"
#include "tests/spawn.h"
#include "sim/kernel/errors.h"
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static Ring *test_ring(const char *algo, const RingConfig *cfg, guint n, const double *weights)
{
  g_autofree RingServer *servers = g_new(RingServer, n);
  g_auto(GStrv) addrs = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++) {
    addrs[i] = ring_measure_addr(i);
    servers[i].addr = addrs[i];
    servers[i].weight = weights ? weights[i] : 1;
  }
  GError *error = NULL;
  Ring *ring = ring_new(ring_algo_find(algo), cfg, servers, n, &error);
  CU_ASSERT_PTR_NULL(error);
  g_clear_error(&error);
  return ring;
}

static void test_hash_vectors(void)
{
  /* XXH64 reference values (seed 0) from the xxHash specification. */
  CU_ASSERT_EQUAL(ring_xxh64("", 0, 0), 0xEF46DB3751D8E999ULL);
  CU_ASSERT_EQUAL(ring_xxh64("a", 1, 0), 0xD24EC4F1A98C6E5BULL);
  CU_ASSERT_EQUAL(ring_xxh64("abc", 3, 0), 0x44BC2CF5AD770999ULL);
  const char *t = "Nobody inspects the spammish repetition";
  CU_ASSERT_EQUAL(ring_xxh64(t, strlen(t), 0), 0xFBCEA83C8A378BF1ULL);
  /* FNV-1a 64: offset basis, and "a". */
  CU_ASSERT_EQUAL(ring_fnv1a64("", 0), 0xcbf29ce484222325ULL);
  CU_ASSERT_EQUAL(ring_fnv1a64("a", 1), 0xaf63dc4c8601ec8cULL);
  guint8 d[16];
  ring_md5("", 0, d);
  CU_ASSERT_EQUAL(d[0], 0xd4);
  CU_ASSERT_EQUAL(d[15], 0x7e);
  /* The splitmix fold depends on length and on every byte. */
  CU_ASSERT_NOT_EQUAL(ring_splitmix_hash("", 0), ring_splitmix_hash("\0", 1));
  CU_ASSERT_NOT_EQUAL(ring_splitmix_hash("abcdefghi", 9), ring_splitmix_hash("abcdefghj", 9));
  RingHash h;
  CU_ASSERT_TRUE(ring_hash_parse("splitmix", &h, NULL));
  CU_ASSERT_EQUAL(h, RING_HASH_SPLITMIX);
  CU_ASSERT_FALSE(ring_hash_parse("crc32", &h, NULL));
}

/* Independent ketama: MD5 as hex text (g_compute_checksum_for_string, not
 * the library's digest path), points parsed from the hex, a sorted array of
 * (point << 32 | server), and a linear scan for the lookup. */
static guint32 hex_le32(const char *hex)
{
  guint32 v = 0;
  for (int b = 3; b >= 0; b--) {
    char byte[3] = { hex[2 * b], hex[2 * b + 1], 0 };
    v = (v << 8) | (guint32) strtoul(byte, NULL, 16);
  }
  return v;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
  return x < y ? -1 : x > y;
}

static void test_ketama_reference(void)
{
  const char *addr[2] = { "10.0.0.1:11211", "10.0.0.2:11211" };
  RingServer servers[2] = { { addr[0], 1 }, { addr[1], 1 } };
  g_autoptr(Ring) ring = ring_new(ring_algo_find("ketama"), NULL, servers, 2, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
  /* floor(0.5 * 40 * 2) = 40 digests, 4 points each, per server. */
  CU_ASSERT_EQUAL(ring_n_points(ring), 320);

  uint64_t ref[320];
  gsize c = 0;
  for (guint s = 0; s < 2; s++)
    for (guint k = 0; k < 40; k++) {
      g_autofree char *text = g_strdup_printf("%s-%u", addr[s], k);
      g_autofree char *hex = g_compute_checksum_for_string(G_CHECKSUM_MD5, text, -1);
      for (int j = 0; j < 4; j++)
        ref[c++] = (uint64_t) hex_le32(hex + 8 * j) << 32 | s;
    }
  qsort(ref, 320, sizeof ref[0], cmp_u64);
  /* MD5("10.0.0.1:11211-0") = 76240962 e29fe30f 407f595c 517e7577...:
   * its first point, little-endian, is 0x62092476 (worked out by hand). */
  g_autofree char *hex0 = g_compute_checksum_for_string(G_CHECKSUM_MD5, "10.0.0.1:11211-0", -1);
  CU_ASSERT_EQUAL(hex_le32(hex0), 0x62092476u);

  for (guint k = 0; k < 2000; k++) {
    g_autofree char *key = g_strdup_printf("user:%u", k);
    g_autofree char *hex = g_compute_checksum_for_string(G_CHECKSUM_MD5, key, -1);
    uint64_t h = hex_le32(hex);
    guint want = (guint) (ref[0] & 0xffffffffu);
    for (gsize i = 0; i < 320; i++)
      if ((ref[i] >> 32) >= h) {
        want = (guint) (ref[i] & 0xffffffffu);
        break;
      }
    CU_ASSERT_EQUAL(ring_lookup(ring, key, strlen(key)), want);
  }
  /* Pinned placements, computed once with an independent script. */
  static const struct { const char *key; guint server; } pinned[] = {
    { "a", 0 }, { "foo", 1 }, { "bar", 0 }, { "key-0", 1 }, { "key-1", 0 },
    { "memcached", 0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(pinned); i++)
    CU_ASSERT_EQUAL(ring_lookup(ring, pinned[i].key, strlen(pinned[i].key)), pinned[i].server);
}

static void test_ketama_weights(void)
{
  /* libketama point counts: floorf(share * 40 * n) digests of 4 points. */
  double w13[2] = { 1, 3 };
  g_autoptr(Ring) a = test_ring("ketama", NULL, 2, w13);
  CU_ASSERT_EQUAL(ring_n_points(a), 4 * (20 + 60));
  g_autoptr(Ring) b = test_ring("ketama", NULL, 3, NULL);
  CU_ASSERT_EQUAL(ring_n_points(b), 3 * 160);
  double w[3] = { 512, 512, 1024 };
  g_autoptr(Ring) c = test_ring("ketama", NULL, 3, w);
  CU_ASSERT_EQUAL(ring_n_points(c), 4 * (30 + 30 + 60));
}

static void test_jump_reference(void)
{
  /* By hand: key 0 -> after one step key = 1, j = 1 * 2^31 / ((1 >> 33) + 1)
   * = 2^31 >= n, so bucket 0 for every n. Key 1, n = 2: key becomes
   * 2862933555777941758, key >> 33 = 333289331, j = floor(2^31 / 333289332)
   * = 6 >= 2, so bucket 0; with n = 10 the loop continues from b = 6. */
  CU_ASSERT_EQUAL(ring_jump_hash(0, 1), 0);
  CU_ASSERT_EQUAL(ring_jump_hash(0, 100), 0);
  CU_ASSERT_EQUAL(ring_jump_hash(1, 2), 0);
  /* Further values from an independent transcription of the published loop. */
  CU_ASSERT_EQUAL(ring_jump_hash(1, 10), 6);
  CU_ASSERT_EQUAL(ring_jump_hash(1, 1000), 549);
  CU_ASSERT_EQUAL(ring_jump_hash(42, 10), 2);
  CU_ASSERT_EQUAL(ring_jump_hash(0xdeadbeefULL, 100), 87);
  CU_ASSERT_EQUAL(ring_jump_hash(G_MAXUINT64, 1000), 313);
  CU_ASSERT_EQUAL(ring_jump_hash(123456789, G_MAXINT32), 1234790967);
  /* Monotone: growing from n to n+1 buckets moves keys only to bucket n. */
  for (uint64_t k = 0; k < 10000; k++) {
    uint64_t key = k * 0x9E3779B97F4A7C15ULL;
    gint32 a = ring_jump_hash(key, 17), b = ring_jump_hash(key, 18);
    CU_ASSERT(a == b || b == 17);
  }
}

static void test_balance_vnodes(void)
{
  static const guint vs[] = { 1, 10, 100, 1000 };
  for (gsize i = 0; i < G_N_ELEMENTS(vs); i++) {
    RingConfig cfg = { .vnodes = vs[i] };
    g_autoptr(Ring) ring = test_ring("vnodes", &cfg, 100, NULL);
    CU_ASSERT_EQUAL(ring_n_points(ring), 100 * vs[i]);
    double share[100], sum = 0;
    CU_ASSERT_TRUE(ring_shares(ring, share));
    for (int s = 0; s < 100; s++)
      sum += share[s];
    CU_ASSERT_DOUBLE_EQUAL(sum, 1.0, 1e-9);
    double cv = ring_cv(share, 100), ideal = 1 / sqrt((double) vs[i]);
    if (vs[i] >= 10) {
      CU_ASSERT(fabs(cv - ideal) <= 0.2 * ideal);
    } else {
      CU_ASSERT(cv > 0.5 * ideal && cv < 1.5 * ideal); /* one point: ~Exp(1) shares */
    }
  }
  /* The same with keys: 200k keys on 100 servers x 100 vnodes. Key noise
   * (1/sqrt(2000) = 0.022) adds in quadrature to the ring's 0.1. */
  RingConfig cfg = { .vnodes = 100 };
  RingBalance b;
  CU_ASSERT_TRUE(ring_measure_balance(ring_algo_find("vnodes"), &cfg, 100, 200000, &b, NULL));
  double ideal = sqrt(0.01 + 1.0 / 2000);
  CU_ASSERT(fabs(b.keys_cv - ideal) <= 0.2 * ideal);
}

static void test_weights_shares(void)
{
  double w[4] = { 1, 1, 2, 4 };
  RingConfig cfg = { .vnodes = 1000 };
  g_autoptr(Ring) ring = test_ring("vnodes", &cfg, 4, w);
  double share[4];
  CU_ASSERT_TRUE(ring_shares(ring, share));
  for (int i = 0; i < 4; i++)
    CU_ASSERT(fabs(share[i] - w[i] / 8) < 0.25 * w[i] / 8);
  /* Weighted rendezvous: keys in proportion to weight. */
  g_autoptr(Ring) rv = test_ring("rendezvous", NULL, 4, w);
  g_autoptr(RingLoad) load = ring_load_new(rv, 80000);
  for (guint k = 0; k < 80000; k++) {
    g_autofree char *key = g_strdup_printf("k%u", k);
    ring_load_assign(load, key, strlen(key));
  }
  for (guint i = 0; i < 4; i++)
    CU_ASSERT(fabs((double) ring_load_count(load, i) - 80000 * w[i] / 8) < 0.05 * 80000 * w[i] / 8);
}

#define JOIN_KEYS 100000

static void test_join_moves(void)
{
  static const char *consistent[] = { "ketama", "vnodes", "jump", "rendezvous" };
  const double ideal = (double) JOIN_KEYS / 11;
  for (gsize a = 0; a < G_N_ELEMENTS(consistent); a++) {
    /* A single join moves the new server's share, whose spread is
     * 1/sqrt(points per server) for ring algorithms (8% for ketama's 160):
     * the mean over 5 server sets is compared to K/(n+1). */
    double sum = 0;
    for (guint trial = 0; trial < 5; trial++) {
      RingJoin j;
      CU_ASSERT_TRUE(ring_measure_join(ring_algo_find(consistent[a]), NULL, 10, JOIN_KEYS, trial, &j, NULL));
      CU_ASSERT_EQUAL(j.moved_not_new, 0);
      sum += (double) j.moved;
    }
    double mean = sum / 5;
    if (fabs(mean - ideal) > 0.1 * ideal)
      fprintf(stderr, "\n%s: mean moved %.0f, ideal %.0f\n", consistent[a], mean, ideal);
    CU_ASSERT(fabs(mean - ideal) <= 0.1 * ideal);
  }
  RingJoin j;
  CU_ASSERT_TRUE(ring_measure_join(ring_algo_find("modulo"), NULL, 10, JOIN_KEYS, 0, &j, NULL));
  double ideal_mod = (double) JOIN_KEYS * 10 / 11;
  CU_ASSERT(fabs((double) j.moved - ideal_mod) <= 0.1 * ideal_mod);
  /* ring_count_moved agrees with the measurement helper. */
  g_autoptr(Ring) r10 = test_ring("jump", NULL, 10, NULL);
  g_autoptr(Ring) r11 = test_ring("jump", NULL, 11, NULL);
  RingJoin jj;
  CU_ASSERT_TRUE(ring_measure_join(ring_algo_find("jump"), NULL, 10, 20000, 0, &jj, NULL));
  CU_ASSERT_EQUAL(ring_count_moved(r10, r11, 20000), jj.moved);
}

static void test_bounded_capacity(void)
{
  static const double eps[] = { 0.01, 0.1, 0.25, 1.0 };
  for (gsize e = 0; e < G_N_ELEMENTS(eps); e++) {
    RingConfig cfg = { .vnodes = 10, .epsilon = eps[e] };
    g_autoptr(Ring) ring = test_ring("bounded", &cfg, 10, NULL);
    const guint64 m = 100000;
    guint64 cap = (guint64) ceil((1 + eps[e]) * (double) m / 10);
    g_autoptr(RingLoad) load = ring_load_new(ring, m);
    for (guint64 k = 0; k < m; k++) {
      g_autofree char *key = g_strdup_printf("key-%" G_GUINT64_FORMAT, k);
      CU_ASSERT_NOT_EQUAL(ring_load_assign(load, key, strlen(key)), RING_NONE);
    }
    guint64 total = 0;
    for (guint i = 0; i < 10; i++) {
      CU_ASSERT_EQUAL(ring_load_capacity(load, i), cap);
      CU_ASSERT(ring_load_count(load, i) <= cap);
      total += ring_load_count(load, i);
    }
    CU_ASSERT_EQUAL(total, m);
  }
  /* Weighted capacities, and the batch form. */
  double w[3] = { 1, 2, 5 };
  RingConfig cfg = { .epsilon = 0.1 };
  g_autoptr(Ring) ring = test_ring("bounded", &cfg, 3, w);
  const gsize m = 8000;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
  for (gsize k = 0; k < m; k++)
    g_ptr_array_add(keys, g_strdup_printf("b%" G_GSIZE_FORMAT, k));
  g_autofree guint *out = g_new(guint, m);
  ring_assign_batch(ring, (const char *const *) keys->pdata, m, out);
  guint64 count[3] = { 0 };
  for (gsize k = 0; k < m; k++) {
    CU_ASSERT_FATAL(out[k] < 3);
    count[out[k]]++;
  }
  for (int i = 0; i < 3; i++)
    CU_ASSERT(count[i] <= (guint64) ceil(1.1 * m * w[i] / 8));
}

static void test_preference_lists(void)
{
  guint n_algos;
  const RingAlgo *const *algos = ring_algos(&n_algos);
  CU_ASSERT_EQUAL(n_algos, 6);
  for (guint a = 0; a < n_algos; a++) {
    RingConfig cfg = { .vnodes = 20 };
    g_autoptr(Ring) ring = test_ring(algos[a]->name, &cfg, 10, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
    for (guint k = 0; k < 2000; k++) {
      g_autofree char *key = g_strdup_printf("pref-%u", k);
      gsize len = strlen(key);
      guint out[10];
      guint n = k % 10 + 1;
      CU_ASSERT_EQUAL_FATAL(ring_preference(ring, key, len, n, out), n);
      CU_ASSERT_EQUAL(out[0], ring_lookup(ring, key, len));
      for (guint i = 0; i < n; i++) {
        CU_ASSERT(out[i] < 10);
        for (guint j = 0; j < i; j++)
          CU_ASSERT_NOT_EQUAL(out[i], out[j]);
      }
    }
    guint out[10];
    CU_ASSERT_EQUAL(ring_preference(ring, "x", 1, 25, out), 10);
  }
}

static void test_bad_input(void)
{
  GError *error = NULL;
  RingServer dup[2] = { { "a", 1 }, { "a", 1 } };
  CU_ASSERT_PTR_NULL(ring_new(ring_algo_find("vnodes"), NULL, dup, 2, &error));
  CU_ASSERT_TRUE(g_error_matches(error, SIM_ERROR, SIM_ERROR_INVALID));
  g_clear_error(&error);
  CU_ASSERT_PTR_NULL(ring_new(ring_algo_find("ketama"), NULL, dup, 0, &error));
  CU_ASSERT_PTR_NOT_NULL(error);
  g_clear_error(&error);
  RingServer bad[2] = { { "a", 1 }, { "b", NAN } };
  CU_ASSERT_PTR_NULL(ring_new(ring_algo_find("rendezvous"), NULL, bad, 2, &error));
  CU_ASSERT_PTR_NOT_NULL(error);
  g_clear_error(&error);
  RingServer weighted[2] = { { "a", 1 }, { "b", 2 } };
  CU_ASSERT_PTR_NULL(ring_new(ring_algo_find("jump"), NULL, weighted, 2, &error));
  CU_ASSERT_PTR_NOT_NULL(error);
  g_clear_error(&error);
  CU_ASSERT_PTR_NULL(ring_algo_find("chord"));
}

/* Runs `sh -c cmd` with $F the binary under test; returns the exit status. */
static int run_cli(const char *script, char **out)
{
  g_autofree char *bin = spawn_faultsim_binary();
  g_autofree char *cmd = g_strdup_printf("F='%s'; %s", bin, script);
  char *argv[] = { "/bin/sh", "-c", cmd, NULL };
  int status = -1;
  g_autofree char *err = NULL;
  if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status, NULL))
    return -1;
  return g_spawn_check_wait_status(status, NULL) ? 0 : WEXITSTATUS(status);
}

static void test_cli(void)
{
  g_autofree char *out = NULL;
  CU_ASSERT_EQUAL(run_cli("printf 'foo\\nbar\\n' | $F ring -s 10.0.0.1:11211 -s 10.0.0.2:11211", &out), 0);
  CU_ASSERT_STRING_EQUAL(out, "foo\t10.0.0.2:11211\nbar\t10.0.0.1:11211\n");
  g_clear_pointer(&out, g_free);
  CU_ASSERT_EQUAL(run_cli("printf 'k\\n' | $F ring --algo vnodes -s a -s b -s c --replicas 3", &out), 0);
  CU_ASSERT_PTR_NOT_NULL(out);
  if (out) {
    g_auto(GStrv) f = g_strsplit(g_strchomp(out + 2), ",", -1);
    CU_ASSERT_EQUAL(g_strv_length(f), 3);
  }
  g_clear_pointer(&out, g_free);
  CU_ASSERT_EQUAL(run_cli("seq 1000 | $F ring --algo bounded -s a -s b --epsilon 0.01 --stats", &out), 0);
  CU_ASSERT_PTR_NOT_NULL(out);
  if (out) {
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "a\t505\nb\t495\n") ? out : strstr(out, "a\t495\nb\t505\n"));
  }
  g_clear_pointer(&out, g_free);
  static const char *bad[] = {
    "$F ring --algo nope -s a </dev/null",
    "$F ring --bogus </dev/null",
    "$F ring </dev/null",
    "$F ring -s a=-1 </dev/null",
    "$F ring -s a -s b --replicas 3 </dev/null",
    "$F ring --algo jump -s a -s b=2 </dev/null",
    "$F ring --algo ketama --vnodes 10 -s a </dev/null",
    "$F ring --algo vnodes --vnodes 0 -s a </dev/null",
    "$F ring --algo bounded --epsilon x -s a </dev/null",
    "$F ring --algo vnodes --hash crc -s a </dev/null",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    CU_ASSERT_EQUAL(run_cli(bad[i], &out), 2);
    CU_ASSERT_STRING_EQUAL(out, "");
    g_clear_pointer(&out, g_free);
  }
}

void suite_ring(void)
{
  CU_pSuite s = CU_add_suite("ring", NULL, NULL);
  CU_add_test(s, "hash functions match their reference vectors", test_hash_vectors);
  CU_add_test(s, "ketama matches an independent libketama computation", test_ketama_reference);
  CU_add_test(s, "ketama point counts follow libketama's weights", test_ketama_weights);
  CU_add_test(s, "jump matches the published loop", test_jump_reference);
  CU_add_test(s, "vnode balance is within 20% of 1/sqrt(v)", test_balance_vnodes);
  CU_add_test(s, "weights set ring shares and rendezvous loads", test_weights_shares);
  CU_add_test(s, "a join moves K/(n+1) keys (modulo: K*n/(n+1))", test_join_moves);
  CU_add_test(s, "bounded loads never exceed capacity", test_bounded_capacity);
  CU_add_test(s, "preference lists hold distinct servers", test_preference_lists);
  CU_add_test(s, "bad input is rejected with SIM_ERROR", test_bad_input);
  CU_add_test(s, "the ring command places keys and exits 2 on bad flags", test_cli);
}
