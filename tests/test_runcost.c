/* Per-run fixed cost (issue 16) without one run reaching the next.
 *
 * check and sweep run a scenario thousands of times in one process; what
 * they reuse across runs is the compiled prelude and script (lua_chunk.h)
 * and the memory of the Lua heaps (lua_heap.h). Each run still gets a
 * Lua state of its own. These tests hold that: the heap gives back what
 * was stored, whatever the sizes and the order; a script that changes
 * everything it can reach (globals, library tables, the string
 * metatable's __index, _G's metatable, the prelude's functions, the
 * random seed, the instruction and memory budgets) is run after itself
 * in one process, one thread and two, and every run starts pristine; and
 * every run gives the digest, random draws and per-run names it gives in
 * a run of its own. */
#include "sim/cli/batch.h"
#include "sim/lua/lua_heap.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#define LEAK_SCRIPT "tests/data/runcost/leak.lua"
#define LEAK_SEEDS 6

/* ---- the heap ---- */

typedef struct {
  unsigned char *p;
  size_t size;
  unsigned char fill;
} Block;

static gboolean block_intact(const Block *b)
{
  for (size_t i = 0; i < b->size; i++)
    if (b->p[i] != b->fill)
      return FALSE;
  return TRUE;
}

static void block_fill(Block *b, size_t from)
{
  memset(b->p + from, b->fill, b->size - from);
}

/* A size: mostly small blocks, some around the region's largest, some
 * from malloc. */
static size_t random_size(GRand *r)
{
  switch (g_rand_int_range(r, 0, 4)) {
  case 0: return (size_t) g_rand_int_range(r, 1, 33);
  case 1: return (size_t) g_rand_int_range(r, 1, LUA_HEAP_SMALL + 1);
  case 2: return (size_t) g_rand_int_range(r, LUA_HEAP_SMALL - 8, LUA_HEAP_SMALL + 9);
  default: return (size_t) g_rand_int_range(r, 1, 4 * LUA_HEAP_SMALL);
  }
}

/* Random allocations, growths, shrinks and frees, far more than the
 * region holds: every block keeps its bytes, and no two blocks overlap
 * (each is checked after the others were written). */
static void test_heap_keeps_contents(void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed(16);
  LuaHeapCache *cache = lua_heap_cache_new();
  LuaHeap *heap = lua_heap_cache_take(cache);
  enum { SLOTS = 4096, STEPS = 200000 };
  Block *blocks = g_new0(Block, SLOTS);
  gboolean intact = TRUE;
  for (int step = 0; step < STEPS; step++) {
    Block *b = &blocks[g_rand_int_range(r, 0, SLOTS)];
    if (b->p && !block_intact(b))
      intact = FALSE;
    if (!b->p) {
      b->size = random_size(r);
      b->fill = (unsigned char) g_rand_int_range(r, 1, 256);
      b->p = lua_heap_realloc(heap, NULL, 0, b->size);
      block_fill(b, 0);
    } else if (g_rand_boolean(r)) {
      size_t nsize = random_size(r);
      size_t kept = MIN(b->size, nsize);
      b->p = lua_heap_realloc(heap, b->p, b->size, nsize);
      b->size = kept; /* what must have survived */
      if (!block_intact(b))
        intact = FALSE;
      b->size = nsize;
      block_fill(b, kept);
    } else {
      lua_heap_realloc(heap, b->p, b->size, 0);
      b->p = NULL;
    }
  }
  for (int i = 0; i < SLOTS; i++) {
    if (blocks[i].p && !block_intact(&blocks[i]))
      intact = FALSE;
    if (blocks[i].p)
      lua_heap_realloc(heap, blocks[i].p, blocks[i].size, 0);
  }
  CU_ASSERT_TRUE(intact);
  g_free(blocks);
  /* Given back, the same heap serves the next run from an empty region. */
  lua_heap_cache_give(cache, heap);
  LuaHeap *again = lua_heap_cache_take(cache);
  CU_ASSERT_PTR_EQUAL(again, heap);
  LuaHeap *second = lua_heap_cache_take(cache); /* none idle: a new one */
  CU_ASSERT_PTR_NOT_EQUAL(second, heap);
  void *p = lua_heap_realloc(again, NULL, 0, 100);
  memset(p, 1, 100);
  lua_heap_realloc(again, p, 100, 0);
  lua_heap_cache_give(cache, again);
  lua_heap_cache_give(cache, second);
  lua_heap_cache_free(cache);
  /* Without a heap: plain malloc. */
  char *m = lua_heap_realloc(NULL, NULL, 0, 10);
  memcpy(m, "123456789", 10);
  m = lua_heap_realloc(NULL, m, 10, 20000);
  CU_ASSERT_STRING_EQUAL(m, "123456789");
  lua_heap_realloc(NULL, m, 20000, 0);
}

