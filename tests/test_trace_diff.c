/* Trace diff (sim/cli/trace_diff.h) on hand-made traces: where two traces
 * part, the equal events before it, the next events of each, and a trace
 * that is a prefix of the other. */
#include "sim/cli/trace_diff.h"
#include <CUnit/CUnit.h>
#include <string.h>

static gboolean diff_texts(const char *a, const char *b, guint context, TraceDiff *d)
{
  FILE *fa = fmemopen((void *) a, strlen(a), "r");
  FILE *fb = fmemopen((void *) b, strlen(b), "r");
  gboolean ok = trace_diff(fa, fb, context, d, NULL);
  fclose(fa);
  fclose(fb);
  return ok;
}

#define E(t, rest) "{\"t\":" #t ",\"kind\":" rest "}\n"

static void test_first_divergence(void)
{
  const char *a = E(0, "\"start\",\"node\":\"a\"") E(5, "\"send\",\"node\":\"a\",\"peer\":\"b\"")
      E(7, "\"deliver\",\"node\":\"b\"") E(9, "\"crash\",\"node\":\"b\"") E(12, "\"timer\",\"node\":\"a\"")
      E(13, "\"timer\",\"node\":\"a\"");
  const char *b = E(0, "\"start\",\"node\":\"a\"") E(5, "\"send\",\"node\":\"a\",\"peer\":\"b\"")
      E(7, "\"deliver\",\"node\":\"b\"") E(8, "\"send\",\"node\":\"b\",\"peer\":\"a\"") E(12, "\"timer\",\"node\":\"a\"");
  TraceDiff d;
  CU_ASSERT_TRUE_FATAL(diff_texts(a, b, 2, &d));
  CU_ASSERT_TRUE(d.differ);
  CU_ASSERT_EQUAL(d.index, 4);
  /* Two equal events of context before it, the last two before event 4. */
  CU_ASSERT_EQUAL_FATAL(d.before->len, 2);
  CU_ASSERT_STRING_EQUAL(g_ptr_array_index(d.before, 0), "{\"t\":5,\"kind\":\"send\",\"node\":\"a\",\"peer\":\"b\"}");
  CU_ASSERT_STRING_EQUAL(g_ptr_array_index(d.before, 1), "{\"t\":7,\"kind\":\"deliver\",\"node\":\"b\"}");
  /* The differing event and up to two more of each trace. */
  CU_ASSERT_EQUAL_FATAL(d.a->len, 3);
  CU_ASSERT_EQUAL_FATAL(d.b->len, 2);
  CU_ASSERT_STRING_EQUAL(g_ptr_array_index(d.a, 0), "{\"t\":9,\"kind\":\"crash\",\"node\":\"b\"}");
  CU_ASSERT_STRING_EQUAL(g_ptr_array_index(d.b, 0), "{\"t\":8,\"kind\":\"send\",\"node\":\"b\",\"peer\":\"a\"}");
  CU_ASSERT_EQUAL(trace_line_time(g_ptr_array_index(d.a, 0)), 9);
  trace_diff_clear(&d);
}

static void test_identical_and_prefix(void)
{
  const char *a = E(1, "\"timer\"") E(2, "\"timer\"") E(3, "\"timer\"");
  TraceDiff d;
  CU_ASSERT_TRUE_FATAL(diff_texts(a, a, 3, &d));
  CU_ASSERT_FALSE(d.differ);
  CU_ASSERT_EQUAL(d.a_events, 3);
  trace_diff_clear(&d);
  /* B stops after two events: the difference is event 3, B has none. */
  const char *b = E(1, "\"timer\"") E(2, "\"timer\"");
  CU_ASSERT_TRUE_FATAL(diff_texts(a, b, 1, &d));
  CU_ASSERT_TRUE(d.differ);
  CU_ASSERT_EQUAL(d.index, 3);
  CU_ASSERT_EQUAL(d.a->len, 1);
  CU_ASSERT_EQUAL(d.b->len, 0);
  CU_ASSERT_EQUAL(d.before->len, 1);
  trace_diff_clear(&d);
  /* The first event already differs: no context before it. */
  CU_ASSERT_TRUE_FATAL(diff_texts(E(1, "\"crash\""), E(1, "\"pause\""), 3, &d));
  CU_ASSERT_EQUAL(d.index, 1);
  CU_ASSERT_EQUAL(d.before->len, 0);
  trace_diff_clear(&d);
  CU_ASSERT_EQUAL(trace_line_time("{\"kind\":\"x\"}"), -1);
}

void suite_trace_diff(void)
{
  CU_pSuite s = CU_add_suite("trace_diff", NULL, NULL);
  CU_add_test(s, "diff: the first divergent event, with context", test_first_divergence);
  CU_add_test(s, "diff: identical traces, a prefix, a first-event difference", test_identical_and_prefix);
}
