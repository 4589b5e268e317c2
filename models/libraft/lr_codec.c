/* Raft messages, configurations and snapshots as bytes, for message
 * payloads and durable-log records. The format is this adapter's own
 * (libraft's wire format is private to its libuv I/O): every integer a
 * little-endian u64, every byte string its length then its bytes. A
 * decoder never trusts a length: it checks each one against what is left
 * (a corrupt payload would otherwise make the library allocate anything). */
#include "models/libraft/libraft.h"
#include <string.h>

void lr_put_u64(LrWriter *w, uint64_t v)
{
  unsigned char b[8];
  for (int i = 0; i < 8; i++)
    b[i] = (unsigned char) (v >> (8 * i));
  g_byte_array_append(w->bytes, b, 8);
}

void lr_put_bytes(LrWriter *w, const void *data, size_t len)
{
  lr_put_u64(w, len);
  if (len)
    g_byte_array_append(w->bytes, data, (guint) len);
}

uint64_t lr_get_u64(LrReader *r)
{
  if (r->bad || r->len - r->at < 8) {
    r->bad = TRUE;
    return 0;
  }
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | r->p[r->at + (size_t) i];
  r->at += 8;
  return v;
}

const unsigned char *lr_get_bytes(LrReader *r, size_t len)
{
  if (r->bad || r->len - r->at < len) {
    r->bad = TRUE;
    return NULL;
  }
  const unsigned char *p = r->p + r->at;
  r->at += len;
  return p;
}

void lr_put_conf(LrWriter *w, const struct raft_configuration *c)
{
  lr_put_u64(w, c->n);
  for (unsigned i = 0; i < c->n; i++) {
    lr_put_u64(w, c->servers[i].id);
    lr_put_u64(w, (uint64_t) c->servers[i].role);
    lr_put_bytes(w, c->servers[i].address, strlen(c->servers[i].address));
  }
}

gboolean lr_get_conf(LrReader *r, struct raft_configuration *c)
{
  raft_configuration_init(c);
  uint64_t n = lr_get_u64(r);
  /* Each server takes at least 24 bytes: a count past that is corrupt. */
  if (n > (r->len - r->at) / 24)
    r->bad = TRUE;
  for (uint64_t i = 0; i < n && !r->bad; i++) {
    raft_id id = lr_get_u64(r);
    int role = (int) lr_get_u64(r);
    size_t len = (size_t) lr_get_u64(r);
    const unsigned char *a = lr_get_bytes(r, len);
    if (!a)
      break;
    g_autofree char *address = g_strndup((const char *) a, len);
    if (raft_configuration_add(c, id, address, role) != 0)
      r->bad = TRUE;
  }
  if (r->bad)
    raft_configuration_close(c);
  return !r->bad;
}

static void put_entries(LrWriter *w, const struct raft_entry *e, unsigned n)
{
  lr_put_u64(w, n);
  for (unsigned i = 0; i < n; i++) {
    lr_put_u64(w, e[i].term);
    lr_put_u64(w, e[i].type);
    lr_put_bytes(w, e[i].buf.base, e[i].buf.len);
  }
}

