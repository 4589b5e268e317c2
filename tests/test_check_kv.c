/* The real-time stale-read checker (sim/check/check_kv.h) on hand-built
 * histories: the cases its rule is about (sequential writes, overlapping
 * writes, a read overlapping the newer write, uncertain writes, the initial
 * value, exact ties), a case that comparing the store's versions would miss,
 * and random histories against a brute-force reading of the definition. */
#include "sim/check/check_kv.h"
#include "sim/kernel/rng.h"
#include <CUnit/CUnit.h>
#include <string.h>

/* Times in the hand-built histories are milliseconds. */
#define OK(k, v, inv, done) { (k), (v), FALSE, TRUE, (inv) * SIM_MS, (done) * SIM_MS }
#define UNSURE(k, v, inv) { (k), (v), FALSE, FALSE, (inv) * SIM_MS, 0 }
#define READ(k, v, inv, done) { (k), (v), FALSE, TRUE, (inv) * SIM_MS, (done) * SIM_MS }
#define READ_NIL(k, inv, done) { (k), 0, TRUE, TRUE, (inv) * SIM_MS, (done) * SIM_MS }

typedef struct {
  GArray *reads, *witnesses;
  GPtrArray *what;
} Found;

static void collect(gsize read, gsize witness, const char *what, void *data)
{
  Found *f = data;
  g_array_append_val(f->reads, read);
  g_array_append_val(f->witnesses, witness);
  g_ptr_array_add(f->what, g_strdup(what));
}

static Found *found_new(void)
{
  Found *f = g_new0(Found, 1);
  f->reads = g_array_new(FALSE, FALSE, sizeof(gsize));
  f->witnesses = g_array_new(FALSE, FALSE, sizeof(gsize));
  f->what = g_ptr_array_new_with_free_func(g_free);
  return f;
}

static void found_free(Found *f)
{
  g_array_unref(f->reads);
  g_array_unref(f->witnesses);
  g_ptr_array_unref(f->what);
  g_free(f);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Found, found_free)

static guint64 stale(const CheckKvOp *w, gsize nw, const CheckKvOp *r, gsize nr)
{
  return check_kv_stale_reads(w, nw, r, nr, NULL, NULL);
}

/* Two clients with private Lamport clocks: client A writes 1 at version
 * (5, A) and finishes; client B, whose clock is behind, then writes 2 at
 * version (3, B) and finishes; a read after both returns 1. Comparing
 * versions says the read returned the newest one, (5, A) > (3, B); in real
 * time it missed the write of 2. */
static void test_sequential_writes(void)
{
  CheckKvOp w[] = { OK(1, 1, 0, 10), OK(1, 2, 20, 30) };
  CheckKvOp r[] = { READ(1, 1, 40, 50), READ(1, 2, 40, 50), READ(1, 1, 15, 18) };
  g_autoptr(Found) f = found_new();
  CU_ASSERT_EQUAL(check_kv_stale_reads(w, 2, r, 3, collect, f), 1);
  CU_ASSERT_EQUAL(f->reads->len, 1);
  CU_ASSERT_EQUAL(g_array_index(f->reads, gsize, 0), 0);
  CU_ASSERT_EQUAL(g_array_index(f->witnesses, gsize, 0), 1);
  CU_ASSERT_STRING_EQUAL(f->what->pdata[0],
                         "read of key 1 invoked at 0.040000 s returned 1 (written by an op that completed at "
                         "0.010000 s), but the write of 2 invoked at 0.020000 s had completed at 0.030000 s");
}

/* Writes that overlap may take effect in either order; a read overlapping
 * the newer write may or may not see it. */
static void test_concurrency_is_not_staleness(void)
{
  CheckKvOp overlapping[] = { OK(1, 1, 0, 25), OK(1, 2, 20, 30) };
  CheckKvOp after_both[] = { READ(1, 1, 40, 50), READ(1, 2, 40, 50) };
  CU_ASSERT_EQUAL(stale(overlapping, 2, after_both, 2), 0);
  CheckKvOp sequential[] = { OK(1, 1, 0, 10), OK(1, 2, 20, 45) };
  CheckKvOp during[] = { READ(1, 1, 40, 50) };
  CU_ASSERT_EQUAL(stale(sequential, 2, during, 1), 0);
  /* Exact ties are not "before": the newer write began the instant the
   * older one completed, or completed the instant the read began. */
  CheckKvOp touching[] = { OK(1, 1, 0, 10), OK(1, 2, 10, 30) };
  CheckKvOp r1[] = { READ(1, 1, 40, 50) };
  CU_ASSERT_EQUAL(stale(touching, 2, r1, 1), 0);
  CheckKvOp w2[] = { OK(1, 1, 0, 10), OK(1, 2, 20, 40) };
  CU_ASSERT_EQUAL(stale(w2, 2, r1, 1), 0);
  /* One step later it is stale. */
  CheckKvOp r2[] = { READ(1, 1, 41, 50) };
  CU_ASSERT_EQUAL(stale(w2, 2, r2, 1), 1);
}

/* A write that timed out (info), failed or was still pending may or may not
 * have taken effect, at any time after its invocation. */
