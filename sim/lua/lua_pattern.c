/* string.find, match, gmatch and gsub with Lua 5.4's pattern semantics,
 * every step of the matcher charged to the instruction budget.
 *
 * The stock matcher backtracks in C, where the count hook never runs:
 * string.find(("a"):rep(1e5), (".-"):rep(20) .. "b") would run for ages
 * inside one call. This is the same algorithm (a recursive backtracking
 * matcher over the pattern text, the same classes, sets, captures, %b, %f,
 * back-references, recursion limit and error messages), counting a step
 * for each pattern item tried, each character a repetition or %b walks and
 * each start position, and charging them in batches, so a pathological
 * pattern ends with the usual budget error. tests/test_sandbox.c checks
 * that it gives the stock library's results on a corpus of patterns. */
#include "sim/lua/lua_sandbox.h"
#include <ctype.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

/* As Lua's PAT_MAX_CAPTURES (luaconf.h does not export it). */
#define PAT_MAX_CAPTURES 32
#define PAT_ESC '%'
#define PAT_SPECIALS "^$*+?.([%-"
#define PAT_MAX_DEPTH 200        /* as Lua's MAXCCALLS: "pattern too complex" */
#define PAT_CHARGE_EVERY 4096    /* steps between charges to the budget */
#define CAP_OPEN (-1)            /* a capture not closed yet */
#define CAP_POSITION (-2)        /* a () position capture */

typedef struct {
  lua_State *L;
  const char *src;     /* subject */
  const char *src_end;
  const char *pat_end;
  int depth_left;
  int ncap;
  struct {
    const char *start;
    ptrdiff_t len;     /* or CAP_OPEN, CAP_POSITION */
  } cap[PAT_MAX_CAPTURES];
  lua_Integer steps;   /* not yet charged */
} Matcher;

static void pat_step(Matcher *m, lua_Integer n)
{
  m->steps += n;
  if (m->steps >= PAT_CHARGE_EVERY) {
    lua_Integer due = m->steps;
    m->steps = 0;
    lua_sandbox_charge(m->L, due);
  }
}

static void pat_flush(Matcher *m)
{
  lua_Integer due = m->steps;
  m->steps = 0;
  if (due)
    lua_sandbox_charge(m->L, due);
}

static void pat_init(Matcher *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
  m->L = L;
  m->src = s;
  m->src_end = s + ls;
  m->pat_end = p + lp;
  m->depth_left = PAT_MAX_DEPTH;
  m->ncap = 0;
  m->steps = 0;
}

/* Where the single-character class starting at `p` ends. */
static const char *class_end(Matcher *m, const char *p)
{
  char c = *p++;
  if (c == PAT_ESC) {
    if (p == m->pat_end)
      luaL_error(m->L, "malformed pattern (ends with '%%')");
    return p + 1;
  }
  if (c == '[') {
    if (*p == '^')
      p++;
    do { /* the first ']' may be a member: look from the next character */
      if (p == m->pat_end)
        luaL_error(m->L, "malformed pattern (missing ']')");
      if (*(p++) == PAT_ESC && p < m->pat_end)
        p++;
    } while (*p != ']');
    return p + 1;
  }
  return p;
}

/* Whether `c` is in class %`cl` (upper case negates); other letters and
 * punctuation stand for themselves. */
static gboolean in_class(int c, int cl)
{
  gboolean yes;
  switch (tolower(cl)) {
  case 'a': yes = isalpha(c) != 0; break;
  case 'c': yes = iscntrl(c) != 0; break;
  case 'd': yes = isdigit(c) != 0; break;
  case 'g': yes = isgraph(c) != 0; break;
  case 'l': yes = islower(c) != 0; break;
  case 'p': yes = ispunct(c) != 0; break;
  case 's': yes = isspace(c) != 0; break;
  case 'u': yes = isupper(c) != 0; break;
  case 'w': yes = isalnum(c) != 0; break;
  case 'x': yes = isxdigit(c) != 0; break;
  case 'z': yes = c == 0; break;
  default: return cl == c;
  }
  return islower(cl) ? yes : !yes;
}

