/* The libraft adapter (models/libraft/): the codec round-trips raft
 * messages through payload bytes and refuses cut ones; the raft_io on the
 * node API, driven by hand without the library, keeps fsync semantics (an
 * append whose fsync has not completed is lost with the unsynced tail at
 * a crash, and its callback never runs; a completed one survives), keeps
 * term and vote across a restart, replays truncations and snapshots, and
 * reads the node's local clock; and a seed pinned for the library bug the
 * exploration found (docs/libraft.md). */
#include "models/libraft/libraft.h"
#include "sim/kernel/internal.h"
#include "tests/spawn.h"
#include <CUnit/CUnit.h>
#include <string.h>

/* ---- the codec ---- */

static void test_codec_append_entries(void)
{
  char a[] = "first", b[] = "second!";
  struct raft_entry e[2] = { { .term = 3, .type = RAFT_COMMAND, .buf = { a, 5 } },
                             { .term = 4, .type = RAFT_BARRIER, .buf = { b, 7 } } };
  struct raft_message m = { .type = RAFT_IO_APPEND_ENTRIES };
  m.append_entries = (struct raft_append_entries) { 4, 10, 3, 9, e, 2 };
  g_autoptr(GByteArray) bytes = g_byte_array_new();
  LrWriter w = { bytes };
  lr_encode_message(&w, &m, 0);
  struct raft_message d;
  uint64_t chain;
  CU_ASSERT_FATAL(lr_decode_message(bytes->data, bytes->len, &d, &chain));
  CU_ASSERT_EQUAL(d.type, RAFT_IO_APPEND_ENTRIES);
  CU_ASSERT_EQUAL(d.append_entries.term, 4);
  CU_ASSERT_EQUAL(d.append_entries.prev_log_index, 10);
  CU_ASSERT_EQUAL(d.append_entries.prev_log_term, 3);
  CU_ASSERT_EQUAL(d.append_entries.leader_commit, 9);
  CU_ASSERT_EQUAL_FATAL(d.append_entries.n_entries, 2);
  CU_ASSERT_EQUAL(d.append_entries.entries[1].term, 4);
  CU_ASSERT_EQUAL(d.append_entries.entries[1].type, RAFT_BARRIER);
  CU_ASSERT_EQUAL(d.append_entries.entries[1].buf.len, 7);
  CU_ASSERT_EQUAL(memcmp(d.append_entries.entries[1].buf.base, "second!", 7), 0);
  CU_ASSERT_PTR_EQUAL(d.append_entries.entries[0].batch, d.append_entries.entries[1].batch);
  lr_message_release(&d);
  /* Every shorter prefix is refused, and allocates nothing (ASan). */
  for (guint len = 0; len < bytes->len; len++)
    CU_ASSERT_FALSE(lr_decode_message(bytes->data, len, &d, &chain));
  /* A count of entries larger than the bytes could hold is refused. */
  bytes->data[8 * 5] = 0xff;
  CU_ASSERT_FALSE(lr_decode_message(bytes->data, bytes->len, &d, &chain));
}

static void test_codec_install_snapshot(void)
{
  struct raft_message m = { .type = RAFT_IO_INSTALL_SNAPSHOT };
  raft_configuration_init(&m.install_snapshot.conf);
  raft_configuration_add(&m.install_snapshot.conf, 1, "s1", RAFT_VOTER);
  raft_configuration_add(&m.install_snapshot.conf, 2, "s2", RAFT_STANDBY);
  m.install_snapshot.term = 7;
  m.install_snapshot.last_index = 40;
  m.install_snapshot.last_term = 6;
  m.install_snapshot.conf_index = 1;
  m.install_snapshot.data = (struct raft_buffer) { "state", 5 };
  g_autoptr(GByteArray) bytes = g_byte_array_new();
  LrWriter w = { bytes };
  lr_encode_message(&w, &m, 12345);
  raft_configuration_close(&m.install_snapshot.conf);
  struct raft_message d;
  uint64_t chain;
  CU_ASSERT_FATAL(lr_decode_message(bytes->data, bytes->len, &d, &chain));
  CU_ASSERT_EQUAL(chain, 12345);
  CU_ASSERT_EQUAL(d.install_snapshot.last_index, 40);
  CU_ASSERT_EQUAL_FATAL(d.install_snapshot.conf.n, 2);
  CU_ASSERT_STRING_EQUAL(d.install_snapshot.conf.servers[1].address, "s2");
  CU_ASSERT_EQUAL(d.install_snapshot.conf.servers[1].role, RAFT_STANDBY);
  CU_ASSERT_EQUAL(d.install_snapshot.data.len, 5);
  CU_ASSERT_EQUAL(memcmp(d.install_snapshot.data.base, "state", 5), 0);
  lr_message_release(&d);
  for (guint len = 0; len < bytes->len; len++)
    CU_ASSERT_FALSE(lr_decode_message(bytes->data, len, &d, &chain));
}

