/* ZooKeeper's data tree, pure (see zk_tree.h). A directory "/dir" keeps
 * its children's names sorted, so the recipes' questions (the smallest
 * child, the predecessor of mine) are binary searches; watches are kept
 * in registration order, so events fire in a fixed order. */
#include "models/zk/zk_tree.h"

typedef struct {
  ZkStat stat;
} ZkNode;

typedef struct {
  ZkNode self;
  GArray *names;         /* sorted int64 child names */
  GHashTable *children;  /* int64 name → ZkNode */
} ZkDir;

typedef struct {
  gboolean alive;
  SimTime timeout;
  GArray *ephemerals;    /* of ZkPath, in creation order */
} ZkSess;

struct ZkTree {
  GHashTable *dirs;      /* int64 dir → ZkDir */
  GTree *sessions;       /* int64 id → ZkSess (closed ones kept: ids are never reused) */
  GHashTable *data_watches;  /* ZkPath → GArray of int64 session */
  GHashTable *child_watches; /* int64 dir → GArray of int64 session */
  guint nodes;
};

gboolean zk_path_valid(ZkPath p)
{
  return p.dir >= 0 && p.dir <= ZK_PATH_MAX && p.name >= 0 && p.name <= ZK_PATH_MAX;
}

/* splitmix64's finaliser: ZkPath keys hash well (g_int64_hash of a pair
 * would collide). */
static guint path_hash(gconstpointer p)
{
  const ZkPath *k = p;
  uint64_t x = (uint64_t) k->dir * UINT64_C(0x9e3779b97f4a7c15) + (uint64_t) k->name;
  x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
  return (guint) (x ^ (x >> 31));
}

static gboolean path_equal(gconstpointer a, gconstpointer b)
{
  const ZkPath *x = a, *y = b;
  return x->dir == y->dir && x->name == y->name;
}

static gint cmp_int64(gconstpointer a, gconstpointer b, gpointer ud)
{
  (void) ud;
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x > y) - (x < y);
}

static void dir_free(gpointer p)
{
  ZkDir *d = p;
  g_array_unref(d->names);
  g_hash_table_unref(d->children);
  g_free(d);
}

static void sess_free(gpointer p)
{
  ZkSess *s = p;
  g_array_unref(s->ephemerals);
  g_free(s);
}

static gint64 *int64_box(int64_t v)
{
  gint64 *k = g_new(gint64, 1);
  *k = v;
  return k;
}

ZkTree *zk_tree_new(void)
{
  ZkTree *t = g_new0(ZkTree, 1);
  t->dirs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, dir_free);
  t->sessions = g_tree_new_full(cmp_int64, NULL, g_free, sess_free);
  t->data_watches = g_hash_table_new_full(path_hash, path_equal, g_free, (GDestroyNotify) g_array_unref);
  t->child_watches = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_array_unref);
  return t;
}

void zk_tree_free(ZkTree *t)
{
  if (!t)
    return;
  g_hash_table_unref(t->dirs);
  g_tree_destroy(t->sessions);
  g_hash_table_unref(t->data_watches);
  g_hash_table_unref(t->child_watches);
  g_free(t);
}

/* ---- lookups ---- */

static ZkDir *find_dir(const ZkTree *t, int64_t dir)
{
  gint64 k = dir;
  return g_hash_table_lookup(t->dirs, &k);
}

static ZkNode *find_node(const ZkTree *t, ZkPath p)
{
  ZkDir *d = find_dir(t, p.dir);
  if (!d)
    return NULL;
  if (p.name == 0)
    return &d->self;
  gint64 k = p.name;
  return g_hash_table_lookup(d->children, &k);
}

static ZkSess *find_sess(const ZkTree *t, int64_t id)
{
  gint64 k = id;
  return g_tree_lookup(t->sessions, &k);
}

