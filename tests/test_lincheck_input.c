/* The history readers against hostile and unusual input: values nested
 * 200,000 deep (which overflowed json-glib's stack), integers beyond 64
 * bits, invalid UTF-8, NUL bytes, over-long lines and endless files, the
 * error corpus in tests/data/lincheck/errors (each file must exit 2 with
 * FILE:LINE), Jepsen log lines separated by spaces, and operation ids that
 * let a process have several operations pending. */
#include "sim/check/history_read.h"
#include "sim/check/lincheck.h"
#include "sim/kernel/errors.h"
#include "tests/spawn.h"
#include <CUnit/CUnit.h>
#include <string.h>

/* Reads `text` (len bytes) as source "t" in `format`; expects a refusal
 * whose message starts with `prefix`. */
static void expect_read_error(const char *text, gssize len, HistoryFormat format, const char *prefix)
{
  GError *error = NULL;
  GPtrArray *ops = history_read_string(text, len, "t", format, &error);
  CU_ASSERT_PTR_NULL(ops);
  CU_ASSERT_PTR_NOT_NULL(error);
  if (ops)
    g_ptr_array_unref(ops);
  if (error) {
    if (!g_str_has_prefix(error->message, prefix))
      fprintf(stderr, "\n  got: %s\n  want prefix: %s\n", error->message, prefix);
    CU_ASSERT_TRUE(g_str_has_prefix(error->message, prefix));
    CU_ASSERT_TRUE(g_error_matches(error, SIM_ERROR, SIM_ERROR_INVALID));
    g_error_free(error);
  }
}

/* A line "PREFIX" + `depth` copies of `open` + "SUFFIX". */
static char *deep_line(const char *prefix, const char *open, guint depth, const char *suffix)
{
  GString *s = g_string_new(prefix);
  for (guint i = 0; i < depth; i++)
    g_string_append(s, open);
  g_string_append(s, suffix);
  return g_string_free(s, FALSE);
}