/* ---- runs after runs ---- */

typedef struct {
  char *digest;
  double draw, draw_rng;
  long long instructions;
} RunResult;

static double metric_of(Scenario *sc, const char *name)
{
  double v = -1;
  sim_metric_get(sc->sim, name, &v);
  return v;
}

static void result_of(Scenario *sc, RunResult *r)
{
  r->digest = sim_trace_digest(sc->sim);
  r->draw = metric_of(sc, "draw");
  r->draw_rng = metric_of(sc, "draw_rng");
  r->instructions = sc->sb->instr_run;
}

/* Seeds 1..LEAK_SEEDS of the leak script, each in a run of its own (no
 * shared code, plain malloc), with the default limits. */
static void fresh_runs(RunResult *fresh)
{
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  for (guint i = 0; i < LEAK_SEEDS; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(Scenario) sc = scenario_run(LEAK_SCRIPT, i + 1, NULL, &options, &error);
    if (!sc)
      fprintf(stderr, "\n  %s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    result_of(sc, &fresh[i]);
  }
}

/* Limits a leaked budget would overrun: the run's instruction budget is
 * 1.5 times what one run uses, and the memory 10 MiB (one run needs 9,
 * and keeps a 4 MiB string to its end). */
static void tight_limits(ScenarioOptions *options, const RunResult *fresh)
{
  options->limits.instr_run_budget = fresh[0].instructions + fresh[0].instructions / 2;
  options->limits.mem_limit = 10u << 20;
}

static void expect_same(const RunResult *got, const RunResult *want, guint64 seed)
{
  if (strcmp(got->digest, want->digest) != 0)
    fprintf(stderr, "\n  seed %" G_GUINT64_FORMAT ": digest %s, alone %s\n", seed, got->digest, want->digest);
  CU_ASSERT_STRING_EQUAL(got->digest, want->digest);
  CU_ASSERT_EQUAL(got->draw, want->draw);
  CU_ASSERT_EQUAL(got->draw_rng, want->draw_rng);
  /* Within a thousandth, not equal: Lua seeds its string hashes per state,
   * and where a table's free slots run out (so when it grows, which is
   * charged) depends on the hash, by a unit or so a run. */
  long long diff = got->instructions - want->instructions;
  if (llabs(diff) * 1000 > want->instructions)
    fprintf(stderr, "\n  seed %" G_GUINT64_FORMAT ": %lld instructions, alone %lld\n", seed, got->instructions,
            want->instructions);
  CU_ASSERT_TRUE(llabs(diff) * 1000 <= want->instructions);
}

static void free_results(RunResult *r)
{
  for (guint i = 0; i < LEAK_SEEDS; i++)
    g_free(r[i].digest);
}

/* One thread: each run after the one before, sharing the compiled script
 * and the heap cache (so each reuses the previous run's heap). */
static void test_runs_in_sequence_start_pristine(void)
{
  RunResult fresh[LEAK_SEEDS] = { 0 };
  fresh_runs(fresh);
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  tight_limits(&options, fresh);
  g_autoptr(ScenarioCode) code = scenario_code_new(LEAK_SCRIPT, options.limits.mem_limit);
  CU_ASSERT_PTR_NOT_NULL_FATAL(code);
  options.code = code;
  /* Twice over the seeds, so seed 1 also runs after seed LEAK_SEEDS. */
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < LEAK_SEEDS; i++) {
      g_autoptr(GError) error = NULL;
      g_autoptr(Scenario) sc = scenario_run(LEAK_SCRIPT, i + 1, NULL, &options, &error);
      if (!sc)
        fprintf(stderr, "\n  seed %u after others: %s\n", i + 1, error->message);
      CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
      RunResult r;
      result_of(sc, &r);
      expect_same(&r, &fresh[i], i + 1);
      g_free(r.digest);
    }
  free_results(fresh);
}