/* The index of the first name >= `name` in the sorted array. */
static guint lower_bound(const GArray *names, int64_t name)
{
  guint lo = 0, hi = names->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (g_array_index(names, int64_t, mid) < name)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* ---- watches ---- */

static void add_watch(GArray *sessions, int64_t session)
{
  for (guint i = 0; i < sessions->len; i++)
    if (g_array_index(sessions, int64_t, i) == session)
      return;
  g_array_append_val(sessions, session);
}

void zk_tree_watch(ZkTree *t, int64_t session, ZkPath path, ZkWatchKind kind)
{
  GArray *list;
  if (kind == ZK_WATCH_CHILD) {
    gint64 k = path.dir;
    list = g_hash_table_lookup(t->child_watches, &k);
    if (!list) {
      list = g_array_new(FALSE, FALSE, sizeof(int64_t));
      g_hash_table_insert(t->child_watches, int64_box(path.dir), list);
    }
  } else {
    list = g_hash_table_lookup(t->data_watches, &path);
    if (!list) {
      list = g_array_new(FALSE, FALSE, sizeof(int64_t));
      g_hash_table_insert(t->data_watches, g_memdup2(&path, sizeof path), list);
    }
  }
  add_watch(list, session);
}

/* One-shot: every watch in `table` under `key` fires `event` on `path` and
 * is removed. */
static void fire(GHashTable *table, gconstpointer key, int event, ZkPath path, GArray *events)
{
  GArray *list = g_hash_table_lookup(table, key);
  if (!list)
    return;
  if (events)
    for (guint i = 0; i < list->len; i++) {
      ZkWatchEvent ev = { g_array_index(list, int64_t, i), event, path };
      g_array_append_val(events, ev);
    }
  g_hash_table_remove(table, key);
}

static void fire_data(ZkTree *t, ZkPath path, int event, GArray *events)
{
  fire(t->data_watches, &path, event, path, events);
}

static void fire_child(ZkTree *t, int64_t dir, int event, GArray *events)
{
  gint64 k = dir;
  fire(t->child_watches, &k, event, (ZkPath) { dir, 0 }, events);
}

static void drop_session_from(GHashTable *table, int64_t session)
{
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, table);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    GArray *list = value;
    for (guint i = 0; i < list->len; i++)
      if (g_array_index(list, int64_t, i) == session) {
        g_array_remove_index(list, i);
        break;
      }
    if (list->len == 0)
      g_hash_table_iter_remove(&it);
  }
}

void zk_tree_unwatch_session(ZkTree *t, int64_t session)
{
  drop_session_from(t->data_watches, session);
  drop_session_from(t->child_watches, session);
}

void zk_tree_unwatch_all(ZkTree *t)
{
  g_hash_table_remove_all(t->data_watches);
  g_hash_table_remove_all(t->child_watches);
}

static guint count_watches(GHashTable *table)
{
  guint n = 0;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, table);
  while (g_hash_table_iter_next(&it, NULL, &value))
    n += ((GArray *) value)->len;
  return n;
}

guint zk_tree_watch_count(const ZkTree *t)
{
  return count_watches(t->data_watches) + count_watches(t->child_watches);
}

/* ---- sessions ---- */

gboolean zk_tree_session_open(ZkTree *t, int64_t id, SimTime timeout)
{
  if (id <= 0 || find_sess(t, id))
    return FALSE;
  ZkSess *s = g_new0(ZkSess, 1);
  s->alive = TRUE;
  s->timeout = timeout;
  s->ephemerals = g_array_new(FALSE, FALSE, sizeof(ZkPath));
  g_tree_insert(t->sessions, int64_box(id), s);
  return TRUE;
}

gboolean zk_tree_session_alive(const ZkTree *t, int64_t id)
{
  ZkSess *s = find_sess(t, id);
  return s && s->alive;
}

SimTime zk_tree_session_timeout(const ZkTree *t, int64_t id)
{
  ZkSess *s = find_sess(t, id);
  return s ? s->timeout : 0;
}

static gboolean collect_open(gpointer key, gpointer value, gpointer data)
{
  if (((ZkSess *) value)->alive)
    g_array_append_val((GArray *) data, *(gint64 *) key);
  return FALSE;
}

