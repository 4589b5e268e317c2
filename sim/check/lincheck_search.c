/* One key's linearizability search (see sim/check/lincheck_search.h): Wing &
 * Gong's search over a doubly linked list of call and return entries, with
 * Lowe's memoisation of (linearized set, model state), pausable between
 * rounds. Memo entries and the payloads of the states they hold live in one
 * arena per key, freed at once. */
#include "sim/check/lincheck_search.h"
#include "sim/check/lincheck_arena.h"
#include "sim/kernel/rng.h"
#include <string.h>

#define LINCHECK_MAX_STATES 16      /* states listed in a violation report */
#define LINCHECK_MAX_CONCURRENT 20  /* concurrent ops listed in a report */
#define LINCHECK_WINDOW_ORDER 12    /* linearized ops drawn before the stuck one */
#define LINCHECK_WINDOW_MAX 60      /* ops in a violation's window */
#define LINCHECK_CLOCK_EVERY 1024   /* steps between wall-clock checks */
/* What a hash table entry costs besides the entry itself (GHashTable keeps
 * a hash and a key pointer per slot, with slack): an estimate, counted
 * towards max_memory. */
#define LINCHECK_TABLE_ENTRY_BYTES 24

/* An entry of the search's doubly linked list: a call or a return event. */
typedef struct Entry Entry;
struct Entry {
  guint id;          /* op number within the key */
  gboolean is_call;
  gboolean unknown;  /* the return of an op whose outcome is unknown (at +infinity) */
  Entry *match;      /* call <-> return */
  Entry *prev, *next;
};

/* A state payload interned in the arena: equal payloads share one Blob, so
 * memo entries compare payloads by pointer. */
typedef struct {
  const guint8 *data;
  gsize len;
  guint64 hash;
} Blob;

/* A memo entry: the linearized set and the state reached. The set is kept
 * as the window of words between the first word that is not all ones and the
 * last word that is not zero (all words before are full, all after empty),
 * which is canonical and small: ops are numbered by invocation, so only the
 * ops around the search frontier differ. */
typedef struct {
  guint64 hash;
  gint64 x;            /* the state's scalar */
  const Blob *blob;    /* the state's payload, interned; NULL when empty */
  const guint64 *win;  /* n words */
  guint lo;            /* words [0, lo) are all ones */
  guint n;             /* words [lo, lo + n) are stored */
} Memo;

typedef struct {
  Entry *entry;
  LincheckState state;
} Frame;

struct LincheckKeySearch {
  const LincheckWork *w;
  guint n;               /* ops searched */
  Entry *entries;        /* 2n entries and the head */
  Entry *head;
  Entry *entry;          /* where the search resumes */
  guint W;               /* words of the bitset */
  guint64 *bits;         /* linearized ops */
  guint64 bits_hash;
  LincheckArena arena;   /* Memo records, their windows, Blobs and payloads */
  GHashTable *memo;      /* Memo* set, entries in the arena */
  GHashTable *blobs;     /* Blob* set, entries in the arena */
  GArray *stack;         /* Frame */
  LincheckState state;
  gboolean started;
  gint best_depth;       /* see note_stuck */
  guint bad_id;
  GPtrArray *states;     /* char*: states where bad_id was found stuck */
  GArray *best_order;    /* guint: the ops linearized at best_depth, in order */
  guint clean;           /* best_order[0..clean) still equals the stack's prefix */
  guint64 memory;        /* bytes counted for this search */
};

/* ---- states, payloads and memo entries ------------------------------- */

static void state_clear(LincheckState *s)
{
  g_clear_pointer(&s->blob, g_bytes_unref);
}

/* FNV-1a over a payload, mixed: stable across processes. */
static guint64 bytes_hash(const guint8 *d, gsize n)
{
  guint64 h = 0xcbf29ce484222325ULL;
  for (gsize i = 0; i < n; i++)
    h = (h ^ d[i]) * 0x100000001b3ULL;
  return sim_mix64(h);
}

static guint blob_hash(gconstpointer p)
{
  const Blob *b = p;
  return (guint) (b->hash ^ (b->hash >> 32));
}

