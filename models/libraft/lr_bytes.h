/* Little-endian integers and byte strings in a buffer, for the libraft
 * adapter's payloads and records (lr_codec.c). Kept apart from libraft.h
 * so code that includes faultsim's own models/raft/raft.h, whose names
 * clash with the library's <raft.h>, can use them too. */
#pragma once
#include <glib.h>
#include <stdint.h>

/* A growing byte buffer (little-endian integers). */
typedef struct {
  GByteArray *bytes;
} LrWriter;

/* A reader over `len` bytes; `bad` is set (and reads return 0) once a
 * read runs past the end. */
typedef struct {
  const unsigned char *p;
  size_t len, at;
  gboolean bad;
} LrReader;

void lr_put_u64(LrWriter *w, uint64_t v);
/* The length, then the bytes. */
void lr_put_bytes(LrWriter *w, const void *data, size_t len);
uint64_t lr_get_u64(LrReader *r);
/* The next `len` bytes (NULL and `bad` past the end). */
const unsigned char *lr_get_bytes(LrReader *r, size_t len);

/* ---- lr_kv.c: the key-value state machine of libraft.server ---- */

typedef struct LrKv LrKv;

typedef struct {
  gboolean ok, has;
  int64_t value;
} LrKvResult;

LrKv *lr_kv_new(void);
void lr_kv_free(LrKv *kv);
/* Applies the command raft_cmd_pack packed into (c, k, v) (models/raft/
 * raft.h: read, write or cas of a key), once per client op: a command
 * whose op was applied before changes nothing and gets that first
 * result. The result lives as long as the machine. */
const LrKvResult *lr_kv_apply(LrKv *kv, int64_t c, int64_t k, int64_t v);
/* The machine's whole state as bytes (keys and ops in sorted order, so the
 * same state gives the same bytes), and back: FALSE on malformed bytes,
 * the state then unchanged. */
void lr_kv_snapshot(const LrKv *kv, LrWriter *w);
gboolean lr_kv_restore(LrKv *kv, const void *data, size_t len);