GArray *zk_tree_sessions(const ZkTree *t)
{
  GArray *out = g_array_new(FALSE, FALSE, sizeof(int64_t));
  g_tree_foreach(t->sessions, collect_open, out);
  return out;
}

static gint cmp_path(gconstpointer a, gconstpointer b)
{
  const ZkPath *x = a, *y = b;
  if (x->dir != y->dir)
    return (x->dir > y->dir) - (x->dir < y->dir);
  return (x->name > y->name) - (x->name < y->name);
}

static void remove_node(ZkTree *t, int64_t zxid, ZkPath path, GArray *events);

int zk_tree_session_close(ZkTree *t, int64_t id, int64_t zxid, GArray *events)
{
  ZkSess *s = find_sess(t, id);
  if (!s || !s->alive)
    return ZK_SESSIONEXPIRED;
  s->alive = FALSE;
  /* In path order (an ephemeral directory has no children, so any order
   * would do: this one is fixed). */
  g_autoptr(GArray) eph = g_array_copy(s->ephemerals);
  g_array_sort(eph, cmp_path);
  g_array_set_size(s->ephemerals, 0);
  for (guint i = 0; i < eph->len; i++) {
    ZkPath p = g_array_index(eph, ZkPath, i);
    if (find_node(t, p))
      remove_node(t, zxid, p, events);
  }
  zk_tree_unwatch_session(t, id);
  return ZK_OK;
}

/* ---- writes ---- */

static void forget_ephemeral(ZkTree *t, int64_t owner, ZkPath path)
{
  ZkSess *s = find_sess(t, owner);
  if (!s)
    return;
  for (guint i = 0; i < s->ephemerals->len; i++)
    if (path_equal(&g_array_index(s->ephemerals, ZkPath, i), &path)) {
      g_array_remove_index(s->ephemerals, i);
      return;
    }
}

/* Removes an existing node (a directory only when empty) and fires its
 * watches: DELETED on the node, and CHILD on its directory or DELETED on
 * its own child watches. */
static void remove_node(ZkTree *t, int64_t zxid, ZkPath path, GArray *events)
{
  ZkNode *n = find_node(t, path);
  if (n->stat.owner)
    forget_ephemeral(t, n->stat.owner, path);
  if (path.name == 0) {
    gint64 k = path.dir;
    g_hash_table_remove(t->dirs, &k);
    t->nodes--;
    fire_data(t, path, ZK_EV_DELETED, events);
    fire_child(t, path.dir, ZK_EV_DELETED, events);
    return;
  }
  ZkDir *d = find_dir(t, path.dir);
  gint64 k = path.name;
  g_hash_table_remove(d->children, &k);
  g_array_remove_index(d->names, lower_bound(d->names, path.name));
  d->self.stat.cversion++;
  (void) zxid;
  t->nodes--;
  fire_data(t, path, ZK_EV_DELETED, events);
  fire_child(t, path.dir, ZK_EV_CHILD, events);
}

