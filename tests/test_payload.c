/* Message payloads (sim_msg_set_payload, net.c): the bytes are copied at
 * set, travel with the message, are freed (and uncharged) at delivery or
 * drop, a duplicate carries its own copy, the trace digest changes with the
 * bytes only when a payload is present, the memory budget counts them, the
 * wire size includes them, durable-log records keep their own copy, and a
 * Lua model sends and receives them as msg.payload. */
#include "sim/kernel/internal.h"
#include "sim/lua/scenario.h"
#include <CUnit/CUnit.h>
#include <string.h>

static GPtrArray *got; /* GBytes of every payload delivered, NULL entries for none */

static void keep_payload(SimNode *node, const SimMsg *msg)
{
  (void) node;
  size_t len;
  const void *p = sim_msg_payload(msg, &len);
  g_ptr_array_add(got, p ? g_bytes_new(p, len) : NULL);
}

static const SimParamSpec no_params[] = { { NULL } };
static const SimModel sink_model = {
  .name = "test.payload_sink", .summary = "keeps payloads", .params = no_params, .on_message = keep_payload
};

static void got_reset(void)
{
  if (got)
    g_ptr_array_unref(got);
  got = g_ptr_array_new_with_free_func((GDestroyNotify) g_bytes_unref);
}

static int got_free(void)
{
  if (got)
    g_ptr_array_unref(got);
  got = NULL;
  return 0;
}

/* Two sink nodes over a 1 ms link with the given loss and duplication. */
static Sim *two_nodes(uint64_t seed, double loss, double duplicate)
{
  got_reset();
  Sim *sim = sim_new(seed);
  sim_net_default(sim)->loss = loss;
  sim_net_default(sim)->duplicate = duplicate;
  sim_add_node(sim, "a", &sink_model, NULL, NULL);
  sim_add_node(sim, "b", &sink_model, NULL, NULL);
  sim_run(sim, 0);
  return sim;
}

static void send_bytes(Sim *sim, const void *data, size_t len)
{
  SimMsg *m = sim_msg_new(sim_node(sim, 0), "M");
  sim_msg_set(m, "seq", 1);
  if (data)
    sim_msg_set_payload(m, data, len);
  sim_send(sim_node(sim, 0), 1, m);
}

static gboolean got_equal(guint i, const char *text)
{
  if (i >= got->len || !got->pdata[i])
    return FALSE;
  size_t len;
  const void *p = g_bytes_get_data(got->pdata[i], &len);
  return len == strlen(text) && memcmp(p, text, len) == 0;
}

/* The message keeps its own copy: changing the caller's buffer after the
 * set changes nothing; a second set replaces; length 0 removes. */
static void test_copy_and_replace(void)
{
  Sim *sim = two_nodes(1, 0, 0);
  char buf[8] = "hello";
  SimMsg *m = sim_msg_new(sim_node(sim, 0), "M");
  size_t len = 99;
  CU_ASSERT_PTR_NULL(sim_msg_payload(m, &len));
  CU_ASSERT_EQUAL(len, 0);
  sim_msg_set_payload(m, "first", 5);
  sim_msg_set_payload(m, buf, 5);
  buf[0] = 'J';
  CU_ASSERT_EQUAL(memcmp(sim_msg_payload(m, &len), "hello", 5), 0);
  CU_ASSERT_EQUAL(len, 5);
  sim_send(sim_node(sim, 0), 1, m);
  SimMsg *none = sim_msg_new(sim_node(sim, 0), "M");
  sim_msg_set_payload(none, "x", 1);
  sim_msg_set_payload(none, NULL, 0);
  CU_ASSERT_PTR_NULL(sim_msg_payload(none, NULL));
  sim_send(sim_node(sim, 0), 1, none);
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL_FATAL(got->len, 2);
  CU_ASSERT(got_equal(0, "hello"));
  CU_ASSERT_PTR_NULL(got->pdata[1]);
  sim_free(sim);
}

/* Delivered, dropped and duplicated messages give back every byte their
 * payloads were charged; a duplicate delivers the same bytes twice. */
