/* The linearizability checker: does a history of concurrent operations have
 * a sequential order, consistent with real time, that a model accepts?
 *
 * The search is Wing & Gong's with Lowe's memoisation (the "WGL" algorithm of
 * Knossos and Porcupine): linearize a pending call if the model accepts it,
 * backtrack when a return is reached whose call was not linearized, and never
 * revisit a (set of linearized ops, model state) pair. Histories are split by
 * key first (P-compositionality) and each key is checked on its own. Keys are
 * searched in rounds, each undecided key getting a step allowance that
 * doubles every round, so one hard key cannot hide a violation on another
 * (deterministic, one thread); the first violated key ends the check.
 *
 * Operation outcomes: `ok` took effect between invoke and completion; `fail`
 * did not take effect and is dropped; `info` (and an invoke never completed)
 * may have taken effect at any time after its invocation, or never.
 *
 * Models are small tables of functions (LincheckModel) listed in
 * sim/check/lincheck_models.c; adding one means adding a table entry. */
#pragma once
#include "sim/check/history_read.h"
#include <glib.h>

/* A model state: a scalar and an optional immutable byte payload (set
 * elements, a string). blob NULL stands for the empty payload, so two equal
 * states always have equal fields. */
typedef struct {
  gint64 x;
  GBytes *blob;
} LincheckState;

/* One operation in model form, made by a model's prepare function. */
typedef struct {
  int f;            /* model-specific operation code */
  gboolean unknown; /* outcome unknown (info): result fields are meaningless */
  gint64 a, b;      /* arguments and results, as atoms */
  GBytes *blob;     /* a payload argument or result, or NULL (empty) */
} LincheckOp;

/* Interns scalar values (nil, integers, strings, keywords) as integer atoms
 * so that models compare integers; nil is always atom 0. */
typedef struct LincheckAtoms LincheckAtoms;

/* A new, empty atom table (only nil, atom 0, is known). */
LincheckAtoms *lincheck_atoms_new(void);
void lincheck_atoms_free(LincheckAtoms *atoms);
/* The atom of scalar `v`, creating it on first use. Returns -1 when `v` is
 * not a scalar (a list, set or map). */
gint64 lincheck_atom(LincheckAtoms *atoms, const HistoryValue *v);
/* The text of an atom, as history_value_to_string would print the value. */
const char *lincheck_atom_text(const LincheckAtoms *atoms, gint64 atom);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(LincheckAtoms, lincheck_atoms_free)

typedef struct {
  const char *name;
  const char *summary;
  /* Converts an operation named `f` with invocation value `in` and result
   * `result` (NULL when the outcome is unknown) into `out`; sets *read_only
   * when the operation never changes the state. FALSE with a GError (no
   * location) when `f` or the values do not fit the model. */
  gboolean (*prepare)(const char *f, const HistoryValue *in, const HistoryValue *result,
                      LincheckAtoms *atoms, LincheckOp *out, gboolean *read_only,
                      GError **error);
  /* Writes the initial state (no --initial given). */
  void (*init)(LincheckState *out);
  /* Optional (NULL: the model takes no --initial): writes the state whose
   * value is `v`, or FALSE with a GError (no location) when `v` does not
   * fit the model. */
  gboolean (*initial)(const HistoryValue *v, LincheckAtoms *atoms, LincheckState *out,
                      GError **error);
  /* TRUE when the model's initial value is itself a map (multi-register);
   * otherwise a map given as --initial holds one initial value per key. */
  gboolean initial_is_map;
  /* TRUE when `op` can take effect in state `s`, writing the next state to
   * `out` (its blob a new reference); FALSE leaves `out` untouched. */
  gboolean (*step)(const LincheckState *s, const LincheckOp *op, LincheckState *out);
  /* Appends a human-readable rendering of `s` to `out`. */
  void (*describe)(const LincheckState *s, const LincheckAtoms *atoms, GString *out);
  /* Optional (NULL keeps every op). Given one partition's `n` ops in
   * invocation order (fail ops and unknown reads already removed), sets
   * drop[i] (pre-set to FALSE) for unknown ops that may be removed: ops whose
   * effect nothing can observe, so that the history without them is
   * linearizable if and only if the original is. Each rule carries its proof
   * where it is defined. */
  void (*reduce)(const LincheckOp *ops, guint n, gboolean *drop);
  /* TRUE when a value [k v] on an op without a key means key k, value v
   * (Jepsen's "independent" tuples). */
  gboolean split_tuples;
} LincheckModel;

/* The model called `name`, or NULL. */
const LincheckModel *lincheck_model_lookup(const char *name);
/* All models, in a fixed order; *n receives their number. */
const LincheckModel *lincheck_models(guint *n);

typedef struct {
  guint64 max_steps;  /* model steps allowed in total; 0 = unbounded */
  gint64 timeout_us;  /* wall-clock bound in microseconds; 0 = none */
  guint64 max_memory; /* bytes of search memory (memo, stacks); 0 = unbounded */
} LincheckLimits;