int zk_tree_create(ZkTree *t, int64_t zxid, int64_t session, ZkPath path, int64_t data,
                   int flags, int64_t *name, GArray *events)
{
  if (!zk_tree_session_alive(t, session))
    return ZK_SESSIONEXPIRED;
  if (!zk_path_valid(path))
    return ZK_BADARGUMENTS;
  ZkStat st = { .data = data, .czxid = zxid, .mzxid = zxid,
                .owner = (flags & ZK_EPHEMERAL) ? session : 0 };
  if (path.name == 0 && !(flags & ZK_SEQUENTIAL)) {
    if (find_dir(t, path.dir))
      return ZK_NODEEXISTS;
    ZkDir *d = g_new0(ZkDir, 1);
    d->self.stat = st;
    d->names = g_array_new(FALSE, FALSE, sizeof(int64_t));
    d->children = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    g_hash_table_insert(t->dirs, int64_box(path.dir), d);
  } else {
    ZkDir *d = find_dir(t, path.dir);
    if (!d)
      return ZK_NONODE;
    if (d->self.stat.owner)
      return ZK_NOCHILDRENFOREPHEMERALS;
    if (flags & ZK_SEQUENTIAL) {
      if (d->self.stat.cversion + 1 > ZK_PATH_MAX)
        return ZK_BADARGUMENTS;
      path.name = d->self.stat.cversion + 1;
    }
    gint64 k = path.name;
    if (g_hash_table_contains(d->children, &k))
      return ZK_NODEEXISTS;
    ZkNode *n = g_new0(ZkNode, 1);
    n->stat = st;
    g_hash_table_insert(d->children, int64_box(path.name), n);
    g_array_insert_val(d->names, lower_bound(d->names, path.name), path.name);
    d->self.stat.cversion++;
  }
  t->nodes++;
  if (st.owner)
    g_array_append_val(find_sess(t, session)->ephemerals, path);
  if (name)
    *name = path.name;
  fire_data(t, path, ZK_EV_CREATED, events);
  if (path.name != 0)
    fire_child(t, path.dir, ZK_EV_CHILD, events);
  return ZK_OK;
}

int zk_tree_delete(ZkTree *t, int64_t zxid, int64_t session, ZkPath path, int64_t version,
                   GArray *events)
{
  if (!zk_tree_session_alive(t, session))
    return ZK_SESSIONEXPIRED;
  if (!zk_path_valid(path))
    return ZK_BADARGUMENTS;
  ZkNode *n = find_node(t, path);
  if (!n)
    return ZK_NONODE;
  if (version != -1 && version != n->stat.version)
    return ZK_BADVERSION;
  if (path.name == 0 && find_dir(t, path.dir)->names->len > 0)
    return ZK_NOTEMPTY;
  remove_node(t, zxid, path, events);
  return ZK_OK;
}

int zk_tree_set_data(ZkTree *t, int64_t zxid, int64_t session, ZkPath path, int64_t data,
                     int64_t version, ZkStat *stat, GArray *events)
{
  if (!zk_tree_session_alive(t, session))
    return ZK_SESSIONEXPIRED;
  if (!zk_path_valid(path))
    return ZK_BADARGUMENTS;
  ZkNode *n = find_node(t, path);
  if (!n)
    return ZK_NONODE;
  if (version != -1 && version != n->stat.version)
    return ZK_BADVERSION;
  n->stat.data = data;
  n->stat.mzxid = zxid;
  n->stat.version++;
  if (stat)
    zk_tree_stat(t, path, stat);
  fire_data(t, path, ZK_EV_CHANGED, events);
  return ZK_OK;
}

/* ---- reads ---- */

int zk_tree_stat(const ZkTree *t, ZkPath path, ZkStat *stat)
{
  ZkNode *n = zk_path_valid(path) ? find_node(t, path) : NULL;
  if (!n)
    return ZK_NONODE;
  *stat = n->stat;
  stat->nchildren = path.name == 0 ? (int64_t) find_dir(t, path.dir)->names->len : 0;
  return ZK_OK;
}

int zk_tree_children(const ZkTree *t, int64_t dir, int64_t before, int64_t *count,
                     int64_t *first, int64_t *pred)
{
  ZkDir *d = find_dir(t, dir);
  if (!d)
    return ZK_NONODE;
  GArray *names = d->names;
  *count = names->len;
  *first = names->len ? g_array_index(names, int64_t, 0) : 0;
  guint i = lower_bound(names, before);
  *pred = i > 0 ? g_array_index(names, int64_t, i - 1) : 0;
  return ZK_OK;
}

guint zk_tree_size(const ZkTree *t) { return t->nodes; }

/* ---- snapshots ---- */
/* ---- snapshots ---- */

void zk_pack_put(ZkPacker *p, int64_t v)
{
  /* zigzag: small magnitudes of either sign get few bytes */
  uint64_t u = ((uint64_t) v << 1) ^ (v < 0 ? ~UINT64_C(0) : 0);
  do {
    uint64_t byte = u & 0x7f;
    u >>= 7;
    if (u)
      byte |= 0x80;
    p->word |= byte << (8 * p->nbytes);
    if (++p->nbytes == 8) {
      int64_t w = (int64_t) p->word;
      g_array_append_val(p->out, w);
      p->word = 0;
      p->nbytes = 0;
    }
  } while (u);
}

