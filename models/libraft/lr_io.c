/* A `struct raft_io` (libraft 0.15.0, raft.h) on the node API, so the
 * library's real code runs on a simulated node:
 *
 *   send        a message named after the RPC ("AppendEntries", ...) with
 *               the whole raft message as its payload (lr_codec.c) and its
 *               term as a field; the send callback fires at the next event
 *               (the library only learns that the message left)
 *   append,     records in the node's durable log (sim_log_append):
 *   truncate,   lr_entry {index, term, type, chain} + the entry's bytes,
 *   snapshots   lr_trunc {index}, lr_snap {index, term, conf_index,
 *               trailing, chain} + configuration and data. They are written
 *               unsynced at once and synced by a simulated fsync that takes
 *               `disk_latency` of the local clock; the completion callbacks
 *               fire then, in order. Requests that arrive during an fsync
 *               wait for the next one (a group commit). Until their fsync a
 *               lose_unsynced fault drops them, as a power loss would.
 *   set_term,   lr_term {term} / lr_vote {id}, forced (synchronous, as
 *   set_vote    libraft's own libuv backend does them)
 *   load        replays those records (lose_unsynced may have cut a suffix)
 *   time        the node's local clock in milliseconds, so clock jumps,
 *               offsets and drift reach the library
 *   random      the node's random stream
 *   tick        a node timer every `msecs` of local time, the first one a
 *               random part of a period after the start
 *
 * A crash or the end of the run closes the library (lr_io_closing, then
 * raft_close): pending requests get their callbacks with RAFT_CANCELED,
 * as libraft's libuv backend does at close, and nothing touches the
 * simulator any more; the node crashed, so none of it is visible. A
 * restart builds a new struct raft that loads the durable log.
 *
 * The adapter also keeps a mirror of the log's (term, chain) per index and
 * emits the protocol events of models/raft/raft_check.h (raft_append,
 * raft_truncate, raft_snapshot), so faultsim's Raft checker watches the
 * library's log. A chain is a hash of the previous chain, the term, the
 * type and the bytes of an entry. */
#include "models/libraft/libraft.h"
#include <string.h>

typedef enum { REQ_APPEND, REQ_SNAP_PUT, REQ_SNAP_GET, REQ_SEND } ReqKind;

typedef struct {
  ReqKind kind;
  guint64 flush;  /* the fsync that completes it (disk requests) */
  int status;     /* send: the status the callback gets */
  union {
    struct raft_io_append *append;
    struct raft_io_snapshot_put *put;
    struct raft_io_snapshot_get *get;
    struct raft_io_send *send;
  };
} Req;

typedef struct {
  uint64_t term, chain;
} EntryInfo;

struct LrIo {
  struct raft_io io;
  SimNode *node;
  const int *peers;
  guint npeers;
  SimTime disk_latency;
  gboolean closing;
  unsigned tick_ms;
  raft_io_tick_cb tick_cb;
  raft_io_recv_cb recv_cb;
  GQueue disk, sends;   /* of Req*, oldest first */
  guint64 flushing;     /* the fsync in progress, 0 if none */
  guint64 next_flush;   /* the number the next fsync will have */
  gboolean send_armed;
  raft_index next_index; /* where the next append goes */
  GArray *mirror;        /* EntryInfo of mirror_start, mirror_start + 1, ... */
  raft_index mirror_start;
  raft_index snap_index; /* the last snapshot (0: none) */
  uint64_t snap_term, snap_chain;
  raft_index inst_index; /* the last InstallSnapshot received */
  uint64_t inst_term, inst_chain;
};

#define CHAIN_MASK ((UINT64_C(1) << 62) - 1)

static uint64_t chain_next(uint64_t prev, uint64_t term, unsigned type, const void *data, size_t len)
{
  uint64_t h = sim_mix64(prev ^ 0x243f6a8885a308d3ULL);
  h = sim_mix64(h ^ term);
  h = sim_mix64(h ^ type ^ ((uint64_t) len << 8));
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++)
    h = (h ^ p[i]) * 0x100000001b3ULL;
  return sim_mix64(h) & CHAIN_MASK;
}

static LrIo *io_of(struct raft_io *io) { return io->impl; }

