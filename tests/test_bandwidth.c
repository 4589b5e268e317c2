/* Link bandwidth (sim/kernel/bandwidth.c): rates and sizes parse, and a link
 * with a bandwidth serializes its messages one after another: back-to-back
 * messages arrive spaced by size / bandwidth, a large message delays a
 * small one behind it on its link but not on another, duplicates and lost
 * messages use the link too, a cut link takes nothing, a queue limit drops
 * the tail, and a link without a bandwidth draws and delivers exactly as
 * before. An observer records every delivery and drop with its time. */
#include "sim/kernel/internal.h"
#include <CUnit/CUnit.h>
#include <string.h>

typedef struct {
  SimTraceKind kind;
  SimTime t;
  int node, peer;
  int64_t seq;
  const char *detail;
} Seen;

static GArray *seen; /* of Seen, reset by bw_sim */

static void record(Sim *sim, const SimTraceEvent *ev, void *data)
{
  (void) sim;
  (void) data;
  if (ev->kind != SIM_TR_DELIVER && ev->kind != SIM_TR_DROP)
    return;
  Seen s = { ev->kind, ev->time, ev->node, ev->peer, sim_msg_get(ev->msg, "seq", -1), ev->detail };
  g_array_append_val(seen, s);
}

static const SimParamSpec no_params[] = { { NULL } };
static const SimModel sink_model = { .name = "test.sink", .summary = "receives", .params = no_params };

/* `nodes` sink nodes n0.. over a default link of constant 1 ms latency and
 * the given bandwidth (0: none). */
static Sim *bw_sim(uint64_t seed, int nodes, uint64_t bandwidth)
{
  if (seen)
    g_array_unref(seen);
  seen = g_array_new(FALSE, TRUE, sizeof(Seen));
  Sim *sim = sim_new(seed);
  sim_net_default(sim)->bandwidth = bandwidth;
  for (int i = 0; i < nodes; i++) {
    char name[16];
    snprintf(name, sizeof name, "n%d", i);
    sim_add_node(sim, name, &sink_model, NULL, NULL);
  }
  sim_add_observer(sim, record, NULL);
  sim_run(sim, 0);
  return sim;
}

/* Sends message `seq` of `size` bytes (0: the default) from src to dst. */
static void send_sized(Sim *sim, int src, int dst, int64_t seq, uint32_t size)
{
  SimMsg *m = sim_msg_new(sim_node(sim, src), "M");
  sim_msg_set(m, "seq", seq);
  sim_msg_set_size(m, size);
  sim_send(sim_node(sim, src), dst, m);
}

/* The time `seq` was delivered to `node`, or -1. */
static SimTime delivered_at(int node, int64_t seq, guint nth)
{
  for (guint i = 0; i < seen->len; i++) {
    Seen *s = &g_array_index(seen, Seen, i);
    if (s->kind == SIM_TR_DELIVER && s->node == node && s->seq == seq && nth-- == 0)
      return s->t;
  }
  return -1;
}

/* The load of link src → dst (zero if it has none). */
static SimLinkLoad load(Sim *sim, int src, int dst)
{
  SimLinkLoad l;
  sim_net_link_load(sim, src, dst, &l);
  return l;
}

static guint drops(const char *detail)
{
  guint n = 0;
  for (guint i = 0; i < seen->len; i++) {
    Seen *s = &g_array_index(seen, Seen, i);
    n += s->kind == SIM_TR_DROP && strcmp(s->detail, detail) == 0;
  }
  return n;
}

