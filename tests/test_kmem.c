/* Memory at scale (issue 16): what the kernel charges per idle node and
 * per message in flight stays within the targets (192 and 96
 * bytes), node records do not move as nodes are added (models keep
 * SimNode*), and a message of every shape (0..8 fields, an explicit size,
 * a payload, duplicated) arrives exactly as it was sent after its time as
 * a wire record. */
#include "sim/kernel/model.h"
#include "sim/kernel/sim.h"
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

static const SimParamSpec no_params[] = { { NULL } };
static const SimModel idle_model = { .name = "test.kmem_idle", .summary = "does nothing", .params = no_params };

static void add_idle(Sim *sim, int n)
{
  for (int i = 0; i < n; i++) {
    char name[32];
    snprintf(name, sizeof name, "n%d", i);
    CU_ASSERT_EQUAL_FATAL(sim_add_node(sim, name, &idle_model, NULL, NULL), i);
  }
}

/* The kernel's own count (what --mem-limit bounds) per idle node, added
 * and started: at most 192 bytes. The counts here are just under a power
 * of two, where the event pool and the queue have no room to spare (their
 * capacity doubles). */
static void test_idle_node_bytes(void)
{
  const int n = 131000;
  g_autoptr(Sim) sim = sim_new(1);
  size_t before = *sim_memory_counter(sim);
  add_idle(sim, n);
  sim_run(sim, 0);
  double per_node = (double) (*sim_memory_counter(sim) - before) / n;
  CU_ASSERT_TRUE(per_node <= 192);
  if (per_node > 192)
    fprintf(stderr, "\n  kernel bytes per idle node: %.1f\n", per_node);
}

/* The kernel's count per one-field message in flight: at most 96 bytes. */
static void test_message_bytes(void)
{
  const int n = 131000;
  g_autoptr(Sim) sim = sim_new(1);
  add_idle(sim, 2);
  sim_run(sim, 0);
  sim_net_default(sim)->latency = sim_dist_constant(SIM_S);
  size_t before = *sim_memory_counter(sim);
  for (int i = 0; i < n; i++) {
    SimMsg *m = sim_msg_new(sim_node(sim, 0), "M");
    sim_msg_set(m, "seq", i);
    sim_send(sim_node(sim, 0), 1, m);
  }
  double per_msg = (double) (*sim_memory_counter(sim) - before) / n;
  CU_ASSERT_TRUE(per_msg <= 96);
  if (per_msg > 96)
    fprintf(stderr, "\n  kernel bytes per message in flight: %.1f\n", per_msg);
  sim_run(sim, 2 * SIM_S);
  CU_ASSERT_EQUAL(sim_stats(sim)->delivered, (guint64) n);
}

/* A node's record stays where it was while thousands more are added, and
 * keeps its identity. */
static void test_node_pointers_stable(void)
{
  g_autoptr(Sim) sim = sim_new(1);
  add_idle(sim, 3);
  SimNode *first = sim_node(sim, 0), *third = sim_node(sim, 2);
  for (int i = 3; i < 5000; i++) {
    char name[32];
    snprintf(name, sizeof name, "n%d", i);
    sim_add_node(sim, name, &idle_model, NULL, NULL);
  }
  CU_ASSERT_PTR_EQUAL(sim_node(sim, 0), first);
  CU_ASSERT_PTR_EQUAL(sim_node(sim, 2), third);
  CU_ASSERT_STRING_EQUAL(sim_node_name(first), "n0");
  CU_ASSERT_EQUAL(sim_node_id(third), 2);
  CU_ASSERT_EQUAL(sim_node_find(sim, "n4999"), 4999);
  CU_ASSERT_EQUAL(sim_node_find(sim, "n5000"), -1);
  CU_ASSERT_EQUAL(sim_node_count(sim), 5000);
  /* A name used twice is refused and takes no id. */
  g_autoptr(GError) error = NULL;
  CU_ASSERT_EQUAL(sim_add_node(sim, "n7", &idle_model, NULL, &error), -1);
  CU_ASSERT_EQUAL(sim_node_count(sim), 5000);
}

/* What each delivery saw, copied out of the handler. */
typedef struct {
  SimMsg msg;
  GBytes *payload;
  uint32_t size; /* sim_msg_size, payload included */
} Seen;

static GArray *seen;

