/* `faultsim ring`: places keys read from stdin (one per line) on a
 * consistent-hash ring and prints `key<TAB>server`, `key<TAB>s1,s2,...`
 * with --replicas, or balance figures with --stats. `--measure` prints the
 * balance and join measurements of every algorithm (ring_measure.c). */
#include "models/ring/ring.h"
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *algo;
  char **servers;
  char *vnodes;
  char *replicas;
  char *hash;
  char *epsilon;
  gboolean stats;
  gboolean measure;
} RingCliOpts;

static void ring_cli_opts_clear(RingCliOpts *o)
{
  g_free(o->algo);
  g_strfreev(o->servers);
  g_free(o->vnodes);
  g_free(o->replicas);
  g_free(o->hash);
  g_free(o->epsilon);
}

static gboolean ring_parse_uint(const char *flag, const char *text, guint64 max,
                                guint *out, GError **error)
{
  guint64 v = 0;
  if (!g_ascii_string_to_unsigned(text, 10, 1, max, &v, NULL)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                "%s: '%s' is not a whole number from 1 to %" G_GUINT64_FORMAT, flag, text, max);
    return FALSE;
  }
  *out = (guint) v;
  return TRUE;
}

/* ADDR[=WEIGHT]: the weight follows the last '='. */
static gboolean ring_parse_server(const char *arg, char **addr, double *weight, GError **error)
{
  const char *eq = strrchr(arg, '=');
  *weight = 1;
  if (eq == NULL) {
    *addr = g_strdup(arg);
  } else {
    char *end = NULL;
    double w = g_ascii_strtod(eq + 1, &end);
    if (eq[1] == '\0' || *end != '\0' || !(w >= RING_WEIGHT_MIN && w <= RING_WEIGHT_MAX)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "--server %s: weight must be a number from %g to %g", arg, RING_WEIGHT_MIN, RING_WEIGHT_MAX);
      return FALSE;
    }
    *weight = w;
    *addr = g_strndup(arg, (gsize) (eq - arg));
  }
  if (**addr == '\0') {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "--server %s: empty address", arg);
    g_clear_pointer(addr, g_free);
    return FALSE;
  }
  return TRUE;
}

/* Keys read from a stream: one buffer, with the start offset of each key
 * (offsets[n] is the end of the last key). */
typedef struct {
  GByteArray *bytes;
  GArray *offsets;  /* gsize */
} RingKeys;

static void ring_keys_read(FILE *in, RingKeys *keys)
{
  keys->bytes = g_byte_array_new();
  keys->offsets = g_array_new(FALSE, FALSE, sizeof(gsize));
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  gsize zero = 0;
  g_array_append_val(keys->offsets, zero);
  while ((len = getline(&line, &cap, in)) >= 0) {
    if (len > 0 && line[len - 1] == '\n')
      len--;
    if (len > 0 && line[len - 1] == '\r')
      len--;
    g_byte_array_append(keys->bytes, (const guint8 *) line, (guint) len);
    gsize end = keys->bytes->len;
    g_array_append_val(keys->offsets, end);
  }
  free(line);
}

static void ring_write_key(FILE *out, const char *key, gsize len)
{
  fwrite(key, 1, len, out);
  fputc('\t', out);
}

static void ring_print_stats(FILE *out, const Ring *ring, const guint64 *count)
{
  guint n = ring_n_servers(ring);
  g_autofree double *x = g_new(double, n);
  double sum = 0, max = 0;
  for (guint i = 0; i < n; i++) {
    x[i] = (double) count[i];
    sum += x[i];
    if (x[i] > max)
      max = x[i];
    fprintf(out, "%s\t%" G_GUINT64_FORMAT "\n", ring_server_addr(ring, i), count[i]);
  }
  double mean = sum / n;
  fprintf(out, "keys\t%.0f\n", sum);
  fprintf(out, "mean\t%.3f\n", mean);
  fprintf(out, "max/mean\t%.4f\n", mean > 0 ? max / mean : 0.0);
  fprintf(out, "stddev/mean\t%.4f\n", ring_cv(x, n));
  g_autofree double *share = g_new(double, n);
  if (ring_shares(ring, share))
    fprintf(out, "ring stddev/mean\t%.4f\n", ring_cv(share, n));
}

