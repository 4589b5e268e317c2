/* Jepsen's EDN histories as operations: a whole history.edn (a vector or
 * list of operation maps, or maps one after another, across any number of
 * lines, with comments) read with the EDN reader (sim/check/edn_reader.h)
 * one operation at a time, straight from the text (no copy of it), and the
 * pieces of an operation that the Jepsen log reader shares. Used by
 * sim/check/history_read.c. */
#pragma once
#include "sim/check/history_read.h"
#include "sim/check/edn_reader.h"

/* Reads every operation of the EDN history text[0..len) (UTF-8 already
 * checked) and appends them to `ops` (HistoryOp*), nemesis operations
 * skipped. Keys other than :process, :type, :f, :value, :key, :index,
 * :time and :op (faultsim's operation id, as in its JSON lines) are ignored. FALSE with `error` set ("SOURCE:LINE:COLUMN: ...",
 * SIM_ERROR_INVALID) on the first malformed value or operation. */
gboolean history_edn_read(const char *text, gsize len, const char *source, GPtrArray *ops,
                          GError **error);

/* Parses a type name ("invoke", "ok", "fail", "info"); FALSE for others. */
gboolean history_type_parse(const char *name, HistoryType *out);

/* Fills op->process from a process value (an integer); sets *skip for the
 * nemesis (:nemesis or "nemesis"). FALSE with a message (no location) for
 * anything else. */
gboolean history_process_value(const HistoryValue *pv, HistoryOp *op, gboolean *skip, GError **error);