static void test_parse(void)
{
  static const struct { const char *text; uint64_t bps; } good[] = {
    { "100Mbit", 100000000 }, { "100Mbit/s", 100000000 }, { "1.5kbit", 1500 }, { "64", 64 },
    { "1Gbit", 1000000000 }, { "2Tbit", 2000000000000 }, { "10bit", 10 }, { "1MB/s", 8000000 },
    { "1kB", 8000 }, { "0.1Gbit", 100000000 }, { "1e3kbit", 1000000 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
    uint64_t v = 0;
    GError *error = NULL;
    CU_ASSERT_TRUE(sim_bandwidth_parse(good[i].text, &v, &error));
    CU_ASSERT_EQUAL(v, good[i].bps);
    g_clear_error(&error);
  }
  static const char *const bad[] = { "", "fast", "100mbit", "100Mbps", "-1Mbit", "0", "0.4bit", "inf",
                                     "nan", " 1Mbit", "1Mbit ", "2000Tbit", "1e300bit", "1Mbit/h", "1/s" };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    uint64_t v = 7;
    GError *error = NULL;
    gboolean ok = sim_bandwidth_parse(bad[i], &v, &error);
    CU_ASSERT_FALSE(ok);
    CU_ASSERT_PTR_NOT_NULL(error);
    if (ok)
      fprintf(stderr, "\n  '%s' parsed as %" G_GUINT64_FORMAT " bit/s", bad[i], v);
    g_clear_error(&error);
  }
  uint64_t bytes = 0;
  CU_ASSERT_TRUE(sim_bytes_parse("64kB", &bytes, NULL));
  CU_ASSERT_EQUAL(bytes, 64000);
  CU_ASSERT_TRUE(sim_bytes_parse("1500", &bytes, NULL));
  CU_ASSERT_EQUAL(bytes, 1500);
  CU_ASSERT_FALSE(sim_bytes_parse("64kB/s", &bytes, NULL));
  CU_ASSERT_FALSE(sim_bytes_parse("0", &bytes, NULL));
  CU_ASSERT_FALSE(sim_bytes_parse("1kbit", &bytes, NULL));
}

static void test_serialize_ns(void)
{
  CU_ASSERT_EQUAL(sim_serialize_ns(1000, 1000000), 8 * SIM_MS);   /* 8000 bits at 1 Mbit/s */
  CU_ASSERT_EQUAL(sim_serialize_ns(1000, 100000000), 80 * SIM_US);
  CU_ASSERT_EQUAL(sim_serialize_ns(1, 3), 2666666667);            /* 8/3 s, rounded up */
  CU_ASSERT_EQUAL(sim_serialize_ns(64, SIM_BANDWIDTH_MAX), 1);    /* 0.512 ns, rounded up */
  CU_ASSERT_EQUAL(sim_serialize_ns(G_MAXUINT32, 1), SIM_TIME_MAX); /* 3.4e19 ns saturates */
  CU_ASSERT_EQUAL(sim_serialize_ns(1000, 0), 0);
  SimMsg m = sim_record("M");
  CU_ASSERT_EQUAL(sim_msg_size(&m), SIM_MSG_HEADER_BYTES);
  sim_msg_set(&m, "a", 1);
  sim_msg_set(&m, "b", 2);
  CU_ASSERT_EQUAL(sim_msg_size(&m), SIM_MSG_HEADER_BYTES + 2 * SIM_MSG_FIELD_BYTES);
  sim_msg_set_size(&m, 1500);
  CU_ASSERT_EQUAL(sim_msg_size(&m), 1500);
  sim_msg_set_size(&m, 0);
  CU_ASSERT_EQUAL(sim_msg_size(&m), 80);
}

/* Three 1000-byte messages sent at once on a 1 Mbit/s link: 8 ms each on
 * the wire, then 1 ms of latency, so they arrive at 9, 17 and 25 ms. A
 * message of default size (one field: 72 bytes, 576 us) sent at 30 ms,
 * when the link is idle again, takes only its own time. */
static void test_back_to_back(void)
{
  g_autoptr(Sim) sim = bw_sim(1, 2, 1000000);
  for (int i = 0; i < 3; i++)
    send_sized(sim, 0, 1, i, 1000);
  sim_run(sim, 30 * SIM_MS);
  send_sized(sim, 0, 1, 3, 0);
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL(delivered_at(1, 0, 0), 9 * SIM_MS);
  CU_ASSERT_EQUAL(delivered_at(1, 1, 0), 17 * SIM_MS);
  CU_ASSERT_EQUAL(delivered_at(1, 2, 0), 25 * SIM_MS);
  CU_ASSERT_EQUAL(delivered_at(1, 3, 0), 30 * SIM_MS + 576 * SIM_US + SIM_MS);
  SimLinkLoad l;
  CU_ASSERT_TRUE(sim_net_link_load(sim, 0, 1, &l));
  CU_ASSERT_EQUAL(l.messages, 4);
  CU_ASSERT_EQUAL(l.bytes, 3072);
  CU_ASSERT_EQUAL(l.busy, 24 * SIM_MS + 576 * SIM_US);
  CU_ASSERT_EQUAL(sim_link_backlog(&l, sim_now(sim)), 0);
  CU_ASSERT_FALSE(sim_net_link_load(sim, 1, 0, &l));
  CU_ASSERT_EQUAL(l.messages, 0);
}

