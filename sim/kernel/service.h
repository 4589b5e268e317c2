/* Capacity: a node's service model. Without one a node handles every
 * message the instant it arrives (and nothing here runs). With one, the
 * node is a queueing station: `servers` jobs at a time, each taking a time
 * drawn from a distribution (per message type if asked), later arrivals
 * waiting in a FIFO room of `queue` places; an arrival that finds the room
 * full is dropped (traced `drop`, detail "overload") or, with overflow
 * "reject", handed to the model's on_overload handler (traced `drop`,
 * detail "rejected") so it can answer "busy".
 *
 * The model's handler runs at the END of a job's service: a reply leaves
 * after the work is done, and the time from arrival to the handler is the
 * response time of queueing theory. The trace's `deliver` (or `timer`)
 * line is written then, with a = time waited in the queue and b = time in
 * service, in nanoseconds.
 *
 * Faults: a paused node stops work in progress (a job resumes where it
 * stopped) and starts nothing, but its queue keeps filling and overflowing;
 * a crash empties the queue and abandons the jobs in service, each message
 * traced as `drop` with detail "node down". Service times are drawn from
 * the node's own stream ("service" indexed by node id), so giving one node
 * a service model changes no other random choice. */
#pragma once
#include "sim/kernel/histogram.h"
#include "sim/kernel/sim.h"

typedef enum {
  SIM_OVERFLOW_DROP,   /* a full queue drops the arrival */
  SIM_OVERFLOW_REJECT, /* ... and hands it to on_overload (a drop without one) */
} SimOverflow;

#define SIM_SERVICE_MAX_SERVERS 10000
#define SIM_SERVICE_MAX_QUEUE 1000000000

typedef struct {
  const char *type; /* a message type */
  SimDist time;
} SimServiceTypeTime;

/* What a scenario declares. `by_type` (`ntypes` entries) and its strings
 * belong to the caller; sim_node_set_service copies them. */
typedef struct {
  SimDist time;        /* a message whose type has no entry in by_type */
  const SimServiceTypeTime *by_type;
  guint ntypes;
  guint servers;       /* 1..SIM_SERVICE_MAX_SERVERS */
  guint64 queue;       /* waiting places, 0..SIM_SERVICE_MAX_QUEUE (0: a loss system) */
  SimOverflow overflow;
  gboolean timers;     /* timers are jobs too: they wait, never overflow */
  SimDist timer_time;  /* their service time */
} SimServiceSpec;

/* The defaults of `service = {}`: no time, 1 server, 1000 places, drop,
 * timers not served. */
void sim_service_spec_init(SimServiceSpec *spec);

/* Gives node `node` a service model. Only before the node has received
 * anything (right after sim_add_node); a second call, servers or queue out
 * of range fail with a GError and change nothing. */
gboolean sim_node_set_service(Sim *sim, int node, const SimServiceSpec *spec, GError **error);
gboolean sim_node_has_service(Sim *sim, int node);

/* What a node's service model measured, as of time `end` (normally
 * sim_now). Times in the histograms are milliseconds. The time-weighted
 * figures are over the node's life since the model was set; "in system"
 * counts the waiting jobs and those in service. Jobs lost at a crash or
 * still in the node at `end` have no response time, so L = λW holds
 * exactly only for a run that ends with the node empty. */
typedef struct {
  guint servers;
  guint64 queue_capacity;
  guint64 arrivals;         /* accepted: started at once or queued */
  guint64 completions;      /* served, handler run */
  guint64 overload_drops;   /* found the queue full and were dropped */
  guint64 rejected;         /* found it full and went to on_overload */
  guint64 abandoned;        /* waiting or in service at a crash */
  guint64 in_system;        /* now: waiting + in service */
  double observed_s;        /* the time the figures cover */
  double utilization;       /* busy server time / (servers × time not crashed) */
  double queue_mean;        /* time-weighted mean number waiting */
  guint64 queue_p99;        /* time-weighted 99th percentile of it */
  guint64 queue_max;
  double system_mean;       /* L: time-weighted mean number in system */
  double arrival_rate;      /* λ: accepted arrivals per second */
  double wait_mean_ms;      /* exact mean queueing delay of started jobs */
  double response_mean_ms;  /* W: exact mean arrival → end of service */
  const SimHistogram *wait_ms;     /* queueing delay of every started job */
  const SimHistogram *response_ms; /* response time of every completed job */
} SimServiceStats;

/* FALSE (and `out` untouched) when the node has no service model. */
gboolean sim_node_service_stats(Sim *sim, int node, SimTime end, SimServiceStats *out);
