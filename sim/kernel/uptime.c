/* Per-node uptime counters, kept by the kernel at every crash and restart
 * (sim_crash and sim_restart call in here), and the figures derived from
 * them (see sim_node_uptime in sim/kernel/sim.h). Integer nanoseconds throughout; seconds
 * only in the reported means. */
#include "sim/kernel/internal.h"
#include <math.h>

void sim_uptime_start(SimNode *node, SimTime now)
{
  /* Born at 0 (most nodes): nothing to keep. */
  if (now != 0) {
    SimNodeCold *c = sim_node_cold(node);
    c->born = now;
    c->since = now;
  }
}

void sim_uptime_crash(SimNode *node, SimTime now)
{
  SimNodeCold *c = sim_node_cold(node);
  c->crashes++;
  c->ttf_sum += now - c->since;
  c->since = now;
}

void sim_uptime_restart(SimNode *node, SimTime now)
{
  SimNodeCold *c = sim_node_cold(node);
  c->restarts++;
  c->ttr_sum += now - c->since;
  c->down_total += now - c->since;
  c->since = now;
}

void sim_node_uptime(Sim *sim, int id, SimTime end, SimNodeUptime *out)
{
  const SimNode *node = sim_node(sim, id);
  /* A node without a cold part never crashed. */
  static const SimNodeCold never = { 0 };
  const SimNodeCold *c = node->cold ? node->cold : &never;
  SimTime lived = end - sim_node_born(node);
  SimTime down = c->down_total;
  if (node->state == SIM_NODE_CRASHED && end > c->since)
    down += end - c->since;
  out->uptime = lived > 0 ? (double) (lived - down) / (double) lived : NAN;
  out->crashes = c->crashes;
  out->restarts = c->restarts;
  out->mttf_s = c->crashes ? sim_time_to_seconds(c->ttf_sum) / (double) c->crashes : NAN;
  out->mttr_s = c->restarts ? sim_time_to_seconds(c->ttr_sum) / (double) c->restarts : NAN;
}
