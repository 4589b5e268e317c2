/* The pure half of `faultsim capacity`: service-level objectives (SLOs)
 * parsed from "p99<=200ms", a deterministic search for the highest rate at
 * which a pass/fail function holds (bracketing, then bisection), and the
 * mean of per-seed capacities with a Student-t 95% interval. Nothing here
 * runs a scenario: the search calls a probe function the caller supplies,
 * so tests can drive it with any pass function (cli_capacity.c supplies
 * scenario runs). */
#pragma once
#include <glib.h>

typedef enum { CAP_OP_GE, CAP_OP_LE, CAP_OP_GT, CAP_OP_LT } CapSloOp;

typedef enum {
  CAP_SLO_AVAILABILITY, /* ok / invoked, 0..1 */
  CAP_SLO_LATENCY,      /* a figure of ok operations' latency, in ms */
  CAP_SLO_METRIC,       /* a metric the scenario sets with metric() */
} CapSloKind;

/* The latency figures an SLO may name, in the order CSV columns list them. */
#define CAP_LATENCY_FIGURES 6
extern const char *const cap_latency_names[CAP_LATENCY_FIGURES]; /* p50 p90 p99 p999 mean max */

typedef struct {
  char *text;      /* as given, for messages */
  char *name;      /* "availability", "p99", or a metric name */
  CapSloKind kind;
  guint figure;    /* CAP_SLO_LATENCY: index into cap_latency_names */
  CapSloOp op;
  double value;    /* latency in ms; otherwise as written */
} CapSlo;

/* Parses "NAME OP VALUE" (spaces allowed around OP; OP one of >= <= > <).
 * NAME "availability" takes a number in 0..1; p50, p90, p99, p999, mean and
 * max take a duration with a unit (us, ms, s: "200ms"); any other name is a
 * metric (a letter or '_' then letters, digits, '_', '.' or '-') and takes
 * a finite number. FALSE with `error` naming the text and what is wrong
 * otherwise; `out` is then untouched. Free the result's strings with
 * cap_slo_clear. */
gboolean cap_slo_parse(const char *text, CapSlo *out, GError **error);
void cap_slo_clear(CapSlo *slo);

/* Whether `measured` meets the SLO; NAN (nothing measured) never does. */
gboolean cap_slo_holds(const CapSlo *slo, double measured);

/* "p99<=200ms" style text of the operator. */
const char *cap_slo_op_text(CapSloOp op);

/* A candidate rate as the search uses it: rounded to an integer when
 * `integer`, else to 6 significant digits, so the decimal text
 * cap_rate_text prints (and a rerun command passes to --set) is exactly
 * the rate that was probed. */
double cap_rate_round(double rate, gboolean integer);
/* The rate as decimal text ("%.6g"; an integer without exponent when
 * `integer`). Free with g_free. */
char *cap_rate_text(double rate, gboolean integer);

/* One probe of the search. Returns FALSE and sets `error` when the rate
 * could not be measured (a scenario that failed): the search stops. */
typedef gboolean (*CapProbe)(double rate, gboolean *pass, void *data, GError **error);

/* Error codes of the CAP_SEARCH_ERROR domain. */
typedef enum {
  CAP_SEARCH_UNBOUNDED, /* every SLO still held after max_steps doublings */
  CAP_SEARCH_NO_PASS,   /* no rate down to from / 2^max_steps held */
  CAP_SEARCH_PROBE,     /* the probe failed (its error is passed on) */
} CapSearchError;
#define CAP_SEARCH_ERROR (cap_search_error_quark())
GQuark cap_search_error_quark(void);

typedef struct {
  double from;        /* first rate, > 0 */
  double tolerance;   /* relative width at which bisection stops, in (0, 1) */
  guint max_steps;    /* doublings or halvings while bracketing */
  gboolean integer;   /* the parameter takes integers */
} CapSearchSpec;

typedef struct {
  double rate;
  gboolean pass;
} CapProbeResult;

typedef struct {
  GArray *probes;     /* CapProbeResult, in the order probed */
  double capacity;    /* the highest rate probed that passed */
  double lo, hi;      /* the final bracket: lo passed, hi failed */
} CapSearchResult;

/* Searches for the highest rate that passes. Bracketing: probe `from`;
 * while it passes double the rate until one fails, or while it fails halve
 * it until one passes (at most max_steps times). Then bisection between the
 * highest pass and the lowest fail above it until hi - lo <= tolerance * lo
 * (or, for integers, until hi - lo <= 1 if that comes first). Every candidate goes through
 * cap_rate_round; a rate probed once is never probed again. The result's
 * capacity is the highest passing rate probed, even when the pass function
 * is not monotone. `progress` (may be NULL) is called after every probe
 * with the current bracket (NAN where not known yet).
 * FALSE with `error` (CAP_SEARCH_ERROR) when the bracket cannot be closed or
 * a probe fails; `out->probes` still lists the probes made. Free `out`
 * with cap_search_result_clear. */
typedef void (*CapProgress)(double lo, double hi, guint probes, void *data);
gboolean cap_search(const CapSearchSpec *spec, CapProbe probe, CapProgress progress, void *data,
                    CapSearchResult *out, GError **error);
void cap_search_result_clear(CapSearchResult *r);

/* The two-sided 95% Student-t quantile t(0.975, df), df >= 1. */
double cap_t975(guint df);

/* Mean, sample standard deviation's 95% half-width (t * s / sqrt(n); NAN
 * when n < 2), min and max of x[0..n-1]; n >= 1. */
void cap_mean_ci(const double *x, guint n, double *mean, double *half, double *min, double *max);
