/* The models added for Jepsen/Knossos histories (multi-register,
 * fifo-queue, unordered-queue) and --initial, on hand-built histories:
 * each valid one is linearizable, each invalid one is not, and some are
 * linearizable only from the right initial value. */
#include "sim/check/edn_reader.h"
#include "sim/check/history_read.h"
#include "sim/check/lincheck.h"
#include <CUnit/CUnit.h>
#include <string.h>

/* The verdict of EDN history `text` under `model` from `initial` (EDN text
 * or NULL), or -1 when the history or the initial value is refused (the
 * message then goes to *message when it is not NULL). */
static int verdict(const char *model, const char *initial, const char *text, char **message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HistoryValue) init = initial ? edn_parse_string("--initial", initial, &error) : NULL;
  g_autoptr(GPtrArray) ops = NULL;
  LincheckResult r;
  LincheckOptions options = { init, FALSE };
  if ((initial && !init) || !(ops = history_read_string(text, -1, "t", HISTORY_FORMAT_EDN, &error)) ||
      !lincheck_check_from(lincheck_model_lookup(model), ops, &options, NULL, &r, &error)) {
    if (message)
      *message = g_strdup(error->message);
    return -1;
  }
  int v = (int) r.verdict;
  lincheck_result_clear(&r);
  return v;
}

static void test_initial_register(void)
{
  /* Knossos checks its cas-register tests from nil and from 0: this history
   * is linearizable only when the register starts at 0. */
  const char *h = "[{:process 0 :type :invoke :f :read :value nil}\n"
                  " {:process 0 :type :ok :f :read :value 0}\n"
                  " {:process 1 :type :invoke :f :cas :value [0 1]}\n"
                  " {:process 1 :type :ok :f :cas :value [0 1]}]\n";
  CU_ASSERT_EQUAL(verdict("cas-register", NULL, h, NULL), LINCHECK_VIOLATION);
  CU_ASSERT_EQUAL(verdict("cas-register", "0", h, NULL), LINCHECK_OK);
  CU_ASSERT_EQUAL(verdict("cas-register", "5", h, NULL), LINCHECK_VIOLATION);
  CU_ASSERT_EQUAL(verdict("register", "0", "{:process 0 :type :invoke :f :read}\n{:process 0 :type :ok :f :read :value 0}\n",
                          NULL), LINCHECK_OK);
  /* A model without an initial value, and a value that is not one. */
  g_autofree char *m1 = NULL, *m2 = NULL;
  CU_ASSERT_EQUAL(verdict("mutex", "0", h, &m1), -1);
  CU_ASSERT_TRUE(m1 && strstr(m1, "--initial: model mutex takes no initial value"));
  CU_ASSERT_EQUAL(verdict("cas-register", "[1 2]", h, &m2), -1);
  CU_ASSERT_TRUE(m2 && g_str_has_prefix(m2, "--initial: a register's initial value must be a single value"));
}

static void test_initial_kv_per_key(void)
{
  /* Key "a" starts at "x", key "b" at nil (absent from the map). */
  const char *h = "{:process 0 :type :invoke :f :get :key \"a\"}\n{:process 0 :type :ok :f :get :key \"a\" :value \"x\"}\n"
                  "{:process 1 :type :invoke :f :get :key \"b\"}\n{:process 1 :type :ok :f :get :key \"b\" :value nil}\n"
                  "{:process 2 :type :invoke :f :append :key \"a\" :value \"y\"}\n{:process 2 :type :ok :f :append :key \"a\" :value \"y\"}\n"
                  "{:process 0 :type :invoke :f :get :key \"a\"}\n{:process 0 :type :ok :f :get :key \"a\" :value \"xy\"}\n";
  CU_ASSERT_EQUAL(verdict("kv", NULL, h, NULL), LINCHECK_VIOLATION);
  CU_ASSERT_EQUAL(verdict("kv", "{\"a\" \"x\"}", h, NULL), LINCHECK_OK);
  CU_ASSERT_EQUAL(verdict("kv", "{:a \"x\"}", h, NULL), LINCHECK_OK);   /* keyword names the key too */
  CU_ASSERT_EQUAL(verdict("kv", "\"x\"", h, NULL), LINCHECK_VIOLATION); /* then b starts at "x" too */
}