static void test_deep_nesting(void)
{
  /* 200,000 levels: json-glib recursed once per level and the process died
   * of a stack overflow before the old depth check ran. */
  g_autofree char *json = deep_line("{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":", "[", 200000, "\n");
  expect_read_error(json, -1, HISTORY_FORMAT_AUTO, "t:1: values nested deeper than 64");
  g_autofree char *json_objects = deep_line("{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":", "{\"a\":", 200000, "\n");
  expect_read_error(json_objects, -1, HISTORY_FORMAT_JSON, "t:1: values nested deeper than 64");
  g_autofree char *edn = deep_line("{:process 1, :type :invoke, :f :write, :value ", "#{", 200000, "\n");
  expect_read_error(edn, -1, HISTORY_FORMAT_EDN, "t:1:175: values nested deeper than 64");
  g_autofree char *log = deep_line("INFO  jepsen.util - 1\t:invoke\t:write\t", "(", 200000, "\n");
  expect_read_error(log, -1, HISTORY_FORMAT_JEPSEN_LOG, "t:1:103: values nested deeper than 64");
  /* Brackets inside strings do not count; 64 levels inside the op are fine. */
  g_autofree char *in_string = deep_line("{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":\"", "[", 1000, "\"}\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = history_read_string(in_string, -1, "t", HISTORY_FORMAT_AUTO, &error);
  CU_ASSERT_PTR_NOT_NULL(ops);
  GString *ok = g_string_new("{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":");
  for (guint i = 0; i < 64; i++)
    g_string_append_c(ok, '[');
  for (guint i = 0; i < 64; i++)
    g_string_append_c(ok, ']');
  g_string_append(ok, "}\n");
  g_autoptr(GPtrArray) ops64 = history_read_string(ok->str, -1, "t", HISTORY_FORMAT_AUTO, &error);
  CU_ASSERT_PTR_NOT_NULL(ops64);
  g_string_free(ok, TRUE);
}

static void test_hostile_values(void)
{
  expect_read_error("{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":9223372036854775808}\n", -1,
                    HISTORY_FORMAT_AUTO, "t:1: integer out of range: 9223372036854775808");
  expect_read_error("{\"process\":-99999999999999999999,\"type\":\"invoke\",\"f\":\"write\"}\n", -1,
                    HISTORY_FORMAT_AUTO, "t:1: integer out of range");
  expect_read_error("{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":-1e400}\n", -1,
                    HISTORY_FORMAT_AUTO, "t:1: number out of range");
  expect_read_error("{:process 1, :type :invoke, :f :write, :value 99999999999999999999}\n", -1,
                    HISTORY_FORMAT_EDN, "t:1:47: integer out of range");
  expect_read_error("\n{:process 1, :type :invoke, :f :write, :value \"\xc3\x28\"}\n", -1, HISTORY_FORMAT_EDN,
                    "t:2:48: invalid UTF-8");
  expect_read_error("INFO  jepsen.util - 1\t:invoke\t:write\t\"\xff\"\n", -1, HISTORY_FORMAT_JEPSEN_LOG,
                    "t:1:39: invalid UTF-8");
  static const char nul[] = "{:process 1, :type :invoke, :f :read}\n{:process\0 1}\n";
  expect_read_error(nul, sizeof nul - 1, HISTORY_FORMAT_EDN, "t:2:10: NUL byte");
  /* The largest 64-bit integers are still integers. */
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = history_read_string(
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":-9223372036854775808}\n", -1, "t",
      HISTORY_FORMAT_AUTO, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
  CU_ASSERT_EQUAL(((HistoryOp *) g_ptr_array_index(ops, 0))->value->i, G_MININT64);
}

static void test_size_limits(void)
{
  /* A JSON or log line over 16 MiB is refused before it is copied or parsed
   * (EDN is parsed in place, across lines, with no copy to bound). */
  gsize n = HISTORY_MAX_LINE + 10;
  char *big = g_malloc(n + 1);
  memset(big, ' ', n);
  memcpy(big, "{:process 1", 11);
  big[n] = '\0';
  expect_read_error(big, (gssize) n, HISTORY_FORMAT_JEPSEN_LOG, "t:1: line longer than 16 MiB");
  g_free(big);
  /* A file without end is refused at its first NUL, not read forever. */
  GError *error = NULL;
  GPtrArray *ops = history_read_file("/dev/zero", HISTORY_FORMAT_AUTO, &error);
  CU_ASSERT_PTR_NULL(ops);
  CU_ASSERT_TRUE(error && g_str_has_prefix(error->message, "/dev/zero:1: NUL byte"));
  g_clear_error(&error);
  /* An empty file is an empty history. */
  ops = history_read_file("/dev/null", HISTORY_FORMAT_AUTO, &error);
  CU_ASSERT_TRUE(ops && ops->len == 0);
  if (ops)
    g_ptr_array_unref(ops);
  g_clear_error(&error);
}

/* Every file in tests/data/lincheck/errors is listed in its EXPECT file
 * with a model, a line and a text: `faultsim lincheck` must exit 2 with
 * "FILE:LINE: " and the text on stderr, and nothing on stdout. */
static void test_error_corpus(void)
{
  const char *dir = "tests/data/lincheck/errors";
  g_autofree char *expect_path = g_build_filename(dir, "EXPECT", NULL);
  g_autofree char *expect = NULL;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(expect_path, &expect, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit(expect, "\n", -1);
  guint n = 0;
  for (guint i = 0; lines[i]; i++) {
    if (lines[i][0] == '#' || lines[i][0] == '\0')
      continue;
    char name[128], model[32], line[32];
    int used = 0;
    CU_ASSERT_EQUAL_FATAL(sscanf(lines[i], "%127s %31s %31s %n", name, model, line, &used), 3);
    const char *text = lines[i] + used;
    g_autofree char *path = g_build_filename(dir, name, NULL);
    CU_ASSERT_TRUE(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    SpawnResult r = spawn_faultsim((const char *[]) { "lincheck", "--model", model, path, NULL });
    g_autofree char *where = g_strdup_printf("%s:%s: ", path, line);
    gboolean ok = r.status == 2 && g_str_has_prefix(r.err, where) && strstr(r.err, text) && r.out[0] == '\0';
    if (!ok)
      fprintf(stderr, "\n%s: exit %d, expected '%s' ... '%s', got: %.300s\n", name, r.status, where, text, r.err);
    CU_ASSERT_TRUE(ok);
    spawn_result_clear(&r);
    n++;
  }
  /* And no file is left out of EXPECT. */
  GDir *d = g_dir_open(dir, 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  guint files = 0;
  for (const char *name; (name = g_dir_read_name(d));)
    files += strcmp(name, "EXPECT") != 0;
  g_dir_close(d);
  CU_ASSERT_EQUAL(files, n);
  CU_ASSERT(n >= 10);
}

/* The verdict and op count of `text` checked with `model`, or -1 if refused. */
static int verdict_of(const char *model, const char *text, HistoryFormat format, guint *n_ops, GError **error_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = history_read_string(text, -1, "t", format, &error);
  LincheckResult r;
  if (!ops || !lincheck_check(lincheck_model_lookup(model), ops, NULL, &r, &error)) {
    if (error_out)
      *error_out = g_steal_pointer(&error);
    return -1;
  }
  int v = (int) r.verdict;
  if (n_ops)
    *n_ops = r.n_ops;
  lincheck_result_clear(&r);
  return v;
}

static void test_jepsen_log_spaces(void)
{
  /* Porcupine's etcd logs separate the fields with runs of spaces. */
  const char *spaces =
      "INFO  jepsen.core - Running test, :ok so far\n"
      "INFO  jepsen.util - 0   :invoke :write  1\n"
      "INFO  jepsen.util - 0   :ok     :write  1\n"
      "INFO  jepsen.util - 1   :invoke :cas    [1 4]\n"
      "INFO  jepsen.util - :nemesis :info :start nil\n"
      "INFO  jepsen.util - 2   :invoke :read   nil\n"
      "INFO  jepsen.util - 1   :ok     :cas    [1 4]\n"
      "INFO  jepsen.util - 2   :ok     :read   4\n"
      "INFO  jepsen.util - 3   :invoke :read   nil\n"
      "INFO  jepsen.util - 3   :fail   :read   :timed-out\n";
  const char *tabs =
      "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
      "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
      "INFO  jepsen.util - 1\t:invoke\t:cas\t[1 4]\n"
      "INFO  jepsen.util - 2\t:invoke\t:read\tnil\n"
      "INFO  jepsen.util - 1\t:ok\t:cas\t[1 4]\n"
      "INFO  jepsen.util - 2\t:ok\t:read\t4\n"
      "INFO  jepsen.util - 3\t:invoke\t:read\tnil\n"
      "INFO  jepsen.util - 3\t:fail\t:read\t:timed-out\n";
  guint n1 = 0, n2 = 0;
  CU_ASSERT_EQUAL(verdict_of("cas-register", spaces, HISTORY_FORMAT_AUTO, &n1, NULL), LINCHECK_OK);
  CU_ASSERT_EQUAL(verdict_of("cas-register", tabs, HISTORY_FORMAT_AUTO, &n2, NULL), LINCHECK_OK);
  CU_ASSERT_EQUAL(n1, 3);
  CU_ASSERT_EQUAL(n2, n1);
  /* A stale read is still found. */
  const char *stale = "INFO  jepsen.util - 0  :invoke  :write  1\nINFO  jepsen.util - 0  :ok  :write  1\n"
                      "INFO  jepsen.util - 2  :invoke  :read  nil\nINFO  jepsen.util - 2  :ok  :read  nil\n";
  CU_ASSERT_EQUAL(verdict_of("register", stale, HISTORY_FORMAT_JEPSEN_LOG, NULL, NULL), LINCHECK_VIOLATION);
  /* Mixed tabs and spaces, and a trailing error description. */
  const char *mixed = "INFO  jepsen.util - 7 \t :invoke \t:write\t 5\n"
                      "INFO  jepsen.util - 7   :info  :write  5  indeterminate: timed out\n";
  CU_ASSERT_EQUAL(verdict_of("register", mixed, HISTORY_FORMAT_AUTO, &n1, NULL), LINCHECK_OK);
  CU_ASSERT_EQUAL(n1, 1);
  /* A type keyword after something that is not a process: with a tab it is
   * a malformed operation line, with spaces an ordinary message. */
  GError *error = NULL;
  CU_ASSERT_EQUAL(verdict_of("register", "INFO  jepsen.util - x3\t:ok\t:read\tnil\n", HISTORY_FORMAT_JEPSEN_LOG,
                             NULL, &error), -1);
  CU_ASSERT_TRUE(error && g_str_has_prefix(error->message, "t:1:21: process must be an integer"));
  g_clear_error(&error);
  CU_ASSERT_EQUAL(verdict_of("register", "INFO  jepsen.core - result :ok nil\nINFO  jepsen.util - 1 :invoke :read nil\n",
                             HISTORY_FORMAT_JEPSEN_LOG, &n1, NULL), LINCHECK_OK);
}

static void test_op_ids(void)
{
  /* Process 0 has two operations pending at once (an open-loop client);
   * the op ids pair them. The read sees the write, so it is placed after. */
  const char *open_loop =
      "{\"process\":0,\"op\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
      "{\"process\":0,\"op\":2,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
      "{\"process\":0,\"op\":2,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n"
      "{\"process\":0,\"op\":1,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n"
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
      "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n";
  guint n = 0;
  CU_ASSERT_EQUAL(verdict_of("register", open_loop, HISTORY_FORMAT_AUTO, &n, NULL), LINCHECK_OK);
  CU_ASSERT_EQUAL(n, 3);
  /* Two reads pending on process 0 complete out of order: paired by id, the
   * second read (invoked after write 2 completed) returned 1, which is
   * stale. Paired first-come first-served it would look linearizable. */
  const char *stale =
      "{\"process\":0,\"op\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
      "{\"process\":0,\"op\":1,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n"
      "{\"process\":0,\"op\":2,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":2}\n"
      "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"value\":2}\n"
      "{\"process\":0,\"op\":3,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
      "{\"process\":0,\"op\":3,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n"
      "{\"process\":0,\"op\":2,\"type\":\"ok\",\"f\":\"read\",\"value\":2}\n";
  CU_ASSERT_EQUAL(verdict_of("register", stale, HISTORY_FORMAT_AUTO, NULL, NULL), LINCHECK_VIOLATION);
  /* An op id pairs only within its process. */
  GError *error = NULL;
  CU_ASSERT_EQUAL(verdict_of("register",
                             "{\"process\":0,\"op\":5,\"type\":\"invoke\",\"f\":\"read\"}\n"
                             "{\"process\":1,\"op\":5,\"type\":\"ok\",\"f\":\"read\",\"value\":null}\n",
                             HISTORY_FORMAT_AUTO, NULL, &error), -1);
  CU_ASSERT_TRUE(error && g_str_has_prefix(error->message, "t:2: op 5 was invoked by process 0"));
  g_clear_error(&error);
  CU_ASSERT_EQUAL(verdict_of("register", "{\"process\":0,\"op\":\"x\",\"type\":\"invoke\",\"f\":\"read\"}\n",
                             HISTORY_FORMAT_AUTO, NULL, &error), -1);
  CU_ASSERT_TRUE(error && g_str_has_prefix(error->message, "t:1: \"op\" must be an integer"));
  g_clear_error(&error);
  /* Ids read from JSON. */
  g_autoptr(GPtrArray) ops = history_read_string(open_loop, -1, "t", HISTORY_FORMAT_AUTO, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
  const HistoryOp *first = g_ptr_array_index(ops, 0), *fifth = g_ptr_array_index(ops, 4);
  CU_ASSERT_TRUE(first->has_op_id && first->op_id == 1);
  CU_ASSERT_FALSE(fifth->has_op_id);
}

void suite_lincheck_input(void)
{
  CU_pSuite s = CU_add_suite("lincheck_input", NULL, NULL);
  CU_add_test(s, "values nested 200,000 deep are refused, not a crash", test_deep_nesting);
  CU_add_test(s, "huge numbers, invalid UTF-8, NUL bytes", test_hostile_values);
  CU_add_test(s, "over-long lines and endless files", test_size_limits);
  CU_add_test(s, "error corpus: exit 2 with FILE:LINE", test_error_corpus);
  CU_add_test(s, "Jepsen log fields separated by any whitespace", test_jepsen_log_spaces);
  CU_add_test(s, "op ids: several pending ops per process", test_op_ids);
}
