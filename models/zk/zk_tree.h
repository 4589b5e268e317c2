/* ZooKeeper's data tree (the DataTree of "ZooKeeper: Wait-free
 * coordination for Internet-scale systems", Hunt et al., USENIX ATC 2010,
 * and the Programmer's Guide's data model), pure: no node, no clock, no
 * messages, so tests drive it directly and every zk.server replica applies
 * the same transactions to its own copy.
 *
 * Znodes are persistent or ephemeral (owned by a session, deleted when it
 * closes or expires) and may be created sequential (named by the parent's
 * counter). Every change carries a zxid (the Raft log index of its
 * transaction), so czxid is unique and increasing across the tree. Stat:
 * czxid, mzxid, version (data changes), cversion (child changes),
 * ephemeralOwner. Two levels of integer names (ZkPath in zk_session.h).
 *
 * Sessions are opened, and closed or expired, by transactions too. Watches
 * are the one part that is not replicated: each server registers the
 * watches of the clients connected to it in its own copy, and a change
 * appends the watch events it fires (one-shot: each watch fires once) to
 * the caller's array, in order. */
#pragma once
#include "models/zk/zk_session.h"

typedef struct ZkTree ZkTree;

typedef struct {
  int64_t data, czxid, mzxid, version, cversion, owner, nchildren;
} ZkStat;

/* A fired watch: deliver `event` on `path` to `session`. */
typedef struct {
  int64_t session;
  int event;
  ZkPath path;
} ZkWatchEvent;

/* An empty tree: no znode, no session. */
ZkTree *zk_tree_new(void);
void zk_tree_free(ZkTree *t);

/* ---- sessions ---- */

/* Opens session `id` (> 0, not open before) with its timeout. FALSE if it
 * was ever open (a session id is never reused). */
gboolean zk_tree_session_open(ZkTree *t, int64_t id, SimTime timeout);
gboolean zk_tree_session_alive(const ZkTree *t, int64_t id);
SimTime zk_tree_session_timeout(const ZkTree *t, int64_t id);
/* The open sessions in increasing id order (an array of int64 the caller
 * frees). */
GArray *zk_tree_sessions(const ZkTree *t);
/* Closes (expires) a session at `zxid`: deletes its ephemeral nodes (in
 * path order, each firing its watches into `events`) and its watches.
 * ZK_SESSIONEXPIRED if it was not open. */
int zk_tree_session_close(ZkTree *t, int64_t id, int64_t zxid, GArray *events);

/* ---- writes: each at `zxid` (> every earlier one) on behalf of an open
 * session; ZK_SESSIONEXPIRED if `session` is not open. Fired watches are
 * appended to `events` (a GArray of ZkWatchEvent), may be NULL. */

/* Creates `path` with `data`. Flags ZK_EPHEMERAL (owned by `session`) and
 * ZK_SEQUENTIAL (a child "/dir/N" with N = the parent's cversion + 1,
 * path.name ignored). The name created goes to *name. Errors: NONODE (no
 * parent), NODEEXISTS, NOCHILDRENFOREPHEMERALS (ephemeral parent),
 * BADARGUMENTS (a path outside [0, ZK_PATH_MAX]). */
int zk_tree_create(ZkTree *t, int64_t zxid, int64_t session, ZkPath path, int64_t data,
                   int flags, int64_t *name, GArray *events);
/* Deletes `path` if its version matches (-1: any). NONODE, BADVERSION,
 * NOTEMPTY (a directory with children). */
int zk_tree_delete(ZkTree *t, int64_t zxid, int64_t session, ZkPath path, int64_t version,
                   GArray *events);
/* Sets the data if the version matches (-1: any); the new stat to *stat
 * (may be NULL). NONODE, BADVERSION. */
int zk_tree_set_data(ZkTree *t, int64_t zxid, int64_t session, ZkPath path, int64_t data,
                     int64_t version, ZkStat *stat, GArray *events);

