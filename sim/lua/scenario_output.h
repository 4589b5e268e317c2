/* Output files written all or nothing (--trace, --history, --csv of `run`;
 * --csv of `sweep`).
 *
 * Each output is written to a temporary of its own in the target's folder,
 * ".NAME.PID-XXXXXX.faultsim-tmp", created with O_CREAT|O_EXCL (so a
 * symlink or file planted at that name is never followed or reused), mode
 * 0666 less the umask, and locked with flock() for as long as the writer
 * lives. output_set_commit() flushes, fsyncs and checks every output
 * before it renames the first one, so a write that fails (a full disk, a
 * quota) leaves every existing file as it was and no temporary behind.
 *
 * A run killed with SIGKILL cannot remove its temporaries. The next
 * output_set_add() into the same folder removes the stale ones: a
 * temporary is stale when the process named by its PID is gone and its
 * flock() can be taken (the lock dies with its owner, so a writer in
 * another PID namespace or on another NFS client still protects its own).
 *
 * Targets that exist and are not regular files (/dev/null, a FIFO, /dev/fd/N
 * of a shell's process substitution), and anything in /dev or /proc
 * (/dev/stdout, even when it leads to a file), are written directly, through
 * a duplicate of the descriptor for /dev/stdout and /dev/fd/N: there is
 * nothing to rename, so they cannot be all or nothing.
 *
 * The same file may not be given twice, nor may an output overwrite an
 * input (the scenario): paths are compared by the identity of their folder
 * (device and inode, so "./a", "d/../a" and a symlinked folder agree) and
 * name, and, when the file exists, by its own device and inode. A
 * character device (/dev/null) may be given more than once. */
#pragma once
#include <glib.h>
#include <stdio.h>

typedef struct OutputSet OutputSet;

OutputSet *output_set_new(void);
/* Removes every temporary not yet renamed into place and closes every
 * stream (a set freed before output_set_commit() writes nothing). */
void output_set_free(OutputSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OutputSet, output_set_free)

/* Records `path` as an input that no output of the set may replace; does
 * nothing when `path` does not name an existing file. */
void output_set_protect(OutputSet *set, const char *path);

/* Prepares the output `path`, named `flag` in messages ("--trace"): checks
 * it against the set's other files, removes stale temporaries in its
 * folder and opens its temporary. *out receives the stream to write (NULL
 * when `path` is NULL, which is not an error). FALSE with `error`
 * (SIM_ERROR_INVALID for a clash or a folder, SIM_ERROR_IO when the file
 * cannot be created) and nothing created otherwise. */
gboolean output_set_add(OutputSet *set, const char *flag, const char *path, FILE **out, GError **error);

/* Flushes, fsyncs and closes every output, and only if all of that
 * succeeded renames each temporary into place. On failure removes every
 * temporary, leaves the targets untouched and sets `error` naming the
 * file. A rename that fails after an earlier one succeeded (the folder
 * changed under the run) leaves the earlier outputs in place and says so.
 * The streams are invalid afterwards, whatever the result. */
gboolean output_set_commit(OutputSet *set, GError **error);

/* Writes the operation history `h` (SimHistoryEntry, sim_history()) to `out`
 * as Jepsen EDN, one map a line, so that Jepsen's tools read it:
 *   {:index 0, :time 1500, :process 3, :op 17, :type :invoke, :f :write, :value 5}
 * (:time in nanoseconds as Jepsen's; :op, the operation id shared by an
 * invocation and its completion, is ignored by Jepsen and read back by
 * `faultsim lincheck`; :key only when the op has one; values nil, integers
 * or vectors). */
void scenario_write_history_edn(const GArray *h, FILE *out);