typedef struct {
  RunResult results[LEAK_SEEDS * 4];
  char *errors[LEAK_SEEDS * 4];
} BatchOut;

static void collect(guint index, guint64 seed, Scenario *sc, const GError *error, void *data)
{
  (void) seed;
  BatchOut *out = data;
  if (sc)
    result_of(sc, &out->results[index]);
  else
    out->errors[index] = g_strdup(error->message);
}

/* Two threads through batch_run, as `check -j 2` runs: the seeds four
 * times over, so heaps pass between threads and runs. */
static void test_batch_runs_start_pristine(void)
{
  RunResult fresh[LEAK_SEEDS] = { 0 };
  fresh_runs(fresh);
  ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  tight_limits(&options, fresh);
  BatchOut *out = g_new0(BatchOut, 1);
  for (guint pass = 0; pass < 4; pass++) {
    memset(out, 0, sizeof *out);
    batch_run(LEAK_SCRIPT, NULL, &options, 1, LEAK_SEEDS, 2, collect, out);
    for (guint i = 0; i < LEAK_SEEDS; i++) {
      if (out->errors[i])
        fprintf(stderr, "\n  seed %u in a batch: %s\n", i + 1, out->errors[i]);
      CU_ASSERT_PTR_NULL(out->errors[i]);
      if (!out->errors[i])
        expect_same(&out->results[i], &fresh[i], i + 1);
      g_free(out->errors[i]);
      g_free(out->results[i].digest);
    }
  }
  g_free(out);
  free_results(fresh);
}

/* The leak script's checks can fail: its top level run a second time in
 * the same Lua state names each thing the first time changed. */
static void test_leak_checks_can_fail(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) sc = scenario_load(LEAK_SCRIPT, NULL, &error);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  g_autofree char *text = NULL;
  gsize len = 0;
  CU_ASSERT_TRUE_FATAL(g_file_get_contents(LEAK_SCRIPT, &text, &len, NULL));
  CU_ASSERT_TRUE_FATAL(lua_sandbox_load(sc->sb, text, len, "@" LEAK_SCRIPT, &error));
  CU_ASSERT_FALSE(lua_sandbox_call(sc->sb, 0, 0, &error));
  CU_ASSERT_PTR_NOT_NULL_FATAL(error);
  static const char *const named[] = { "identity numbering", "global", "_G metatable", "string table",
                                       "table library", "table.insert", "math library", "nemesis",
                                       "prelude globals", "coroutine", "pairs" };
  CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "leaked from an earlier run: "));
  for (size_t i = 0; i < G_N_ELEMENTS(named); i++) {
    g_autofree char *item = g_strdup_printf(" %s,", named[i]);
    g_autofree char *last = g_strdup_printf(" %s", named[i]);
    gboolean found = strstr(error->message, item) || g_str_has_suffix(error->message, last);
    if (!found)
      fprintf(stderr, "\n  '%s' not named in: %s\n", named[i], error->message);
    CU_ASSERT_TRUE(found);
  }
}

void suite_runcost(void)
{
  CU_pSuite s = CU_add_suite("runcost", NULL, NULL);
  CU_add_test(s, "Lua heap: blocks keep their bytes through random reallocs; heaps are reused", test_heap_keeps_contents);
  CU_add_test(s, "runs after runs in one thread start pristine, same digests and draws", test_runs_in_sequence_start_pristine);
  CU_add_test(s, "batch runs on two threads start pristine, same digests and draws", test_batch_runs_start_pristine);
  CU_add_test(s, "the leak checks fail when a state is reused", test_leak_checks_can_fail);
}