static gboolean blob_equal(gconstpointer a, gconstpointer b)
{
  const Blob *x = a, *y = b;
  return x->hash == y->hash && x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
}

/* The interned copy of payload `b` (NULL for none), copied into the arena
 * on first sight. */
static const Blob *blob_intern(LincheckKeySearch *ks, GBytes *b)
{
  if (!b)
    return NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data(b, &len);
  Blob probe = { data, len, bytes_hash(data, len) };
  const Blob *found = g_hash_table_lookup(ks->blobs, &probe);
  if (found)
    return found;
  Blob *copy = lincheck_arena_alloc(&ks->arena, sizeof(Blob) + len);
  guint8 *bytes = (guint8 *) (copy + 1);
  memcpy(bytes, data, len);
  *copy = probe;
  copy->data = bytes;
  g_hash_table_add(ks->blobs, copy);
  return copy;
}

static guint memo_hash(gconstpointer p)
{
  const Memo *m = p;
  return (guint) (m->hash ^ (m->hash >> 32));
}

static gboolean memo_equal(gconstpointer a, gconstpointer b)
{
  const Memo *x = a, *y = b;
  return x->hash == y->hash && x->x == y->x && x->blob == y->blob && x->lo == y->lo &&
         x->n == y->n && memcmp(x->win, y->win, x->n * sizeof(guint64)) == 0;
}

/* Sets probe's window over `bits` (W words) without copying. */
static void memo_window(Memo *probe, const guint64 *bits, guint W)
{
  guint lo = 0, hi = W;
  while (lo < W && bits[lo] == G_MAXUINT64)
    lo++;
  while (hi > lo && bits[hi - 1] == 0)
    hi--;
  probe->lo = lo;
  probe->n = hi - lo;
  probe->win = bits + lo;
}

/* An arena copy of `probe` with its own window. */
static Memo *memo_store(LincheckKeySearch *ks, const Memo *probe)
{
  Memo *m = lincheck_arena_alloc(&ks->arena, sizeof(Memo) + probe->n * sizeof(guint64));
  guint64 *win = (guint64 *) (m + 1);
  memcpy(win, probe->win, probe->n * sizeof(guint64));
  *m = *probe;
  m->win = win;
  return m;
}

/* Recounts the bytes this search holds, moves S's count by the change and
 * stops the search (S->stop_reason) when S->max_memory is exceeded. */
static void account_memory(LincheckKeySearch *ks, LincheckShared *S)
{
  guint64 now = ks->arena.bytes +
                (guint64) (g_hash_table_size(ks->memo) + g_hash_table_size(ks->blobs)) *
                    LINCHECK_TABLE_ENTRY_BYTES +
                (guint64) ks->stack->len * sizeof(Frame) +
                (guint64) (2 * ks->n + 1) * sizeof(Entry) + (guint64) ks->W * sizeof(guint64);
  S->memory = S->memory - ks->memory + now;
  ks->memory = now;
  S->peak_memory = MAX(S->peak_memory, S->memory);
  if (S->max_memory && S->memory > S->max_memory && !S->stop_reason)
    S->stop_reason = g_strdup_printf("memory cap of %" G_GUINT64_FORMAT " MiB reached",
                                     S->max_memory >> 20);
}

/* ---- the list ---------------------------------------------------------- */

/* Removes a call and its return from the list. */
static void lift(Entry *call)
{
  call->prev->next = call->next;
  call->next->prev = call->prev;
  Entry *ret = call->match;
  ret->prev->next = ret->next;
  if (ret->next)
    ret->next->prev = ret->prev;
}

/* Puts back a call and its return removed by lift (in reverse order). */
static void unlift(Entry *call)
{
  Entry *ret = call->match;
  ret->prev->next = ret;
  if (ret->next)
    ret->next->prev = ret;
  call->prev->next = call;
  call->next->prev = call;
}

/* An event of the list under construction: history position, entry. */
typedef struct {
  guint pos;
  Entry *e;
} Ev;