void zk_pack_finish(ZkPacker *p)
{
  if (p->nbytes) {
    int64_t w = (int64_t) p->word;
    g_array_append_val(p->out, w);
  }
  p->word = 0;
  p->nbytes = 0;
}

int64_t zk_words_take(ZkWords *r)
{
  uint64_t u = 0;
  for (guint shift = 0; !r->bad; shift += 7) {
    if (r->pos >= (uint64_t) r->n * 8 || shift > 63) {
      r->bad = TRUE;
      break;
    }
    uint64_t byte = ((uint64_t) r->w[r->pos / 8] >> (8 * (r->pos % 8))) & 0xff;
    r->pos++;
    u |= (byte & 0x7f) << shift;
    if (!(byte & 0x80))
      return (int64_t) ((u >> 1) ^ ((u & 1) ? ~UINT64_C(0) : 0));
  }
  return 0;
}

int64_t zk_words_count(ZkWords *r, guint size)
{
  int64_t c = zk_words_take(r);
  if (r->bad || c < 0 || (uint64_t) c > ((uint64_t) r->n * 8 - r->pos) / size) {
    r->bad = TRUE;
    return -1;
  }
  return c;
}

gboolean zk_words_done(const ZkWords *r)
{
  if (r->bad || (r->pos + 7) / 8 != r->n)
    return FALSE;
  for (uint64_t at = r->pos; at % 8; at++)
    if ((((uint64_t) r->w[at / 8] >> (8 * (at % 8))) & 0xff) != 0)
      return FALSE;
  return TRUE;
}

/* Snapshot values (zk_tree.h), each packed: ndirs, then per directory in
 * increasing order its dir (the first as is, then the difference from
 * the one before), its stat (data, czxid, mzxid, version, cversion,
 * owner), nchildren and per child in name order the name (difference
 * from the one before, from 0 for the first) and stat; then nsessions,
 * then per session in id order (closed ones too: ids are never reused)
 * the id (difference), alive, timeout, nephemerals and their paths (dir,
 * name) in creation order. Watches are not in it: they belong to one
 * server's clients. */
static void put_stat(ZkPacker *p, const ZkStat *st)
{
  zk_pack_put(p, st->data);
  zk_pack_put(p, st->czxid);
  zk_pack_put(p, st->mzxid);
  zk_pack_put(p, st->version);
  zk_pack_put(p, st->cversion);
  zk_pack_put(p, st->owner);
}

static gint cmp_int64_plain(gconstpointer a, gconstpointer b) { return cmp_int64(a, b, NULL); }

GArray *zk_sorted_keys(GHashTable *table)
{
  GArray *keys = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), g_hash_table_size(table));
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, table);
  while (g_hash_table_iter_next(&it, &k, NULL))
    g_array_append_val(keys, *(gint64 *) k);
  g_array_sort(keys, cmp_int64_plain);
  return keys;
}

typedef struct {
  ZkPacker *p;
  int64_t prev;
} SessPut;

static gboolean put_session(gpointer key, gpointer value, gpointer data)
{
  SessPut *sp = data;
  const ZkSess *s = value;
  int64_t id = *(gint64 *) key;
  zk_pack_put(sp->p, id - sp->prev);
  sp->prev = id;
  zk_pack_put(sp->p, s->alive);
  zk_pack_put(sp->p, s->timeout);
  zk_pack_put(sp->p, s->ephemerals->len);
  for (guint i = 0; i < s->ephemerals->len; i++) {
    const ZkPath *path = &g_array_index(s->ephemerals, ZkPath, i);
    zk_pack_put(sp->p, path->dir);
    zk_pack_put(sp->p, path->name);
  }
  return FALSE;
}