static int ring_place(const Ring *ring, guint replicas, gboolean stats)
{
  guint n = ring_n_servers(ring);
  g_autofree guint64 *count = g_new0(guint64, n);
  g_autofree guint *pref = g_new(guint, replicas);
  FILE *out = stdout;
  /* stdout is fully buffered when it is a pipe or a file. */

  if (ring_algo(ring) == ring_algo_find("bounded")) {
    /* Capacities depend on the number of keys: read them all first. */
    RingKeys keys;
    ring_keys_read(stdin, &keys);
    gsize n_keys = keys.offsets->len - 1;
    g_autoptr(RingLoad) load = ring_load_new(ring, n_keys);
    const gsize *off = (const gsize *) (void *) keys.offsets->data;
    /* Empty keys only: the array never allocated, data is NULL. */
    const char *base = keys.bytes->len ? (const char *) keys.bytes->data : "";
    for (gsize k = 0; k < n_keys; k++) {
      const char *key = base + off[k];
      gsize len = off[k + 1] - off[k];
      guint s = ring_load_assign(load, key, len);
      if (s == RING_NONE)
        continue; /* cannot happen: capacities cover n_keys */
      count[s]++;
      if (!stats) {
        ring_write_key(out, key, len);
        fputs(ring_server_addr(ring, s), out);
        fputc('\n', out);
      }
    }
    g_byte_array_unref(keys.bytes);
    g_array_unref(keys.offsets);
  } else {
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0) {
      if (len > 0 && line[len - 1] == '\n')
        len--;
      if (len > 0 && line[len - 1] == '\r')
        len--;
      guint got = ring_preference(ring, line, (gsize) len, replicas, pref);
      for (guint r = 0; r < got; r++)
        count[pref[r]]++;
      if (stats)
        continue;
      ring_write_key(out, line, (gsize) len);
      for (guint r = 0; r < got; r++) {
        if (r > 0)
          fputc(',', out);
        fputs(ring_server_addr(ring, pref[r]), out);
      }
      fputc('\n', out);
    }
    free(line);
  }
  if (stats)
    ring_print_stats(out, ring, count);
  return SIM_EXIT_OK; /* main() checks that stdout took it all */
}

#define RING_MEASURE_SERVERS 100
#define RING_MEASURE_KEYS 1000000
#define RING_MEASURE_JOIN_KEYS 200000

static gboolean ring_measure_print(RingHash hash, GError **error)
{
  printf("# balance: %u servers, %u keys \"key-0\"..; hash %s\n",
         RING_MEASURE_SERVERS, RING_MEASURE_KEYS, ring_hash_name(hash));
  printf("algo\tvnodes\tring_stddev/mean\tkeys_stddev/mean\tkeys_max/mean\n");
  static const guint vs[] = { 1, 10, 100, 1000 };
  for (gsize i = 0; i < G_N_ELEMENTS(vs); i++) {
    RingConfig cfg = { .vnodes = vs[i], .hash = hash };
    RingBalance b;
    if (!ring_measure_balance(ring_algo_find("vnodes"), &cfg, RING_MEASURE_SERVERS,
                              RING_MEASURE_KEYS, &b, error))
      return FALSE;
    printf("vnodes\t%u\t%.4f\t%.4f\t%.4f\n", vs[i], b.ring_cv, b.keys_cv, b.keys_max_mean);
  }
  guint n_algos;
  const RingAlgo *const *algos = ring_algos(&n_algos);
  for (guint a = 0; a < n_algos; a++) {
    if (strcmp(algos[a]->name, "vnodes") == 0)
      continue;
    RingConfig cfg = { .hash = hash };
    RingBalance b;
    if (!ring_measure_balance(algos[a], &cfg, RING_MEASURE_SERVERS, RING_MEASURE_KEYS, &b, error))
      return FALSE;
    const char *v = strcmp(algos[a]->name, "ketama") == 0 ? "160" :
                    strcmp(algos[a]->name, "bounded") == 0 ? "100" : "-";
    if (isnan(b.ring_cv))
      printf("%s\t%s\t-\t%.4f\t%.4f\n", algos[a]->name, v, b.keys_cv, b.keys_max_mean);
    else
      printf("%s\t%s\t%.4f\t%.4f\t%.4f\n", algos[a]->name, v, b.ring_cv, b.keys_cv, b.keys_max_mean);
  }
  printf("\n# keys moved when an 11th server joins 10; %u keys\n", RING_MEASURE_JOIN_KEYS);
  printf("algo\tmoved\tmoved_fraction\tmoved_to_old_servers\n");
  for (guint a = 0; a < n_algos; a++) {
    RingConfig cfg = { .hash = hash };
    RingJoin j;
    if (!ring_measure_join(algos[a], &cfg, 10, RING_MEASURE_JOIN_KEYS, 0, &j, error))
      return FALSE;
    printf("%s\t%" G_GUINT64_FORMAT "\t%.4f\t%" G_GUINT64_FORMAT "\n", algos[a]->name, j.moved,
           (double) j.moved / RING_MEASURE_JOIN_KEYS, j.moved_not_new);
  }
  return TRUE;
}

