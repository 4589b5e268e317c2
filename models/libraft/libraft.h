/* models/libraft/: the Raft library Debian ships (libraft 0.15.0, the C
 * Raft behind dqlite and LXD) run unmodified on faultsim's nodes. The
 * library does all of its I/O through a pluggable `struct raft_io`; here
 * that interface is implemented on the node API (lr_io.c), so every
 * message, disk write, clock read, random draw and timer of the real code
 * goes through the simulator, and a seed replays it exactly.
 *
 *   lr_codec.c   raft messages, configurations and snapshots as bytes
 *                (a message payload, a durable-log record's payload)
 *   lr_io.c      the raft_io: send → a message with a payload; append,
 *                truncate, term, vote and snapshots → the node's durable
 *                log, completed after a simulated fsync; time → the local
 *                clock; random → the node's stream; tick → a node timer
 *   lr_server.c  `libraft.server`: a struct raft with a key-value state
 *                machine, answering kv.raft's client protocol; the
 *                protocol events models/raft/raft_check.h reads, so
 *                faultsim's Raft safety checker judges the library too
 *
 * The client is kv.raft's (models/raft/raft_client.c), registered again as
 * `libraft.client`. */
#pragma once
#include "sim/kernel/model.h"
#include <raft.h>

#include "models/libraft/lr_bytes.h"

/* ---- lr_codec.c ---- */

/* A configuration as bytes, and back (servers added with
 * raft_configuration_add; FALSE on malformed bytes, `c` then empty). */
void lr_put_conf(LrWriter *w, const struct raft_configuration *c);
gboolean lr_get_conf(LrReader *r, struct raft_configuration *c);

/* The whole message (its destination id excluded) as bytes; `chain` is
 * the adapter's chain at an InstallSnapshot's last index (0 otherwise). */
void lr_encode_message(LrWriter *w, const struct raft_message *m, uint64_t chain);
/* Decodes into `m`, allocating with raft_malloc what the library takes
 * over (entries and their batch, a snapshot's configuration and data).
 * FALSE on malformed bytes, with nothing left allocated. */
gboolean lr_decode_message(const void *data, size_t len, struct raft_message *m, uint64_t *chain);
/* Frees what lr_decode_message allocated, for a message nobody took. */
void lr_message_release(struct raft_message *m);
/* The SimMsg type naming a raft message type ("AppendEntries", ...). */
const char *lr_message_name(unsigned short type);

/* ---- lr_io.c ---- */

typedef struct LrIo LrIo;

/* Timer tags of the adapter (the server's own tags have other values). */
enum { LR_TAG_TICK = 1, LR_TAG_DISK = 2, LR_TAG_SEND = 3 };

/* A raft_io for `node`, whose cluster is `peers` (raft id i+1 is node
 * peers[i], its address the node's name). Disk writes complete after
 * `disk_latency` of the local clock. */
LrIo *lr_io_new(SimNode *node, const int *peers, guint npeers, SimTime disk_latency);
struct raft_io *lr_io_raft_io(LrIo *io);
/* Frees the adapter; the struct raft using it must be closed first. */
void lr_io_free(LrIo *io);
/* From now on no method touches the simulator: the node crashed or the
 * run ends, and the library is being closed. */
void lr_io_closing(LrIo *io);
/* A timer with one of the LR_TAG_* tags fired. */
void lr_io_on_timer(LrIo *io, uint64_t tag);
/* A raft message arrived: decoded and handed to the library. */
void lr_io_on_message(LrIo *io, const SimMsg *msg);
/* The raft id of node `node_id` (0 if not a peer) and back (-1). */
raft_id lr_io_raft_id(const LrIo *io, int node_id);
int lr_io_node_of(const LrIo *io, raft_id id);
/* The term and chain of the entry at `index` as this node's log had it
 * when it was appended (or its snapshot's); FALSE if unknown. */
gboolean lr_io_entry(const LrIo *io, raft_index index, uint64_t *term, uint64_t *chain);
/* Whether `type` is one of the raft message types lr_io sends. */
gboolean lr_io_is_raft_message(const char *type);

/* ---- lr_heap.c: the library's heap (zeroed memory, per-server arenas) ---- */

typedef struct LrArena LrArena;

/* A new arena (and, the first time, the library's heap installed). */
LrArena *lr_arena_new(void);
/* Blocks the library allocates from now on this thread are `a`'s, until
 * lr_arena_leave(the returned previous arena). Every call into the
 * library must run inside its server's arena. */
LrArena *lr_arena_enter(LrArena *a);
void lr_arena_leave(LrArena *prev);
/* Frees every block the library still holds in `a`, and `a`: what a
 * process crash does to the library's memory, without running its code. */
void lr_arena_free_all(LrArena *a);
/* Blocks the library holds in `a` now. */
guint lr_arena_blocks(const LrArena *a);
