/* Client behaviour under overload: retries with a policy, a retry budget,
 * and the per-client figures (ops, attempts, retries, outcomes).
 *
 * A node's retry policy covers every operation it invokes. The op's
 * `timeout` is per attempt: when an attempt times out (or, with on_fail,
 * the model completes the op with fail) and a retry and the budget allow
 * it, the op stays pending; after the backoff the kernel calls the model's
 * on_retry(node, op, f, key, value, attempt), which sends a new request (a
 * new message: retries add load). A reply to any attempt completes the op.
 * With no retry left the outcome is as without a policy: info on a
 * timeout, fail on a fail. A client crashed (or restarted) by the time of
 * its retry completes the op as info and sends nothing.
 *
 * Backoff of retry k (k = 1 for the second attempt): a constant, or
 * "exp:BASE,FACTOR,CAP" = min(CAP, BASE × FACTOR^(k−1)), then jitter as in
 * Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog,
 * 2015: full = uniform in [0, d], equal = d/2 + uniform in [0, d/2]. The
 * draws come from the node's own stream ("retry" indexed by node id), so
 * giving one node a policy changes no other random choice.
 *
 * Budget: a token bucket in the manner of gRPC's retry throttling (gRFC A6)
 * and Finagle's RetryBudget. It starts full at `burst` tokens; every first
 * attempt adds `ratio` (capped at burst), every retry takes one; a retry
 * without a whole token is denied (counted, traced `retry` with detail
 * "denied") and the op ends as it would without retries. Tokens are kept in
 * thousandths, so the arithmetic is exact (gRPC's throttle counts
 * milli-tokens the same way, its ratio to three decimal places).
 *
 * The trace gets a `retry` line (node = client, a = op id, b = attempt)
 * only when a retry happens or is denied: runs without a policy keep their
 * trace digests. */
#pragma once
#include "sim/kernel/sim.h"

typedef enum { SIM_JITTER_NONE, SIM_JITTER_FULL, SIM_JITTER_EQUAL } SimJitter;

#define SIM_RETRY_MAX 1000          /* retries per op */
#define SIM_RETRY_MAX_FACTOR 1000.0 /* exp backoff growth per retry */
#define SIM_RETRY_MAX_RATIO 1000.0  /* tokens per first attempt */
#define SIM_RETRY_MAX_BURST 1000000 /* tokens in the bucket */

typedef struct {
  guint max;          /* retries after the first attempt, 0..SIM_RETRY_MAX */
  SimTime base;       /* the delay of the first retry (constant: of all) */
  double factor;      /* >= 1: growth per retry; 1 = constant backoff */
  SimTime cap;        /* no delay beyond it (before jitter) */
  SimJitter jitter;
  gboolean on_fail;   /* a fail outcome is retried too, not only a timeout */
  gboolean budget;    /* the token bucket is on */
  guint32 ratio_milli; /* thousandths of a token per first attempt */
  guint32 burst;       /* bucket size in tokens */
} SimRetryPolicy;

/* The defaults of `retry = {}`: 3 retries, immediately, no jitter, on
 * timeouts only, no budget (a budget = {} is ratio 0.1, burst 10). */
void sim_retry_policy_init(SimRetryPolicy *policy);

/* Parses a backoff into `policy` (base, factor, cap): "exp:BASE,FACTOR,CAP"
 * (durations as sim_time_parse reads them, FACTOR a number in
 * [1, SIM_RETRY_MAX_FACTOR], CAP >= BASE), or a plain duration (constant;
 * "0" = immediate). Fails with a GError naming the text, `policy`
 * untouched. */
gboolean sim_retry_parse_backoff(const char *text, SimRetryPolicy *policy, GError **error);

/* The delay before retry `k` (1 = the first retry), before jitter:
 * min(cap, base × factor^(k−1)), saturating, never negative. */
SimTime sim_retry_backoff(const SimRetryPolicy *policy, guint k);

/* `delay` with the policy's jitter applied, drawing from `rng` only when
 * there is a jitter and delay > 0. The result is in [0, delay]. */
SimTime sim_retry_jitter(const SimRetryPolicy *policy, SimTime delay, SimRng *rng);

/* Gives node `node` a retry policy (a copy), replacing any earlier one (and
 * refilling its bucket). Fails, changing nothing, when the node's model has
 * no on_retry or a field is out of range. */
gboolean sim_node_set_retry(Sim *sim, int node, const SimRetryPolicy *policy, GError **error);
gboolean sim_node_has_retry(Sim *sim, int node);

/* What a client node did, as of time `end`. ops = operations invoked;
 * attempts = first attempts + retries sent; retries_denied = retries the
 * budget refused; ok/fail/info = outcomes recorded. The rates are per
 * second of the node's life (from its creation to `end`), 0 when it lived
 * no time. */
typedef struct {
  guint64 ops, attempts, retries, retries_denied, ok, fail, info;
  double lived_s, offered_per_s, goodput_per_s;
  gboolean has_policy;
} SimClientStats;

/* FALSE (and `out` zeroed) when the node never invoked an operation. */
gboolean sim_node_client_stats(Sim *sim, int node, SimTime end, SimClientStats *out);