static int ev_cmp(gconstpointer a, gconstpointer b)
{
  const Ev *x = a, *y = b;
  return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Links `entries` (2n calls and returns, then the head) into the search's
 * list: calls and known returns ordered by history position (all distinct),
 * unknown returns at the end in invocation order. Returns the head. */
static Entry *build_list(const LincheckWork *w, Entry *entries, guint n)
{
  Entry *head = &entries[2 * n];
  g_autofree Ev *evs = g_new(Ev, 2 * n);
  guint nev = 0;
  for (guint i = 0; i < n; i++) {
    const LincheckCall *c = g_ptr_array_index(w->calls, i);
    Entry *call = &entries[2 * i], *ret = &entries[2 * i + 1];
    call->id = ret->id = i;
    call->is_call = TRUE;
    call->match = ret;
    ret->match = call;
    ret->unknown = w->ops[i].unknown;
    evs[nev++] = (Ev) { c->inv_pos, call };
    if (!ret->unknown)
      evs[nev++] = (Ev) { c->done_pos, ret };
  }
  qsort(evs, nev, sizeof(Ev), ev_cmp);
  Entry *prev = head;
  for (guint k = 0; k < nev; k++) {
    prev->next = evs[k].e;
    evs[k].e->prev = prev;
    prev = evs[k].e;
  }
  for (guint i = 0; i < n; i++)
    if (entries[2 * i + 1].unknown) {
      Entry *ret = &entries[2 * i + 1];
      prev->next = ret;
      ret->prev = prev;
      prev = ret;
    }
  prev->next = NULL;
  return head;
}

/* TRUE when op `i` must wait: an identical earlier op that never returns
 * (its twin) is not linearized yet. Linearizing the twin instead reaches the
 * same configuration up to swapping the two, so skipping `i` loses nothing. */
static gboolean twin_waits(const LincheckWork *w, const guint64 *bits, guint i)
{
  guint t = w->twin[i];
  return t != G_MAXUINT && !(bits[t / 64] & ((guint64) 1 << (t % 64)));
}

/* ---- reports ----------------------------------------------------------- */

char *lincheck_call_describe(const LincheckCall *c)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "process %" G_GINT64_FORMAT ": %s ", c->inv->process, c->inv->f);
  if (c->key) {
    g_string_append(s, "key ");
    history_value_append(c->key, s);
    g_string_append_c(s, ' ');
  }
  history_value_append(c->in, s);
  if (c->done && c->done->type == HISTORY_OK) {
    g_string_append(s, " => ok ");
    history_value_append(c->out, s);
  } else {
    g_string_append(s, " => info (outcome unknown)");
  }
  g_string_append_printf(s, "  [index %" G_GINT64_FORMAT ", line%s %u", c->inv->index,
                         c->done ? "s" : "", c->inv->line);
  if (c->done)
    g_string_append_printf(s, "-%u", c->done->line);
  g_string_append_c(s, ']');
  return g_string_free(s, FALSE);
}

/* Records where the search got stuck: the return blaming op `id` reached
 * with `depth` ops linearized in state `s`. The op blamed is the one stuck at
 * the deepest point (the first found there); the states kept are those in
 * which that op was found stuck, at any depth since it was first blamed. */
static void note_stuck(LincheckKeySearch *ks, const LincheckModel *model, LincheckAtoms *atoms,
                       guint id, guint depth, const LincheckState *s)
{
  if ((gint) depth > ks->best_depth) {
    if (id != ks->bad_id)
      g_ptr_array_set_size(ks->states, 0);   /* a deeper point blames another op */
    ks->best_depth = (gint) depth;
    ks->bad_id = id;
    /* Only the frames pushed since the last copy are copied: amortised,
     * each push is copied at most once per pop. */
    g_array_set_size(ks->best_order, ks->clean);
    for (guint k = ks->clean; k < ks->stack->len; k++)
      g_array_append_val(ks->best_order, g_array_index(ks->stack, Frame, k).entry->id);
    ks->clean = ks->stack->len;
  } else if (id != ks->bad_id) {
    return;   /* keep the first op found stuck at this depth */
  }
  if (ks->states->len >= LINCHECK_MAX_STATES)
    return;
  GString *d = g_string_new(NULL);
  model->describe(s, atoms, d);
  for (guint k = 0; k < ks->states->len; k++)
    if (strcmp(g_ptr_array_index(ks->states, k), d->str) == 0) {
      g_string_free(d, TRUE);
      return;
    }
  g_ptr_array_add(ks->states, g_string_free(d, FALSE));
}

