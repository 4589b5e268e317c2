/* ddmin (sim/cli/ddmin.h) on synthetic predicates: the result fails, is
 * 1-minimal, is found deterministically, and respects the test budget. */
#include "sim/cli/ddmin.h"
#include <CUnit/CUnit.h>

/* Fails when every index in `need` (terminated by G_MAXUINT) is present. */
static gboolean needs_all(const guint *items, guint n, void *data)
{
  for (const guint *want = data; *want != G_MAXUINT; want++) {
    gboolean found = FALSE;
    for (guint i = 0; i < n && !found; i++)
      found = items[i] == *want;
    if (!found)
      return FALSE;
  }
  return TRUE;
}

/* Fails when at least three odd indexes are present. */
static gboolean three_odd(const guint *items, guint n, void *data)
{
  (void) data;
  guint odd = 0;
  for (guint i = 0; i < n; i++)
    odd += items[i] % 2;
  return odd >= 3;
}

static gboolean always(const guint *items, guint n, void *data)
{
  (void) items, (void) n, (void) data;
  return TRUE;
}

static gboolean one_minimal(GArray *set, DdminTest test, void *data)
{
  if (!test((const guint *) (void *) set->data, set->len, data))
    return FALSE;
  for (guint drop = 0; drop < set->len; drop++) {
    g_autoptr(GArray) less = g_array_copy(set);
    g_array_remove_index(less, drop);
    if (test((const guint *) (void *) less->data, less->len, data))
      return FALSE;
  }
  return TRUE;
}

static void test_finds_the_pair(void)
{
  guint need[] = { 3, 37, G_MAXUINT };
  guint runs = 0;
  g_autoptr(GArray) r = ddmin(64, needs_all, need, 0, &runs);
  CU_ASSERT_EQUAL_FATAL(r->len, 2);
  CU_ASSERT_EQUAL(g_array_index(r, guint, 0), 3);
  CU_ASSERT_EQUAL(g_array_index(r, guint, 1), 37);
  /* Far fewer than the 2^64 subsets, or the 64 single removals squared. */
  CU_ASSERT(runs > 0 && runs < 64);
}

static void test_one_minimal_and_deterministic(void)
{
  for (guint n = 1; n <= 40; n++) {
    guint runs_a = 0, runs_b = 0;
    g_autoptr(GArray) a = ddmin(n, three_odd, NULL, 0, &runs_a);
    g_autoptr(GArray) b = ddmin(n, three_odd, NULL, 0, &runs_b);
    if (n < 6) /* fewer than three odd indexes: the test never really fails */
      continue;
    CU_ASSERT_EQUAL(a->len, 3);
    CU_ASSERT_TRUE(one_minimal(a, three_odd, NULL));
    CU_ASSERT_EQUAL(runs_a, runs_b);
    CU_ASSERT_EQUAL(a->len, b->len);
    for (guint i = 0; i < a->len && i < b->len; i++)
      CU_ASSERT_EQUAL(g_array_index(a, guint, i), g_array_index(b, guint, i));
  }
}

static void test_empty_and_single(void)
{
  guint runs = 0;
  g_autoptr(GArray) none = ddmin(10, always, NULL, 0, &runs);
  CU_ASSERT_EQUAL(none->len, 0);
  CU_ASSERT_EQUAL(runs, 1);
  guint need[] = { 0, G_MAXUINT };
  g_autoptr(GArray) one = ddmin(1, needs_all, need, 0, &runs);
  CU_ASSERT_EQUAL(one->len, 1);
  g_autoptr(GArray) zero = ddmin(0, needs_all, need, 0, &runs);
  CU_ASSERT_EQUAL(zero->len, 0);
  CU_ASSERT_EQUAL(runs, 0);
}

static void test_budget(void)
{
  guint need[] = { 5, 17, 29, G_MAXUINT };
  guint runs = 0;
  g_autoptr(GArray) r = ddmin(100, needs_all, need, 4, &runs);
  CU_ASSERT(runs <= 4);
  /* Whatever it stopped at still fails. */
  CU_ASSERT_TRUE(needs_all((const guint *) (void *) r->data, r->len, need));
}

void suite_ddmin(void)
{
  CU_pSuite s = CU_add_suite("ddmin", NULL, NULL);
  CU_add_test(s, "ddmin finds the two items that fail together", test_finds_the_pair);
  CU_add_test(s, "ddmin's result is 1-minimal and deterministic", test_one_minimal_and_deterministic);
  CU_add_test(s, "ddmin: an empty failing set, one item, none", test_empty_and_single);
  CU_add_test(s, "ddmin stops at its test budget with a failing set", test_budget);
}