static void emit3(LrIo *io, const char *type, const char *a, int64_t va, const char *b, int64_t vb,
                  const char *c, int64_t vc)
{
  if (io->closing)
    return;
  SimMsg ev = sim_record(type);
  sim_msg_add(&ev, a, va);
  if (b)
    sim_msg_add(&ev, b, vb);
  if (c)
    sim_msg_add(&ev, c, vc);
  sim_emit(io->node, &ev);
}

gboolean lr_io_entry(const LrIo *io, raft_index index, uint64_t *term, uint64_t *chain)
{
  if (index == 0) {
    *term = *chain = 0;
    return TRUE;
  }
  if (index >= io->mirror_start && index < io->mirror_start + io->mirror->len) {
    const EntryInfo *e = &g_array_index(io->mirror, EntryInfo, index - io->mirror_start);
    *term = e->term;
    *chain = e->chain;
    return TRUE;
  }
  if (index == io->snap_index) {
    *term = io->snap_term;
    *chain = io->snap_chain;
    return TRUE;
  }
  return FALSE;
}

/* Drops mirror entries at `from` and after. */
static void mirror_cut(LrIo *io, raft_index from)
{
  if (from < io->mirror_start)
    from = io->mirror_start;
  if (from < io->mirror_start + io->mirror->len)
    g_array_set_size(io->mirror, (guint) (from - io->mirror_start));
}

/* Appends (term, chain) at `index`, the mirror's next or a fresh start. */
static void mirror_put(LrIo *io, raft_index index, uint64_t term, uint64_t chain)
{
  if (io->mirror->len == 0 || index != io->mirror_start + io->mirror->len) {
    mirror_cut(io, index);
    if (io->mirror->len == 0)
      io->mirror_start = index;
  }
  EntryInfo e = { term, chain };
  g_array_append_val(io->mirror, e);
}

raft_id lr_io_raft_id(const LrIo *io, int node_id)
{
  for (guint i = 0; i < io->npeers; i++)
    if (io->peers[i] == node_id)
      return i + 1;
  return 0;
}

int lr_io_node_of(const LrIo *io, raft_id id)
{
  return id >= 1 && id <= io->npeers ? io->peers[id - 1] : -1;
}

/* ---- the disk: fsync completions ---- */

static void disk_start_flush(LrIo *io)
{
  io->flushing = io->next_flush++;
  sim_timer_after(io->node, io->disk_latency, LR_TAG_DISK);
}

static void disk_push(LrIo *io, Req *r)
{
  r->flush = io->next_flush; /* the fsync to start, or the next one */
  g_queue_push_tail(&io->disk, r);
  if (!io->flushing)
    disk_start_flush(io);
}

static struct raft_snapshot *snapshot_from_record(const SimMsg *rec);

/* The newest lr_snap record in the durable log, or NULL. */
static const SimMsg *last_snapshot_record(LrIo *io)
{
  for (guint i = sim_log_length(io->node); i > 0; i--) {
    const SimMsg *rec = sim_log_get(io->node, i - 1);
    if (strcmp(rec->type, "lr_snap") == 0)
      return rec;
  }
  return NULL;
}

static void req_finish(LrIo *io, Req *r, int status)
{
  switch (r->kind) {
  case REQ_APPEND:
    if (r->append->cb)
      r->append->cb(r->append, status);
    break;
  case REQ_SNAP_PUT:
    if (r->put->cb)
      r->put->cb(r->put, status);
    break;
  case REQ_SNAP_GET: {
    struct raft_snapshot *s = NULL;
    if (status == 0) {
      const SimMsg *rec = last_snapshot_record(io);
      s = rec ? snapshot_from_record(rec) : NULL;
      if (!s)
        status = RAFT_NOTFOUND;
    }
    r->get->cb(r->get, s, status);
    break;
  }
  case REQ_SEND:
    if (r->send->cb)
      r->send->cb(r->send, status ? status : r->status);
    break;
  }
  g_free(r);
}

static void disk_done(LrIo *io)
{
  guint64 done = io->flushing;
  io->flushing = 0;
  sim_log_sync(io->node);
  while (!io->closing && !g_queue_is_empty(&io->disk) && ((Req *) g_queue_peek_head(&io->disk))->flush <= done)
    req_finish(io, g_queue_pop_head(&io->disk), 0);
  if (!io->closing && !io->flushing && !g_queue_is_empty(&io->disk))
    disk_start_flush(io);
}

