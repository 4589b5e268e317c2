/* The trace around a violation, for `faultsim grade`: the failing seed is
 * run again with a trace file, and the dozen message, fault and protocol
 * events nearest the violation's time that concern the nodes its message
 * names are shown, one line each, so a student sees what happened on the
 * wire without opening the trace. */
#pragma once
#include "sim/lua/scenario.h"

#define GRADE_EXCERPT_BEFORE 9  /* events at or before the violation */
#define GRADE_EXCERPT_AFTER 3   /* events after it */

/* The time of an invariant example ("t=5.829754s: ...", or
 * "NAME: t=...s: ..."), rounded to the nanosecond; FALSE when it has none. */
gboolean grade_violation_time(const char *example, SimTime *at);

/* Runs `path` again for `seed` with `overrides` and a trace in a temporary
 * file (removed before returning), and returns the excerpt's lines (free
 * with g_ptr_array_unref): up to GRADE_EXCERPT_BEFORE events at or before
 * `at` and GRADE_EXCERPT_AFTER after it, among sends, deliveries, drops,
 * duplicates, crashes, restarts, pauses, resumes and emitted events whose
 * node or peer is a node named (as a whole word) in `text` — every node
 * when it names none. `*nodes` gets those names, comma-separated. NULL
 * with `error` when the run or the trace fails. */
GPtrArray *grade_excerpt(const char *path, guint64 seed, GHashTable *overrides, const ScenarioLimits *limits,
                         SimTime at, const char *text, char **nodes, GError **error);
