/* Outputs of a linearizability check besides the text report
 * (lincheck_result_format): a JSON object for programs, and an SVG picture
 * of a violation's window for people, the picture Knossos and Porcupine
 * users look at first: processes as rows, operations as bars from
 * invocation to completion, the operation that cannot be placed in red, and
 * the last order the search could linearize numbered on its bars. */
#pragma once
#include "sim/check/lincheck.h"

/* The verdict as one JSON object (a new string, ending in a newline):
 *   valid       true, false, or "unknown"
 *   model, file, operations, keys, dropped, steps, seconds (wall-clock
 *               time of the check), peak_memory_bytes
 *   reason, undecided_keys                      (unknown)
 *   key, op {index, process, line, text}, concurrent [text...],
 *   states [text...], window [{index, process, label, invoke, complete,
 *   order, bad}...]                             (violation; complete is
 *               null when the outcome is unknown, order null when the op
 *               is not in the order drawn)
 *   linearization [text...]                     (when it was kept) */
char *lincheck_result_json(const LincheckResult *r, const char *model, const char *file, double seconds);

/* The SVG picture of r's window (a violation), a new string; `title`
 * heads it (e.g. the file name). Every text is XML-escaped. */
char *lincheck_result_svg(const LincheckResult *r, const char *title);
