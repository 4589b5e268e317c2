/* sim/report/: what a finished run measured, as people and programs read
 * it. The end-of-run report (text, or one JSON object for --json), the
 * availability timeline and per-node uptime (availability.h, also as CSV).
 * Reports read the Sim's history, stats, invariants and metrics; they never
 * reach into a model, and everything is printed in name, id or time order,
 * never in hash order. */
#pragma once
#include "sim/lua/scenario.h"
#include <json-glib/json-glib.h>

/* The whole report; `failures` are the verdict's failed expectations. */
JsonNode *scenario_report_json(Scenario *sc, GPtrArray *failures);
void scenario_report_text(Scenario *sc, GPtrArray *failures, FILE *out);

/* report_avail.c: the availability timeline and per-node uptime, as JSON
 * members ("availability_timeline", "nodes") added to the open object of
 * `b`, as text lines, and as CSV (header t_start_s,t_end_s,invoked,ok,
 * availability; an empty availability where nothing was invoked). */
void report_availability_json(Scenario *sc, JsonBuilder *b);
void report_availability_text(Scenario *sc, FILE *out);
void report_availability_csv(Scenario *sc, FILE *out);

/* report_links.c: per directed link with a bandwidth, what it carried,
 * its utilization and the backlog left at the end, as a JSON member
 * "links" (absent when no link had a bandwidth) and as text lines. */
void report_links_json(Scenario *sc, JsonBuilder *b);
void report_links_text(Scenario *sc, FILE *out);
/* report_service.c: a node's service figures (sim/kernel/service.h) as a
 * "service" member added to the open object of `b` (nothing for a node
 * without a service model), and as text lines for every node that has one. */
void report_service_json(Scenario *sc, JsonBuilder *b, int node);
void report_service_text(Scenario *sc, FILE *out);
/* The same as CSV, a row per node with a service model, in id order; the
 * header is REPORT_SERVICE_CSV_HEADER. An empty field is a figure with no
 * sample. */
#define REPORT_SERVICE_CSV_HEADER                                                                           \
  "node,servers,queue_capacity,arrivals,completions,overload_drops,rejected,abandoned,utilization,"       \
  "queue_mean,queue_p99,queue_max,in_system_mean,arrival_rate,wait_mean_ms,wait_p50_ms,wait_p99_ms,"       \
  "response_mean_ms,response_p50_ms,response_p99_ms,response_max_ms\n"
void report_service_csv(Scenario *sc, FILE *out);

/* report_clients.c: per node that invoked an operation, its client figures
 * (sim/kernel/retry.h) as a "client" member added to the open object of
 * `b` (nothing for other nodes); as text lines (a "clients" total and a
 * line per client) only when some node has a retry policy; and as CSV, a
 * row per such node in id order, under REPORT_CLIENTS_CSV_HEADER. */
void report_clients_json(Scenario *sc, JsonBuilder *b, int node);
void report_clients_text(Scenario *sc, FILE *out);
#define REPORT_CLIENTS_CSV_HEADER \
  "node,ops,attempts,retries,retries_denied,ok,fail,info,offered_per_s,goodput_per_s\n"
void report_clients_csv(Scenario *sc, FILE *out);
