/* The linearizability checker and the history readers: hand-written
 * histories for every model (linearizable and not, with info, fail and
 * overlapping operations), one history in all three formats, malformed
 * input with line numbers, limits, generated histories, and the CLI's exit
 * codes (the binary named by $FAULTSIM). */
#include "sim/check/history_gen.h"
#include "sim/check/history_read.h"
#include "sim/check/lincheck.h"
#include "sim/kernel/errors.h"
#include "tests/spawn.h"
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOT_CHECKED (-1)

/* Turns short lines "P TYPE F VALUE" (VALUE is EDN, may be omitted; P may
 * be "nemesis") into an EDN history. A line starting with '{' is copied. */
static char *edn_history(const char *const *lines)
{
  GString *s = g_string_new(NULL);
  for (; *lines; lines++) {
    if ((*lines)[0] == '{') {
      g_string_append_printf(s, "%s\n", *lines);
      continue;
    }
    g_auto(GStrv) w = g_strsplit(*lines, " ", 4);
    g_string_append_printf(s, "{:process %s%s, :type :%s, :f :%s, :value %s}\n",
                           g_ascii_isdigit(w[0][0]) ? "" : ":", w[0], w[1], w[2],
                           w[3] ? w[3] : "nil");
  }
  return g_string_free(s, FALSE);
}

/* Checks `text` in `format` against `model`; returns the verdict, or
 * NOT_CHECKED when the input was refused (the error goes to *error_out when
 * given). `result` receives the result when not NULL (caller clears it). */
static int check_text(const char *model, const char *text, HistoryFormat format,
                      guint64 max_steps, LincheckResult *result, GError **error_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = history_read_string(text, -1, "t", format, &error);
  LincheckResult r;
  if (!ops) {
    if (error_out)
      *error_out = g_steal_pointer(&error);
    return NOT_CHECKED;
  }
  LincheckLimits limits = { max_steps, 0, 0 };
  if (!lincheck_check(lincheck_model_lookup(model), ops, &limits, &r, &error)) {
    if (error_out)
      *error_out = g_steal_pointer(&error);
    return NOT_CHECKED;
  }
  int v = (int) r.verdict;
  if (result)
    *result = r;
  else
    lincheck_result_clear(&r);
  return v;
}

/* The verdict for short lines (see edn_history). */
static int verdict(const char *model, const char *const *lines)
{
  g_autofree char *text = edn_history(lines);
  return check_text(model, text, HISTORY_FORMAT_EDN, 0, NULL, NULL);
}

/* ---- register ---------------------------------------------------------- */

static void test_register(void)
{
  const char *initial_nil[] = { "0 invoke read", "0 ok read nil", NULL };
  CU_ASSERT_EQUAL(verdict("register", initial_nil), LINCHECK_OK);
  const char *seq[] = { "0 invoke write 1", "0 ok write 1", "1 invoke read", "1 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", seq), LINCHECK_OK);
  const char *stale[] = { "0 invoke write 1", "0 ok write 1", "0 invoke write 2", "0 ok write 2",
                          "1 invoke read", "1 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", stale), LINCHECK_VIOLATION);
  const char *never_written[] = { "0 invoke read", "0 ok read 3", NULL };
  CU_ASSERT_EQUAL(verdict("register", never_written), LINCHECK_VIOLATION);
  /* Overlapping: a read concurrent with a write may see either value. */
  const char *overlap_new[] = { "0 invoke write 1", "1 invoke read", "1 ok read 1", "0 ok write 1", NULL };
  const char *overlap_old[] = { "0 invoke write 1", "1 invoke read", "1 ok read nil", "0 ok write 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", overlap_new), LINCHECK_OK);
  CU_ASSERT_EQUAL(verdict("register", overlap_old), LINCHECK_OK);
  /* ... but two sequential reads cannot go back in time. */
  const char *flicker[] = { "0 invoke write 1", "1 invoke read", "1 ok read 1", "1 invoke read",
                            "1 ok read nil", "0 ok write 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", flicker), LINCHECK_VIOLATION);
  /* Two concurrent writes, then readers that disagree about the last one. */
  const char *split_brain[] = { "0 invoke write 1", "1 invoke write 2", "0 ok write 1", "1 ok write 2",
                                "2 invoke read", "2 ok read 1", "3 invoke read", "3 ok read 2", NULL };
  CU_ASSERT_EQUAL(verdict("register", split_brain), LINCHECK_VIOLATION);
}