static void test_multi_register(void)
{
  /* Two txns: T1 writes x=1, y=1 atomically; T2 reads both, concurrently. */
  const char *ok = "[{:process 0 :type :invoke :f :txn :value [[:write :x 1] [:write :y 1]]}\n"
                   " {:process 1 :type :invoke :f :txn :value [[:read :x nil] [:read :y nil]]}\n"
                   " {:process 0 :type :ok :f :txn :value [[:write :x 1] [:write :y 1]]}\n"
                   " {:process 1 :type :ok :f :txn :value [[:read :x 1] [:read :y 1]]}]\n";
  CU_ASSERT_EQUAL(verdict("multi-register", NULL, ok, NULL), LINCHECK_OK);
  /* A torn read: x new, y old. */
  const char *torn = "[{:process 0 :type :invoke :f :txn :value [[:write :x 1] [:write :y 1]]}\n"
                     " {:process 1 :type :invoke :f :txn :value [[:read :x nil] [:read :y nil]]}\n"
                     " {:process 0 :type :ok :f :txn :value [[:write :x 1] [:write :y 1]]}\n"
                     " {:process 1 :type :ok :f :txn :value [[:read :x 1] [:read :y nil]]}]\n";
  CU_ASSERT_EQUAL(verdict("multi-register", NULL, torn, NULL), LINCHECK_VIOLATION);
  /* Reads of 0 are valid only from {:x 0 :y 0}. */
  const char *zero = "[{:process 1 :type :invoke :f :txn :value [[:r :x nil] [:r :y nil]]}\n"
                     " {:process 1 :type :ok :f :txn :value [[:r :x 0] [:r :y 0]]}\n"
                     " {:process 0 :type :invoke :f :txn :value [[:w :x 2] [:r :x nil]]}\n"
                     " {:process 0 :type :ok :f :txn :value [[:w :x 2] [:r :x 2]]}]\n";
  CU_ASSERT_EQUAL(verdict("multi-register", NULL, zero, NULL), LINCHECK_VIOLATION);
  CU_ASSERT_EQUAL(verdict("multi-register", "{:x 0 :y 0}", zero, NULL), LINCHECK_OK);
  CU_ASSERT_EQUAL(verdict("multi-register", "{:x 0}", zero, NULL), LINCHECK_VIOLATION);
  /* An info txn may have written: a later read of its value is explained. */
  const char *info = "[{:process 0 :type :invoke :f :txn :value [[:write :x 3]]}\n"
                     " {:process 0 :type :info :f :txn :value [[:write :x 3]]}\n"
                     " {:process 1 :type :invoke :f :txn :value [[:read :x nil]]}\n"
                     " {:process 1 :type :ok :f :txn :value [[:read :x 3]]}]\n";
  CU_ASSERT_EQUAL(verdict("multi-register", NULL, info, NULL), LINCHECK_OK);
  /* ... and a failed one did not. */
  const char *failed = "[{:process 0 :type :invoke :f :txn :value [[:write :x 3]]}\n"
                       " {:process 0 :type :fail :f :txn :value [[:write :x 3]]}\n"
                       " {:process 1 :type :invoke :f :txn :value [[:read :x nil]]}\n"
                       " {:process 1 :type :ok :f :txn :value [[:read :x 3]]}]\n";
  CU_ASSERT_EQUAL(verdict("multi-register", NULL, failed, NULL), LINCHECK_VIOLATION);
  g_autofree char *m = NULL;
  CU_ASSERT_EQUAL(verdict("multi-register", NULL, "{:process 0 :type :invoke :f :txn :value [[:frob :x 1]]}\n", &m), -1);
  CU_ASSERT_TRUE(m && strstr(m, "t:1:1: a micro-operation's function must be :read (:r) or :write (:w)"));
  g_autofree char *m2 = NULL;
  CU_ASSERT_EQUAL(verdict("multi-register", "5", ok, &m2), -1);
  CU_ASSERT_TRUE(m2 && strstr(m2, "--initial: a multi-register's initial value is a map"));
}