static void test_uncertain_writes(void)
{
  /* Never a witness: the read of 1 may be right because 2 never happened. */
  CheckKvOp unsure_newer[] = { OK(1, 1, 0, 10), UNSURE(1, 2, 20) };
  CheckKvOp r1[] = { READ(1, 1, 40, 50) };
  CU_ASSERT_EQUAL(stale(unsure_newer, 2, r1, 1), 0);
  /* Its value explains the read: 1 may have landed at 35, after 2. */
  CheckKvOp unsure_older[] = { UNSURE(1, 1, 0), OK(1, 2, 20, 30) };
  CU_ASSERT_EQUAL(stale(unsure_older, 2, r1, 1), 0);
  /* But an acknowledged witness still makes a read of an even older
   * acknowledged value stale, whatever the uncertain ones did. */
  CheckKvOp mixed[] = { OK(1, 1, 0, 10), UNSURE(1, 3, 12), OK(1, 2, 20, 30) };
  CU_ASSERT_EQUAL(stale(mixed, 3, r1, 1), 1);
  CheckKvOp r3[] = { READ(1, 3, 40, 50) };
  CU_ASSERT_EQUAL(stale(mixed, 3, r3, 1), 0);
}

/* nil, or a value no write wrote (a preloaded one), is the initial value. */
static void test_initial_value(void)
{
  CheckKvOp w[] = { OK(1, 1, 10, 20) };
  CheckKvOp fresh[] = { READ_NIL(1, 5, 25), READ_NIL(1, 15, 25), READ_NIL(1, 20, 25), READ_NIL(2, 30, 35) };
  CU_ASSERT_EQUAL(stale(w, 1, fresh, 4), 0);
  CheckKvOp late[] = { READ_NIL(1, 21, 25), READ(1, 0, 30, 35) /* preloaded 0 */ };
  g_autoptr(Found) f = found_new();
  CU_ASSERT_EQUAL(check_kv_stale_reads(w, 1, late, 2, collect, f), 2);
  CU_ASSERT_PTR_NOT_NULL(strstr(f->what->pdata[0], "returned nil (the initial value)"));
  CU_ASSERT_PTR_NOT_NULL(strstr(f->what->pdata[1], "returned 0 (the initial value)"));
  CU_ASSERT_EQUAL(stale(NULL, 0, late, 2), 0);
  CU_ASSERT_EQUAL(stale(w, 1, NULL, 0), 0);
}

/* Keys are separate registers; a value written twice is judged by the
 * write most favourable to the read. */
static void test_keys_and_repeated_values(void)
{
  CheckKvOp w[] = { OK(2, 1, 0, 10), OK(1, 2, 20, 30), OK(1, 1, 0, 10) };
  CheckKvOp other_key[] = { READ(2, 1, 40, 50) };
  CU_ASSERT_EQUAL(stale(w, 3, other_key, 1), 0);
  CheckKvOp same_key[] = { READ(1, 1, 40, 50) };
  CU_ASSERT_EQUAL(stale(w, 3, same_key, 1), 1);
  CheckKvOp again[] = { OK(1, 1, 0, 10), OK(1, 2, 20, 30), OK(1, 1, 32, 35) };
  CU_ASSERT_EQUAL(stale(again, 3, same_key, 1), 0);
}

/* The definition, read literally, O(reads × writes²). */
static gboolean brute_stale(const CheckKvOp *w, gsize nw, const CheckKvOp *r)
{
  gboolean matched = FALSE;
  SimTime src = G_MININT64;
  for (gsize i = 0; !r->initial && i < nw; i++) {
    if (w[i].key != r->key || w[i].value != r->value)
      continue;
    if (!w[i].certain)
      return FALSE;
    src = matched ? MAX(src, w[i].completed) : w[i].completed;
    matched = TRUE;
  }
  for (gsize j = 0; j < nw; j++)
    if (w[j].certain && w[j].key == r->key && w[j].completed < r->invoked && w[j].invoked > src)
      return TRUE;
  return FALSE;
}

static void test_random_against_definition(void)
{
  SimRng rng;
  sim_rng_init(&rng, 20240611, "check_kv");
  guint64 total = 0;
  for (int round = 0; round < 300; round++) {
    gsize nw = (gsize) sim_rng_range(&rng, 0, 30), nr = (gsize) sim_rng_range(&rng, 0, 30);
    g_autofree CheckKvOp *w = g_new0(CheckKvOp, MAX(nw, 1));
    g_autofree CheckKvOp *r = g_new0(CheckKvOp, MAX(nr, 1));
    for (gsize i = 0; i < nw; i++) {
      SimTime at = sim_rng_range(&rng, 0, 100);
      w[i] = (CheckKvOp) { sim_rng_range(&rng, 0, 2), sim_rng_range(&rng, 1, 25), FALSE,
                           sim_rng_range(&rng, 0, 4) > 0, at, at + sim_rng_range(&rng, 0, 30) };
    }
    for (gsize i = 0; i < nr; i++) {
      SimTime at = sim_rng_range(&rng, 0, 130);
      r[i] = (CheckKvOp) { sim_rng_range(&rng, 0, 2), sim_rng_range(&rng, 0, 25), sim_rng_range(&rng, 0, 5) == 0,
                           TRUE, at, at + 5 };
    }
    guint64 expect = 0;
    for (gsize i = 0; i < nr; i++)
      expect += brute_stale(w, nw, &r[i]);
    CU_ASSERT_EQUAL(stale(w, nw, r, nr), expect);
    total += expect;
  }
  CU_ASSERT(total > 100); /* the random histories do contain stale reads */
}

void suite_check_kv(void)
{
  CU_pSuite s = CU_add_suite("check_kv", NULL, NULL);
  CU_add_test(s, "a read after two sequential writes missing the second is stale", test_sequential_writes);
  CU_add_test(s, "overlapping writes and reads are not stale", test_concurrency_is_not_staleness);
  CU_add_test(s, "uncertain writes never witness and always explain", test_uncertain_writes);
  CU_add_test(s, "the initial value", test_initial_value);
  CU_add_test(s, "keys and repeated values", test_keys_and_repeated_values);
  CU_add_test(s, "random histories agree with the definition", test_random_against_definition);
}