/* Whether `c` is in the set [...] from `p` (at '[') to `last` (at ']'). */
static gboolean in_set(int c, const char *p, const char *last)
{
  gboolean member = TRUE;
  if (p[1] == '^') {
    member = FALSE;
    p++;
  }
  while (++p < last) {
    if (*p == PAT_ESC) {
      p++;
      if (in_class(c, (unsigned char) *p))
        return member;
    } else if (p[1] == '-' && p + 2 < last) {
      p += 2;
      if ((unsigned char) p[-2] <= c && c <= (unsigned char) *p)
        return member;
    } else if ((unsigned char) *p == c) {
      return member;
    }
  }
  return !member;
}

/* Whether the character at `s` matches the class from `p` to `ep`. */
static gboolean single_match(Matcher *m, const char *s, const char *p, const char *ep)
{
  if (s >= m->src_end)
    return FALSE;
  int c = (unsigned char) *s;
  switch (*p) {
  case '.': return TRUE;
  case PAT_ESC: return in_class(c, (unsigned char) p[1]);
  case '[': return in_set(c, p, ep - 1);
  default: return (unsigned char) *p == c;
  }
}

static const char *do_match(Matcher *m, const char *s, const char *p);

/* %bxy at `p` (pointing at x): the end of a balanced x...y at `s`. */
static const char *match_balance(Matcher *m, const char *s, const char *p)
{
  if (p >= m->pat_end - 1)
    luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
  if (*s != *p)
    return NULL;
  char open = p[0], close = p[1];
  int level = 1;
  while (++s < m->src_end) {
    pat_step(m, 1);
    if (*s == close) {
      if (--level == 0)
        return s + 1;
    } else if (*s == open) {
      level++;
    }
  }
  return NULL;
}

/* Greedy repetition: as many as match, then give back one at a time. */
static const char *expand_greedy(Matcher *m, const char *s, const char *p, const char *ep)
{
  ptrdiff_t count = 0;
  while (single_match(m, s + count, p, ep)) {
    count++;
    pat_step(m, 1);
  }
  for (; count >= 0; count--) {
    const char *end = do_match(m, s + count, ep + 1);
    if (end)
      return end;
  }
  return NULL;
}

/* Lazy repetition: the rest first, one more item at a time. */
static const char *expand_lazy(Matcher *m, const char *s, const char *p, const char *ep)
{
  for (;;) {
    const char *end = do_match(m, s, ep + 1);
    if (end)
      return end;
    if (!single_match(m, s, p, ep))
      return NULL;
    s++;
    pat_step(m, 1);
  }
}

static const char *open_capture(Matcher *m, const char *s, const char *p, ptrdiff_t kind)
{
  if (m->ncap >= PAT_MAX_CAPTURES)
    luaL_error(m->L, "too many captures");
  m->cap[m->ncap].start = s;
  m->cap[m->ncap].len = kind;
  m->ncap++;
  const char *end = do_match(m, s, p);
  if (!end)
    m->ncap--;
  return end;
}

static const char *close_capture(Matcher *m, const char *s, const char *p)
{
  int open = m->ncap - 1;
  while (open >= 0 && m->cap[open].len != CAP_OPEN)
    open--;
  if (open < 0)
    luaL_error(m->L, "invalid pattern capture");
  m->cap[open].len = s - m->cap[open].start;
  const char *end = do_match(m, s, p);
  if (!end)
    m->cap[open].len = CAP_OPEN;
  return end;
}

