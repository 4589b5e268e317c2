/* Values carried by client operations in the history: nil, an integer, a
 * pair (a compare-and-set's [old, new]) or a list of integers (a set read). */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>

typedef enum { SIM_V_NIL, SIM_V_INT, SIM_V_PAIR, SIM_V_LIST } SimValueKind;

typedef struct {
  SimValueKind kind;
  int64_t a, b;
  GArray *list; /* of int64_t, owned; only for SIM_V_LIST */
} SimValue;

static inline SimValue sim_value_nil(void) { return (SimValue) { SIM_V_NIL, 0, 0, NULL }; }
static inline SimValue sim_value_int(int64_t v) { return (SimValue) { SIM_V_INT, v, 0, NULL }; }
static inline SimValue sim_value_pair(int64_t a, int64_t b) { return (SimValue) { SIM_V_PAIR, a, b, NULL }; }
/* A list value holding a copy of `n` integers. */
SimValue sim_value_list(const int64_t *items, guint n);
SimValue sim_value_copy(const SimValue *v);
void sim_value_clear(SimValue *v);
/* JSON form: null, 5, [1, 4] or [1, 2, 3]. */
JsonNode *sim_value_to_json(const SimValue *v);