/* A 100 kB message (800 ms at 1 Mbit/s) then a 100-byte one to the same
 * node: the small one waits behind it. The same small message to another
 * node, on a link of its own, does not. Each direction is its own link. */
static void test_large_delays_small_on_its_link_only(void)
{
  g_autoptr(Sim) sim = bw_sim(2, 3, 1000000);
  send_sized(sim, 0, 1, 1, 100000);
  send_sized(sim, 0, 1, 2, 100);
  send_sized(sim, 0, 2, 3, 100);
  send_sized(sim, 1, 0, 4, 100);
  sim_run(sim, 2 * SIM_S);
  CU_ASSERT_EQUAL(delivered_at(1, 1, 0), 800 * SIM_MS + SIM_MS);
  CU_ASSERT_EQUAL(delivered_at(1, 2, 0), 800 * SIM_MS + 800 * SIM_US + SIM_MS);
  CU_ASSERT_EQUAL(delivered_at(2, 3, 0), 800 * SIM_US + SIM_MS);
  CU_ASSERT_EQUAL(delivered_at(0, 4, 0), 800 * SIM_US + SIM_MS);
  g_autoptr(GArray) loads = sim_net_link_loads(sim);
  CU_ASSERT_EQUAL_FATAL(loads->len, 3);
  const int want[3][2] = { { 0, 1 }, { 0, 2 }, { 1, 0 } };
  for (guint i = 0; i < 3; i++) {
    CU_ASSERT_EQUAL(g_array_index(loads, SimLinkLoad, i).src, want[i][0]);
    CU_ASSERT_EQUAL(g_array_index(loads, SimLinkLoad, i).dst, want[i][1]);
  }
}

/* With duplicate = 1 every message goes twice, and the copy is serialized
 * right behind its original: 1000-byte messages at 1 Mbit/s leave the
 * wire at 8, 16 (copy), 24, 32 (copy) ms. */
static void test_duplicate_uses_the_link(void)
{
  g_autoptr(Sim) sim = bw_sim(3, 2, 1000000);
  sim_net_default(sim)->duplicate = 1.0;
  send_sized(sim, 0, 1, 1, 1000);
  send_sized(sim, 0, 1, 2, 1000);
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL(sim_stats(sim)->duplicated, 2);
  CU_ASSERT_EQUAL(delivered_at(1, 1, 0), 9 * SIM_MS);
  CU_ASSERT_EQUAL(delivered_at(1, 1, 1), 17 * SIM_MS);
  CU_ASSERT_EQUAL(delivered_at(1, 2, 0), 25 * SIM_MS);
  CU_ASSERT_EQUAL(delivered_at(1, 2, 1), 33 * SIM_MS);
  CU_ASSERT_EQUAL(load(sim, 0, 1).messages, 4);
  CU_ASSERT_EQUAL(load(sim, 0, 1).bytes, 4000);
}

/* A lost message is lost in flight: it used the link first. Three lost
 * 1000-byte messages keep a 1 Mbit/s link busy for 24 ms, so a message
 * sent right after them arrives at 24 + 8 + 1 ms. */
static void test_loss_uses_the_link(void)
{
  g_autoptr(Sim) sim = bw_sim(4, 2, 1000000);
  sim_net_default(sim)->loss = 1.0;
  for (int i = 0; i < 3; i++)
    send_sized(sim, 0, 1, i, 1000);
  sim_net_default(sim)->loss = 0.0;
  send_sized(sim, 0, 1, 3, 1000);
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL(drops("loss"), 3);
  CU_ASSERT_EQUAL(delivered_at(1, 3, 0), 33 * SIM_MS);
}