static void sends_done(LrIo *io)
{
  io->send_armed = FALSE;
  /* Only the sends queued before now: a callback may send again. */
  guint n = g_queue_get_length(&io->sends);
  for (guint i = 0; i < n && !io->closing; i++)
    req_finish(io, g_queue_pop_head(&io->sends), 0);
}

void lr_io_on_timer(LrIo *io, uint64_t tag)
{
  if (io->closing)
    return;
  switch (tag) {
  case LR_TAG_TICK:
    sim_timer_after(io->node, (SimTime) io->tick_ms * SIM_MS, LR_TAG_TICK);
    if (io->tick_cb)
      io->tick_cb(&io->io);
    break;
  case LR_TAG_DISK:
    disk_done(io);
    break;
  case LR_TAG_SEND:
    sends_done(io);
    break;
  default:
    break;
  }
}

/* ---- raft_io methods ---- */

static int m_init(struct raft_io *io, raft_id id, const char *address)
{
  (void) io;
  (void) id;
  (void) address;
  return 0;
}

static void m_close(struct raft_io *rio, raft_io_close_cb cb)
{
  LrIo *io = io_of(rio);
  io->closing = TRUE;
  /* libraft's libuv backend cancels what is in flight at close: the
   * library releases the entries and requests those callbacks hold. */
  while (!g_queue_is_empty(&io->sends))
    req_finish(io, g_queue_pop_head(&io->sends), RAFT_CANCELED);
  while (!g_queue_is_empty(&io->disk))
    req_finish(io, g_queue_pop_head(&io->disk), RAFT_CANCELED);
  if (cb)
    cb(rio);
}

static void append_record(LrIo *io, const char *type, const int64_t *f, const char *const *names, guint n,
                          const void *payload, size_t len, gboolean force)
{
  SimMsg rec = sim_record(type);
  for (guint i = 0; i < n; i++)
    sim_msg_add(&rec, names[i], f[i]);
  if (payload && len)
    sim_msg_set_payload(&rec, payload, len);
  sim_log_append(io->node, &rec, force);
  sim_msg_clear_payload(&rec);
}

static void save_entry(LrIo *io, raft_index index, const struct raft_entry *e, uint64_t chain, gboolean force)
{
  static const char *const names[] = { "index", "term", "type", "chain" };
  int64_t f[] = { (int64_t) index, (int64_t) e->term, e->type, (int64_t) chain };
  append_record(io, "lr_entry", f, names, 4, e->buf.base, e->buf.len, force);
}

/* An entry at `index` is in this node's log now: mirrored and emitted. */
static uint64_t entry_appended(LrIo *io, raft_index index, const struct raft_entry *e)
{
  uint64_t pterm, pchain = 0;
  lr_io_entry(io, index - 1, &pterm, &pchain);
  uint64_t chain = chain_next(pchain, e->term, e->type, e->buf.base, e->buf.len);
  mirror_put(io, index, e->term, chain);
  emit3(io, "raft_append", "index", (int64_t) index, "term", (int64_t) e->term, "chain", (int64_t) chain);
  return chain;
}

/* The durable state replayed from the log records. */
typedef struct {
  raft_term term;
  raft_id vote;
  const SimMsg *snap;
  raft_index first;   /* index of entries[0] */
  GPtrArray *entries; /* const SimMsg* lr_entry records */
} Replay;