static void test_fifo_queue(void)
{
  const char *ok = "[{:process 0 :type :invoke :f :enqueue :value 1}\n"
                   " {:process 0 :type :ok :f :enqueue :value 1}\n"
                   " {:process 0 :type :invoke :f :enqueue :value 2}\n"
                   " {:process 1 :type :invoke :f :dequeue :value nil}\n"
                   " {:process 0 :type :ok :f :enqueue :value 2}\n"
                   " {:process 1 :type :ok :f :dequeue :value 1}\n"
                   " {:process 1 :type :invoke :f :dequeue :value nil}\n"
                   " {:process 1 :type :ok :f :dequeue :value 2}\n"
                   " {:process 1 :type :invoke :f :dequeue :value nil}\n"
                   " {:process 1 :type :ok :f :dequeue :value nil}]\n";
  CU_ASSERT_EQUAL(verdict("fifo-queue", NULL, ok, NULL), LINCHECK_OK);
  CU_ASSERT_EQUAL(verdict("unordered-queue", NULL, ok, NULL), LINCHECK_OK);
  /* Out of order: 2 then 1, although 1 was enqueued first. */
  const char *swapped = "[{:process 0 :type :invoke :f :enqueue :value 1}\n"
                        " {:process 0 :type :ok :f :enqueue :value 1}\n"
                        " {:process 0 :type :invoke :f :enqueue :value 2}\n"
                        " {:process 0 :type :ok :f :enqueue :value 2}\n"
                        " {:process 1 :type :invoke :f :dequeue :value nil}\n"
                        " {:process 1 :type :ok :f :dequeue :value 2}]\n";
  CU_ASSERT_EQUAL(verdict("fifo-queue", NULL, swapped, NULL), LINCHECK_VIOLATION);
  CU_ASSERT_EQUAL(verdict("unordered-queue", NULL, swapped, NULL), LINCHECK_OK);
  /* An info dequeue took the head in fifo: 2 comes out next. */
  const char *info = "[{:process 0 :type :invoke :f :enqueue :value 1}\n"
                     " {:process 0 :type :ok :f :enqueue :value 1}\n"
                     " {:process 0 :type :invoke :f :enqueue :value 2}\n"
                     " {:process 0 :type :ok :f :enqueue :value 2}\n"
                     " {:process 2 :type :invoke :f :dequeue :value nil}\n"
                     " {:process 2 :type :info :f :dequeue :value nil}\n"
                     " {:process 1 :type :invoke :f :dequeue :value nil}\n"
                     " {:process 1 :type :ok :f :dequeue :value 2}]\n";
  CU_ASSERT_EQUAL(verdict("fifo-queue", NULL, info, NULL), LINCHECK_OK);
  /* The same dequeue failed: it did not happen, so 2 cannot come first. */
  g_autofree char *failed = g_strdup(info);
  memcpy(strstr(failed, ":info"), ":fail", 5);
  CU_ASSERT_EQUAL(verdict("fifo-queue", NULL, failed, NULL), LINCHECK_VIOLATION);
  /* An element dequeued twice, an element never enqueued, and a dequeue
   * that found the queue empty while it held 1. */
  const char *twice = "[{:process 0 :type :invoke :f :enqueue :value 1}\n {:process 0 :type :ok :f :enqueue :value 1}\n"
                      " {:process 1 :type :invoke :f :dequeue}\n {:process 1 :type :ok :f :dequeue :value 1}\n"
                      " {:process 1 :type :invoke :f :dequeue}\n {:process 1 :type :ok :f :dequeue :value 1}]\n";
  const char *ghost = "[{:process 1 :type :invoke :f :dequeue}\n {:process 1 :type :ok :f :dequeue :value 7}]\n";
  const char *empty = "[{:process 0 :type :invoke :f :enqueue :value 1}\n {:process 0 :type :ok :f :enqueue :value 1}\n"
                      " {:process 1 :type :invoke :f :dequeue}\n {:process 1 :type :ok :f :dequeue :value nil}]\n";
  const char *models[] = { "fifo-queue", "unordered-queue" };
  for (guint m = 0; m < 2; m++) {
    CU_ASSERT_EQUAL(verdict(models[m], NULL, twice, NULL), LINCHECK_VIOLATION);
    CU_ASSERT_EQUAL(verdict(models[m], NULL, ghost, NULL), LINCHECK_VIOLATION);
    CU_ASSERT_EQUAL(verdict(models[m], "[7]", ghost, NULL), LINCHECK_OK);
    CU_ASSERT_EQUAL(verdict(models[m], NULL, empty, NULL), LINCHECK_VIOLATION);
  }
  /* From an initial queue [3 4]: fifo must give 3 first. */
  const char *four = "[{:process 1 :type :invoke :f :dequeue}\n {:process 1 :type :ok :f :dequeue :value 4}]\n";
  CU_ASSERT_EQUAL(verdict("fifo-queue", "[3 4]", four, NULL), LINCHECK_VIOLATION);
  CU_ASSERT_EQUAL(verdict("unordered-queue", "[3 4]", four, NULL), LINCHECK_OK);
}

void suite_lincheck_models2(void)
{
  CU_pSuite s = CU_add_suite("lincheck_models2", NULL, NULL);
  CU_add_test(s, "--initial for register and cas-register", test_initial_register);
  CU_add_test(s, "--initial for kv: one value per key", test_initial_kv_per_key);
  CU_add_test(s, "multi-register: atomic txns, torn reads, initial map, info/fail", test_multi_register);
  CU_add_test(s, "fifo-queue and unordered-queue", test_fifo_queue);
}