void lr_encode_message(LrWriter *w, const struct raft_message *m, uint64_t chain)
{
  lr_put_u64(w, m->type);
  switch (m->type) {
  case RAFT_IO_REQUEST_VOTE: {
    const struct raft_request_vote *p = &m->request_vote;
    lr_put_u64(w, p->term);
    lr_put_u64(w, p->candidate_id);
    lr_put_u64(w, p->last_log_index);
    lr_put_u64(w, p->last_log_term);
    lr_put_u64(w, p->disrupt_leader);
    lr_put_u64(w, p->pre_vote);
    break;
  }
  case RAFT_IO_REQUEST_VOTE_RESULT: {
    const struct raft_request_vote_result *p = &m->request_vote_result;
    lr_put_u64(w, p->term);
    lr_put_u64(w, p->vote_granted);
    lr_put_u64(w, (uint64_t) p->pre_vote);
    break;
  }
  case RAFT_IO_APPEND_ENTRIES: {
    const struct raft_append_entries *p = &m->append_entries;
    lr_put_u64(w, p->term);
    lr_put_u64(w, p->prev_log_index);
    lr_put_u64(w, p->prev_log_term);
    lr_put_u64(w, p->leader_commit);
    put_entries(w, p->entries, p->n_entries);
    break;
  }
  case RAFT_IO_APPEND_ENTRIES_RESULT: {
    const struct raft_append_entries_result *p = &m->append_entries_result;
    lr_put_u64(w, p->term);
    lr_put_u64(w, p->rejected);
    lr_put_u64(w, p->last_log_index);
    break;
  }
  case RAFT_IO_INSTALL_SNAPSHOT: {
    const struct raft_install_snapshot *p = &m->install_snapshot;
    lr_put_u64(w, p->term);
    lr_put_u64(w, p->last_index);
    lr_put_u64(w, p->last_term);
    lr_put_conf(w, &p->conf);
    lr_put_u64(w, p->conf_index);
    lr_put_bytes(w, p->data.base, p->data.len);
    lr_put_u64(w, chain);
    break;
  }
  case RAFT_IO_TIMEOUT_NOW: {
    const struct raft_timeout_now *p = &m->timeout_now;
    lr_put_u64(w, p->term);
    lr_put_u64(w, p->last_log_index);
    lr_put_u64(w, p->last_log_term);
    break;
  }
  default:
    break;
  }
}

/* Entries into one raft_malloc'ed batch the entries point into (the
 * library frees the batch once no entry of it is referenced). */
static gboolean get_entries(LrReader *r, struct raft_append_entries *p)
{
  p->entries = NULL;
  p->n_entries = 0;
  uint64_t n = lr_get_u64(r);
  if (n == 0 || r->bad)
    return !r->bad;
  /* Each entry takes at least 24 bytes. */
  if (n > (r->len - r->at) / 24 || n > G_MAXUINT) {
    r->bad = TRUE;
    return FALSE;
  }
  size_t start = r->at, total = 0;
  for (uint64_t i = 0; i < n && !r->bad; i++) {
    lr_get_u64(r);
    lr_get_u64(r);
    size_t len = (size_t) lr_get_u64(r);
    if (lr_get_bytes(r, len))
      total += len;
  }
  if (r->bad)
    return FALSE;
  r->at = start;
  struct raft_entry *e = raft_calloc((size_t) n, sizeof *e);
  unsigned char *batch = raft_malloc(total ? total : 1);
  g_assert(e && batch);
  size_t off = 0;
  for (uint64_t i = 0; i < n; i++) {
    e[i].term = lr_get_u64(r);
    e[i].type = (unsigned short) lr_get_u64(r);
    size_t len = (size_t) lr_get_u64(r);
    const unsigned char *b = lr_get_bytes(r, len);
    if (len)
      memcpy(batch + off, b, len);
    e[i].buf.base = batch + off;
    e[i].buf.len = len;
    e[i].batch = batch;
    off += len;
  }
  p->entries = e;
  p->n_entries = (unsigned) n;
  return TRUE;
}