int handle_ring(int argc, char **argv)
{
  RingCliOpts o = { 0 };
  GOptionEntry entries[] = {
    { "algo", 'a', 0, G_OPTION_ARG_STRING, &o.algo,
      "ketama, vnodes, jump, rendezvous, bounded or modulo (default ketama)", "NAME" },
    { "server", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.servers,
      "a server, with an optional weight from 1e-6 to 1e12 (default 1; repeat)", "ADDR[=WEIGHT]" },
    { "vnodes", 'v', 0, G_OPTION_ARG_STRING, &o.vnodes,
      "virtual nodes per server of mean weight (vnodes, bounded; default 100)", "V" },
    { "replicas", 'r', 0, G_OPTION_ARG_STRING, &o.replicas,
      "print a preference list of N distinct servers (with --stats, every copy counts)", "N" },
    { "hash", 'H', 0, G_OPTION_ARG_STRING, &o.hash,
      "key hash: xxh64 (default), fnv1a, splitmix, md5 (not ketama)", "H" },
    { "epsilon", 'e', 0, G_OPTION_ARG_STRING, &o.epsilon,
      "bounded: capacity ceil((1+E) * mean load) (default 0.25)", "E" },
    { "stats", 0, 0, G_OPTION_ARG_NONE, &o.stats,
      "print keys per server and balance figures instead of placements", NULL },
    { "measure", 0, 0, G_OPTION_ARG_NONE, &o.measure,
      "print balance and keys-moved measurements of every algorithm", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- place keys from stdin on a consistent-hash ring");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_description(ctx,
    "Reads keys from stdin, one per line, and prints key<TAB>server\n"
    "(key<TAB>s1,s2,... with --replicas).\n\n"
    "Example: seq 1000 | faultsim ring --algo ketama --server a:11211 --server b:11211=2 --stats\n\n"
    "Exit status: 0 placed; 2 bad usage (a bad weight, more than 10^7 virtual nodes in\n"
    "all, ...) or output that could not be written.\n");
  g_autoptr(GError) error = NULL;
  RingConfig cfg = { 0 };
  guint replicas = 1;
  const RingAlgo *algo = NULL;
  g_autoptr(Ring) ring = NULL;
  g_autofree RingServer *servers = NULL;
  g_auto(GStrv) addrs = NULL;
  guint n = 0;
  int rc = SIM_EXIT_USAGE;

  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    goto fail;
  if (argc > 1) {
    g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "unexpected argument '%s'", argv[1]);
    goto fail;
  }
  if (o.hash && !ring_hash_parse(o.hash, &cfg.hash, &error))
    goto fail;
  if (o.measure) {
    if (o.servers || o.algo || o.vnodes || o.replicas || o.epsilon || o.stats) {
      g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "--measure takes no other option but --hash");
      goto fail;
    }
    rc = ring_measure_print(cfg.hash, &error) ? SIM_EXIT_OK : SIM_EXIT_USAGE;
    if (rc != SIM_EXIT_OK)
      goto fail;
    goto done;
  }

  algo = ring_algo_find(o.algo ? o.algo : "ketama");
  if (algo == NULL) {
    g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID,
                "unknown --algo '%s' (expected ketama, vnodes, jump, rendezvous, bounded or modulo)",
                o.algo);
    goto fail;
  }
  gboolean is_ring = strcmp(algo->name, "vnodes") == 0 || strcmp(algo->name, "bounded") == 0;
  gboolean is_bounded = strcmp(algo->name, "bounded") == 0;
  if (o.vnodes && !is_ring) {
    g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "--vnodes applies to vnodes and bounded, not %s", algo->name);
    goto fail;
  }
  if (o.hash && strcmp(algo->name, "ketama") == 0) {
    g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "--hash does not apply to ketama (always MD5)");
    goto fail;
  }
  if (o.epsilon && !is_bounded) {
    g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "--epsilon applies to bounded only");
    goto fail;
  }
  if (o.vnodes && !ring_parse_uint("--vnodes", o.vnodes, 10000000, &cfg.vnodes, &error))
    goto fail;
  if (o.epsilon) {
    char *end = NULL;
    cfg.epsilon = g_ascii_strtod(o.epsilon, &end);
    if (o.epsilon[0] == '\0' || *end != '\0' || !isfinite(cfg.epsilon) || cfg.epsilon <= 0) {
      g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "--epsilon: '%s' is not a positive number", o.epsilon);
      goto fail;
    }
  }
  if (o.servers == NULL || o.servers[0] == NULL) {
    g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID, "give at least one --server ADDR[=WEIGHT]");
    goto fail;
  }
  n = g_strv_length(o.servers);
  servers = g_new0(RingServer, n);
  addrs = g_new0(char *, n + 1);
  for (guint i = 0; i < n; i++) {
    if (!ring_parse_server(o.servers[i], &addrs[i], &servers[i].weight, &error))
      goto fail;
    servers[i].addr = addrs[i];
  }
  if (o.replicas) {
    if (!ring_parse_uint("--replicas", o.replicas, n, &replicas, NULL)) {
      g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID,
                  "--replicas: '%s' must be a whole number from 1 to %u, the number of servers",
                  o.replicas, n);
      goto fail;
    }
    if (is_bounded && replicas > 1) {
      g_set_error(&error, SIM_ERROR, SIM_ERROR_INVALID,
                  "bounded places one copy per key: --replicas must be 1");
      goto fail;
    }
  }
  ring = ring_new(algo, &cfg, servers, n, &error);
  if (ring == NULL)
    goto fail;
  rc = ring_place(ring, replicas, o.stats);
  goto done;

fail:
  fprintf(stderr, "faultsim ring: %s\n", error ? error->message : "bad usage");
  rc = SIM_EXIT_USAGE;
done:
  ring_cli_opts_clear(&o);
  return rc;
}