static void test_register_info_and_fail(void)
{
  /* An info write may take effect late... */
  const char *info_late[] = { "0 invoke write 1", "0 info write 1", "1 invoke read", "1 ok read nil",
                              "1 invoke read", "1 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", info_late), LINCHECK_OK);
  /* ...or never... */
  const char *info_never[] = { "0 invoke write 1", "0 info write 1", "1 invoke read", "1 ok read nil", NULL };
  CU_ASSERT_EQUAL(verdict("register", info_never), LINCHECK_OK);
  /* ...but only once: it cannot be undone. */
  const char *info_undone[] = { "0 invoke write 1", "0 info write 1", "1 invoke read", "1 ok read 1",
                                "1 invoke read", "1 ok read nil", NULL };
  CU_ASSERT_EQUAL(verdict("register", info_undone), LINCHECK_VIOLATION);
  /* Not before its invocation. */
  const char *info_early[] = { "1 invoke read", "1 ok read 1", "0 invoke write 1", "0 info write 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", info_early), LINCHECK_VIOLATION);
  /* An invocation never completed counts as info. */
  const char *pending[] = { "0 invoke write 1", "1 invoke read", "1 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", pending), LINCHECK_OK);
  /* A failed write did not happen. */
  const char *failed[] = { "0 invoke write 1", "0 fail write 1", "1 invoke read", "1 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", failed), LINCHECK_VIOLATION);
  /* Nemesis operations are skipped. */
  const char *nemesis[] = { "nemesis invoke start", "0 invoke write 1", "nemesis info start",
                            "0 ok write 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", nemesis), LINCHECK_OK);
}

/* ---- cas-register ---------------------------------------------------- */