/* A message sent on a cut link is dropped at once and takes no link time.
 * One already on the link when the cut comes is judged when it arrives,
 * like any message in flight: lost if the link is still cut, delivered if
 * it was restored meanwhile; either way it kept its place on the wire. */
static void test_cut_and_serialization(void)
{
  g_autoptr(Sim) sim = bw_sim(5, 2, 1000000);
  sim_net_cut(sim, 0, 1, TRUE);
  send_sized(sim, 0, 1, 1, 100000); /* 800 ms, if it were taken */
  sim_net_cut(sim, 0, 1, FALSE);
  send_sized(sim, 0, 1, 2, 1000);   /* on the wire 0..8 ms */
  send_sized(sim, 0, 1, 3, 1000);   /* 8..16 ms */
  sim_run(sim, 2 * SIM_MS);
  sim_net_cut(sim, 0, 1, TRUE);
  sim_run(sim, 12 * SIM_MS);        /* 2 arrives at 9 ms, still cut */
  sim_net_cut(sim, 0, 1, FALSE);
  sim_run(sim, SIM_S);              /* 3 arrives at 17 ms, restored */
  CU_ASSERT_EQUAL(drops("cut"), 2);
  CU_ASSERT_EQUAL(delivered_at(1, 1, 0), -1);
  CU_ASSERT_EQUAL(delivered_at(1, 2, 0), -1);
  CU_ASSERT_EQUAL(delivered_at(1, 3, 0), 17 * SIM_MS);
  CU_ASSERT_EQUAL(load(sim, 0, 1).messages, 2);
}

/* queue = 3000 bytes at 1 Mbit/s: five 1000-byte messages at once, the
 * first three fit, the other two are dropped "link full". 8 ms later one
 * message is off the wire and one more fits. A duplicate that does not fit
 * is dropped alone: its original was delivered. */
static void test_queue_limit(void)
{
  g_autoptr(Sim) sim = bw_sim(6, 2, 1000000);
  sim_net_default(sim)->queue = 3000;
  for (int i = 0; i < 5; i++)
    send_sized(sim, 0, 1, i, 1000);
  CU_ASSERT_EQUAL(drops("link full"), 2);
  sim_run(sim, 8 * SIM_MS);
  send_sized(sim, 0, 1, 5, 1000);
  send_sized(sim, 0, 1, 6, 1000);
  CU_ASSERT_EQUAL(drops("link full"), 3);
  sim_run(sim, SIM_S);
  CU_ASSERT_EQUAL(delivered_at(1, 2, 0), 25 * SIM_MS);
  CU_ASSERT_EQUAL(delivered_at(1, 5, 0), 33 * SIM_MS);
  CU_ASSERT_EQUAL(load(sim, 0, 1).messages, 4);
  CU_ASSERT_EQUAL(load(sim, 0, 1).full, 3);

  sim_net_default(sim)->queue = 2000;
  sim_net_default(sim)->duplicate = 1.0;
  send_sized(sim, 0, 1, 7, 1500); /* fits; its copy would make 3000 */
  sim_run(sim, 2 * SIM_S);
  CU_ASSERT_EQUAL(drops("link full"), 4);
  CU_ASSERT_NOT_EQUAL(delivered_at(1, 7, 0), -1);
  CU_ASSERT_EQUAL(delivered_at(1, 7, 1), -1);
  const SimStats *s = sim_stats(sim);
  CU_ASSERT_EQUAL(s->delivered + s->dropped, s->sent + s->duplicated);
}

/* A FIFO link with a bandwidth and jittery latency keeps send order; the
 * arrivals are at least one serialization time apart. */
static void test_fifo_with_bandwidth(void)
{
  g_autoptr(Sim) sim = bw_sim(7, 2, 10000000);
  SimLinkConfig *link = sim_net_default(sim);
  link->latency = (SimDist) { SIM_DIST_UNIFORM, 1 * SIM_MS, 20 * SIM_MS, 0 };
  link->fifo = TRUE;
  for (int i = 0; i < 200; i++)
    send_sized(sim, 0, 1, i, 1250); /* 1 ms each */
  sim_run(sim, 10 * SIM_S);
  CU_ASSERT_EQUAL_FATAL(seen->len, 200);
  for (guint i = 1; i < seen->len; i++) {
    CU_ASSERT_EQUAL(g_array_index(seen, Seen, i).seq, (int64_t) i);
    CU_ASSERT(g_array_index(seen, Seen, i).t >= g_array_index(seen, Seen, i - 1).t);
  }
  /* The last of 200 left the wire at 200 ms. */
  CU_ASSERT(delivered_at(1, 199, 0) >= 201 * SIM_MS);
}

