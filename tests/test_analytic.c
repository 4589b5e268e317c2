/* analytic{} (sim/lua/lua_analytic.c): formulas evaluated on a scenario's
 * parameters, after a run and on a script only loaded; their errors. */
#include "sim/cli/analytic_compare.h"
#include "sim/lua/scenario_analytic.h"
#include <CUnit/CUnit.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* Writes `text` as a scenario in a fresh folder; returns its path (free
 * with script_remove). */
static char *script(const char *text)
{
  g_autofree char *dir = g_dir_make_tmp("faultsim-analytic-XXXXXX", NULL);
  char *path = g_build_filename(dir, "s.lua", NULL);
  CU_ASSERT_TRUE(g_file_set_contents(path, text, -1, NULL));
  return path;
}

static void script_remove(char *path)
{
  g_autofree char *dir = g_path_get_dirname(path);
  g_unlink(path);
  g_rmdir(dir);
  g_free(path);
}

static double value(GHashTable *values, const char *name)
{
  double *v = values ? g_hash_table_lookup(values, name) : NULL;
  return v ? *v : NAN;
}

static const char formulas[] =
  "scenario { duration = '1s' }\n"
  "local p = params { down = 0.1, n = 4, on = true, kind = 'all' }\n"
  "node('a', 'echo.server')\n"
  "analytic {\n"
  "  availability = function(q) return (1 - q.down) ^ q.n end,\n"
  "  typed = function(q)\n"
  "    assert(math.type(q.n) == 'integer' and type(q.on) == 'boolean' and type(q.kind) == 'string')\n"
  "    return q.on and #q.kind or -1\n"
  "  end,\n"
  "}\n";

/* The formula sees the parameters as params{} ended with them, then the
 * point's: numbers as numbers (integers as integers), booleans, strings. */
static void test_values(void)
{
  char *path = script(formulas);
  GError *error = NULL;
  g_autoptr(GHashTable) defaults = scenario_analytic_load(path, NULL, &error);
  CU_ASSERT_PTR_NULL(error);
  CU_ASSERT_DOUBLE_EQUAL(value(defaults, "availability"), pow(0.9, 4), 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(value(defaults, "typed"), 3, 0);
  g_autoptr(GHashTable) point = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(point, "down", "0.5");
  g_hash_table_insert(point, "n", "2");
  g_hash_table_insert(point, "on", "false");
  g_autoptr(GHashTable) at = scenario_analytic_load(path, point, &error);
  CU_ASSERT_PTR_NULL(error);
  CU_ASSERT_DOUBLE_EQUAL(value(at, "availability"), 0.25, 1e-12);
  CU_ASSERT_DOUBLE_EQUAL(value(at, "typed"), -1, 0);
  /* After a run, on the run's own scenario: the same values, and the
   * overlay wins over what the run had. */
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  g_autoptr(Scenario) sc = scenario_run(path, 1, point, &options, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  g_autoptr(GHashTable) after = scenario_analytic(sc, NULL, &error);
  CU_ASSERT_DOUBLE_EQUAL(value(after, "availability"), 0.25, 1e-12);
  g_autoptr(GHashTable) other = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(other, "down", "0");
  g_autoptr(GHashTable) overlaid = scenario_analytic(sc, other, &error);
  CU_ASSERT_DOUBLE_EQUAL(value(overlaid, "availability"), 1, 1e-12);
  script_remove(path);
}

/* No analytic{}: an empty table, not an error. */
static void test_none(void)
{
  char *path = script("node('a', 'echo.server')\n");
  GError *error = NULL;
  g_autoptr(GHashTable) values = scenario_analytic_load(path, NULL, &error);
  CU_ASSERT_PTR_NOT_NULL(values);
  CU_ASSERT_EQUAL(values ? g_hash_table_size(values) : 99, 0);
  script_remove(path);
}

/* Each failure is an error naming the file and line (or the formula). */
static void test_errors(void)
{
  static const struct {
    const char *script, *message;
  } cases[] = {
    { "analytic { availability = 1 }\n", "s.lua:1: analytic{}: 'availability' must be a function" },
    { "analytic { [1] = function() return 1 end }\n", "s.lua:1: analytic{}: keys must be measure names" },
    { "analytic { a = function() return 1 end }\nanalytic { b = function() return 1 end }\n",
      "s.lua:2: analytic{}: given twice" },
    { "analytic { a = function() error('no formula here') end }\n", "s.lua:1: no formula here" },
    { "analytic { a = function() return 'high' end }\n", "analytic a: the formula returned string, not a finite number" },
    { "analytic { a = function() return 0 / 0 end }\n", "analytic a: the formula returned a non-finite number" },
    { "analytic { a = function() while true do end end }\n", "instruction budget" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    char *path = script(cases[i].script);
    GError *error = NULL;
    g_autoptr(GHashTable) values = scenario_analytic_load(path, NULL, &error);
    CU_ASSERT_PTR_NULL(values);
    CU_ASSERT_PTR_NOT_NULL(error);
    if (error && !strstr(error->message, cases[i].message))
      fprintf(stderr, "\ncase %u: %s\n", i, error->message);
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, cases[i].message) : NULL);
    g_clear_error(&error);
    script_remove(path);
  }
}

/* A parameter the script does not declare is refused, as --set does. */
static void test_undeclared(void)
{
  char *path = script(formulas);
  g_autoptr(GHashTable) point = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(point, "rate", "5");
  GError *error = NULL;
  g_autoptr(GHashTable) values = scenario_analytic_load(path, point, &error);
  CU_ASSERT_PTR_NULL(values);
  CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, "declares no parameter 'rate'") : NULL);
  g_clear_error(&error);
  script_remove(path);
}

/* Distances in standard errors, the flag beyond 3, and no z without a
 * standard error (one run, or every run equal). */
static void test_compare(void)
{
  AnalyticCompare c = analytic_compare(0.8, 0.01, 0.83);
  CU_ASSERT_DOUBLE_EQUAL(c.z, -3, 1e-9);
  CU_ASSERT_FALSE(c.beyond);
  c = analytic_compare(0.8, 0.01, 0.8301);
  CU_ASSERT_TRUE(c.beyond);
  g_autoptr(GString) text = g_string_new(NULL);
  analytic_describe(text, c);
  CU_ASSERT_STRING_EQUAL(text->str, "analytic 0.8301, z -3.01  beyond 3 standard errors");
  for (guint i = 0; i < 2; i++) {
    c = analytic_compare(0.8, i ? NAN : 0, 0.5);
    CU_ASSERT_TRUE(isnan(c.z));
    CU_ASSERT_FALSE(c.beyond);
  }
  g_string_truncate(text, 0);
  analytic_describe(text, c);
  CU_ASSERT_STRING_EQUAL(text->str, "analytic 0.5000, z n/a");
}

void suite_analytic(void)
{
  CU_pSuite s = CU_add_suite("analytic", NULL, NULL);
  CU_add_test(s, "formulas see the parameters, typed, loaded or after a run", test_values);
  CU_add_test(s, "a scenario without analytic{} has no formulas", test_none);
  CU_add_test(s, "a bad analytic{} or formula is an error naming it", test_errors);
  CU_add_test(s, "a point with an undeclared parameter is refused", test_undeclared);
  CU_add_test(s, "a mean against its formula in standard errors", test_compare);
}