/* %1..%9 in a pattern: the text of a closed capture again. */
static const char *match_backref(Matcher *m, const char *s, int digit)
{
  int i = digit - '1';
  if (i < 0 || i >= m->ncap || m->cap[i].len == CAP_OPEN)
    luaL_error(m->L, "invalid capture index %%%d", i + 1);
  size_t len = (size_t) m->cap[i].len; /* a position capture gives a huge length: no match */
  if ((size_t) (m->src_end - s) < len)
    return NULL;
  pat_step(m, (lua_Integer) (len / 16));
  return memcmp(m->cap[i].start, s, len) == 0 ? s + len : NULL;
}

/* The end of a match of pattern `p` at `s`, or NULL. Recursion is bounded
 * by PAT_MAX_DEPTH; a pattern item that needs no backtracking continues
 * in the loop instead of recursing, so the limit applies as in Lua. */
static const char *do_match(Matcher *m, const char *s, const char *p)
{
  if (m->depth_left-- == 0)
    luaL_error(m->L, "pattern too complex");
  for (;;) {
    pat_step(m, 1);
    if (p == m->pat_end)
      break;
    if (*p == '(') {
      s = p[1] == ')' ? open_capture(m, s, p + 2, CAP_POSITION) : open_capture(m, s, p + 1, CAP_OPEN);
      break;
    }
    if (*p == ')') {
      s = close_capture(m, s, p + 1);
      break;
    }
    if (*p == '$' && p + 1 == m->pat_end) {
      s = s == m->src_end ? s : NULL;
      break;
    }
    if (*p == PAT_ESC && p[1] == 'b') {
      s = match_balance(m, s, p + 2);
      if (!s)
        break;
      p += 4;
      continue;
    }
    if (*p == PAT_ESC && p[1] == 'f') {
      p += 2;
      if (*p != '[')
        luaL_error(m->L, "missing '[' after '%%f' in pattern");
      const char *ep = class_end(m, p);
      int before = s == m->src ? '\0' : (unsigned char) s[-1];
      if (!in_set(before, p, ep - 1) && in_set((unsigned char) *s, p, ep - 1)) {
        p = ep;
        continue;
      }
      s = NULL;
      break;
    }
    if (*p == PAT_ESC && isdigit((unsigned char) p[1])) {
      s = match_backref(m, s, (unsigned char) p[1]);
      if (!s)
        break;
      p += 2;
      continue;
    }
    /* A single-character class, maybe followed by ? * + or -. */
    const char *ep = class_end(m, p);
    if (!single_match(m, s, p, ep)) {
      if (*ep == '*' || *ep == '?' || *ep == '-') {
        p = ep + 1;
        continue;
      }
      s = NULL;
      break;
    }
    if (*ep == '?') {
      const char *end = do_match(m, s + 1, ep + 1);
      if (end) {
        s = end;
        break;
      }
      p = ep + 1;
      continue;
    }
    if (*ep == '+') {
      s = expand_greedy(m, s + 1, p, ep);
      break;
    }
    if (*ep == '*') {
      s = expand_greedy(m, s, p, ep);
      break;
    }
    if (*ep == '-') {
      s = expand_lazy(m, s, p, ep);
      break;
    }
    s++;
    p = ep;
  }
  m->depth_left++;
  return s;
}

/* Capture `i` of a match from `s` to `e` (capture 0 is the whole match
 * when the pattern has none): its length and start, or CAP_POSITION with
 * the position pushed. */
static ptrdiff_t get_capture(Matcher *m, int i, const char *s, const char *e, const char **start)
{
  if (i >= m->ncap) {
    if (i != 0)
      luaL_error(m->L, "invalid capture index %%%d", i + 1);
    *start = s;
    return e - s;
  }
  ptrdiff_t len = m->cap[i].len;
  *start = m->cap[i].start;
  if (len == CAP_OPEN)
    luaL_error(m->L, "unfinished capture");
  else if (len == CAP_POSITION)
    lua_pushinteger(m->L, (m->cap[i].start - m->src) + 1);
  return len;
}

