/* Per-node uptime counters, kept by the kernel at every crash and restart
 * (sim_crash and sim_restart call in here), and the figures derived from
 * them (see sim_node_uptime in sim/kernel/sim.h). Integer nanoseconds throughout; seconds
 * only in the reported means. */
#include "sim/kernel/internal.h"
#include <math.h>

void sim_uptime_start(SimNode *node, SimTime now)
{
  node->born = now;
  node->since = now;
}

void sim_uptime_crash(SimNode *node, SimTime now)
{
  node->crashes++;
  node->ttf_sum += now - node->since;
  node->since = now;
}

void sim_uptime_restart(SimNode *node, SimTime now)
{
  node->restarts++;
  node->ttr_sum += now - node->since;
  node->down_total += now - node->since;
  node->since = now;
}

void sim_node_uptime(Sim *sim, int id, SimTime end, SimNodeUptime *out)
{
  const SimNode *node = sim_node(sim, id);
  SimTime lived = end - node->born;
  SimTime down = node->down_total;
  if (node->state == SIM_NODE_CRASHED && end > node->since)
    down += end - node->since;
  out->uptime = lived > 0 ? (double) (lived - down) / (double) lived : NAN;
  out->crashes = node->crashes;
  out->restarts = node->restarts;
  out->mttf_s = node->crashes ? sim_time_to_seconds(node->ttf_sum) / (double) node->crashes : NAN;
  out->mttr_s = node->restarts ? sim_time_to_seconds(node->ttr_sum) / (double) node->restarts : NAN;
}
