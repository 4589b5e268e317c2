/* Reading a lab's tests.lua: see grade_lab.h. The chunk runs in the same
 * sandbox scenarios get, with small budgets (a test list is a few dozen
 * lines of data); its result is read with raw accesses, so no metamethod
 * of the file's runs outside the sandbox call. */
#include "sim/cli/grade_lab.h"
#include "sim/cli/cli.h"
#include "sim/kernel/errors.h"
#include "sim/lua/lua_sandbox.h"
#include <lauxlib.h>
#include <string.h>

#define GRADE_LAB_MEM (16u << 20)
#define GRADE_LAB_INSTR 10000000LL
#define GRADE_LAB_MAX_TESTS 100

static void test_free(gpointer p)
{
  GradeTest *t = p;
  g_free(t->name);
  g_ptr_array_unref(t->keys);
  g_ptr_array_unref(t->values);
  g_free(t);
}

void grade_lab_free(GradeLab *lab)
{
  if (!lab)
    return;
  g_free(lab->dir);
  g_free(lab->scenario);
  g_ptr_array_unref(lab->tests);
  g_free(lab);
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The value at the top of the stack as a --set value: a string as is, an
 * integer in decimal, a float with %.17g; NULL for anything else. */
static char *set_value_text(lua_State *L)
{
  if (lua_type(L, -1) == LUA_TSTRING)
    return g_strdup(lua_tostring(L, -1));
  if (lua_isinteger(L, -1))
    return g_strdup_printf("%lld", (long long) lua_tointeger(L, -1));
  if (lua_type(L, -1) == LUA_TNUMBER) {
    /* The shortest text that reads back as the same number (0.05, not
     * 0.050000000000000003), as a teacher wrote it. */
    double v = lua_tonumber(L, -1);
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    for (int digits = 1; digits <= 17; digits++) {
      char fmt[8];
      g_snprintf(fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd(buf, sizeof buf, fmt, v);
      if (g_ascii_strtod(buf, NULL) == v)
        break;
    }
    return g_strdup(buf);
  }
  return NULL;
}

/* Reads the test table at the top of the stack into `t`; FALSE with a
 * message in `why` (freed by the caller). */
static gboolean read_test(lua_State *L, GradeTest *t, char **why)
{
  if (!lua_istable(L, -1)) {
    *why = g_strdup("not a table");
    return FALSE;
  }
  lua_pushstring(L, "name");
  lua_rawget(L, -2);
  if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0 || lua_rawlen(L, -1) > 200 ||
      strchr(lua_tostring(L, -1), '\n')) {
    *why = g_strdup("name must be a one-line string of 1 to 200 bytes");
    return FALSE;
  }
  t->name = g_strdup(lua_tostring(L, -1));
  lua_pop(L, 1);

  lua_pushstring(L, "points");
  lua_rawget(L, -2);
  if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0 || lua_tointeger(L, -1) > 100000) {
    *why = g_strdup("points must be a whole number from 0 to 100000");
    return FALSE;
  }
  t->points = (guint) lua_tointeger(L, -1);
  lua_pop(L, 1);

  lua_pushstring(L, "seeds");
  lua_rawget(L, -2);
  g_autofree char *seeds = NULL;
  if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1)
    seeds = g_strdup_printf("%lld", (long long) lua_tointeger(L, -1));
  else if (lua_type(L, -1) == LUA_TSTRING)
    seeds = g_strdup(lua_tostring(L, -1));
  lua_pop(L, 1);
  GError *e = NULL;
  t->first = t->last = 1;
  if (!seeds || !cli_parse_seeds(seeds, &t->first, &t->last, &e)) {
    *why = g_strdup("seeds must be N (seeds 1 to N) or \"FIRST-LAST\", at most 100000 seeds");
    g_clear_error(&e);
    return FALSE;
  }

  lua_pushstring(L, "set");
  lua_rawget(L, -2);
  if (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1)) {
      *why = g_strdup("set must be a table of key = value");
      return FALSE;
    }
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) != LUA_TSTRING || strchr(lua_tostring(L, -2), '=') || lua_rawlen(L, -2) == 0) {
        *why = g_strdup("set keys must be parameter names");
        lua_pop(L, 2);
        return FALSE;
      }
      g_ptr_array_add(keys, g_strdup(lua_tostring(L, -2)));
      lua_pop(L, 1);
    }
    g_ptr_array_sort(keys, cmp_str);
    for (guint i = 0; i < keys->len; i++) {
      lua_pushstring(L, keys->pdata[i]);
      lua_rawget(L, -2);
      char *v = set_value_text(L);
      lua_pop(L, 1);
      if (!v) {
        *why = g_strdup_printf("set.%s must be a string or a number", (char *) keys->pdata[i]);
        return FALSE;
      }
      if (strcmp(keys->pdata[i], "solution") == 0) {
        g_free(v);
        *why = g_strdup("set may not name solution: grade passes it");
        return FALSE;
      }
      g_ptr_array_add(t->keys, g_strdup(keys->pdata[i]));
      g_ptr_array_add(t->values, v);
    }
  }
  lua_pop(L, 1);
  return TRUE;
}