static void push_capture(Matcher *m, int i, const char *s, const char *e)
{
  const char *start;
  ptrdiff_t len = get_capture(m, i, s, e, &start);
  if (len != CAP_POSITION)
    lua_pushlstring(m->L, start, (size_t) len);
}

/* Pushes every capture (or the whole match when there are none and `s`
 * is given); returns how many. */
static int push_captures(Matcher *m, const char *s, const char *e)
{
  int n = (m->ncap == 0 && s) ? 1 : m->ncap;
  luaL_checkstack(m->L, n, "too many captures");
  for (int i = 0; i < n; i++)
    push_capture(m, i, s, e);
  return n;
}

static gboolean has_specials(const char *p, size_t lp)
{
  for (size_t i = 0; i < lp; i++)
    if (p[i] && strchr(PAT_SPECIALS, p[i]))
      return TRUE;
  return FALSE;
}

/* The first occurrence of `needle` in `hay`, each candidate charged. */
static const char *plain_find(Matcher *m, const char *hay, size_t lh, const char *needle, size_t ln)
{
  if (ln == 0)
    return hay;
  if (ln > lh)
    return NULL;
  const char *last = hay + (lh - ln); /* the last start that fits */
  while (hay <= last) {
    const char *at = memchr(hay, *needle, (size_t) (last - hay) + 1);
    if (!at)
      return NULL;
    pat_step(m, 1 + (lua_Integer) (ln / 16));
    if (memcmp(at + 1, needle + 1, ln - 1) == 0)
      return at;
    hay = at + 1;
  }
  return NULL;
}

size_t lua_start_position(lua_Integer pos, size_t len)
{
  if (pos > 0)
    return (size_t) pos;
  if (pos == 0 || pos < -(lua_Integer) len)
    return 1;
  return len + (size_t) pos + 1;
}

static int find_or_match(lua_State *L, gboolean find)
{
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = lua_start_position(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  Matcher m;
  pat_init(&m, L, s, ls, p, lp);
  if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
    const char *at = plain_find(&m, s + init, ls - init, p, lp);
    pat_flush(&m);
    if (at) {
      lua_pushinteger(L, (at - s) + 1);
      lua_pushinteger(L, (lua_Integer) ((size_t) (at - s) + lp));
      return 2;
    }
    luaL_pushfail(L);
    return 1;
  }
  gboolean anchored = *p == '^';
  if (anchored) {
    p++;
    lp--;
  }
  pat_init(&m, L, s, ls, p, lp);
  const char *start = s + init;
  do {
    m.ncap = 0;
    const char *end = do_match(&m, start, p);
    if (end) {
      pat_flush(&m);
      if (find) {
        lua_pushinteger(L, (start - s) + 1);
        lua_pushinteger(L, end - s);
        return push_captures(&m, NULL, NULL) + 2;
      }
      return push_captures(&m, start, end);
    }
  } while (start++ < m.src_end && !anchored);
  pat_flush(&m);
  luaL_pushfail(L);
  return 1;
}

static int pattern_find(lua_State *L) { return find_or_match(L, TRUE); }
static int pattern_match(lua_State *L) { return find_or_match(L, FALSE); }

/* gmatch's state, a userdata kept by the iterator with the two strings. */
typedef struct {
  Matcher m;
  const char *next;       /* where to look next */
  const char *pat;
  const char *last_end;   /* end of the last match: no empty match there */
} GmatchState;

static int gmatch_step(lua_State *L)
{
  GmatchState *g = lua_touserdata(L, lua_upvalueindex(3));
  g->m.L = L;
  for (const char *at = g->next; at <= g->m.src_end; at++) {
    g->m.ncap = 0;
    const char *end = do_match(&g->m, at, g->pat);
    if (end && end != g->last_end) {
      g->next = g->last_end = end;
      pat_flush(&g->m);
      return push_captures(&g->m, at, end);
    }
  }
  pat_flush(&g->m);
  return 0;
}