static void test_cas_register(void)
{
  const char *ok[] = { "0 invoke write 0", "0 ok write 0", "1 invoke cas [0 1]", "2 invoke cas [0 2]",
                       "1 ok cas [0 1]", "2 fail cas [0 2]", "3 invoke read", "3 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict("cas-register", ok), LINCHECK_OK);
  /* Two concurrent cas from the same old value cannot both succeed. */
  const char *both[] = { "0 invoke write 0", "0 ok write 0", "1 invoke cas [0 1]", "2 invoke cas [0 2]",
                         "1 ok cas [0 1]", "2 ok cas [0 2]", NULL };
  CU_ASSERT_EQUAL(verdict("cas-register", both), LINCHECK_VIOLATION);
  /* A chain succeeds in order even when all overlap. */
  const char *chain[] = { "1 invoke cas [2 3]", "2 invoke cas [nil 1]", "3 invoke cas [1 2]",
                          "1 ok cas [2 3]", "2 ok cas [nil 1]", "3 ok cas [1 2]",
                          "4 invoke read", "4 ok read 3", NULL };
  CU_ASSERT_EQUAL(verdict("cas-register", chain), LINCHECK_OK);
  /* An info cas that must have happened for a later read. */
  const char *info[] = { "1 invoke cas [nil 5]", "1 info cas [nil 5]", "2 invoke read", "2 ok read 5", NULL };
  CU_ASSERT_EQUAL(verdict("cas-register", info), LINCHECK_OK);
  const char *plain_register_has_no_cas[] = { "1 invoke cas [nil 5]", "1 ok cas [nil 5]", NULL };
  CU_ASSERT_EQUAL(verdict("register", plain_register_has_no_cas), NOT_CHECKED);
}

/* ---- kv ---------------------------------------------------------------- */

static void test_kv(void)
{
  const char *ok[] = {
    "{:process 0, :type :invoke, :f :put, :key 1, :value \"a\"}",
    "{:process 0, :type :ok, :f :put, :key 1, :value \"a\"}",
    "{:process 1, :type :invoke, :f :append, :key 1, :value \"b\"}",
    "{:process 2, :type :invoke, :f :get, :key 2, :value nil}",
    "{:process 2, :type :ok, :f :get, :key 2, :value nil}",
    "{:process 1, :type :ok, :f :append, :key 1, :value \"b\"}",
    "{:process 2, :type :invoke, :f :get, :key 1, :value nil}",
    "{:process 2, :type :ok, :f :get, :key 1, :value \"ab\"}",
    NULL };
  LincheckResult r;
  g_autofree char *text = edn_history(ok);
  CU_ASSERT_EQUAL(check_text("kv", text, HISTORY_FORMAT_EDN, 0, &r, NULL), LINCHECK_OK);
  CU_ASSERT_EQUAL(r.n_keys, 2);
  CU_ASSERT_EQUAL(r.n_ops, 4);
  lincheck_result_clear(&r);

  /* Appends in the wrong order on one key; the other key is fine. */
  const char *bad[] = {
    "{:process 0, :type :invoke, :f :put, :key \"x\", :value \"a\"}",
    "{:process 0, :type :ok, :f :put, :key \"x\", :value \"a\"}",
    "{:process 3, :type :invoke, :f :put, :key \"y\", :value 1}",
    "{:process 3, :type :ok, :f :put, :key \"y\", :value 1}",
    "{:process 1, :type :invoke, :f :append, :key \"x\", :value \"b\"}",
    "{:process 1, :type :ok, :f :append, :key \"x\", :value \"b\"}",
    "{:process 2, :type :invoke, :f :get, :key \"x\", :value nil}",
    "{:process 2, :type :ok, :f :get, :key \"x\", :value \"ba\"}",
    NULL };
  g_autofree char *bad_text = edn_history(bad);
  CU_ASSERT_EQUAL(check_text("kv", bad_text, HISTORY_FORMAT_EDN, 0, &r, NULL), LINCHECK_VIOLATION);
  CU_ASSERT_STRING_EQUAL(r.key ? r.key : "", "\"x\"");
  CU_ASSERT_EQUAL(r.bad_line, 7);
  lincheck_result_clear(&r);

  /* Jepsen independent tuples [k v] without :key. */
  const char *tuples[] = { "0 invoke put [:a 1]", "0 ok put [:a 1]", "1 invoke get [:b nil]",
                           "1 ok get [:b nil]", "1 invoke get [:a nil]", "1 ok get [:a 1]", NULL };
  CU_ASSERT_EQUAL(verdict("kv", tuples), LINCHECK_OK);
  const char *tuples_bad[] = { "0 invoke put [:a 1]", "0 ok put [:a 1]", "1 invoke get [:b nil]",
                               "1 ok get [:b 1]", NULL };
  CU_ASSERT_EQUAL(verdict("kv", tuples_bad), LINCHECK_VIOLATION);
}

/* ---- mutex ------------------------------------------------------------- */

static void test_mutex(void)
{
  const char *ok[] = { "0 invoke acquire", "0 ok acquire", "1 invoke acquire", "0 invoke release",
                       "0 ok release", "1 ok acquire", NULL };
  CU_ASSERT_EQUAL(verdict("mutex", ok), LINCHECK_OK);
  const char *two_holders[] = { "0 invoke acquire", "1 invoke acquire", "0 ok acquire", "1 ok acquire", NULL };
  CU_ASSERT_EQUAL(verdict("mutex", two_holders), LINCHECK_VIOLATION);
  const char *release_free[] = { "0 invoke release", "0 ok release", NULL };
  CU_ASSERT_EQUAL(verdict("mutex", release_free), LINCHECK_VIOLATION);
  /* A timed-out acquire may never have happened. */
  const char *info[] = { "0 invoke acquire", "0 info acquire", "1 invoke acquire", "1 ok acquire", NULL };
  CU_ASSERT_EQUAL(verdict("mutex", info), LINCHECK_OK);
}

/* ---- set --------------------------------------------------------------- */

static void test_set(void)
{
  const char *ok[] = { "0 invoke add 1", "0 ok add 1", "1 invoke add 2", "2 invoke read",
                       "2 ok read #{1}", "1 ok add 2", "2 invoke read", "2 ok read [2 1]", NULL };
  CU_ASSERT_EQUAL(verdict("set", ok), LINCHECK_OK);
  const char *lost[] = { "0 invoke add 1", "0 ok add 1", "1 invoke add 2", "1 ok add 2",
                         "2 invoke read", "2 ok read #{2}", NULL };
  CU_ASSERT_EQUAL(verdict("set", lost), LINCHECK_VIOLATION);
  const char *phantom[] = { "0 invoke add 1", "0 ok add 1", "2 invoke read", "2 ok read #{1 3}", NULL };
  CU_ASSERT_EQUAL(verdict("set", phantom), LINCHECK_VIOLATION);
  const char *info[] = { "0 invoke add 1", "0 info add 1", "2 invoke read", "2 ok read []",
                         "2 invoke read", "2 ok read #{1}", NULL };
  CU_ASSERT_EQUAL(verdict("set", info), LINCHECK_OK);
  const char *bad_value[] = { "0 invoke read", "0 ok read 5", NULL };
  CU_ASSERT_EQUAL(verdict("set", bad_value), NOT_CHECKED);
}

/* ---- formats ----------------------------------------------------------- */

/* The path of a file under tests/data/lincheck (or $FAULTSIM_TESTDATA). */
static char *data_path(const char *name)
{
  const char *dir = g_getenv("FAULTSIM_TESTDATA");
  return g_build_filename(dir ? dir : "tests/data/lincheck", name, NULL);
}

static void test_same_history_three_formats(void)
{
  const char *stems[] = { "cas_ok", "cas_bad" };
  const char *exts[] = { "json", "edn", "log" };
  const HistoryFormat detected[] = { HISTORY_FORMAT_JSON, HISTORY_FORMAT_EDN, HISTORY_FORMAT_JEPSEN_LOG };
  for (guint s = 0; s < G_N_ELEMENTS(stems); s++) {
    int verdicts[3];
    gint64 bad_index[3];
    guint n_ops[3];
    for (guint e = 0; e < 3; e++) {
      g_autofree char *name = g_strdup_printf("%s.%s", stems[s], exts[e]);
      g_autofree char *path = data_path(name);
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, &error));
      CU_ASSERT_EQUAL(history_detect(text, -1), detected[e]);
      LincheckResult r;
      verdicts[e] = check_text("cas-register", text, HISTORY_FORMAT_AUTO, 0, &r, NULL);
      CU_ASSERT_NOT_EQUAL_FATAL(verdicts[e], NOT_CHECKED);
      bad_index[e] = r.bad_index;
      n_ops[e] = r.n_ops;
      lincheck_result_clear(&r);
    }
    CU_ASSERT_EQUAL(verdicts[0], s == 0 ? LINCHECK_OK : LINCHECK_VIOLATION);
    CU_ASSERT_EQUAL(verdicts[1], verdicts[0]);
    CU_ASSERT_EQUAL(verdicts[2], verdicts[0]);
    CU_ASSERT_EQUAL(n_ops[0], 6);
    CU_ASSERT_EQUAL(n_ops[1], n_ops[0]);
    CU_ASSERT_EQUAL(n_ops[2], n_ops[0]);
    CU_ASSERT_EQUAL(bad_index[1], bad_index[0]);
    CU_ASSERT_EQUAL(bad_index[2], bad_index[0]);
  }
}