/* Reads the table the chunk returned (top of the stack) into `lab`. */
static gboolean read_lab(lua_State *L, GradeLab *lab, const char *file, GError **error)
{
  if (!lua_istable(L, -1)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: must return { scenario = \"grade.lua\", tests = {...} }", file);
    return FALSE;
  }
  lua_pushstring(L, "scenario");
  lua_rawget(L, -2);
  if (lua_type(L, -1) != LUA_TSTRING || !g_str_has_suffix(lua_tostring(L, -1), ".lua") ||
      g_path_is_absolute(lua_tostring(L, -1))) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: scenario must name the grader, a .lua file in the lab's folder",
                file);
    return FALSE;
  }
  lab->scenario = g_build_filename(lab->dir, lua_tostring(L, -1), NULL);
  lua_pop(L, 1);
  lua_pushstring(L, "tests");
  lua_rawget(L, -2);
  lua_Unsigned n = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
  if (n == 0 || n > GRADE_LAB_MAX_TESTS) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: tests must be a list of 1 to %d tests", file,
                GRADE_LAB_MAX_TESTS);
    return FALSE;
  }
  for (lua_Unsigned i = 1; i <= n; i++) {
    GradeTest *t = g_new0(GradeTest, 1);
    t->keys = g_ptr_array_new_with_free_func(g_free);
    t->values = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(lab->tests, t);
    lua_rawgeti(L, -1, (lua_Integer) i);
    g_autofree char *why = NULL;
    if (!read_test(L, t, &why)) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s: test %llu: %s", file, (unsigned long long) i, why);
      return FALSE;
    }
    lua_pop(L, 1);
  }
  return TRUE;
}

GradeLab *grade_lab_load(const char *dir, GError **error)
{
  g_autoptr(GradeLab) lab = g_new0(GradeLab, 1);
  lab->dir = g_strdup(dir);
  lab->tests = g_ptr_array_new_with_free_func(test_free);
  g_autofree char *file = g_build_filename(dir, "tests.lua", NULL);
  if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s: not a lab folder (expected a folder with tests.lua)", dir);
    return NULL;
  }
  g_autofree char *code = NULL;
  gsize len = 0;
  GError *io = NULL;
  if (!g_file_get_contents(file, &code, &len, &io)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s", io->message);
    g_error_free(io);
    return NULL;
  }
  SimRng rng;
  sim_rng_init(&rng, 1, "grade");
  LuaSandbox *sb = lua_sandbox_new(GRADE_LAB_MEM, GRADE_LAB_INSTR, &rng);
  if (!sb) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_LIMIT, "%s: cannot create the Lua state", file);
    return NULL;
  }
  g_autofree char *chunkname = g_strconcat("@", file, NULL);
  gboolean ok = lua_sandbox_load(sb, code, len, chunkname, error) && lua_sandbox_call(sb, 0, 1, error) &&
                read_lab(sb->L, lab, file, error);
  lua_sandbox_free(sb);
  return ok ? g_steal_pointer(&lab) : NULL;
}