/* A short label of a call for pictures: "write 1", "read => 1", "cas [1 2] => ?". */
static char *call_label(const LincheckCall *c)
{
  GString *s = g_string_new(c->inv->f);
  if (c->in->kind != HISTORY_NIL) {
    g_string_append_c(s, ' ');
    history_value_append(c->in, s);
  }
  if (c->done && c->done->type == HISTORY_OK) {
    if (c->out && c->out->kind != HISTORY_NIL && !history_value_equal(c->in, c->out)) {
      g_string_append(s, " => ");
      history_value_append(c->out, s);
    } else if (c->out && c->out->kind == HISTORY_NIL && c->in->kind == HISTORY_NIL) {
      g_string_append(s, " => nil");
    }
  } else {
    g_string_append(s, " => ?");
  }
  return g_string_free(s, FALSE);
}

static void window_op_clear(gpointer p)
{
  LincheckWindowOp *o = p;
  g_free(o->label);
  g_free(o->text);
}

/* A candidate of the window and its distance from the stuck op. */
typedef struct {
  const LincheckCall *c;
  guint distance;
} WindowPick;

static int pick_by_distance(gconstpointer a, gconstpointer b)
{
  const WindowPick *x = a, *y = b;
  if (x->distance != y->distance)
    return x->distance < y->distance ? -1 : 1;
  return (x->c->inv_pos > y->c->inv_pos) - (x->c->inv_pos < y->c->inv_pos);
}

static int pick_by_invocation(gconstpointer a, gconstpointer b)
{
  const WindowPick *x = a, *y = b;
  return (x->c->inv_pos > y->c->inv_pos) - (x->c->inv_pos < y->c->inv_pos);
}

/* Fills r->window and r->n_order: the last LINCHECK_WINDOW_ORDER ops of the
 * deepest order linearized, the stuck op `bad`, and every op of the key
 * overlapping the span from the first of those to bad's completion (at
 * most LINCHECK_WINDOW_MAX, the nearest to bad kept). */
static void report_window(LincheckKeySearch *ks, const LincheckCall *bad, LincheckResult *r)
{
  const LincheckWork *w = ks->w;
  guint n = ks->best_order->len, first = n > LINCHECK_WINDOW_ORDER ? n - LINCHECK_WINDOW_ORDER : 0;
  guint start = bad->inv_pos, end = bad->done_pos;
  for (guint k = first; k < n; k++) {
    const LincheckCall *c = g_ptr_array_index(w->calls, g_array_index(ks->best_order, guint, k));
    start = MIN(start, c->inv_pos);
  }
  if (end == G_MAXUINT) {
    end = bad->inv_pos;
    for (guint i = 0; i < w->all->len; i++)
      end = MAX(end, ((const LincheckCall *) g_ptr_array_index(w->all, i))->inv_pos);
  }
  g_autoptr(GArray) picks = g_array_new(FALSE, FALSE, sizeof(WindowPick));
  for (guint i = 0; i < w->all->len; i++) {
    const LincheckCall *c = g_ptr_array_index(w->all, i);
    if (c->inv_pos > end || (c->done_pos != G_MAXUINT && c->done_pos < start))
      continue;
    gboolean in_order = FALSE;
    for (guint k = first; k < n && !in_order; k++)
      in_order = g_ptr_array_index(w->calls, g_array_index(ks->best_order, guint, k)) == c;
    guint d = c->inv_pos > bad->inv_pos ? c->inv_pos - bad->inv_pos : bad->inv_pos - c->inv_pos;
    WindowPick p = { c, (c == bad || in_order) ? 0 : d + 1 };
    g_array_append_val(picks, p);
  }
  g_array_sort(picks, pick_by_distance);
  g_array_set_size(picks, MIN(picks->len, LINCHECK_WINDOW_MAX));
  g_array_sort(picks, pick_by_invocation);
  r->window = g_array_sized_new(FALSE, TRUE, sizeof(LincheckWindowOp), picks->len);
  g_array_set_clear_func(r->window, window_op_clear);
  for (guint i = 0; i < picks->len; i++) {
    const LincheckCall *c = g_array_index(picks, WindowPick, i).c;
    LincheckWindowOp o = { c->inv->index, c->inv->process, c->inv_pos, c->done_pos, call_label(c),
                           lincheck_call_describe(c), -1, c == bad };
    for (guint k = first; k < n; k++)
      if (g_ptr_array_index(w->calls, g_array_index(ks->best_order, guint, k)) == c)
        o.order = (gint) (k - first);
    g_array_append_val(r->window, o);
  }
  r->n_order = n - first;
}