static void test_free_at_delivery_drop_duplicate(void)
{
  const struct {
    double loss, duplicate;
    guint deliveries;
  } cases[] = { { 0, 0, 1 }, { 1, 0, 0 }, { 0, 1, 2 } };
  for (guint c = 0; c < G_N_ELEMENTS(cases); c++) {
    Sim *sim = two_nodes(1, cases[c].loss, cases[c].duplicate);
    /* Messages of both shapes first, so the pools have grown (a small one
     * travels in its delivery's slot, one with a payload does not). */
    send_bytes(sim, NULL, 0);
    send_bytes(sim, "w", 1);
    sim_run(sim, SIM_MS * 500);
    g_ptr_array_set_size(got, 0);
    size_t before = *sim_memory_counter(sim);
    char big[1000];
    memset(big, 'p', sizeof big);
    big[sizeof big - 1] = 0;
    send_bytes(sim, big, sizeof big - 1);
    if (cases[c].deliveries > 0)
      CU_ASSERT(*sim_memory_counter(sim) >= before + sizeof big - 1);
    sim_run(sim, SIM_S);
    CU_ASSERT_EQUAL(got->len, cases[c].deliveries);
    for (guint i = 0; i < got->len; i++)
      CU_ASSERT(got_equal(i, big));
    CU_ASSERT_EQUAL(*sim_memory_counter(sim), before);
    sim_free(sim);
  }
}

/* Undelivered messages at the end of a run are freed with the Sim (ASan's
 * leak check fails this test otherwise). */
static void test_free_in_flight_at_end(void)
{
  Sim *sim = two_nodes(1, 0, 1);
  send_bytes(sim, "in flight", 9);
  sim_free(sim);
  CU_ASSERT_EQUAL(got->len, 0);
}

/* The digest of a run: one message with `data` (NULL: no payload). */
static char *digest_of(const void *data, size_t len)
{
  Sim *sim = two_nodes(7, 0, 0);
  send_bytes(sim, data, len);
  sim_run(sim, SIM_S);
  char *d = sim_trace_digest(sim);
  sim_free(sim);
  return d;
}

/* Different bytes (or lengths, even by a trailing zero) give different
 * digests; the same bytes the same; a payload differs from none. */
static void test_digest(void)
{
  g_autofree char *none = digest_of(NULL, 0);
  g_autofree char *none2 = digest_of(NULL, 0);
  g_autofree char *a = digest_of("abcdefghij", 10);
  g_autofree char *a2 = digest_of("abcdefghij", 10);
  g_autofree char *b = digest_of("abcdefghiJ", 10);
  g_autofree char *c = digest_of("abcdefghij\0", 11);
  g_autofree char *d = digest_of("bacdefghij", 10);
  CU_ASSERT_STRING_EQUAL(none, none2);
  CU_ASSERT_STRING_EQUAL(a, a2);
  CU_ASSERT_STRING_NOT_EQUAL(none, a);
  CU_ASSERT_STRING_NOT_EQUAL(a, b);
  CU_ASSERT_STRING_NOT_EQUAL(a, c);
  CU_ASSERT_STRING_NOT_EQUAL(a, d);
}

/* A payload larger than the memory limit ends the run over budget. */
static void test_memory_budget(void)
{
  Sim *sim = two_nodes(1, 0, 0);
  send_bytes(sim, NULL, 0); /* the message pools' first chunks, for both */
  send_bytes(sim, "w", 1);   /* shapes (see the test above) */
  SimLimits limits = { .mem_limit = *sim_memory_counter(sim) + 4096 };
  sim_set_limits(sim, &limits);
  char small[100] = { 0 };
  send_bytes(sim, small, sizeof small);
  CU_ASSERT_EQUAL(sim_over_budget(sim), SIM_BUDGET_NONE);
  g_autofree char *big = g_malloc0(8192);
  send_bytes(sim, big, 8192);
  CU_ASSERT_EQUAL(sim_over_budget(sim), SIM_BUDGET_MEMORY);
  sim_free(sim);
}

