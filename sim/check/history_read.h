/* Reading operation histories written by faultsim or by other tools.
 *
 * Three formats are understood, and all become the same array of HistoryOp
 * records, in file order (which is real-time order):
 *   json        faultsim's history, one JSON object a line:
 *               {"index":0,"time":1500,"process":3,"type":"invoke","f":"write","value":5}
 *               ("op", optional, an operation id shared by an invocation and
 *               its completion)
 *   edn         Jepsen's history.edn as Jepsen and Knossos write it: a vector
 *               or list of operation maps, or maps one after another, maps
 *               spread over any number of lines, ';' comments, any EDN value
 *               (sim/check/edn_reader.h): {:process 0, :type :invoke, :f :read, :value nil}
 *   jepsen-log  Jepsen's console log: "INFO  jepsen.util - 3\t:ok\t:read\tnil"
 *               (fields separated by tabs or by any run of spaces)
 * Operations of the :nemesis process are skipped. Any malformed input fails
 * the whole read with a GError (SIM_ERROR_INVALID) whose message starts with
 * "FILE:LINE:COLUMN: " (edn, jepsen-log) or "FILE:LINE: " (json, whose
 * parser's message carries its own position). Pairing invocations with
 * completions is the checker's job.
 *
 * Hostile input is refused before any parser sees it: the text is checked
 * for UTF-8 validity and NUL bytes, a file for its size, and a JSON line for
 * its length and the nesting depth of its brackets (json-glib's parser
 * recurses once per level: a value nested 200,000 deep would overflow the
 * stack); the EDN reader bounds its own depth. A file is mapped, not
 * copied, so a 1 GiB history is not held in memory twice. */
#pragma once
#include <glib.h>

#define HISTORY_MAX_DEPTH 64                    /* nesting of values in an op */
#define HISTORY_MAX_LINE ((gsize) 16 << 20)     /* bytes in one line: 16 MiB */
#define HISTORY_MAX_FILE ((gsize) 1 << 30)      /* bytes in one file: 1 GiB */

typedef enum {
  HISTORY_NIL,
  HISTORY_BOOL,   /* i is 0 or 1 */
  HISTORY_INT,    /* i */
  HISTORY_STR,    /* s: a string literal */
  HISTORY_KW,     /* s: a keyword, without its leading ':' */
  HISTORY_SYM,    /* s: any other atom (symbol, float) kept as its text */
  HISTORY_LIST,   /* items: a vector, list or JSON array */
  HISTORY_SET,    /* items: an EDN set #{...} */
  HISTORY_MAP,    /* items: key, value, key, value, ... */
} HistoryValueKind;

typedef struct HistoryValue HistoryValue;
struct HistoryValue {
  HistoryValueKind kind;
  gint64 i;
  char *s;
  GPtrArray *items; /* of HistoryValue*, owned; NULL for scalars */
};

typedef enum {
  HISTORY_INVOKE,
  HISTORY_OK,
  HISTORY_FAIL,
  HISTORY_INFO,
} HistoryType;

typedef struct {
  const char *source;   /* file name (interned string), for messages */
  guint line;           /* 1-based line in source */
  guint column;         /* 1-based column where the record starts; 0 when
                         * the format has no columns (json) */
  gint64 index;         /* the record's own index, else its position */
  gint64 time;          /* nanoseconds, or -1 when absent */
  gint64 process;
  gboolean has_op_id;   /* the record names its operation (JSON "op") */
  gint64 op_id;         /* that id: the invocation and completion share it */
  HistoryType type;
  char *f;              /* operation name, without a leading ':' */
  HistoryValue *key;    /* NULL when the record has no key */
  HistoryValue *value;  /* never NULL: a HISTORY_NIL value when absent */
} HistoryOp;

typedef enum {
  HISTORY_FORMAT_AUTO,
  HISTORY_FORMAT_JSON,
  HISTORY_FORMAT_EDN,
  HISTORY_FORMAT_JEPSEN_LOG,
} HistoryFormat;

/* Parses a format name ("json", "edn", "jepsen-log", "auto"); FALSE and a
 * GError for any other name. */
gboolean history_format_parse(const char *name, HistoryFormat *out, GError **error);

/* Guesses the format of text[0..len) (len -1: NUL-terminated) from its
 * first non-blank bytes, ';' comment lines skipped: '{"' is json; '{:',
 * '#', '[' or '(' is edn; any other text is jepsen-log. Returns
 * HISTORY_FORMAT_AUTO when it cannot tell (a '{' followed by neither). */
HistoryFormat history_detect(const char *text, gssize len);

/* Reads the history in `text` (length `len`, or -1 for NUL-terminated),
 * naming it `source` in messages. `format` AUTO detects it. Returns a new
 * array of HistoryOp* (owning them), or NULL with `error` set. */
GPtrArray *history_read_string(const char *text, gssize len, const char *source,
                               HistoryFormat format, GError **error);

/* Reads the file at `path`; as history_read_string. A file larger than
 * HISTORY_MAX_FILE is refused ("FILE: ..." error, SIM_ERROR_INVALID). */
GPtrArray *history_read_file(const char *path, HistoryFormat format, GError **error);

/* A new op of `source` (interned by the caller) at line:column, with no
 * time and index (-1) and a nil value. */
HistoryOp *history_op_new(const char *source, guint line, guint column);

/* "SOURCE:LINE:COLUMN" of an op, or "SOURCE:LINE" when it has no column:
 * a new string, for messages. */
char *history_op_where(const HistoryOp *op);

/* Frees an op and everything it owns. NULL is ignored. */
void history_op_free(HistoryOp *op);

/* Value helpers. history_value_new returns a zeroed value of `kind`
 * (lists, sets and maps get an empty owning items array). */
HistoryValue *history_value_new(HistoryValueKind kind);
void history_value_free(HistoryValue *v);
HistoryValue *history_value_copy(const HistoryValue *v);
/* Structural equality; sets compare as sets. */
gboolean history_value_equal(const HistoryValue *a, const HistoryValue *b);
/* Appends an EDN-like rendering (nil, 5, "s", :kw, [1 2], #{1 2}) to `out`. */
void history_value_append(const HistoryValue *v, GString *out);
/* The same, as a new string. */
char *history_value_to_string(const HistoryValue *v);

/* Name of a type: "invoke", "ok", "fail", "info". */
const char *history_type_name(HistoryType t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HistoryValue, history_value_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HistoryOp, history_op_free)
