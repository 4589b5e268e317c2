/* JSON-lines input for `faultsim plot` (a --trace or --history file). */
#pragma once
#include "sim/kernel/time.h"
#include <json-glib/json-glib.h>

/* Called with each line's object; FALSE with `error` stops the reading. */
typedef gboolean (*PlotJsonLine)(JsonObject *o, void *data, GError **error);

/* Calls `fn` on every non-empty line of `path` in order. FALSE with
 * `error` ("file:line: ...") for a file that cannot be read, a line that
 * is not a JSON object, or the error `fn` set (prefixed with the line). */
gboolean plot_jsonl_each(const char *path, PlotJsonLine fn, void *data, GError **error);

/* Member `name` of `o` as an integer; FALSE with `error` naming it. */
gboolean plot_member_int(JsonObject *o, const char *name, gint64 *out, GError **error);
/* Member `name` of `o` if it is a string, else NULL. */
const char *plot_member_string(JsonObject *o, const char *name);

/* --window TEXT: a duration above 0 into *out; leaves *out alone when
 * `text` is NULL. FALSE with `error` naming the flag. */
gboolean plot_parse_window(const char *text, SimTime *out, GError **error);

/* The default window for `span` of time: the smallest 1, 2 or 5 × 10^k ns
 * that gives fewer than `most` windows. */
SimTime plot_default_window(SimTime span, guint most);