static void record(SimNode *node, const SimMsg *msg)
{
  (void) node;
  Seen s = { *msg, NULL, sim_msg_size(msg) };
  size_t len;
  const void *p = sim_msg_payload(msg, &len);
  s.payload = p ? g_bytes_new(p, len) : NULL;
  s.msg.payload = NULL;
  g_array_append_val(seen, s);
}

static const SimModel sink_model = {
  .name = "test.kmem_sink", .summary = "records what arrives", .params = no_params, .on_message = record
};

static const char *const names[SIM_MSG_MAX_FIELDS] = { "a", "bb", "c", "d", "e", "f", "g", "hh" };

/* Every field count, with and without an explicit size and a payload,
 * over a link that duplicates every message: each copy arrives with the
 * type, fields (names by pointer), size, payload, id, source and send
 * time it was sent with. */
static void test_wire_shapes(void)
{
  seen = g_array_new(FALSE, FALSE, sizeof(Seen));
  g_autoptr(Sim) sim = sim_new(3);
  sim_add_node(sim, "a", &sink_model, NULL, NULL);
  sim_add_node(sim, "b", &sink_model, NULL, NULL);
  sim_run(sim, 0);
  sim_net_default(sim)->duplicate = 1.0;
  sim_net_default(sim)->latency = sim_dist_constant(SIM_MS);
  guint sent = 0;
  for (guint n = 0; n <= SIM_MSG_MAX_FIELDS; n++)
    for (guint shape = 0; shape < 4; shape++) {
      SimMsg *m = sim_msg_new(sim_node(sim, 0), shape & 1 ? "SIZED" : "PLAIN");
      for (guint f = 0; f < n; f++)
        sim_msg_add(m, names[f], (int64_t) (n * 100 + f) - 7);
      if (shape & 1)
        sim_msg_set_size(m, 1000 + n);
      if (shape & 2) {
        char text[32];
        snprintf(text, sizeof text, "payload-%u", n);
        sim_msg_set_payload(m, text, strlen(text));
      }
      sim_send(sim_node(sim, 0), 1, m);
      sent++;
    }
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL_FATAL(seen->len, 2 * sent);
  gboolean right = TRUE;
  for (guint i = 0; i < seen->len; i++) {
    const Seen *s = &g_array_index(seen, Seen, i);
    guint k = (guint) (s->msg.id - 1); /* ids count sends from 1 */
    guint n = k / 4, shape = k % 4;
    right &= s->msg.src == 0 && s->msg.dst == 1 && s->msg.sent_at == 0 && s->msg.nfields == n;
    right &= strcmp(s->msg.type, shape & 1 ? "SIZED" : "PLAIN") == 0;
    right &= s->size ==
             (shape & 1 ? 1000 + n : SIM_MSG_HEADER_BYTES + SIM_MSG_FIELD_BYTES * n + (s->payload ? g_bytes_get_size(s->payload) : 0));
    for (guint f = 0; f < s->msg.nfields; f++)
      right &= s->msg.fields[f].name == names[f] && s->msg.fields[f].value == (int64_t) (n * 100 + f) - 7;
    char text[32];
    snprintf(text, sizeof text, "payload-%u", n);
    if (shape & 2)
      right &= s->payload && g_bytes_get_size(s->payload) == strlen(text) &&
               memcmp(g_bytes_get_data(s->payload, NULL), text, strlen(text)) == 0;
    else
      right &= s->payload == NULL;
    if (!right) {
      fprintf(stderr, "\n  delivery %u (id %" G_GUINT64_FORMAT ", %u fields, shape %u) differs\n", i, s->msg.id, n, shape);
      break;
    }
  }
  CU_ASSERT_TRUE(right);
  for (guint i = 0; i < seen->len; i++)
    if (g_array_index(seen, Seen, i).payload)
      g_bytes_unref(g_array_index(seen, Seen, i).payload);
  g_array_unref(seen);
  seen = NULL;
}

void suite_kmem(void)
{
  CU_pSuite s = CU_add_suite("kmem", NULL, NULL);
  CU_add_test(s, "an idle node costs the kernel at most 192 bytes", test_idle_node_bytes);
  CU_add_test(s, "a message in flight costs the kernel at most 96 bytes", test_message_bytes);
  CU_add_test(s, "node records do not move as nodes are added", test_node_pointers_stable);
  CU_add_test(s, "a message of every shape arrives as it was sent", test_wire_shapes);
}
