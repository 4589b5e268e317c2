/* The list of protocol models compiled into faultsim. The kernel never sees
 * it: the scenario API (node(), clients{}) and `faultsim models` look models
 * up here by name and hand the vtable to sim_add_node. */
#pragma once
#include "sim/kernel/model.h"

/* Every registered model, NULL-terminated, sorted by name. */
const SimModel *const *sim_registry(void);
/* The model called `name`, or NULL. */
const SimModel *sim_registry_find(const char *name);