/* Without a bandwidth sizes are ignored and no load is kept; with one the
 * network stream is drawn exactly as without (same loss, duplicate and
 * latency draws), only the times move. */
static void test_plain_links_unchanged(void)
{
  SimRng after[2];
  guint64 dropped[2], duplicated[2];
  for (int with = 0; with <= 1; with++) {
    g_autoptr(Sim) sim = bw_sim(8, 3, with ? 1000000000 : 0);
    SimLinkConfig *link = sim_net_default(sim);
    link->latency = (SimDist) { SIM_DIST_UNIFORM, 1 * SIM_MS, 5 * SIM_MS, 0 };
    link->loss = 0.2;
    link->duplicate = 0.2;
    for (int i = 0; i < 1000; i++)
      send_sized(sim, i % 2, 2, i, (uint32_t) (i * 37 % 5000));
    sim_run(sim, SIM_S);
    after[with] = sim->net_rng;
    dropped[with] = sim_stats(sim)->dropped;
    duplicated[with] = sim_stats(sim)->duplicated;
    g_autoptr(GArray) loads = sim_net_link_loads(sim);
    CU_ASSERT_EQUAL(loads->len, with ? 2u : 0u);
    if (!with)
      for (guint i = 0; i < seen->len; i++) {
        Seen *s = &g_array_index(seen, Seen, i);
        CU_ASSERT(s->kind == SIM_TR_DROP || (s->t >= SIM_MS && s->t <= 5 * SIM_MS));
      }
  }
  CU_ASSERT_EQUAL(memcmp(&after[0], &after[1], sizeof after[0]), 0);
  CU_ASSERT_EQUAL(dropped[0], dropped[1]);
  CU_ASSERT_EQUAL(duplicated[0], duplicated[1]);
}

/* A message too long for its link's lifetime (4 GB at 1 bit/s) saturates:
 * it never arrives, and nothing overflows. */
static void test_saturation(void)
{
  g_autoptr(Sim) sim = bw_sim(9, 2, 1);
  send_sized(sim, 0, 1, 1, G_MAXUINT32);
  send_sized(sim, 0, 1, 2, 1);
  sim_run(sim, 10 * SIM_S);
  CU_ASSERT_EQUAL(seen->len, 0);
  SimLinkLoad l = load(sim, 0, 1);
  CU_ASSERT_EQUAL(l.free_at, SIM_TIME_MAX);
  CU_ASSERT_EQUAL(sim_link_busy(&l, sim_now(sim)), sim_now(sim)); /* busy all along */
}

static int seen_free(void)
{
  if (seen)
    g_array_unref(seen);
  seen = NULL;
  return 0;
}

void suite_bandwidth(void)
{
  CU_pSuite s = CU_add_suite("bandwidth", NULL, seen_free);
  CU_add_test(s, "rates and sizes parse, bad ones are refused", test_parse);
  CU_add_test(s, "serialization time rounds up and saturates", test_serialize_ns);
  CU_add_test(s, "back-to-back messages are spaced by size / bandwidth", test_back_to_back);
  CU_add_test(s, "a large message delays a small one on its link only", test_large_delays_small_on_its_link_only);
  CU_add_test(s, "a duplicate is serialized behind its original", test_duplicate_uses_the_link);
  CU_add_test(s, "a lost message used the link", test_loss_uses_the_link);
  CU_add_test(s, "a cut link takes nothing; queued messages are judged on arrival", test_cut_and_serialization);
  CU_add_test(s, "a queue limit drops the tail", test_queue_limit);
  CU_add_test(s, "a FIFO link with a bandwidth keeps order", test_fifo_with_bandwidth);
  CU_add_test(s, "links without a bandwidth and the network stream are unchanged", test_plain_links_unchanged);
  CU_add_test(s, "serialization saturates", test_saturation);
}