static void replay(LrIo *io, Replay *st)
{
  st->term = 0;
  st->vote = 0;
  st->snap = NULL;
  st->first = 1;
  st->entries = g_ptr_array_new();
  for (guint i = 0; i < sim_log_length(io->node); i++) {
    const SimMsg *rec = sim_log_get(io->node, i);
    if (strcmp(rec->type, "lr_term") == 0) {
      st->term = (raft_term) sim_msg_get(rec, "term", 0);
      st->vote = 0;
    } else if (strcmp(rec->type, "lr_vote") == 0) {
      st->vote = (raft_id) sim_msg_get(rec, "id", 0);
    } else if (strcmp(rec->type, "lr_entry") == 0) {
      raft_index idx = (raft_index) sim_msg_get(rec, "index", 0);
      raft_index next = st->first + st->entries->len;
      if (idx < st->first || idx > next) {
        g_ptr_array_set_size(st->entries, 0);
        st->first = idx;
      } else if (idx < next) {
        g_ptr_array_set_size(st->entries, (guint) (idx - st->first));
      }
      g_ptr_array_add(st->entries, (gpointer) rec);
    } else if (strcmp(rec->type, "lr_trunc") == 0) {
      raft_index idx = (raft_index) sim_msg_get(rec, "index", 0);
      if (idx <= st->first) {
        g_ptr_array_set_size(st->entries, 0);
        st->first = idx;
      } else if (idx < st->first + st->entries->len) {
        g_ptr_array_set_size(st->entries, (guint) (idx - st->first));
      }
    } else if (strcmp(rec->type, "lr_snap") == 0) {
      raft_index idx = (raft_index) sim_msg_get(rec, "index", 0);
      raft_index trailing = (raft_index) sim_msg_get(rec, "trailing", 0);
      st->snap = rec;
      raft_index keep_from = idx >= trailing ? idx - trailing + 1 : 1;
      if (trailing == 0) {
        g_ptr_array_set_size(st->entries, 0);
        st->first = idx + 1;
      } else if (keep_from > st->first) {
        guint drop = (guint) MIN(keep_from - st->first, st->entries->len);
        g_ptr_array_remove_range(st->entries, 0, drop);
        st->first += drop;
      }
      if (st->entries->len == 0)
        st->first = idx + 1;
    }
  }
}

static struct raft_snapshot *snapshot_from_record(const SimMsg *rec)
{
  size_t len;
  const unsigned char *p = sim_msg_payload(rec, &len);
  LrReader r = { p, p ? len : 0, 0, FALSE };
  struct raft_snapshot *s = raft_calloc(1, sizeof *s);
  g_assert(s);
  if (!lr_get_conf(&r, &s->configuration)) {
    raft_free(s);
    return NULL;
  }
  size_t n = (size_t) lr_get_u64(&r);
  const unsigned char *data = lr_get_bytes(&r, n);
  if (r.bad) {
    raft_configuration_close(&s->configuration);
    raft_free(s);
    return NULL;
  }
  s->index = (raft_index) sim_msg_get(rec, "index", 0);
  s->term = (raft_term) sim_msg_get(rec, "term", 0);
  s->configuration_index = (raft_index) sim_msg_get(rec, "conf_index", 0);
  s->bufs = raft_malloc(sizeof *s->bufs);
  s->bufs[0].base = raft_malloc(n ? n : 1);
  g_assert(s->bufs && s->bufs[0].base);
  if (n)
    memcpy(s->bufs[0].base, data, n);
  s->bufs[0].len = n;
  s->n_bufs = 1;
  return s;
}

static int m_load(struct raft_io *rio, raft_term *term, raft_id *voted_for, struct raft_snapshot **snapshot,
                  raft_index *start_index, struct raft_entry *entries[], size_t *n_entries)
{
  LrIo *io = io_of(rio);
  Replay st;
  replay(io, &st);
  *term = st.term;
  *voted_for = st.vote;
  *snapshot = NULL;
  g_array_set_size(io->mirror, 0);
  io->snap_index = 0;
  emit3(io, "raft_truncate", "from", 1, NULL, 0, NULL, 0);
  if (st.snap) {
    *snapshot = snapshot_from_record(st.snap);
    if (!*snapshot) {
      g_ptr_array_unref(st.entries);
      return RAFT_CORRUPT;
    }
    io->snap_index = (*snapshot)->index;
    io->snap_term = (*snapshot)->term;
    io->snap_chain = (uint64_t) sim_msg_get(st.snap, "chain", 0);
    emit3(io, "raft_snapshot", "index", (int64_t) io->snap_index, "term", (int64_t) io->snap_term, "chain",
          (int64_t) io->snap_chain);
  }
  size_t total = 0;
  for (guint i = 0; i < st.entries->len; i++) {
    size_t len;
    sim_msg_payload(st.entries->pdata[i], &len);
    total += len;
  }
  *entries = NULL;
  *n_entries = st.entries->len;
  *start_index = st.first;
  if (st.entries->len) {
    struct raft_entry *e = raft_calloc(st.entries->len, sizeof *e);
    unsigned char *batch = raft_malloc(total ? total : 1);
    g_assert(e && batch);
    size_t off = 0;
    io->mirror_start = st.first;
    for (guint i = 0; i < st.entries->len; i++) {
      const SimMsg *rec = st.entries->pdata[i];
      size_t len;
      const void *p = sim_msg_payload(rec, &len);
      if (len)
        memcpy(batch + off, p, len);
      e[i].term = (raft_term) sim_msg_get(rec, "term", 0);
      e[i].type = (unsigned short) sim_msg_get(rec, "type", RAFT_COMMAND);
      e[i].buf.base = batch + off;
      e[i].buf.len = len;
      e[i].batch = batch;
      off += len;
      uint64_t chain = (uint64_t) sim_msg_get(rec, "chain", 0);
      EntryInfo info = { e[i].term, chain };
      g_array_append_val(io->mirror, info);
      raft_index idx = st.first + i;
      /* Entries a snapshot covers are the checker's "unknown": only
       * those after it are re-announced. */
      if (idx > io->snap_index)
        emit3(io, "raft_append", "index", (int64_t) idx, "term", (int64_t) e[i].term, "chain", (int64_t) chain);
    }
    *entries = e;
  } else {
    io->mirror_start = st.first;
  }
  io->next_index = st.first + st.entries->len;
  g_ptr_array_unref(st.entries);
  return 0;
}