/* ---- the raft_io, driven by hand ---- */

static void io_on_timer(SimNode *node, uint64_t tag)
{
  LrIo *io = sim_node_data(node);
  if (io)
    lr_io_on_timer(io, tag);
}

static const SimParamSpec no_params[] = { { NULL } };
static const SimModel io_model = { .name = "test.lr_io", .summary = "an lr_io driven by the test",
                                   .params = no_params, .on_timer = io_on_timer };
static const int one_peer[] = { 0 };

/* A new adapter on node 0 (fsync: 10 ms), as the node's volatile data:
 * a crash frees it without running any callback. */
static struct raft_io *attach_io(Sim *sim)
{
  LrIo *io = lr_io_new(sim_node(sim, 0), one_peer, 1, 10 * SIM_MS);
  sim_node_set_data(sim_node(sim, 0), io, (GDestroyNotify) lr_io_free);
  return lr_io_raft_io(io);
}

static Sim *io_sim(void)
{
  Sim *sim = sim_new(1);
  sim_add_node(sim, "n0", &io_model, NULL, NULL);
  sim_run(sim, 0);
  return sim;
}

/* What load() returns, with the entries' bytes joined by '|'. */
typedef struct {
  raft_term term;
  raft_id vote;
  raft_index start, snapshot_index;
  size_t n;
  GString *bytes;
} Loaded;

static void load(struct raft_io *io, Loaded *out)
{
  struct raft_snapshot *snap = NULL;
  struct raft_entry *e = NULL;
  CU_ASSERT_EQUAL_FATAL(io->load(io, &out->term, &out->vote, &snap, &out->start, &e, &out->n), 0);
  out->snapshot_index = snap ? snap->index : 0;
  out->bytes = g_string_new(NULL);
  for (size_t i = 0; i < out->n; i++)
    g_string_append_printf(out->bytes, "%s%.*s", i ? "|" : "", (int) e[i].buf.len, (char *) e[i].buf.base);
  if (e) {
    raft_free(e[0].batch);
    raft_free(e);
  }
  if (snap) {
    raft_configuration_close(&snap->configuration);
    raft_free(snap->bufs[0].base);
    raft_free(snap->bufs);
    raft_free(snap);
  }
}

static int appended;

static void append_cb(struct raft_io_append *req, int status)
{
  (void) req;
  if (status == 0)
    appended++;
}

static void append_text(struct raft_io *io, struct raft_io_append *req, raft_term term, const char *text)
{
  struct raft_entry e = { .term = term, .type = RAFT_COMMAND, .buf = { (void *) text, strlen(text) } };
  CU_ASSERT_EQUAL(io->append(io, req, &e, 1, append_cb), 0);
}

/* crash, lose the unsynced tail, restart: a fresh adapter on the durable
 * log. */
static struct raft_io *power_loss(Sim *sim)
{
  sim_crash(sim, 0);
  sim_log_lose_unsynced(sim, 0);
  sim_restart(sim, 0);
  return attach_io(sim);
}

static void test_append_then_crash_before_fsync(void)
{
  Sim *sim = io_sim();
  struct raft_io *io = attach_io(sim);
  Loaded l;
  load(io, &l);
  g_string_free(l.bytes, TRUE);
  appended = 0;
  struct raft_io_append a, b;
  append_text(io, &a, 1, "kept");
  sim_run(sim, 20 * SIM_MS); /* its fsync (10 ms) completes */
  CU_ASSERT_EQUAL(appended, 1);
  append_text(io, &b, 1, "lost");
  sim_run(sim, 25 * SIM_MS); /* 5 ms into the second fsync */
  CU_ASSERT_EQUAL(appended, 1);
  io = power_loss(sim);
  sim_run(sim, 100 * SIM_MS);
  CU_ASSERT_EQUAL(appended, 1); /* the crash dropped the callback */
  load(io, &l);
  CU_ASSERT_EQUAL(l.n, 1);
  CU_ASSERT_EQUAL(l.start, 1);
  CU_ASSERT_STRING_EQUAL(l.bytes->str, "kept");
  g_string_free(l.bytes, TRUE);
  sim_free(sim);
}

static void test_term_and_vote_survive_restart(void)
{
  Sim *sim = io_sim();
  struct raft_io *io = attach_io(sim);
  CU_ASSERT_EQUAL(io->set_term(io, 3), 0);
  CU_ASSERT_EQUAL(io->set_vote(io, 2), 0);
  io = power_loss(sim);
  Loaded l;
  load(io, &l);
  CU_ASSERT_EQUAL(l.term, 3);
  CU_ASSERT_EQUAL(l.vote, 2);
  g_string_free(l.bytes, TRUE);
  /* A new term clears the vote. */
  CU_ASSERT_EQUAL(io->set_term(io, 4), 0);
  io = power_loss(sim);
  load(io, &l);
  CU_ASSERT_EQUAL(l.term, 4);
  CU_ASSERT_EQUAL(l.vote, 0);
  g_string_free(l.bytes, TRUE);
  sim_free(sim);
}