gboolean lr_decode_message(const void *data, size_t len, struct raft_message *m, uint64_t *chain)
{
  LrReader r = { data, len, 0, FALSE };
  memset(m, 0, sizeof *m);
  *chain = 0;
  m->type = (unsigned short) lr_get_u64(&r);
  switch (m->type) {
  case RAFT_IO_REQUEST_VOTE: {
    struct raft_request_vote *p = &m->request_vote;
    p->term = lr_get_u64(&r);
    p->candidate_id = lr_get_u64(&r);
    p->last_log_index = lr_get_u64(&r);
    p->last_log_term = lr_get_u64(&r);
    p->disrupt_leader = lr_get_u64(&r) != 0;
    p->pre_vote = lr_get_u64(&r) != 0;
    break;
  }
  case RAFT_IO_REQUEST_VOTE_RESULT: {
    struct raft_request_vote_result *p = &m->request_vote_result;
    p->term = lr_get_u64(&r);
    p->vote_granted = lr_get_u64(&r) != 0;
    p->pre_vote = (raft_tribool) lr_get_u64(&r);
    break;
  }
  case RAFT_IO_APPEND_ENTRIES: {
    struct raft_append_entries *p = &m->append_entries;
    p->term = lr_get_u64(&r);
    p->prev_log_index = lr_get_u64(&r);
    p->prev_log_term = lr_get_u64(&r);
    p->leader_commit = lr_get_u64(&r);
    get_entries(&r, p);
    break;
  }
  case RAFT_IO_APPEND_ENTRIES_RESULT: {
    struct raft_append_entries_result *p = &m->append_entries_result;
    p->term = lr_get_u64(&r);
    p->rejected = lr_get_u64(&r);
    p->last_log_index = lr_get_u64(&r);
    break;
  }
  case RAFT_IO_INSTALL_SNAPSHOT: {
    struct raft_install_snapshot *p = &m->install_snapshot;
    p->term = lr_get_u64(&r);
    p->last_index = lr_get_u64(&r);
    p->last_term = lr_get_u64(&r);
    if (!lr_get_conf(&r, &p->conf))
      break;
    p->conf_index = lr_get_u64(&r);
    size_t n = (size_t) lr_get_u64(&r);
    const unsigned char *b = lr_get_bytes(&r, n);
    *chain = lr_get_u64(&r);
    if (r.bad) {
      raft_configuration_close(&p->conf);
      break;
    }
    p->data.base = raft_malloc(n ? n : 1);
    g_assert(p->data.base);
    if (n)
      memcpy(p->data.base, b, n);
    p->data.len = n;
    break;
  }
  case RAFT_IO_TIMEOUT_NOW: {
    struct raft_timeout_now *p = &m->timeout_now;
    p->term = lr_get_u64(&r);
    p->last_log_index = lr_get_u64(&r);
    p->last_log_term = lr_get_u64(&r);
    break;
  }
  default:
    r.bad = TRUE;
    break;
  }
  if (!r.bad && r.at != r.len)
    r.bad = TRUE;
  if (r.bad) {
    /* Only fully decoded parts were allocated; the others are zero. */
    if (m->type == RAFT_IO_APPEND_ENTRIES || (m->type == RAFT_IO_INSTALL_SNAPSHOT && m->install_snapshot.data.base))
      lr_message_release(m);
    memset(m, 0, sizeof *m);
  }
  return !r.bad;
}

void lr_message_release(struct raft_message *m)
{
  if (m->type == RAFT_IO_APPEND_ENTRIES && m->append_entries.entries) {
    raft_free(m->append_entries.entries[0].batch);
    raft_free(m->append_entries.entries);
    m->append_entries.entries = NULL;
  } else if (m->type == RAFT_IO_INSTALL_SNAPSHOT) {
    raft_configuration_close(&m->install_snapshot.conf);
    raft_free(m->install_snapshot.data.base);
    m->install_snapshot.data.base = NULL;
  }
}

const char *lr_message_name(unsigned short type)
{
  static const char *const names[] = {
    [RAFT_IO_APPEND_ENTRIES] = "AppendEntries", [RAFT_IO_APPEND_ENTRIES_RESULT] = "AppendEntriesResult",
    [RAFT_IO_REQUEST_VOTE] = "RequestVote", [RAFT_IO_REQUEST_VOTE_RESULT] = "RequestVoteResult",
    [RAFT_IO_INSTALL_SNAPSHOT] = "InstallSnapshot", [RAFT_IO_TIMEOUT_NOW] = "TimeoutNow",
  };
  return type < G_N_ELEMENTS(names) && names[type] ? names[type] : "RaftUnknown";
}
