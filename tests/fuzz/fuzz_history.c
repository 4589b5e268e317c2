/* faultsim-fuzz: a deterministic mutation fuzzer for the history readers and
 * the linearizability checker, run in-process.
 *
 *   faultsim-fuzz [--seed N] [--iterations N] [--dump K] PATH...
 *
 * PATHs are seed files or directories of them (files of at most 64 KiB are
 * used, in sorted order). Each iteration picks a seed, applies a few
 * mutations drawn from the stream "fuzz" of --seed (bit flips, byte and
 * token insertions, deletions, duplicated ranges and lines, splices from
 * other seeds, runs of tens of thousands of open brackets, long digit
 * strings, NUL and invalid UTF-8 bytes), reads the result in every format
 * and checks what was read against every model under small limits. It
 * asserts that a read either returns operations or fails with a
 * "fuzz:LINE: message" error, and that a check either returns a verdict or
 * fails with such an error. A crash is a crash (run it under ASan).
 *
 * Exit 0 when every iteration passed, 1 at the first failure (the iteration
 * is named; `--dump K` writes the input of iteration K to stdout, to keep
 * it as a seed), 2 on bad usage. The same arguments always give the same
 * inputs. */
#include "sim/check/history_read.h"
#include "sim/check/lincheck.h"
#include "sim/kernel/errors.h"
#include "sim/kernel/rng.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_SEED_BYTES (64 * 1024)
#define FUZZ_MAX_INPUT_BYTES (1024 * 1024)
#define FUZZ_SOURCE "fuzz"

/* Bytes that matter to one of the parsers. */
static const char fuzz_bytes[] = "[]{}()\"\\:,; \t\n#-+.eE0123456789Nnil\0\xff\xc3\x80";

/* Tokens that matter to the readers or the checker. */
static const char *const fuzz_tokens[] = {
  ":invoke", ":ok", ":fail", ":info", ":nemesis", ":process", ":type", ":f", ":value", ":key",
  ":read", ":write", ":cas", ":append", ":get", ":put", ":add", ":acquire", ":release",
  "\"op\":", "\"process\":", "\"type\":\"ok\"", "\"type\":\"invoke\"", "\"f\":\"read\"", "\"key\":",
  "nil", "null", "true", "#{", "#jepsen.history.Op", "1e999", "-1e999", "9223372036854775807",
  "9223372036854775808", "-9223372036854775809", "0.5", "\"\\u0000\"", "\"\\ud800\"", "\t", "   ",
  "INFO  jepsen.util - ", " - ", "\r\n", ";", "\\", "\"", "[1 2]", "[:k 1]",
};

/* Appends `n` copies of `s` to `out`. */
static void append_repeated(GByteArray *out, const char *s, gsize n)
{
  gsize len = strlen(s);
  for (gsize i = 0; i < n; i++)
    g_byte_array_append(out, (const guint8 *) s, (guint) len);
}

/* Inserts data[0..len) at `pos` of `buf`. */
static void insert_at(GByteArray *buf, gsize pos, const guint8 *data, gsize len)
{
  g_autoptr(GByteArray) tail = g_byte_array_new();
  g_byte_array_append(tail, buf->data + pos, buf->len - (guint) pos);
  g_byte_array_set_size(buf, (guint) pos);
  g_byte_array_append(buf, data, (guint) len);
  g_byte_array_append(buf, tail->data, tail->len);
}

/* A position in `buf`: anywhere, or (half the time) at a line start. */
static gsize pick_pos(SimRng *rng, const GByteArray *buf)
{
  if (buf->len == 0)
    return 0;
  gsize pos = sim_rng_below(rng, buf->len + 1);
  if (sim_rng_below(rng, 2) == 0)
    while (pos > 0 && buf->data[pos - 1] != '\n')
      pos--;
  return pos;
}

/* Applies one mutation chosen by `rng` to `buf`; `seeds` are the other
 * inputs, for splices. */
