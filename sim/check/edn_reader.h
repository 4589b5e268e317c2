/* A reader for EDN (https://github.com/edn-format/edn), the notation Jepsen
 * and Knossos write histories in: a recursive-descent parser over a byte
 * range that tracks line and column, so every error names FILE:LINE:COLUMN.
 *
 * What it reads, into HistoryValue (sim/check/history_read.h):
 *   nil, true, false; integers (an N suffix allowed; beyond 64 bits is an
 *   error "integer out of range"); floats (an M suffix allowed), ratios,
 *   ##Inf/##NaN and characters (\a, \newline) are kept as HISTORY_SYM text;
 *   strings with the escapes \t \r \n \b \f \" \\ \uXXXX; keywords;
 *   symbols; vectors and lists (HISTORY_LIST), sets, maps.
 *   Whitespace includes commas; ';' comments run to the end of the line;
 *   #_ discards the next value. A tagged value (#inst "...", #uuid "...",
 *   #jepsen.history.Op{...}) is read as its value: the tag is dropped.
 * Nesting deeper than the reader's depth bound is refused before the C
 * stack can be exhausted. The caller validates UTF-8 (and NUL bytes) over
 * the whole text first. Nothing here knows about operations. */
#pragma once
#include "sim/check/history_read.h"

typedef struct {
  const char *source;      /* file name, for messages */
  const char *p;           /* next byte */
  const char *end;
  guint line;              /* line of p, 1-based */
  const char *line_start;  /* first byte of that line (may lie before the text
                            * given, when the reader starts mid-line) */
  guint max_depth;         /* nesting allowed below a value read by edn_read */
  gboolean skipping;       /* reading values only to check and pass them */
  guint base_depth;        /* the nesting of the values edn_read begins at */
} EdnReader;

/* A position in the text, for messages about something read earlier. */
typedef struct {
  guint line;
  const char *line_start;
  const char *at;
} EdnPos;

/* Prepares `r` to read text[0..len), which starts at `line` (1-based) with
 * `line_start` the first byte of that line (text itself when it starts a
 * line). Depth bound: HISTORY_MAX_DEPTH. */
void edn_reader_init(EdnReader *r, const char *source, const char *text, gsize len, guint line,
                     const char *line_start);

/* The 1-based column of byte `at` on the line starting at `line_start`, in
 * characters (UTF-8 continuation bytes do not count). */
guint edn_column(const char *line_start, const char *at);

/* The reader's current position. */
EdnPos edn_pos(const EdnReader *r);

/* Sets `error` (SIM_ERROR_INVALID) to "SOURCE:LINE:COLUMN: MESSAGE" for
 * position `pos`; the column counts characters from 1. */
void edn_error_at(const EdnReader *r, EdnPos pos, GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

/* Skips whitespace, commas, comments and #_ discarded values. FALSE with
 * `error` set only when a discarded value is malformed. */
gboolean edn_skip(EdnReader *r, GError **error);

/* TRUE when only whitespace and comments are left (after edn_skip). */
gboolean edn_at_end(const EdnReader *r);

/* Reads one value at the cursor (after leading whitespace). Returns a new
 * value, or NULL with `error` set ("SOURCE:LINE:COLUMN: ..."). */
HistoryValue *edn_read(EdnReader *r, GError **error);

/* Reads one value at the cursor as edn_read does, checking it, without
 * building it (for the keys of an operation that are ignored). */
gboolean edn_skip_value(EdnReader *r, GError **error);

/* Fast paths that allocate nothing, for the fields of an operation map.
 * At a keyword, sets *name and *len to its name (no ':', not NUL-terminated,
 * pointing into the text), moves past it and returns TRUE; else FALSE, the
 * cursor unmoved. */
gboolean edn_read_keyword(EdnReader *r, const char **name, gsize *len);
/* At an integer token that fits in 64 bits, sets *out, moves past it and
 * returns TRUE; else FALSE, the cursor unmoved (edn_read then says why). */
gboolean edn_read_integer(EdnReader *r, gint64 *out);

/* Reads the one EDN value of a whole NUL-terminated text, e.g. a command-line
 * option, naming it `source` in messages; only whitespace and comments may
 * follow it. NULL with `error` set. */
HistoryValue *edn_parse_string(const char *source, const char *text, GError **error);
