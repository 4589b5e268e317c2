/* JSON text json-glib 1.6 gets wrong: a double whose shortest form is
 * "1e-300" comes out as "1e-300.0", which no JSON reader accepts. */
#include "sim/kernel/json_text.h"
#include <CUnit/CUnit.h>
#include <float.h>
#include <math.h>
#include <string.h>

static void check_repair(const char *in, const char *want)
{
  char *text = g_strdup(in);
  gsize n = sim_json_repair_exponents(text);
  CU_ASSERT_STRING_EQUAL(text, want);
  CU_ASSERT_EQUAL(n, strlen(want));
  g_free(text);
}

static void test_repair(void)
{
  check_repair("{\"a\":1e-300.0,\"b\":5e+22.0,\"c\":-2E7.0}", "{\"a\":1e-300,\"b\":5e+22,\"c\":-2E7}");
  check_repair("[1.5,2.0,1.0000000000000001e+300]", "[1.5,2.0,1.0000000000000001e+300]");
  /* Inside strings nothing changes, escaped quotes included. */
  check_repair("{\"e\":\"1e-300.0 \\\"2e5.0\\\"\",\"x\":3e5.0}", "{\"e\":\"1e-300.0 \\\"2e5.0\\\"\",\"x\":3e5}");
  check_repair("{\"e1.0\":true}", "{\"e1.0\":true}");
}

/* Every double, however json-glib shortens it, reads back as itself. */
static void test_round_trip(void)
{
  const double values[] = { 1e-300, 1e300, 5e22, -2.5e-320, 1e-5, 0.5, 123456789.0, 1e21, DBL_MIN, DBL_MAX };
  for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_VALUE);
    json_node_set_double(node, values[i]);
    g_autofree char *text = sim_json_text(node, FALSE, NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    gboolean parsed = json_parser_load_from_data(parser, text, -1, NULL);
    CU_ASSERT_TRUE(parsed);
    if (parsed)
      CU_ASSERT_EQUAL(json_node_get_double(json_parser_get_root(parser)), values[i]);
  }
}

void suite_json_text(void)
{
  CU_pSuite s = CU_add_suite("json_text", NULL, NULL);
  CU_add_test(s, "a '.0' after an exponent is dropped, outside strings only", test_repair);
  CU_add_test(s, "doubles json-glib writes with an exponent read back as themselves", test_round_trip);
}