static void mutate(SimRng *rng, GByteArray *buf, GPtrArray *seeds)
{
  gsize pos = pick_pos(rng, buf);
  switch (sim_rng_below(rng, 12)) {
  case 0: /* flip a bit */
    if (buf->len)
      buf->data[sim_rng_below(rng, buf->len)] ^= (guint8) (1u << sim_rng_below(rng, 8));
    break;
  case 1: /* overwrite a byte */
    if (buf->len)
      buf->data[sim_rng_below(rng, buf->len)] =
          (guint8) fuzz_bytes[sim_rng_below(rng, sizeof fuzz_bytes - 1)];
    break;
  case 2: { /* insert a byte */
    guint8 b = (guint8) fuzz_bytes[sim_rng_below(rng, sizeof fuzz_bytes - 1)];
    insert_at(buf, pos, &b, 1);
    break;
  }
  case 3: { /* insert a token */
    const char *t = fuzz_tokens[sim_rng_below(rng, G_N_ELEMENTS(fuzz_tokens))];
    insert_at(buf, pos, (const guint8 *) t, strlen(t));
    break;
  }
  case 4: { /* delete a range */
    gsize want = sim_rng_below(rng, 64) + 1, n = MIN(buf->len - pos, want);
    g_byte_array_remove_range(buf, (guint) pos, (guint) n);
    break;
  }
  case 5: { /* duplicate a range (often a whole line) */
    gsize want = sim_rng_below(rng, 200) + 1, n = MIN(buf->len - pos, want);
    g_autoptr(GByteArray) copy = g_byte_array_new();
    g_byte_array_append(copy, buf->data + pos, (guint) n);
    insert_at(buf, pos, copy->data, copy->len);
    break;
  }
  case 6: { /* a deep run of open (and sometimes close) brackets */
    static const char *const opens[] = { "[", "{", "(", "#{", "{\"a\":[", "#tag " };
    static const char *const closes[] = { "]", "}", ")", "}", "]}", "" };
    guint k = (guint) sim_rng_below(rng, G_N_ELEMENTS(opens));
    gsize depth = sim_rng_below(rng, 2) ? sim_rng_below(rng, 100) + 1 : sim_rng_below(rng, 100000) + 1;
    g_autoptr(GByteArray) run = g_byte_array_new();
    append_repeated(run, opens[k], depth);
    if (sim_rng_below(rng, 2))
      append_repeated(run, closes[k], depth);
    insert_at(buf, pos, run->data, run->len);
    break;
  }
  case 7: { /* a long number */
    g_autoptr(GByteArray) run = g_byte_array_new();
    gsize n = sim_rng_below(rng, 40) + 1;
    for (gsize i = 0; i < n; i++) {
      guint8 d = (guint8) ('0' + sim_rng_below(rng, 10));
      g_byte_array_append(run, &d, 1);
    }
    insert_at(buf, pos, run->data, run->len);
    break;
  }
  case 8: { /* splice in part of another seed */
    const GBytes *other = g_ptr_array_index(seeds, sim_rng_below(rng, seeds->len));
    gsize olen = 0;
    const guint8 *od = g_bytes_get_data((GBytes *) other, &olen);
    if (olen) {
      gsize from = sim_rng_below(rng, olen);
      gsize want = sim_rng_below(rng, 400) + 1, n = MIN(olen - from, want);
      insert_at(buf, pos, od + from, n);
    }
    break;
  }
  case 9: /* truncate */
    g_byte_array_set_size(buf, (guint) pos);
    break;
  case 10: { /* a process or value changed to another small integer */
    char num[8];
    g_snprintf(num, sizeof num, "%d", (int) sim_rng_below(rng, 12));
    insert_at(buf, pos, (const guint8 *) num, strlen(num));
    break;
  }
  default: { /* swap the line at pos with the next one */
    const guint8 *nl = memchr(buf->data + pos, '\n', buf->len - pos);
    if (!nl)
      break;
    gsize a_end = (gsize) (nl - buf->data) + 1;
    const guint8 *nl2 = memchr(buf->data + a_end, '\n', buf->len - a_end);
    gsize b_end = nl2 ? (gsize) (nl2 - buf->data) + 1 : buf->len;
    g_autoptr(GByteArray) swapped = g_byte_array_new();
    g_byte_array_append(swapped, buf->data + a_end, (guint) (b_end - a_end));
    g_byte_array_append(swapped, buf->data + pos, (guint) (a_end - pos));
    memcpy(buf->data + pos, swapped->data, swapped->len);
    break;
  }
  }
  if (buf->len > FUZZ_MAX_INPUT_BYTES)
    g_byte_array_set_size(buf, FUZZ_MAX_INPUT_BYTES);
}