static int m_start(struct raft_io *rio, unsigned msecs, raft_io_tick_cb tick, raft_io_recv_cb recv)
{
  LrIo *io = io_of(rio);
  io->tick_ms = msecs ? msecs : 1;
  io->tick_cb = tick;
  io->recv_cb = recv;
  /* A process's ticks fall where its start put them: the first one comes
   * a random part of the period (in whole ms) after the start, from the
   * node's stream. Servers started at one instant would otherwise tick in
   * lockstep, time out at the same ticks and split their votes far more
   * often than processes started apart do. */
  if (!io->closing) {
    SimTime first = sim_rng_range(sim_node_rng(io->node), 1, io->tick_ms) * SIM_MS;
    sim_timer_after(io->node, first, LR_TAG_TICK);
  }
  return 0;
}

static int m_bootstrap(struct raft_io *rio, const struct raft_configuration *conf)
{
  LrIo *io = io_of(rio);
  if (io->closing)
    return RAFT_CANCELED;
  Replay st;
  replay(io, &st);
  gboolean pristine = st.term == 0 && st.entries->len == 0 && !st.snap;
  g_ptr_array_unref(st.entries);
  if (!pristine)
    return RAFT_CANTBOOTSTRAP;
  struct raft_buffer buf;
  int rv = raft_configuration_encode(conf, &buf);
  if (rv != 0)
    return rv;
  static const char *const tn[] = { "term" };
  int64_t one = 1;
  append_record(io, "lr_term", &one, tn, 1, NULL, 0, TRUE);
  struct raft_entry e = { .term = 1, .type = RAFT_CHANGE, .buf = buf };
  save_entry(io, 1, &e, chain_next(0, 1, RAFT_CHANGE, buf.base, buf.len), TRUE);
  raft_free(buf.base);
  return 0;
}

static int m_recover(struct raft_io *rio, const struct raft_configuration *conf)
{
  (void) conf;
  g_strlcpy(rio->errmsg, "recover is not supported by the faultsim adapter", sizeof rio->errmsg);
  return RAFT_IOERR;
}

static int m_set_term(struct raft_io *rio, raft_term term)
{
  LrIo *io = io_of(rio);
  if (io->closing)
    return RAFT_CANCELED;
  static const char *const n[] = { "term" };
  int64_t f = (int64_t) term;
  append_record(io, "lr_term", &f, n, 1, NULL, 0, TRUE);
  return 0;
}

static int m_set_vote(struct raft_io *rio, raft_id id)
{
  LrIo *io = io_of(rio);
  if (io->closing)
    return RAFT_CANCELED;
  static const char *const n[] = { "id" };
  int64_t f = (int64_t) id;
  append_record(io, "lr_vote", &f, n, 1, NULL, 0, TRUE);
  return 0;
}

