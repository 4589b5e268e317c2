#include "sim/kernel/errors.h"
G_DEFINE_QUARK(faultsim-error-quark, sim_error)
