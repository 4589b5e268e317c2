/* What a protocol model is, to the kernel: a vtable of handlers plus its
 * declared parameters. The kernel runs a node through these pointers and
 * never names a model; the list of built-in models is models/registry.h. */
#pragma once
#include "sim/kernel/sim.h"

typedef enum {
  SIM_PARAM_INT,
  SIM_PARAM_DOUBLE,
  SIM_PARAM_BOOL,
  SIM_PARAM_STRING,
  SIM_PARAM_DURATION,
  SIM_PARAM_NODES, /* comma-separated node names, resolved to ids */
} SimParamType;

typedef struct {
  const char *name;
  SimParamType type;
  const char *default_value; /* text, parsed like a --set value */
  const char *help;
  /* Allowed range of an INT, DOUBLE or DURATION (in seconds) value; both 0
   * means any. A value outside it is an error naming the parameter. */
  double min, max;
} SimParamSpec;

struct SimModel {
  const char *name;
  const char *summary;
  const SimParamSpec *params; /* terminated by { NULL } */
  /* At the node's first start, with empty volatile state. */
  void (*init)(SimNode *node);
  void (*on_message)(SimNode *node, const SimMsg *msg);
  void (*on_timer)(SimNode *node, uint64_t tag);
  /* Optional: the node just crashed; its volatile state is freed after. */
  void (*on_crash)(SimNode *node);
  /* Optional: restart after a crash; volatile state is empty, durable state
   * is as it was. Defaults to init. */
  void (*on_restart)(SimNode *node);
  /* Optional, client models: a workload asks the client to perform an
   * operation already recorded as invoked. */
  void (*on_invoke)(SimNode *node, uint64_t op, const char *f,
                    const SimValue *key, const SimValue *value);
  /* Optional: once at the end, with every node running this model. */
  void (*finish)(Sim *sim, SimNode *const *nodes, guint count);
  /* Client models: the operation names on_invoke accepts, NULL-terminated;
   * a workload asking for another one is refused before the run. NULL for
   * models that take no operations (and for Lua models that declare none:
   * then any name goes to on_invoke). */
  const char *const *ops;
  /* Optional, for nodes whose service model says overflow = "reject": a
   * message that found the waiting room full comes here instead of being
   * dropped (sim/kernel/service.h). It runs at once, taking no service
   * time, so the model can answer "busy". */
  void (*on_overload)(SimNode *node, const SimMsg *msg);
  /* Optional, client models with a retry policy (sim/kernel/retry.h): op
   * `op`, still pending, failed or timed out its last attempt and its
   * backoff is over; send a new request for it. `attempt` is 2 for the
   * first retry. A node with a policy needs this handler. */
  void (*on_retry)(SimNode *node, uint64_t op, const char *f, const SimValue *key,
                   const SimValue *value, guint attempt);
};

/* "int", "number", "bool", "string", "duration" or "nodes". */
const char *sim_param_type_name(SimParamType type);