static int m_send(struct raft_io *rio, struct raft_io_send *req, const struct raft_message *message,
                  raft_io_send_cb cb)
{
  LrIo *io = io_of(rio);
  if (io->closing)
    return RAFT_CANCELED;
  req->cb = cb;
  Req *r = g_new0(Req, 1);
  r->kind = REQ_SEND;
  r->send = req;
  int dst = lr_io_node_of(io, message->server_id);
  if (dst < 0) {
    r->status = RAFT_NOCONNECTION;
  } else {
    uint64_t chain = 0, term;
    if (message->type == RAFT_IO_INSTALL_SNAPSHOT)
      lr_io_entry(io, message->install_snapshot.last_index, &term, &chain);
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    LrWriter w = { bytes };
    lr_encode_message(&w, message, chain);
    SimMsg *m = sim_msg_new(io->node, lr_message_name(message->type));
    /* Every raft message starts with its term: a field, for the trace. */
    LrReader rd = { bytes->data, bytes->len, 8, FALSE };
    sim_msg_add(m, "term", (int64_t) lr_get_u64(&rd));
    if (message->type == RAFT_IO_APPEND_ENTRIES)
      sim_msg_add(m, "n", message->append_entries.n_entries);
    sim_msg_set_payload(m, bytes->data, bytes->len);
    sim_send(io->node, dst, m);
  }
  g_queue_push_tail(&io->sends, r);
  if (!io->send_armed) {
    io->send_armed = TRUE;
    sim_timer_after(io->node, 0, LR_TAG_SEND);
  }
  return 0;
}

static int m_append(struct raft_io *rio, struct raft_io_append *req, const struct raft_entry entries[], unsigned n,
                    raft_io_append_cb cb)
{
  LrIo *io = io_of(rio);
  if (io->closing)
    return RAFT_CANCELED;
  req->cb = cb;
  for (unsigned i = 0; i < n; i++) {
    raft_index idx = io->next_index + i;
    uint64_t chain = entry_appended(io, idx, &entries[i]);
    save_entry(io, idx, &entries[i], chain, FALSE);
  }
  io->next_index += n;
  Req *r = g_new0(Req, 1);
  r->kind = REQ_APPEND;
  r->append = req;
  disk_push(io, r);
  return 0;
}

static int m_truncate(struct raft_io *rio, raft_index index)
{
  LrIo *io = io_of(rio);
  if (io->closing)
    return RAFT_CANCELED;
  static const char *const n[] = { "index" };
  int64_t f = (int64_t) index;
  append_record(io, "lr_trunc", &f, n, 1, NULL, 0, FALSE);
  mirror_cut(io, index);
  io->next_index = index;
  emit3(io, "raft_truncate", "from", (int64_t) index, NULL, 0, NULL, 0);
  return 0;
}

static int m_snapshot_put(struct raft_io *rio, unsigned trailing, struct raft_io_snapshot_put *req,
                          const struct raft_snapshot *snapshot, raft_io_snapshot_put_cb cb)
{
  LrIo *io = io_of(rio);
  if (io->closing)
    return RAFT_CANCELED;
  req->cb = cb;
  uint64_t term, chain = 0;
  if (trailing == 0 && snapshot->index == io->inst_index && snapshot->term == io->inst_term)
    chain = io->inst_chain; /* installed from the leader: its chain */
  else if (!lr_io_entry(io, snapshot->index, &term, &chain))
    chain = 0;
  g_autoptr(GByteArray) bytes = g_byte_array_new();
  LrWriter w = { bytes };
  lr_put_conf(&w, &snapshot->configuration);
  size_t total = 0;
  for (unsigned i = 0; i < snapshot->n_bufs; i++)
    total += snapshot->bufs[i].len;
  lr_put_u64(&w, total);
  for (unsigned i = 0; i < snapshot->n_bufs; i++)
    if (snapshot->bufs[i].len)
      g_byte_array_append(bytes, snapshot->bufs[i].base, (guint) snapshot->bufs[i].len);
  static const char *const names[] = { "index", "term", "conf_index", "trailing", "chain" };
  int64_t f[] = { (int64_t) snapshot->index, (int64_t) snapshot->term, (int64_t) snapshot->configuration_index,
                  trailing, (int64_t) chain };
  append_record(io, "lr_snap", f, names, 5, bytes->data, bytes->len, FALSE);
  io->snap_index = snapshot->index;
  io->snap_term = snapshot->term;
  io->snap_chain = chain;
  if (trailing == 0) {
    /* An installed snapshot replaces the whole log. */
    mirror_cut(io, 1);
    io->mirror_start = snapshot->index + 1;
    io->next_index = snapshot->index + 1;
  }
  emit3(io, "raft_snapshot", "index", (int64_t) snapshot->index, "term", (int64_t) snapshot->term, "chain",
        (int64_t) chain);
  Req *r = g_new0(Req, 1);
  r->kind = REQ_SNAP_PUT;
  r->put = req;
  disk_push(io, r);
  return 0;
}