/* The default wire size counts the payload; an explicit size stays. */
static void test_wire_size(void)
{
  Sim *sim = two_nodes(1, 0, 0);
  SimMsg *m = sim_msg_new(sim_node(sim, 0), "M");
  sim_msg_set(m, "seq", 1);
  CU_ASSERT_EQUAL(sim_msg_size(m), SIM_MSG_HEADER_BYTES + SIM_MSG_FIELD_BYTES);
  sim_msg_set_payload(m, "0123456789", 10);
  CU_ASSERT_EQUAL(sim_msg_size(m), SIM_MSG_HEADER_BYTES + SIM_MSG_FIELD_BYTES + 10);
  sim_msg_set_size(m, 1500);
  CU_ASSERT_EQUAL(sim_msg_size(m), 1500);
  sim_send(sim_node(sim, 0), 1, m);
  sim_free(sim);
}

/* A log record keeps a copy of its payload: the caller's record can be
 * cleared; a synced record survives lose_unsynced, an unsynced one goes
 * with its bytes uncharged. */
static void test_log_records(void)
{
  Sim *sim = two_nodes(1, 0, 0);
  SimNode *n = sim_node(sim, 0);
  size_t before = *sim_memory_counter(sim);
  SimMsg r = sim_record("entry");
  sim_msg_set_payload(&r, "synced", 6);
  sim_log_append(n, &r, TRUE);
  sim_msg_set_payload(&r, "unsynced", 8);
  sim_log_append(n, &r, FALSE);
  sim_msg_clear_payload(&r);
  size_t len;
  CU_ASSERT_EQUAL(memcmp(sim_msg_payload(sim_log_get(n, 1), &len), "unsynced", 8), 0);
  CU_ASSERT_EQUAL(len, 8);
  size_t with_both = *sim_memory_counter(sim);
  sim_log_lose_unsynced(sim, 0);
  CU_ASSERT_EQUAL(sim_log_length(n), 1);
  CU_ASSERT_EQUAL(memcmp(sim_msg_payload(sim_log_get(n, 0), &len), "synced", 6), 0);
  CU_ASSERT_EQUAL(with_both - *sim_memory_counter(sim), sizeof(SimMsg) + sizeof(struct SimPayload) + 8);
  CU_ASSERT(*sim_memory_counter(sim) > before);
  sim_free(sim);
}

/* A Lua model sends fields.payload and reads msg.payload (bytes with a
 * zero in the middle included); a non-string payload is refused. */
static void test_lua_payload(void)
{
  static const ScenarioOptions options = SCENARIO_OPTIONS_DEFAULT;
  GError *error = NULL;
  g_autoptr(Scenario) sc = scenario_run("tests/data/payload/lua_payload.lua", 1, NULL, &options, &error);
  if (!sc) {
    fprintf(stderr, "\n%s\n", error->message);
    g_clear_error(&error);
  }
  CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  CU_ASSERT(scenario_verdict(sc, failures));
  for (guint i = 0; i < failures->len; i++)
    fprintf(stderr, "\n%s\n", (char *) failures->pdata[i]);
  g_autoptr(Scenario) bad = scenario_run("tests/data/payload/lua_payload_bad.lua", 1, NULL, &options, &error);
  CU_ASSERT_PTR_NULL(bad);
  CU_ASSERT_PTR_NOT_NULL_FATAL(error);
  CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "payload must be a string"));
  g_clear_error(&error);
}

void suite_payload(void)
{
  CU_pSuite s = CU_add_suite("payload", NULL, got_free);
  CU_add_test(s, "a payload is copied at set and replaced by the next", test_copy_and_replace);
  CU_add_test(s, "delivery, drop and duplication free and uncharge payloads", test_free_at_delivery_drop_duplicate);
  CU_add_test(s, "payloads in flight are freed with the Sim", test_free_in_flight_at_end);
  CU_add_test(s, "the digest folds payload bytes in only when present", test_digest);
  CU_add_test(s, "payload bytes count against the memory limit", test_memory_budget);
  CU_add_test(s, "the default wire size includes the payload", test_wire_size);
  CU_add_test(s, "durable-log records own a copy of their payload", test_log_records);
  CU_add_test(s, "Lua models send and receive msg.payload", test_lua_payload);
}