/* The input of iteration `it`: a seed with 1..8 mutations. Its own stream,
 * so that any iteration can be made alone (--dump). */
static GByteArray *make_input(guint64 seed, guint64 it, GPtrArray *seeds)
{
  SimRng rng;
  sim_rng_init_indexed(&rng, seed, "fuzz", it);
  GBytes *base = g_ptr_array_index(seeds, sim_rng_below(&rng, seeds->len));
  gsize len = 0;
  const guint8 *data = g_bytes_get_data(base, &len);
  GByteArray *buf = g_byte_array_new();
  g_byte_array_append(buf, data, (guint) len);
  guint n = (guint) sim_rng_below(&rng, 8) + 1;
  for (guint k = 0; k < n; k++)
    mutate(&rng, buf, seeds);
  return buf;
}

/* TRUE when `error` is a SIM_ERROR whose message starts "fuzz:LINE: " or
 * "fuzz:LINE:COLUMN: ". */
static gboolean located(const GError *error)
{
  if (!error || error->domain != SIM_ERROR)
    return FALSE;
  const char *m = error->message;
  if (!g_str_has_prefix(m, FUZZ_SOURCE ":"))
    return FALSE;
  m += strlen(FUZZ_SOURCE ":");
  if (!g_ascii_isdigit(*m))
    return FALSE;
  while (g_ascii_isdigit(*m))
    m++;
  if (m[0] == ':' && g_ascii_isdigit(m[1])) {
    m++;
    while (g_ascii_isdigit(*m))
      m++;
  }
  return m[0] == ':' && m[1] == ' ' && m[2] != '\0';
}

/* Reads `buf` in every format and checks what was read with every model.
 * Returns NULL when all went as it must, or a description of the failure. */
static char *run_input(const GByteArray *buf)
{
  static const HistoryFormat formats[] = { HISTORY_FORMAT_AUTO, HISTORY_FORMAT_JSON, HISTORY_FORMAT_EDN,
                                           HISTORY_FORMAT_JEPSEN_LOG };
  guint n_models = 0;
  const LincheckModel *models = lincheck_models(&n_models);
  const char *text = buf->len ? (const char *) buf->data : "";
  for (guint f = 0; f < G_N_ELEMENTS(formats); f++) {
    GError *error = NULL;
    GPtrArray *ops = history_read_string(text, buf->len, FUZZ_SOURCE, formats[f], &error);
    if (!ops) {
      gboolean ok = located(error);
      char *why = ok ? NULL : g_strdup_printf("format %u: read error without FILE:LINE: %s", f,
                                              error ? error->message : "(no error)");
      g_clear_error(&error);
      if (why)
        return why;
      continue;
    }
    for (guint m = 0; m < n_models; m++) {
      LincheckLimits limits = { 20000, 0, 16u << 20 };
      LincheckResult r;
      if (!lincheck_check(&models[m], ops, &limits, &r, &error)) {
        gboolean ok = located(error);
        char *why = ok ? NULL : g_strdup_printf("format %u, model %s: check error without FILE:LINE: %s", f,
                                                models[m].name, error ? error->message : "(no error)");
        g_clear_error(&error);
        if (why) {
          g_ptr_array_unref(ops);
          return why;
        }
        continue;
      }
      g_autofree char *out = lincheck_result_format(&r);
      gboolean ok = (r.verdict == LINCHECK_OK || r.verdict == LINCHECK_VIOLATION ||
                     r.verdict == LINCHECK_UNKNOWN) && out[0] != '\0';
      lincheck_result_clear(&r);
      if (!ok) {
        g_ptr_array_unref(ops);
        return g_strdup_printf("format %u, model %s: no verdict", f, models[m].name);
      }
    }
    g_ptr_array_unref(ops);
  }
  return NULL;
}

