/* Where two event traces (`faultsim run --trace`, JSON lines, one event a
 * line) first differ: for "it passed on seed 7 and failed after my change".
 * Equal lines are equal events (the trace writes each event canonically). */
#pragma once
#include <glib.h>
#include <stdio.h>

typedef struct {
  gboolean differ;
  guint64 index;       /* 1-based number of the first differing event (one past
                          the shorter trace when one is a prefix of the other) */
  GPtrArray *before;   /* up to `context` equal events just before it (char*) */
  GPtrArray *a, *b;    /* from the first differing event on, up to `context` + 1
                          events of each trace; empty where a trace ended */
  guint64 a_events, b_events; /* events read from each (all of them when equal) */
} TraceDiff;

/* Reads both traces (to their ends when they are equal; only as far as
 * needed otherwise) and fills `out`. Lines keep no newline. FALSE with
 * `error` when a file cannot be read. */
gboolean trace_diff(FILE *a, FILE *b, guint context, TraceDiff *out, GError **error);
void trace_diff_clear(TraceDiff *d);
/* The simulated time ("t") of a trace line in nanoseconds, or -1. */
gint64 trace_line_time(const char *line);
