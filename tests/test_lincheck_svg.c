/* The SVG picture of a violation (sim/check/lincheck_out.c): well-formed
 * XML (read back with GLib's markup parser), one operation highlighted and
 * it is the one that cannot be placed, the last linearized order numbered,
 * and text from the history escaped. */
#include "sim/check/history_read.h"
#include "sim/check/lincheck.h"
#include "sim/check/lincheck_out.h"
#include <CUnit/CUnit.h>
#include <string.h>

typedef struct {
  guint elements, bad_groups, ordered;
  gboolean bad_title;   /* inside the highlighted op's <title> */
  GString *bad_text;    /* its title's text */
  guint depth;
} SvgScan;

static void svg_start(GMarkupParseContext *ctx, const char *name, const char **names, const char **values,
                      gpointer data, GError **error)
{
  (void) ctx; (void) error;
  SvgScan *s = data;
  s->elements++;
  if (strcmp(name, "g") == 0)
    for (guint k = 0; names[k]; k++)
      if (strcmp(names[k], "class") == 0 && strcmp(values[k], "op bad") == 0) {
        s->bad_groups++;
        s->depth = 1;
      }
  if (strcmp(name, "title") == 0 && s->depth == 1)
    s->bad_title = TRUE;
}

static void svg_end(GMarkupParseContext *ctx, const char *name, gpointer data, GError **error)
{
  (void) ctx; (void) error;
  SvgScan *s = data;
  if (strcmp(name, "title") == 0)
    s->bad_title = FALSE;
  if (strcmp(name, "g") == 0)
    s->depth = 0;
}

static void svg_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
  (void) ctx; (void) error;
  SvgScan *s = data;
  if (s->bad_title)
    g_string_append_len(s->bad_text, text, (gssize) len);
  if (len > 2 && g_ascii_isdigit(text[0]) && text[1] == '.' && text[2] == ' ')
    s->ordered++;
}

/* Parses `svg`; FALSE when it is not well-formed. */
static gboolean svg_scan(const char *svg, SvgScan *s)
{
  static const GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) ctx = g_markup_parse_context_new(&parser, 0, s, NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok = g_markup_parse_context_parse(ctx, svg, -1, &error) && g_markup_parse_context_end_parse(ctx, &error);
  if (!ok)
    fprintf(stderr, "\n  SVG not well-formed: %s\n", error->message);
  return ok;
}

static void test_svg_violation(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = history_read_file("tests/data/lincheck/cas_bad.edn", HISTORY_FORMAT_AUTO, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
  LincheckResult r;
  CU_ASSERT_TRUE_FATAL(lincheck_check(lincheck_model_lookup("cas-register"), ops, NULL, &r, &error));
  CU_ASSERT_EQUAL(r.verdict, LINCHECK_VIOLATION);
  g_autofree char *svg = lincheck_result_svg(&r, "cas_bad <&> \"history\"");
  SvgScan s = { 0 };
  s.bad_text = g_string_new(NULL);
  CU_ASSERT_TRUE(svg_scan(svg, &s));
  CU_ASSERT_EQUAL(s.bad_groups, 1);
  CU_ASSERT_TRUE(strstr(s.bad_text->str, "process 2: read nil => ok 1  [index 8") != NULL);
  CU_ASSERT_EQUAL(s.ordered, r.n_order);
  CU_ASSERT_TRUE(r.n_order >= 3);
  CU_ASSERT_TRUE(strstr(svg, "cas_bad &lt;&amp;&gt; &quot;history&quot;") != NULL);
  g_string_free(s.bad_text, TRUE);
  lincheck_result_clear(&r);
}

/* A window of many ops (the kv c50-bad shape) is still one picture, capped. */
static void test_svg_large(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ops = history_read_file("tests/data/lincheck/kv_hard_first.edn", HISTORY_FORMAT_AUTO, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
  LincheckResult r;
  CU_ASSERT_TRUE_FATAL(lincheck_check(lincheck_model_lookup("register"), ops, NULL, &r, &error));
  CU_ASSERT_EQUAL_FATAL(r.verdict, LINCHECK_VIOLATION);
  CU_ASSERT_TRUE(r.window && r.window->len >= 2 && r.window->len <= 60);
  g_autofree char *svg = lincheck_result_svg(&r, "kv_hard_first.edn");
  SvgScan s = { 0 };
  s.bad_text = g_string_new(NULL);
  CU_ASSERT_TRUE(svg_scan(svg, &s));
  CU_ASSERT_EQUAL(s.bad_groups, 1);
  CU_ASSERT_TRUE(g_str_has_prefix(s.bad_text->str, r.bad));
  g_string_free(s.bad_text, TRUE);
  lincheck_result_clear(&r);
}

void suite_lincheck_svg(void)
{
  CU_pSuite s = CU_add_suite("lincheck_svg", NULL, NULL);
  CU_add_test(s, "a violation's picture is well-formed and names the op", test_svg_violation);
  CU_add_test(s, "a large history's window is capped", test_svg_large);
}