/* The default for LincheckLimits.max_memory: half the memory this process
 * may use (physical memory, or the cgroup's limit when lower), read from the
 * system; 1 GiB when neither can be read. It only decides when an
 * undecidable search gives up. */
guint64 lincheck_default_max_memory(void);

/* Steps each key may take in the first round; the allowance doubles every
 * round after. */
#define LINCHECK_FIRST_ROUND_STEPS 1024

typedef enum {
  LINCHECK_OK,        /* linearizable */
  LINCHECK_VIOLATION, /* not linearizable */
  LINCHECK_UNKNOWN,   /* a limit stopped the search */
} LincheckVerdict;

/* An operation of a violation's window: the operation that cannot be
 * placed, the operations around it, and the last order the search could
 * linearize before it got stuck. Positions are the records' places in the
 * history (real-time order), so they can serve as a time axis. */
typedef struct {
  gint64 index;      /* the invocation's index */
  gint64 process;
  guint inv_pos;     /* position of the invocation */
  guint done_pos;    /* position of the ok completion; G_MAXUINT: unknown outcome */
  char *label;       /* "write 1", "read => 1" */
  char *text;        /* the full description (lincheck_call_describe) */
  gint order;        /* place in the deepest linearized order, or -1 */
  gboolean bad;      /* the operation that cannot be placed */
} LincheckWindowOp;

typedef struct {
  LincheckVerdict verdict;
  guint n_ops;        /* operations checked (fail ops excluded) */
  guint n_keys;       /* independent partitions (keys) */
  guint n_dropped;    /* unknown ops removed before the search (unobservable) */
  guint64 steps;      /* model steps taken, all keys together */
  guint64 peak_memory;/* most search memory in use at once, in bytes (as
                       * counted for max_memory) */
  char *reason;       /* UNKNOWN: which limit was hit */
  guint n_undecided;  /* UNKNOWN: keys neither decided nor violated */
  /* OK with options->keep_order: char*, one valid order of the operations
   * that took effect (key by key), each described as in `concurrent`;
   * info operations that need not have happened are left out. */
  GPtrArray *linearization;
  /* VIOLATION only: */
  char *key;          /* the failing key as text, or NULL for unkeyed ops */
  gint64 bad_index;   /* index of the invocation that cannot be placed */
  guint bad_line;     /* its line in the source */
  gint64 bad_process; /* its process */
  char *bad;          /* that operation, described */
  GPtrArray *concurrent; /* char*: operations overlapping it, in history order */
  GPtrArray *states;     /* char*: model states the search reached just before it */
  GArray *window;        /* LincheckWindowOp: the failing window, for pictures
                          * (sim/check/lincheck_svg.h), in invocation order */
  guint n_order;         /* ops of the window in the deepest order the search
                          * linearized (numbered 0..n_order-1 in their `order`) */
  /* The searches still holding memory when the check ended (a violated or
   * undecided key): freed by lincheck_result_clear, so that a caller can
   * print the verdict before paying for the free. */
  struct LincheckLeftover *leftover;
} LincheckResult;

/* Checks `ops` (HistoryOp*, in history order, as history_read_* returns) against
 * `model` within `limits` (NULL = unbounded), filling `result` (clear it with
 * lincheck_result_clear). Returns FALSE with a GError "FILE:LINE: message"
 * (SIM_ERROR_INVALID) when the history is malformed: a completion with no
 * pending invocation, a second invocation while one is pending, a completion
 * naming another operation, or an operation the model does not know.
 *
 * Pairing: a record with an op id (HistoryOp.has_op_id) is paired with the
 * record of the same process carrying the same id, so a process may have
 * several operations pending. Records without one are paired by process,
 * and then a process may have only one pending operation (as in Jepsen,
 * where a process that times out is replaced by a new one). */
gboolean lincheck_check(const LincheckModel *model, GPtrArray *ops, const LincheckLimits *limits,
                        LincheckResult *result, GError **error);

/* What a check may be asked besides its limits. */
typedef struct {
  const HistoryValue *initial; /* the model's initial value, or NULL (see lincheck_check_from) */
  gboolean keep_order;         /* fill LincheckResult.linearization when linearizable */
} LincheckOptions;

/* As lincheck_check, with `options` (NULL: none). With options->initial,
 * every key starts from that value instead of the model's initial state. For a
 * model whose value is not a map, a map {k v ...} gives each key k its own
 * initial value v (keys absent from it start from the model's initial
 * state); any other value is every key's. FALSE with a GError "--initial:
 * ..." when the model takes no initial value or refuses it. */
gboolean lincheck_check_from(const LincheckModel *model, GPtrArray *ops, const LincheckOptions *options,
                             const LincheckLimits *limits, LincheckResult *result, GError **error);

/* Frees what `result` owns and zeroes it. */
void lincheck_result_clear(LincheckResult *result);

/* Prints the verdict as text: "linearizable (N operations, K keys, S steps)",
 * or the violation report, or "unknown: REASON after S steps (N operations,
 * U of K keys undecided)". Returns a new string. */
char *lincheck_result_format(const LincheckResult *result);
