/* One finished run of a sweep, as `--out FILE.jsonl` stores it: one JSON
 * object per line with the keys
 *   scenario         the path as given
 *   params           the swept parameters, name → value text, in --param order
 *   seed
 *   status           "held", "violated", "undecided" or "error"
 *   digest           the trace digest (null for an error)
 *   availability     ok / invoked (null without operations or for an error)
 *   metrics          name → number: each plain metric; a sampled series
 *                    gives NAME (its sample count) and, with samples,
 *                    NAME.p50, NAME.p90, NAME.p99 and NAME.max
 *   violations       invariant → count (every declared invariant)
 *   first_violation  the first failed expectation with the first example
 *                    of the first violated invariant, or for a run that
 *                    held that example alone; null when none
 *   error            why the run could not run, or null
 *   point            the parameter point's index in sweep order
 *   set              the --set parameters, name → value, in the order given
 * The keys up to `error` are the contract with `faultsim plot`; `point` and
 * `set` let `merge` and `--resume` put runs back in sweep order and print
 * the command that reruns one. */
#pragma once
#include "sim/lua/scenario.h"
#include <glib.h>

typedef enum { SWEEP_HELD, SWEEP_VIOLATED, SWEEP_UNDECIDED, SWEEP_ERROR } SweepStatus;

typedef struct {
  char *name;
  double value;
} SweepNumber;

typedef struct {
  char *scenario;
  GPtrArray *params;   /* of char*: name, value, name, value, ... in order */
  GPtrArray *sets;     /* the same for --set */
  guint64 point, seed;
  SweepStatus status;
  char *digest;        /* NULL for an error */
  double availability; /* NaN when there is none */
  GArray *metrics;     /* of SweepNumber, sorted by name */
  GArray *violations;  /* of SweepNumber (whole counts), sorted by name */
  char *first_violation, *error;
} SweepRun;

/* A new run record; `params` and `sets` are name/value pairs, copied. */
SweepRun *sweep_run_new(const char *scenario, const GPtrArray *params, const GPtrArray *sets, guint64 point,
                        guint64 seed);
void sweep_run_free(SweepRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepRun, sweep_run_free)

/* Fills status, digest, availability, metrics, violations and
 * first_violation from the finished scenario. */
void sweep_run_fill(SweepRun *run, Scenario *sc);
/* The first example of the first violated invariant (in name order), as
 * "name: example", or NULL: what `check` and `sweep` show of a failure. */
char *sweep_first_example(Scenario *sc);
/* Marks the run as an error with `message`. */
void sweep_run_fail(SweepRun *run, const char *message);

/* The run as one line of JSON, ending in '\n'. */
char *sweep_run_to_json(const SweepRun *run);
/* Parses one line; NULL with `error` ("FILE:LINE: ...", from `where`) when
 * it is not a run record. */
SweepRun *sweep_run_from_json(const char *line, gsize len, const char *where, GError **error);

const char *sweep_status_name(SweepStatus status);
/* The value of metric `name`, or NaN when the run has none. */
double sweep_run_metric(const SweepRun *run, const char *name);
