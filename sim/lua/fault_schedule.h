/* The fault schedule of a run: every fault the scenario API applied
 * (lua_faults.c, and link() once the run is going) as an explicit list of
 * timed faults with resolved arguments, whatever chose it — an at() call,
 * a nemesis's random draw, a hook on a protocol event, explore's swarm.
 *
 * A run can record its schedule, and a run can replay one: the scenario's
 * own fault calls are then switched off and the listed faults are applied
 * at their times instead. `faultsim shrink` records a failing run, edits
 * the list (fewer faults, other times, shorter durations) and replays each
 * candidate; the schedule prints as Lua at(...) calls for the scenario it
 * writes. */
#pragma once
#include "sim/kernel/sim.h"
#include <lua.h>

typedef enum {
  FAULT_CRASH, FAULT_RESTART, FAULT_CRASH_RESTART, FAULT_PAUSE, FAULT_RESUME,
  FAULT_CLOCK_JUMP, FAULT_CLOCK_OFFSET, FAULT_CLOCK_DRIFT, FAULT_PARTITION,
  FAULT_HEAL, FAULT_CUT, FAULT_RESTORE, FAULT_LINK, FAULT_LOSE_UNSYNCED,
} FaultKind;

typedef struct {
  FaultKind kind;
  SimTime at;          /* simulated time it was applied */
  guint64 trace_pos;   /* traced events before it (for exact replay) */
  gboolean in_hook;    /* applied inside an event hook, during an event */
  gboolean follows;    /* events at the same instant were traced before it */
  /* Made in a hook: the event it was made at (kind, node, peer, message
   * type), so a replay like at() can wait for that event again. */
  gboolean triggered;
  int trigger_kind, trigger_node, trigger_peer;
  char *trigger_type;  /* or NULL */
  int node, peer;      /* peer: cut/restore/link's other end; else -1 */
  SimTime span;        /* crash_restart downtime, pause length (0 = until
                          resume()), clock jump or offset */
  double ppm;          /* clock drift */
  int *group_of;       /* partition: each node's group, -1 for none */
  guint nodes;         /* length of group_of */
  SimLinkConfig link[2]; /* link: node → peer, and peer → node unless oneway */
  gboolean oneway;
} Fault;

typedef struct {
  GArray *faults;      /* of Fault, in the order applied */
} FaultSchedule;

FaultSchedule *fault_schedule_new(void);
void fault_schedule_free(FaultSchedule *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FaultSchedule, fault_schedule_free)
/* A deep copy of `s`. */
FaultSchedule *fault_schedule_copy(const FaultSchedule *s);
/* Appends a deep copy of `f`. */
void fault_schedule_add(FaultSchedule *s, const Fault *f);
guint fault_schedule_len(const FaultSchedule *s);
Fault *fault_schedule_get(const FaultSchedule *s, guint i);

/* How a run treats faults (Scenario.faults, set from ScenarioOptions). */
typedef struct FaultLog FaultLog;

/* Records into `record` (may be NULL); replays `replay` (may be NULL: the
 * scenario's own faults apply). With `exact`, a replayed fault waits for
 * the number of traced events it was recorded after, so a schedule
 * recorded from a run replays to the same trace digest; without, each
 * fault applies at its time like an at() call made after the script's top
 * level (the semantics of the scenario shrink writes). NULL when neither
 * is asked for. */
FaultLog *fault_log_new(Sim *sim, FaultSchedule *record, const FaultSchedule *replay, gboolean exact);
void fault_log_free(FaultLog *log);
/* Schedules the replayed faults; call once after the script's top level. */
void fault_log_start(FaultLog *log);

/* The scenario API's entry for fault `f` (f->at and trace fields are
 * filled here): unless a replay has switched the scenario's own faults
 * off, records it and applies it. `in_hook`: called from an event hook.
 * FALSE only when the kernel rejected it (a clock beyond its range);
 * nothing is recorded then. `log` may be NULL (apply only). */
gboolean fault_log_apply(FaultLog *log, Sim *sim, const Fault *f, gboolean in_hook);

/* Applies `f` to the Sim, no recording: what a replay does. FALSE as
 * above. */
gboolean fault_apply(Sim *sim, const Fault *f);

/* Appends `f` as a Lua statement (no at(): "partition({\"a\"}, {\"b\"})",
 * "pause(\"n1\", \"1.5s\")"), node names from `sim`, each fault function
 * reached through the table named `prefix` ("" for the globals). */
void fault_to_lua(GString *out, Sim *sim, const Fault *f, const char *prefix);
/* For a fault made in a hook (f->triggered): the event filter, as Lua,
 * that matches the event it was made at ("{ kind = \"send\", node = ...}"). */
void fault_trigger_to_lua(GString *out, Sim *sim, const Fault *f);
/* A short description of the fault's kind ("partition", "crash"). */
const char *fault_kind_name(FaultKind kind);
/* A duration as Lua text, exact to the nanosecond ("1.5s", "0.000001234s"). */
char *fault_duration_text(SimTime t);
