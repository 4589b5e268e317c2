/* A small reader for the subset of EDN that Jepsen histories use: nil,
 * true/false, integers, strings, keywords, symbols, vectors, lists, sets,
 * maps, commas as whitespace, ';' comments and tagged values (#tag value,
 * the tag is dropped). Floats are kept as HISTORY_SYM text. Used by
 * history_read.c; nothing here knows about operations. */
#pragma once
#include "sim/check/history_read.h"

/* Parses exactly one EDN value from text[0..len) (surrounding whitespace
 * allowed). Returns a new value, or NULL with `error` set (SIM_ERROR_INVALID,
 * message without a location; nesting deeper than HISTORY_MAX_DEPTH is
 * refused). */
HistoryValue *history_edn_parse(const char *text, gsize len, GError **error);
/* Parses the first EDN value of text[0..len) (leading whitespace allowed)
 * and sets *used to the bytes it took; what follows is not looked at.
 * NULL with `error` set as history_edn_parse. */
HistoryValue *history_edn_parse_prefix(const char *text, gsize len, gsize *used, GError **error);