static int path_cmp(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Adds the seed file at `path` (or every file in the directory `path`,
 * sorted) to `seeds`; files over FUZZ_MAX_SEED_BYTES are skipped. */
static gboolean load_seeds(const char *path, GPtrArray *seeds)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    GDir *dir = g_dir_open(path, 0, NULL);
    if (!dir)
      return FALSE;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    for (const char *name; (name = g_dir_read_name(dir));)
      g_ptr_array_add(names, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    g_ptr_array_sort(names, path_cmp);
    for (guint i = 0; i < names->len; i++)
      if (g_file_test(g_ptr_array_index(names, i), G_FILE_TEST_IS_REGULAR) &&
          !load_seeds(g_ptr_array_index(names, i), seeds))
        return FALSE;
    return TRUE;
  }
  char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &text, &len, NULL))
    return FALSE;
  if (len <= FUZZ_MAX_SEED_BYTES)
    g_ptr_array_add(seeds, g_bytes_new_take(text, len));
  else
    g_free(text);
  return TRUE;
}

int main(int argc, char **argv)
{
  /* A GLib warning or critical means a misuse: make it a crash. */
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  gint64 seed = 1, iterations = 1000, dump = -1;
  GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "master seed of the mutations (default 1)", "N" },
    { "iterations", 'n', 0, G_OPTION_ARG_INT64, &iterations, "inputs to try (default 1000)", "N" },
    { "dump", 0, 0, G_OPTION_ARG_INT64, &dump, "write the input of iteration K to stdout and exit", "K" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("PATH... - fuzz the history readers");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc < 2 || iterations < 0 || seed < 0) {
    fprintf(stderr, "faultsim-fuzz: %s\nUsage: faultsim-fuzz [--seed N] [--iterations N] [--dump K] PATH...\n",
            error ? error->message : "bad arguments");
    return 2;
  }
  g_autoptr(GPtrArray) seeds = g_ptr_array_new_with_free_func((GDestroyNotify) g_bytes_unref);
  for (int i = 1; i < argc; i++)
    if (!load_seeds(argv[i], seeds)) {
      fprintf(stderr, "faultsim-fuzz: cannot read %s\n", argv[i]);
      return 2;
    }
  if (seeds->len == 0) {
    fprintf(stderr, "faultsim-fuzz: no seed files\n");
    return 2;
  }
  if (dump >= 0) {
    g_autoptr(GByteArray) buf = make_input((guint64) seed, (guint64) dump, seeds);
    fwrite(buf->data, 1, buf->len, stdout);
    return 0;
  }
  for (gint64 it = 0; it < iterations; it++) {
    g_autoptr(GByteArray) buf = make_input((guint64) seed, (guint64) it, seeds);
    g_autofree char *why = run_input(buf);
    if (why) {
      fprintf(stderr, "faultsim-fuzz: seed %" G_GINT64_FORMAT " iteration %" G_GINT64_FORMAT ": %s\n"
                      "  keep the input: faultsim-fuzz --seed %" G_GINT64_FORMAT " --dump %" G_GINT64_FORMAT
                      " PATH... > tests/data/lincheck/fuzz/NAME\n", seed, it, why, seed, it);
      return 1;
    }
  }
  printf("faultsim-fuzz: %" G_GINT64_FORMAT " inputs from %u seeds (seed %" G_GINT64_FORMAT "): all read or "
         "refused with FILE:LINE, every check gave a verdict\n", iterations, seeds->len, seed);
  return 0;
}