static void test_readers(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = history_read_string(
      "#jepsen.history.Op{:index 7, :time 5, :process 2, :type :ok, :f :read, :value #{3 1}, :key \"k\\\"1\"}\n"
      "\n"
      "{:process 4 :type :invoke :f :write :value -12N} ; comment\n",
      -1, "x.edn", HISTORY_FORMAT_AUTO, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
  CU_ASSERT_EQUAL(ops->len, 2);
  HistoryOp *a = g_ptr_array_index(ops, 0), *b = g_ptr_array_index(ops, 1);
  CU_ASSERT_EQUAL(a->index, 7);
  CU_ASSERT_EQUAL(a->time, 5);
  CU_ASSERT_EQUAL(a->type, HISTORY_OK);
  CU_ASSERT_EQUAL(a->value->kind, HISTORY_SET);
  g_autofree char *key = history_value_to_string(a->key);
  CU_ASSERT_STRING_EQUAL(key, "\"k\\\"1\"");
  CU_ASSERT_EQUAL(b->line, 3);
  CU_ASSERT_EQUAL(b->index, 1);
  CU_ASSERT_EQUAL(b->value->i, -12);

  g_autoptr(GPtrArray) js = history_read_string(
      "{\"index\":0,\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"value\":[1,\"x\"],\"key\":\"k\"}\n",
      -1, "x.json", HISTORY_FORMAT_AUTO, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(js);
  HistoryOp *c = g_ptr_array_index(js, 0);
  g_autofree char *cv = history_value_to_string(c->value);
  CU_ASSERT_STRING_EQUAL(cv, "[1 \"x\"]");
  CU_ASSERT_EQUAL(c->process, 3);
}

/* Expects reading (or checking) `text` to fail with a message starting `prefix`. */
static void expect_refused(const char *model, const char *text, HistoryFormat format, const char *prefix)
{
  GError *error = NULL;
  int v = check_text(model, text, format, 0, NULL, &error);
  CU_ASSERT_EQUAL(v, NOT_CHECKED);
  CU_ASSERT_PTR_NOT_NULL(error);
  if (error) {
    CU_ASSERT_TRUE(g_str_has_prefix(error->message, prefix));
    if (!g_str_has_prefix(error->message, prefix))
      fprintf(stderr, "\n  got: %s\n  want prefix: %s\n", error->message, prefix);
    CU_ASSERT_TRUE(g_error_matches(error, SIM_ERROR, SIM_ERROR_INVALID));
    g_error_free(error);
  }
}

static void test_malformed(void)
{
  const char *ok_json = "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n";
  g_autofree char *j1 = g_strconcat(ok_json, "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":\n", NULL);
  expect_refused("register", j1, HISTORY_FORMAT_AUTO, "t:2: invalid JSON");
  g_autofree char *j2 = g_strconcat(ok_json, "\n{\"process\":0,\"type\":\"done\",\"f\":\"read\"}\n", NULL);
  expect_refused("register", j2, HISTORY_FORMAT_AUTO, "t:3: unknown type 'done'");
  expect_refused("register", "{\"process\":\"x\",\"type\":\"ok\",\"f\":\"read\"}\n", HISTORY_FORMAT_JSON,
                 "t:1: \"process\" must be an integer");
  expect_refused("register", "{:process 0, :type :invoke, :f :read, :value nil}\n"
                             "{:process 0, :type :ok, :f :read, :value [1 2}\n",
                 HISTORY_FORMAT_AUTO, "t:2:46: unexpected '}': the '[' at 2:42 wants ']'");
  expect_refused("register", "{:process 0, :type :invoke, :f :read, :value \"abc}\n",
                 HISTORY_FORMAT_EDN, "t:1:46: unterminated string");
  expect_refused("register", "{:process 0, :type :invoke, :f :read, :value nil} extra\n",
                 HISTORY_FORMAT_EDN, "t:1:51: expected an operation map");
  g_autofree char *deep = g_strnfill(200, '[');
  g_autofree char *deep_line = g_strdup_printf("{:process 0, :type :invoke, :f :read, :value %s}\n", deep);
  expect_refused("register", deep_line, HISTORY_FORMAT_EDN, "t:1:110: values nested deeper");
  expect_refused("register", "INFO  jepsen.core - hello\nINFO  jepsen.util - 3\t:ok\t:read\t[1 2\n",
                 HISTORY_FORMAT_AUTO, "t:2:33: unterminated collection");
  expect_refused("register", "INFO  jepsen.util - x3\t:ok\t:read\tnil\n", HISTORY_FORMAT_JEPSEN_LOG,
                 "t:1:21: process must be an integer");
  expect_refused("register", "just some text\n", HISTORY_FORMAT_AUTO, "t:1: no Jepsen operation lines");
  /* Pairing and model errors carry the line too. */
  expect_refused("register", "{:process 0, :type :invoke, :f :read}\n{:process 1, :type :ok, :f :read}\n",
                 HISTORY_FORMAT_EDN, "t:2:1: ok completion of read by process 1 with no pending");
  expect_refused("register", "{:process 0, :type :invoke, :f :read}\n{:process 0, :type :invoke, :f :read}\n",
                 HISTORY_FORMAT_EDN, "t:2:1: process 0 invokes read while");
  expect_refused("register", "{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :write}\n",
                 HISTORY_FORMAT_EDN, "t:2:1: process 0 completes write but invoked read");
  expect_refused("register", "{:process 0, :type :invoke, :f :frobnicate}\n", HISTORY_FORMAT_EDN,
                 "t:1:1: model register has no operation 'frobnicate'");
  expect_refused("cas-register", "\n\n{:process 0, :type :invoke, :f :cas, :value 3}\n", HISTORY_FORMAT_EDN,
                 "t:3:1: a cas value must be [old new]");
  /* NUL bytes are refused, not truncated. */
  GError *error = NULL;
  GPtrArray *ops = history_read_string("{:process 0}\0x\n", 15, "t", HISTORY_FORMAT_EDN, &error);
  CU_ASSERT_PTR_NULL(ops);
  CU_ASSERT_PTR_NOT_NULL(error);
  g_clear_error(&error);
}

/* ---- search behaviour ---------------------------------------------------- */

static void test_report(void)
{
  const char *stale[] = { "0 invoke write 1", "0 ok write 1", "0 invoke write 2", "2 invoke write 3",
                          "0 ok write 2", "1 invoke read", "1 ok read 1", "2 ok write 3", NULL };
  g_autofree char *text = edn_history(stale);
  LincheckResult r;
  CU_ASSERT_EQUAL_FATAL(check_text("register", text, HISTORY_FORMAT_EDN, 0, &r, NULL), LINCHECK_VIOLATION);
  CU_ASSERT_EQUAL(r.bad_line, 6);
  CU_ASSERT_EQUAL(r.bad_index, 5);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r.concurrent);
  CU_ASSERT_EQUAL(r.concurrent->len, 1);   /* the write of 3 */
  CU_ASSERT_PTR_NOT_NULL(strstr(g_ptr_array_index(r.concurrent, 0), "write 3"));
  CU_ASSERT_PTR_NOT_NULL_FATAL(r.states);
  CU_ASSERT_EQUAL(r.states->len, 2);       /* 2, or 3 if the write of 3 went first */
  CU_ASSERT_STRING_EQUAL(g_ptr_array_index(r.states, 0), "2");
  CU_ASSERT_STRING_EQUAL(g_ptr_array_index(r.states, 1), "3");
  g_autofree char *out = lincheck_result_format(&r);
  CU_ASSERT_TRUE(g_str_has_prefix(out, "not linearizable"));
  CU_ASSERT_PTR_NOT_NULL(strstr(out, "cannot place: process 1: read nil => ok 1"));
  lincheck_result_clear(&r);
}

static void test_generated_and_limits(void)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func((GDestroyNotify) history_op_free);
  history_gen_register(7, 5, 2000, 0.05, ops);
  const LincheckModel *reg = lincheck_model_lookup("register");
  LincheckResult r;
  CU_ASSERT_TRUE_FATAL(lincheck_check(reg, ops, NULL, &r, NULL));
  CU_ASSERT_EQUAL(r.verdict, LINCHECK_OK);
  CU_ASSERT_EQUAL(r.n_ops, 2000);
  guint64 steps = r.steps;
  CU_ASSERT_TRUE(steps >= 1900);
  lincheck_result_clear(&r);
  /* The step budget is deterministic: same count, same verdict. */
  LincheckLimits lim = { steps / 2, 0, 0 };
  CU_ASSERT_TRUE_FATAL(lincheck_check(reg, ops, &lim, &r, NULL));
  CU_ASSERT_EQUAL(r.verdict, LINCHECK_UNKNOWN);
  CU_ASSERT_EQUAL(r.steps, steps / 2);
  CU_ASSERT_PTR_NOT_NULL(r.reason);
  lincheck_result_clear(&r);
  lim.max_steps = steps;
  CU_ASSERT_TRUE_FATAL(lincheck_check(reg, ops, &lim, &r, NULL));
  CU_ASSERT_EQUAL(r.verdict, LINCHECK_OK);
  lincheck_result_clear(&r);
  /* Corrupt the last read, with and without info ops: the checker must
   * notice, quickly (unobservable info writes are dropped). */
  for (guint with_info = 0; with_info < 2; with_info++) {
    g_ptr_array_set_size(ops, 0);
    history_gen_register(7, 5, 2000, with_info ? 0.05 : 0.0, ops);
    for (guint i = ops->len; i-- > 0;) {
      HistoryOp *op = g_ptr_array_index(ops, i);
      if (op->type == HISTORY_OK && strcmp(op->f, "read") == 0) {
        history_value_free(op->value);
        op->value = history_value_new(HISTORY_INT);
        op->value->i = 999999;
        break;
      }
    }
    lim.max_steps = 1000000;
    CU_ASSERT_TRUE_FATAL(lincheck_check(reg, ops, &lim, &r, NULL));
    CU_ASSERT_EQUAL(r.verdict, LINCHECK_VIOLATION);
    lincheck_result_clear(&r);
  }
  /* Values drawn from 1..5, as in Jepsen's tests: identical info writes are
   * tried in one order only. */
  g_ptr_array_set_size(ops, 0);
  history_gen_register_values(3, 5, 400, 0.05, 5, ops);
  CU_ASSERT_TRUE_FATAL(lincheck_check(reg, ops, NULL, &r, NULL));
  CU_ASSERT_EQUAL(r.verdict, LINCHECK_OK);
  lincheck_result_clear(&r);
}

/* ---- reducing unknown ops ------------------------------------------------ */

/* The verdict for short lines, with the number of ops dropped in *dropped. */
static int verdict_dropped(const char *model, const char *const *lines, guint *dropped)
{
  g_autofree char *text = edn_history(lines);
  LincheckResult r;
  int v = check_text(model, text, HISTORY_FORMAT_EDN, 0, &r, NULL);
  if (v != NOT_CHECKED) {
    *dropped = r.n_dropped;
    lincheck_result_clear(&r);
  }
  return v;
}

static void test_drop_unobserved(void)
{
  guint dropped = 99;
  /* Linearizable only if the timed-out write of 2 never happened (or came
   * after the read): nobody read 2, so it is dropped. */
  const char *never[] = { "0 invoke write 1", "0 ok write 1", "1 invoke write 2", "1 info write 2",
                          "2 invoke read", "2 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("register", never, &dropped), LINCHECK_OK);
  CU_ASSERT_EQUAL(dropped, 1);
  /* Not linearizable even without it: a stale read after the write of 3. */
  const char *stale[] = { "0 invoke write 1", "0 ok write 1", "1 invoke write 2", "1 info write 2",
                          "0 invoke write 3", "0 ok write 3", "2 invoke read", "2 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("register", stale, &dropped), LINCHECK_VIOLATION);
  CU_ASSERT_EQUAL(dropped, 1);
  /* Read: kept, and needed. */
  const char *read[] = { "1 invoke write 2", "1 info write 2", "2 invoke read", "2 ok read 2", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("register", read, &dropped), LINCHECK_OK);
  CU_ASSERT_EQUAL(dropped, 0);
  /* kv: puts by value; with appends, by prefix of what was read. */
  const char *kv[] = { "0 invoke put [:k \"a\"]", "0 info put [:k \"a\"]", "1 invoke get [:k nil]",
                       "1 ok get [:k nil]", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("kv", kv, &dropped), LINCHECK_OK);
  CU_ASSERT_EQUAL(dropped, 1);
  const char *kv_append[] = { "0 invoke put [:k \"a\"]", "0 info put [:k \"a\"]", "1 invoke append [:k \"b\"]",
                              "1 ok append [:k \"b\"]", "2 invoke get [:k nil]", "2 ok get [:k \"ab\"]",
                              "3 invoke put [:k \"z\"]", "3 info put [:k \"z\"]", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("kv", kv_append, &dropped), LINCHECK_OK);
  CU_ASSERT_EQUAL(dropped, 1);   /* "z", not "a": "ab" starts with "a" */
  /* Prefixes against several reads (found by a binary search in the
   * sorted reads): "ab" and "a" are kept ("abc" was read), "abcd" (longer
   * than any read), "b" and "aa" are dropped. */
  const char *kv_prefixes[] = { "1 invoke put [:k \"ab\"]", "1 info put [:k \"ab\"]",
                                "2 invoke put [:k \"a\"]", "2 info put [:k \"a\"]",
                                "3 invoke put [:k \"abcd\"]", "3 info put [:k \"abcd\"]",
                                "4 invoke put [:k \"b\"]", "4 info put [:k \"b\"]",
                                "5 invoke put [:k \"aa\"]", "5 info put [:k \"aa\"]",
                                "0 invoke append [:k \"c\"]", "0 ok append [:k \"c\"]",
                                "6 invoke get [:k nil]", "6 ok get [:k \"abc\"]", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("kv", kv_prefixes, &dropped), LINCHECK_OK);
  CU_ASSERT_EQUAL(dropped, 3);
  /* set: an add no read contains. */
  const char *set[] = { "0 invoke add 3", "0 info add 3", "1 invoke read", "1 ok read #{}", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("set", set, &dropped), LINCHECK_OK);
  CU_ASSERT_EQUAL(dropped, 1);
}

static void test_drop_not_when_cas_observes(void)
{
  guint dropped = 99;
  /* No read returns 7, but an info cas expects 7: the write must stay, since
   * the read of 8 needs write 7 then cas [7 8]. */
  const char *info_cas[] = { "0 invoke write 7", "0 info write 7", "1 invoke cas [7 8]", "1 info cas [7 8]",
                             "2 invoke read", "2 ok read 8", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("cas-register", info_cas, &dropped), LINCHECK_OK);
  CU_ASSERT_EQUAL(dropped, 0);
  /* The same with an ok cas. */
  const char *ok_cas[] = { "0 invoke write 7", "0 info write 7", "1 invoke cas [7 8]", "1 ok cas [7 8]", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("cas-register", ok_cas, &dropped), LINCHECK_OK);
  CU_ASSERT_EQUAL(dropped, 0);
  /* A cas [5 5] observes its own value: kept (and then, with nothing
   * producing 5, never applicable). */
  const char *self[] = { "0 invoke cas [5 5]", "0 info cas [5 5]", "1 invoke read", "1 ok read nil", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("cas-register", self, &dropped), LINCHECK_OK);
  CU_ASSERT_EQUAL(dropped, 0);
  /* An info cas whose new value nobody observes is dropped. */
  const char *unseen[] = { "0 invoke write 1", "0 ok write 1", "1 invoke cas [1 9]", "1 info cas [1 9]",
                           "2 invoke read", "2 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict_dropped("cas-register", unseen, &dropped), LINCHECK_OK);
  CU_ASSERT_EQUAL(dropped, 1);
}

static void test_identical_info_ops(void)
{
  /* Two timed-out writes of 1: the second read of 1 needs both. */
  const char *two[] = { "0 invoke write 1", "0 info write 1", "1 invoke write 1", "1 info write 1",
                        "2 invoke read", "2 ok read 1", "3 invoke write 2", "3 ok write 2",
                        "2 invoke read", "2 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", two), LINCHECK_OK);
  const char *one[] = { "0 invoke write 1", "0 info write 1", "2 invoke read", "2 ok read 1",
                        "3 invoke write 2", "3 ok write 2", "2 invoke read", "2 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", one), LINCHECK_VIOLATION);
  /* The later twin is invoked after the write of 2: it alone can come last. */
  const char *late[] = { "0 invoke write 1", "0 info write 1", "2 invoke read", "2 ok read 1",
                         "3 invoke write 2", "3 ok write 2", "1 invoke write 1", "1 info write 1",
                         "2 invoke read", "2 ok read 1", NULL };
  CU_ASSERT_EQUAL(verdict("register", late), LINCHECK_OK);
}

static void test_report_original_history(void)
{
  /* The info write of 9 is dropped, yet listed as concurrent with the bad read. */
  const char *bad[] = { "0 invoke write 1", "0 ok write 1", "1 invoke write 9", "2 invoke read",
                        "2 ok read 5", "1 info write 9", NULL };
  g_autofree char *text = edn_history(bad);
  LincheckResult r;
  CU_ASSERT_EQUAL_FATAL(check_text("register", text, HISTORY_FORMAT_EDN, 0, &r, NULL), LINCHECK_VIOLATION);
  CU_ASSERT_EQUAL(r.n_dropped, 1);
  CU_ASSERT_EQUAL(r.bad_line, 4);
  CU_ASSERT_PTR_NOT_NULL_FATAL(r.concurrent);
  CU_ASSERT_EQUAL(r.concurrent->len, 1);
  CU_ASSERT_PTR_NOT_NULL(strstr(g_ptr_array_index(r.concurrent, 0), "write 9 => info"));
  lincheck_result_clear(&r);
}

/* ---- CLI --------------------------------------------------------------- */

/* Runs faultsim with `args`; returns the exit code (or -1), output in *out and *err. */
static int run_cli(const char *const *args, char **out, char **err)
{
  SpawnResult r = spawn_faultsim(args);
  *out = r.out;
  *err = r.err;
  return r.status;
}

static void test_cli(void)
{
  g_autofree char *ok = data_path("cas_ok.log");
  g_autofree char *bad = data_path("cas_bad.edn");
  char *out = NULL, *err = NULL;

  const char *a0[] = { "lincheck", "--model", "cas-register", ok, NULL };
  CU_ASSERT_EQUAL(run_cli(a0, &out, &err), 0);
  CU_ASSERT_TRUE(out && g_str_has_prefix(out, "linearizable (6 operations"));
  g_clear_pointer(&out, g_free); g_clear_pointer(&err, g_free);

  const char *a1[] = { "lincheck", "--model", "cas-register", bad, NULL };
  CU_ASSERT_EQUAL(run_cli(a1, &out, &err), 1);
  CU_ASSERT_TRUE(out && strstr(out, "cannot place") != NULL);
  g_clear_pointer(&out, g_free); g_clear_pointer(&err, g_free);

  const char *a3[] = { "lincheck", "--model", "cas-register", "--max-steps", "2", bad, NULL };
  CU_ASSERT_EQUAL(run_cli(a3, &out, &err), 3);
  CU_ASSERT_TRUE(out && g_str_has_prefix(out, "unknown: step budget of 2"));
  g_clear_pointer(&out, g_free); g_clear_pointer(&err, g_free);

  const char *a4[] = { "lincheck", "--model", "cas-register", "--timeout", "30s", ok, NULL };
  CU_ASSERT_EQUAL(run_cli(a4, &out, &err), 0);
  g_clear_pointer(&out, g_free); g_clear_pointer(&err, g_free);

  /* Usage and input errors: exit 2 with FILE:LINE on stderr. */
  g_autofree char *tmp = NULL;
  int fd = g_file_open_tmp("lincheck-XXXXXX.edn", &tmp, NULL);
  CU_ASSERT_TRUE_FATAL(fd >= 0);
  close(fd);
  CU_ASSERT_TRUE(g_file_set_contents(tmp, "{:process 0, :type :invoke, :f :read}\n{:process 0 :type\n", -1, NULL));
  const char *a2[] = { "lincheck", "--model", "register", tmp, NULL };
  CU_ASSERT_EQUAL(run_cli(a2, &out, &err), 2);
  g_autofree char *want = g_strdup_printf("%s:2:1: ", tmp);
  CU_ASSERT_TRUE(err && g_str_has_prefix(err, want));
  g_clear_pointer(&out, g_free); g_clear_pointer(&err, g_free);
  g_unlink(tmp);

  const char *usage[][8] = {
    { "lincheck", ok, NULL },                                               /* no model */
    { "lincheck", "--model", "queue", ok, NULL },                           /* unknown model */
    { "lincheck", "--model", "register", "--format", "xml", ok, NULL },     /* unknown format */
    { "lincheck", "--model", "register", "/nonexistent/history", NULL },    /* missing file */
    { "lincheck", "--model", "register", "--timeout", "soon", ok, NULL },   /* bad timeout */
  };
  for (guint k = 0; k < G_N_ELEMENTS(usage); k++) {
    CU_ASSERT_EQUAL(run_cli(usage[k], &out, &err), 2);
    CU_ASSERT_TRUE(err && err[0] != '\0');
    g_clear_pointer(&out, g_free); g_clear_pointer(&err, g_free);
  }
}

void suite_lincheck(void)
{
  CU_pSuite s = CU_add_suite("lincheck", NULL, NULL);
  CU_add_test(s, "register: sequential, stale and overlapping reads", test_register);
  CU_add_test(s, "register: info may happen late or never, fail never", test_register_info_and_fail);
  CU_add_test(s, "cas-register", test_cas_register);
  CU_add_test(s, "kv: split by key, appends, tuples", test_kv);
  CU_add_test(s, "mutex", test_mutex);
  CU_add_test(s, "set", test_set);
  CU_add_test(s, "same history in json, edn and jepsen-log", test_same_history_three_formats);
  CU_add_test(s, "readers: edn tags, sets, escapes, json values", test_readers);
  CU_add_test(s, "malformed input names file and line", test_malformed);
  CU_add_test(s, "violation report: op, concurrent ops, states", test_report);
  CU_add_test(s, "generated histories, step budget, corruption found", test_generated_and_limits);
  CU_add_test(s, "unobserved info ops are dropped", test_drop_unobserved);
  CU_add_test(s, "cas-register: info writes a cas expects are kept", test_drop_not_when_cas_observes);
  CU_add_test(s, "identical info ops: one order, same verdicts", test_identical_info_ops);
  CU_add_test(s, "report lists dropped ops from the original history", test_report_original_history);
  CU_add_test(s, "CLI exit codes 0/1/2/3", test_cli);
}