void lincheck_key_search_order(LincheckKeySearch *ks, GPtrArray *out)
{
  for (guint k = 0; ks->started && k < ks->stack->len; k++) {
    const Frame *f = &g_array_index(ks->stack, Frame, k);
    g_ptr_array_add(out, lincheck_call_describe(g_ptr_array_index(ks->w->calls, f->entry->id)));
  }
}

static int str_cmp(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

void lincheck_key_search_report(LincheckKeySearch *ks, LincheckResult *r)
{
  const LincheckWork *w = ks->w;
  const LincheckCall *bad = g_ptr_array_index(w->calls, ks->bad_id);
  r->bad_index = bad->inv->index;
  r->bad_line = bad->inv->line;
  r->bad = lincheck_call_describe(bad);
  r->key = bad->key ? history_value_to_string(bad->key) : NULL;
  r->concurrent = g_ptr_array_new_with_free_func(g_free);
  guint more = 0;
  for (guint i = 0; i < w->all->len; i++) {
    const LincheckCall *c = g_ptr_array_index(w->all, i);
    if (c == bad || c->inv_pos > bad->done_pos || c->done_pos < bad->inv_pos)
      continue;
    if (r->concurrent->len < LINCHECK_MAX_CONCURRENT)
      g_ptr_array_add(r->concurrent, lincheck_call_describe(c));
    else
      more++;
  }
  if (more)
    g_ptr_array_add(r->concurrent, g_strdup_printf("... and %u more", more));
  g_ptr_array_sort(ks->states, str_cmp);
  r->states = g_steal_pointer(&ks->states);
  ks->states = g_ptr_array_new_with_free_func(g_free);
  r->bad_process = bad->inv->process;
  report_window(ks, bad, r);
}

/* ---- the search -------------------------------------------------------- */

LincheckKeySearch *lincheck_key_search_new(const LincheckWork *w)
{
  LincheckKeySearch *ks = g_new0(LincheckKeySearch, 1);
  ks->w = w;
  ks->n = w->calls->len;
  ks->best_depth = -1;
  ks->states = g_ptr_array_new_with_free_func(g_free);
  ks->best_order = g_array_new(FALSE, FALSE, sizeof(guint));
  lincheck_arena_init(&ks->arena);
  return ks;
}

/* Builds the list, memo and initial state on the first run. */
static void search_start(LincheckKeySearch *ks, LincheckShared *S)
{
  ks->started = TRUE;
  ks->entries = g_new0(Entry, 2 * ks->n + 1);
  ks->head = build_list(ks->w, ks->entries, ks->n);
  ks->entry = ks->head->next;
  ks->W = (ks->n + 63) / 64;
  ks->bits = g_new0(guint64, MAX(ks->W, 1));
  ks->memo = g_hash_table_new(memo_hash, memo_equal);
  ks->blobs = g_hash_table_new(blob_hash, blob_equal);
  ks->stack = g_array_new(FALSE, FALSE, sizeof(Frame));
  ks->state.x = ks->w->init.x;
  ks->state.blob = ks->w->init.blob ? g_bytes_ref(ks->w->init.blob) : NULL;
  account_memory(ks, S);
}

/* TRUE when a shared limit says stop (S->stop_reason set). */
static gboolean shared_limit_hit(LincheckShared *S)
{
  if (S->stop_reason)
    return TRUE;
  if (S->max_steps && S->steps >= S->max_steps) {
    S->stop_reason = g_strdup_printf("step budget of %" G_GUINT64_FORMAT " exhausted", S->max_steps);
    return TRUE;
  }
  if (S->deadline_us && S->steps % LINCHECK_CLOCK_EVERY == 0 &&
      g_get_monotonic_time() >= S->deadline_us) { /* wallclock-ok: --timeout bounds the search */
    S->stop_reason = g_strdup("timeout reached");
    return TRUE;
  }
  return FALSE;
}

LincheckVerdict lincheck_key_search_run(LincheckKeySearch *ks, LincheckShared *S, guint64 allowance)
{
  if (ks->n == 0)
    return LINCHECK_OK;
  if (!ks->started)
    search_start(ks, S);
  const LincheckWork *w = ks->w;
  const LincheckModel *model = S->model;
  Entry *head = ks->head, *entry = ks->entry;
  guint64 taken = 0;
  LincheckVerdict verdict = LINCHECK_OK;
  while (head->next) {
    if (entry->is_call) {
      if (twin_waits(w, ks->bits, entry->id)) {
        entry = entry->next;
        continue;
      }
      if (taken >= allowance || shared_limit_hit(S)) {
        verdict = LINCHECK_UNKNOWN;
        break;
      }
      S->steps++;
      taken++;
      LincheckState next;
      if (model->step(&ks->state, &w->ops[entry->id], &next)) {
        guint64 bit = (guint64) 1 << (entry->id % 64);
        ks->bits[entry->id / 64] |= bit;
        guint64 h = ks->bits_hash ^ sim_mix64(entry->id + 1);
        const Blob *blob = blob_intern(ks, next.blob);
        Memo probe = { 0, next.x, blob, NULL, 0, 0 };
        probe.hash = h ^ sim_mix64((guint64) next.x) ^ (blob ? blob->hash : 0);
        memo_window(&probe, ks->bits, ks->W);
        if (!g_hash_table_contains(ks->memo, &probe)) {
          g_hash_table_add(ks->memo, memo_store(ks, &probe));
          Frame f = { entry, ks->state };
          g_array_append_val(ks->stack, f);
          ks->state = next;
          ks->bits_hash = h;
          lift(entry);
          entry = head->next;
          account_memory(ks, S);
        } else {
          ks->bits[entry->id / 64] &= ~bit;
          state_clear(&next);
          entry = entry->next;
        }
      } else {
        entry = entry->next;
      }
    } else {
      if (entry->unknown)
        break;   /* every remaining completed op is linearized */
      note_stuck(ks, model, S->atoms, entry->id, ks->stack->len, &ks->state);
      if (ks->stack->len == 0) {
        verdict = LINCHECK_VIOLATION;
        break;
      }
      Frame f = g_array_index(ks->stack, Frame, ks->stack->len - 1);
      g_array_set_size(ks->stack, ks->stack->len - 1);
      ks->clean = MIN(ks->clean, ks->stack->len);
      state_clear(&ks->state);
      ks->state = f.state;
      ks->bits[f.entry->id / 64] &= ~((guint64) 1 << (f.entry->id % 64));
      ks->bits_hash ^= sim_mix64(f.entry->id + 1);
      unlift(f.entry);
      entry = f.entry->next;
    }
  }
  ks->entry = entry;
  return verdict;
}

void lincheck_key_search_free(LincheckKeySearch *ks, LincheckShared *S)
{
  if (!ks)
    return;
  if (S)
    S->memory -= ks->memory;
  if (ks->started) {
    state_clear(&ks->state);
    for (guint k = 0; k < ks->stack->len; k++)
      state_clear(&g_array_index(ks->stack, Frame, k).state);
    g_array_unref(ks->stack);
    /* No destroy functions: the tables free their arrays, the arena its chunks. */
    g_hash_table_unref(ks->memo);
    g_hash_table_unref(ks->blobs);
    g_free(ks->entries);
    g_free(ks->bits);
  }
  lincheck_arena_clear(&ks->arena);
  g_ptr_array_unref(ks->states);
  g_array_unref(ks->best_order);
  g_free(ks);
}