static int pattern_gmatch(lua_State *L)
{
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = lua_start_position(luaL_optinteger(L, 3, 1), ls) - 1;
  lua_settop(L, 2); /* the strings stay alive as upvalues */
  GmatchState *g = lua_newuserdatauv(L, sizeof(GmatchState), 0);
  if (init > ls)
    init = ls + 1;
  pat_init(&g->m, L, s, ls, p, lp);
  g->next = s + init;
  g->pat = p;
  g->last_end = NULL;
  lua_pushcclosure(L, gmatch_step, 3);
  return 1;
}

/* Appends replacement string (argument 3) with %0-%9 and %% expanded. */
static void add_template(Matcher *m, luaL_Buffer *b, const char *s, const char *e)
{
  lua_State *L = m->L;
  size_t len;
  const char *text = lua_tolstring(L, 3, &len);
  const char *esc;
  while ((esc = memchr(text, PAT_ESC, len)) != NULL) {
    luaL_addlstring(b, text, (size_t) (esc - text));
    esc++; /* Lua strings end with '\0', so esc[0] is readable */
    if (*esc == PAT_ESC) {
      luaL_addchar(b, *esc);
    } else if (*esc == '0') {
      luaL_addlstring(b, s, (size_t) (e - s));
    } else if (isdigit((unsigned char) *esc)) {
      const char *start;
      ptrdiff_t clen = get_capture(m, *esc - '1', s, e, &start);
      if (clen == CAP_POSITION)
        luaL_addvalue(b);
      else
        luaL_addlstring(b, start, (size_t) clen);
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", PAT_ESC);
    }
    len -= (size_t) (esc + 1 - text);
    text = esc + 1;
  }
  luaL_addlstring(b, text, len);
}

/* Appends the replacement of the match from `s` to `e`; returns whether
 * it changed the subject (a function or table giving nil or false keeps
 * the original text). */
static gboolean add_replacement(Matcher *m, luaL_Buffer *b, const char *s, const char *e, int kind)
{
  lua_State *L = m->L;
  if (kind == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    int n = push_captures(m, s, e);
    lua_call(L, n, 1);
  } else if (kind == LUA_TTABLE) {
    push_capture(m, 0, s, e);
    lua_gettable(L, 3);
  } else {
    add_template(m, b, s, e);
    return TRUE;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t) (e - s));
    return FALSE;
  }
  if (!lua_isstring(L, -1))
    return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  luaL_addvalue(b);
  return TRUE;
}

static int pattern_gsub(lua_State *L)
{
  size_t ls, lp;
  const char *src = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  const char *last_end = NULL;
  int kind = lua_type(L, 3);
  lua_Integer max = luaL_optinteger(L, 4, (lua_Integer) ls + 1);
  gboolean anchored = *p == '^';
  lua_Integer n = 0;
  gboolean changed = FALSE;
  luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION || kind == LUA_TTABLE,
                   3, "string/function/table");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  if (anchored) {
    p++;
    lp--;
  }
  Matcher m;
  pat_init(&m, L, src, ls, p, lp);
  while (n < max) {
    m.ncap = 0;
    const char *end = do_match(&m, src, p);
    if (end && end != last_end) {
      n++;
      changed = add_replacement(&m, &b, src, end, kind) | changed;
      src = last_end = end;
    } else if (src < m.src_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchored)
      break;
  }
  pat_flush(&m);
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    luaL_addlstring(&b, src, (size_t) (m.src_end - src));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}

void lua_pattern_open(lua_State *L)
{
  static const luaL_Reg funcs[] = {
    { "find", pattern_find }, { "match", pattern_match }, { "gmatch", pattern_gmatch },
    { "gsub", pattern_gsub }, { NULL, NULL },
  };
  lua_getglobal(L, LUA_STRLIBNAME);
  luaL_setfuncs(L, funcs, 0);
  lua_pop(L, 1);
}