/* ---- reads ---- */

/* The stat of `path` (ZK_OK) or ZK_NONODE. */
int zk_tree_stat(const ZkTree *t, ZkPath path, ZkStat *stat);
/* Directory `dir`'s children: their count, the smallest name (0: none) and
 * the largest name < `before` (0: none). ZK_NONODE if "/dir" does not
 * exist. */
int zk_tree_children(const ZkTree *t, int64_t dir, int64_t before, int64_t *count,
                     int64_t *first, int64_t *pred);
/* The number of znodes. */
guint zk_tree_size(const ZkTree *t);

/* ---- watches (this copy's clients only) ---- */

typedef enum { ZK_WATCH_DATA = 1, ZK_WATCH_CHILD = 2 } ZkWatchKind;
/* A data watch (getData, exists: fires CREATED, CHANGED or DELETED for the
 * path) or a child watch on a directory (getChildren: fires CHILD when a
 * child is created or deleted, DELETED when the directory is). Registering
 * the same watch twice leaves one. */
void zk_tree_watch(ZkTree *t, int64_t session, ZkPath path, ZkWatchKind kind);
/* Forgets every watch of `session` (its connection went away). */
void zk_tree_unwatch_session(ZkTree *t, int64_t session);
/* Forgets every watch (this server stopped serving clients). */
void zk_tree_unwatch_all(ZkTree *t);
/* The number of watches registered. */
guint zk_tree_watch_count(const ZkTree *t);

/* ---- snapshots (Raft §7: zk.server's machine snapshots its tree) ---- */

/* Snapshot words are int64 values packed as zigzag varints, 8 bytes to a
 * word (byte k of a word in bits 8k..8k+7), so the small numbers a tree is
 * made of (differences of sorted names, versions, zxids) take a byte or
 * two instead of a word: a snapshot travels in InstallSnapshot chunks of
 * 3 words. */
typedef struct {
  GArray *out;      /* of int64_t: whole words are appended here */
  uint64_t word;    /* the word being filled */
  guint nbytes;     /* bytes in it */
} ZkPacker;
/* Appends `v` (1 to 10 bytes). */
void zk_pack_put(ZkPacker *p, int64_t v);
/* Appends the partly filled word, if any (its unused bytes are 0). */
void zk_pack_finish(ZkPacker *p);

/* A reader over packed words: a value running past the end, or a count the
 * remaining bytes cannot hold, sets `bad` (and it stays bad). */
typedef struct {
  const int64_t *w;
  guint n;          /* words */
  uint64_t pos;     /* bytes read */
  gboolean bad;
} ZkWords;
/* The next value (0 and bad past the end or for an over-long one). */
int64_t zk_words_take(ZkWords *r);
/* The next value as a count of items of at least `size` bytes each that
 * the rest can hold; -1 and bad otherwise (a corrupt count cannot make a
 * reader loop or allocate beyond its input). */
int64_t zk_words_count(ZkWords *r, guint size);
/* TRUE if r is not bad and read every word, the rest of the last being
 * padding (zero bytes). */
gboolean zk_words_done(const ZkWords *r);

/* The keys of `table` (int64 keys) in increasing order, in a new array:
 * what a snapshot iterates instead of the hash table's own order. */
GArray *zk_sorted_keys(GHashTable *table);

/* Packs the replicated tree: every znode with its stat (so sequential
 * counters, which are cversions, come along) and every session, open or
 * closed, with its timeout and ephemerals; sorted by directory, name and
 * session id, so equal trees give equal words. Watches are not included.
 * The caller finishes the packer. */
void zk_tree_snapshot(const ZkTree *t, ZkPacker *p);
/* A new tree (no watches) from what zk_tree_snapshot packed, read from r;
 * NULL, r->bad set, when the values do not encode one (bad counts, names
 * out of order or range, too few words). */
ZkTree *zk_tree_restore(ZkWords *r);