static void test_truncate_and_snapshot_replay(void)
{
  Sim *sim = io_sim();
  struct raft_io *io = attach_io(sim);
  Loaded l;
  load(io, &l);
  g_string_free(l.bytes, TRUE);
  struct raft_io_append r[4];
  append_text(io, &r[0], 1, "a");
  append_text(io, &r[1], 1, "b");
  append_text(io, &r[2], 1, "c");
  CU_ASSERT_EQUAL(io->truncate(io, 2), 0);
  append_text(io, &r[3], 2, "B");
  sim_run(sim, 50 * SIM_MS);
  io = power_loss(sim);
  load(io, &l);
  CU_ASSERT_EQUAL(l.n, 2);
  CU_ASSERT_STRING_EQUAL(l.bytes->str, "a|B");
  g_string_free(l.bytes, TRUE);
  /* An installed snapshot (trailing 0) replaces the whole log. */
  struct raft_snapshot snap = { .index = 9, .term = 3, .configuration_index = 1 };
  raft_configuration_init(&snap.configuration);
  raft_configuration_add(&snap.configuration, 1, "n0", RAFT_VOTER);
  struct raft_buffer data = { "kv", 2 };
  snap.bufs = &data;
  snap.n_bufs = 1;
  struct raft_io_snapshot_put put;
  CU_ASSERT_EQUAL(io->snapshot_put(io, 0, &put, &snap, NULL), 0);
  raft_configuration_close(&snap.configuration);
  sim_run(sim, 100 * SIM_MS);
  io = power_loss(sim);
  load(io, &l);
  CU_ASSERT_EQUAL(l.snapshot_index, 9);
  CU_ASSERT_EQUAL(l.n, 0);
  CU_ASSERT_EQUAL(l.start, 10);
  g_string_free(l.bytes, TRUE);
  sim_free(sim);
}

static void test_clock_jump_reaches_time(void)
{
  Sim *sim = io_sim();
  struct raft_io *io = attach_io(sim);
  sim_run(sim, 1500 * SIM_MS);
  raft_time before = io->time(io);
  CU_ASSERT_EQUAL(before, 1500);
  CU_ASSERT(sim_clock_jump(sim, 0, 5 * SIM_S));
  CU_ASSERT_EQUAL(io->time(io), before + 5000);
  CU_ASSERT(sim_clock_jump(sim, 0, -8 * SIM_S)); /* 1.5 s before the epoch */
  CU_ASSERT_EQUAL(io->time(io), 0);
  /* random() draws from the node's stream, within [min, max). */
  for (int i = 0; i < 100; i++) {
    int v = io->random(io, 150, 300);
    CU_ASSERT(v >= 150 && v < 300);
  }
  sim_free(sim);
}

/* ---- the library bug the exploration found ---- */

/* libraft 0.15.0 shut down (raft_close) while its leader has two disk
 * writes in flight cancels both in order; the second callback truncates
 * its log past the end (canonical/raft#338, fixed in v0.17.1 by #352).
 * libraft_nemesis seed 72 with crash = "close" reaches that; with the
 * default crash = "kill" (no library code runs at a crash) it holds. */
static void test_close_bug_seed(void)
{
  const char *const close_args[] = { "run", "scenarios/libraft_nemesis.lua", "--seed", "72", "--set", "crash=close", NULL };
  SpawnResult r = spawn_faultsim(close_args);
  /* Killed by the signal (or, in the sanitizer build, reported by it). */
  CU_ASSERT(r.status == -1 || strstr(r.err, "Sanitizer") != NULL);
  spawn_result_clear(&r);
  const char *const kill_args[] = { "run", "scenarios/libraft_nemesis.lua", "--seed", "72", NULL };
  r = spawn_faultsim(kill_args);
  CU_ASSERT_EQUAL(r.status, 0);
  spawn_result_clear(&r);
}

void suite_libraft(void)
{
  CU_pSuite s = CU_add_suite("libraft", NULL, NULL);
  CU_add_test(s, "AppendEntries round-trips through bytes; cut bytes are refused", test_codec_append_entries);
  CU_add_test(s, "InstallSnapshot round-trips with its configuration", test_codec_install_snapshot);
  CU_add_test(s, "append then crash before the fsync completes loses the entry", test_append_then_crash_before_fsync);
  CU_add_test(s, "term and vote survive a restart", test_term_and_vote_survive_restart);
  CU_add_test(s, "truncations and an installed snapshot replay on load", test_truncate_and_snapshot_replay);
  CU_add_test(s, "a clock jump reaches time(); random() stays in range", test_clock_jump_reaches_time);
  CU_add_test(s, "seed 72: libraft 0.15.0 dies at a clean close, holds when killed", test_close_bug_seed);
}