static int m_snapshot_get(struct raft_io *rio, struct raft_io_snapshot_get *req, raft_io_snapshot_get_cb cb)
{
  LrIo *io = io_of(rio);
  if (io->closing)
    return RAFT_CANCELED;
  req->cb = cb;
  Req *r = g_new0(Req, 1);
  r->kind = REQ_SNAP_GET;
  r->get = req;
  disk_push(io, r);
  return 0;
}

static raft_time m_time(struct raft_io *rio)
{
  LrIo *io = io_of(rio);
  /* A clock set before the epoch reads as the epoch: raft_time is
   * unsigned. */
  SimTime t = sim_node_clock(io->node);
  return t > 0 ? (raft_time) (t / SIM_MS) : 0;
}

static int m_random(struct raft_io *rio, int min, int max)
{
  LrIo *io = io_of(rio);
  if (max <= min)
    return min;
  return (int) sim_rng_range(sim_node_rng(io->node), min, max - 1);
}

void lr_io_on_message(LrIo *io, const SimMsg *msg)
{
  if (io->closing)
    return;
  size_t len;
  const void *p = sim_msg_payload(msg, &len);
  struct raft_message m;
  uint64_t chain;
  raft_id from = lr_io_raft_id(io, msg->src);
  if (!p || from == 0 || !lr_decode_message(p, len, &m, &chain))
    return;
  if (!io->recv_cb) {
    lr_message_release(&m);
    return;
  }
  if (m.type == RAFT_IO_INSTALL_SNAPSHOT) {
    io->inst_index = m.install_snapshot.last_index;
    io->inst_term = m.install_snapshot.last_term;
    io->inst_chain = chain;
  }
  m.server_id = from;
  m.server_address = sim_node_name(sim_node(sim_node_sim(io->node), msg->src));
  io->recv_cb(&io->io, &m);
}

gboolean lr_io_is_raft_message(const char *type)
{
  for (unsigned short t = RAFT_IO_APPEND_ENTRIES; t <= RAFT_IO_TIMEOUT_NOW; t++)
    if (strcmp(type, lr_message_name(t)) == 0)
      return TRUE;
  return FALSE;
}

LrIo *lr_io_new(SimNode *node, const int *peers, guint npeers, SimTime disk_latency)
{
  LrIo *io = g_new0(LrIo, 1);
  io->node = node;
  io->peers = peers;
  io->npeers = npeers;
  io->disk_latency = disk_latency;
  io->next_flush = 1;
  io->next_index = 1;
  io->mirror_start = 1;
  io->mirror = g_array_new(FALSE, FALSE, sizeof(EntryInfo));
  g_queue_init(&io->disk);
  g_queue_init(&io->sends);
  struct raft_io *r = &io->io;
  r->version = 1;
  r->impl = io;
  r->init = m_init;
  r->close = m_close;
  r->load = m_load;
  r->start = m_start;
  r->bootstrap = m_bootstrap;
  r->recover = m_recover;
  r->set_term = m_set_term;
  r->set_vote = m_set_vote;
  r->send = m_send;
  r->append = m_append;
  r->truncate = m_truncate;
  r->snapshot_put = m_snapshot_put;
  r->snapshot_get = m_snapshot_get;
  r->time = m_time;
  r->random = m_random;
  return io;
}

struct raft_io *lr_io_raft_io(LrIo *io) { return &io->io; }

void lr_io_closing(LrIo *io) { io->closing = TRUE; }

void lr_io_free(LrIo *io)
{
  if (!io)
    return;
  /* raft_close drained both queues; anything left was never the
   * library's (a close that did not happen) and is only freed. */
  g_queue_clear_full(&io->disk, g_free);
  g_queue_clear_full(&io->sends, g_free);
  g_array_unref(io->mirror);
  g_free(io);
}