void zk_tree_snapshot(const ZkTree *t, ZkPacker *p)
{
  g_autoptr(GArray) dirs = zk_sorted_keys(t->dirs);
  zk_pack_put(p, dirs->len);
  int64_t prev_dir = -1;
  for (guint i = 0; i < dirs->len; i++) {
    int64_t dir = g_array_index(dirs, int64_t, i);
    const ZkDir *d = find_dir(t, dir);
    zk_pack_put(p, dir - prev_dir);
    prev_dir = dir;
    put_stat(p, &d->self.stat);
    zk_pack_put(p, d->names->len);
    int64_t prev = 0;
    for (guint j = 0; j < d->names->len; j++) {
      gint64 name = g_array_index(d->names, int64_t, j);
      zk_pack_put(p, name - prev);
      prev = name;
      put_stat(p, &((const ZkNode *) g_hash_table_lookup(d->children, &name))->stat);
    }
  }
  zk_pack_put(p, g_tree_nnodes(t->sessions));
  SessPut sp = { p, 0 };
  g_tree_foreach(t->sessions, put_session, &sp);
}

static void take_stat(ZkWords *r, ZkStat *st)
{
  st->data = zk_words_take(r);
  st->czxid = zk_words_take(r);
  st->mzxid = zk_words_take(r);
  st->version = zk_words_take(r);
  st->cversion = zk_words_take(r);
  st->owner = zk_words_take(r);
  st->nchildren = 0;
}

/* The next key of a strictly increasing sequence after `prev`, at most
 * `max`: its difference must be >= 1 (else bad). */
static int64_t take_next(ZkWords *r, int64_t prev, int64_t max)
{
  int64_t d = zk_words_take(r);
  if (r->bad || d < 1 || d > max - prev) {
    r->bad = TRUE;
    return 0;
  }
  return prev + d;
}

ZkTree *zk_tree_restore(ZkWords *r)
{
  ZkTree *t = zk_tree_new();
  /* Each directory takes at least 8 bytes, each child 7, each session 4. */
  int64_t ndirs = zk_words_count(r, 8), dir = -1;
  for (int64_t i = 0; i < ndirs && !r->bad; i++) {
    dir = take_next(r, dir, ZK_PATH_MAX);
    if (r->bad)
      break;
    ZkDir *d = g_new0(ZkDir, 1);
    take_stat(r, &d->self.stat);
    d->names = g_array_new(FALSE, FALSE, sizeof(int64_t));
    d->children = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    g_hash_table_insert(t->dirs, int64_box(dir), d);
    t->nodes++;
    int64_t nchildren = zk_words_count(r, 7), name = 0;
    for (int64_t j = 0; j < nchildren && !r->bad; j++) {
      name = take_next(r, name, ZK_PATH_MAX);
      if (r->bad)
        break;
      ZkNode *node = g_new0(ZkNode, 1);
      take_stat(r, &node->stat);
      g_hash_table_insert(d->children, int64_box(name), node);
      g_array_append_val(d->names, name);
      t->nodes++;
    }
  }
  int64_t nsess = r->bad ? -1 : zk_words_count(r, 4), id = 0;
  for (int64_t i = 0; i < nsess && !r->bad; i++) {
    id = take_next(r, id, G_MAXINT64);
    if (r->bad)
      break;
    ZkSess *s = g_new0(ZkSess, 1);
    s->alive = zk_words_take(r) != 0;
    s->timeout = zk_words_take(r);
    s->ephemerals = g_array_new(FALSE, FALSE, sizeof(ZkPath));
    g_tree_insert(t->sessions, int64_box(id), s);
    int64_t neph = zk_words_count(r, 2);
    for (int64_t j = 0; j < neph && !r->bad; j++) {
      ZkPath path;
      path.dir = zk_words_take(r); /* in order: an initializer list does not sequence them */
      path.name = zk_words_take(r);
      g_array_append_val(s->ephemerals, path);
    }
  }
  if (r->bad) {
    zk_tree_free(t);
    return NULL;
  }
  return t;
}
