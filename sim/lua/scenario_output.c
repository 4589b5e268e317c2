/* Output files written all or nothing: unique locked temporaries, one
 * commit that renames only after everything was written, and removal of
 * temporaries left by killed runs. See scenario_output.h. */
#include "sim/kernel/errors.h"
#include "sim/lua/scenario_output.h"
#include "sim/kernel/sim.h"
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_SUFFIX ".faultsim-tmp"
/* The target's name is cut to this many bytes in its temporary's name, so
 * the temporary stays under NAME_MAX (255) whatever the target's length. */
#define TMP_NAME_BYTES 100

/* Where a path leads: its folder's identity and its name there, and the
 * file itself when it exists. */
typedef struct {
  dev_t dir_dev;
  ino_t dir_ino;
  char *base;
  gboolean exists, regular, chardev;
  gboolean system;  /* in /dev or /proc: never a place for a temporary */
  dev_t dev;
  ino_t ino;
} FileId;

typedef struct {
  char *flag;     /* "--trace"; NULL for a protected input */
  char *path;
  FileId id;
  char *tmp;      /* the temporary, until renamed or removed; NULL if direct */
  FILE *f;
} OutputFile;

struct OutputSet {
  GPtrArray *files;   /* OutputFile*, in the order added */
  GArray *swept;      /* FileId of folders already cleared of stale temporaries */
};

static void output_file_free(gpointer p)
{
  OutputFile *o = p;
  if (o->tmp)
    g_unlink(o->tmp);
  if (o->f)
    fclose(o->f);
  g_free(o->flag);
  g_free(o->path);
  g_free(o->id.base);
  g_free(o->tmp);
  g_free(o);
}

OutputSet *output_set_new(void)
{
  OutputSet *set = g_new0(OutputSet, 1);
  set->files = g_ptr_array_new_with_free_func(output_file_free);
  set->swept = g_array_new(FALSE, TRUE, sizeof(FileId));
  return set;
}

void output_set_free(OutputSet *set)
{
  if (!set)
    return;
  g_ptr_array_unref(set->files);
  g_array_unref(set->swept);
  g_free(set);
}

/* Fills `id` for `path`. FALSE with `error` when the path cannot name a
 * file to write: empty, a folder, or in a folder that does not exist. */
static gboolean file_id(const char *flag, const char *path, FileId *id, GError **error)
{
  memset(id, 0, sizeof *id);
  if (!*path || g_str_has_suffix(path, G_DIR_SEPARATOR_S)) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s '%s': not a file name", flag, path);
    return FALSE;
  }
  g_autofree char *dir = g_path_get_dirname(path);
  g_autofree char *base = g_path_get_basename(path);
  struct stat st;
  int e = g_stat(dir, &st) != 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
  if (e) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s %s: no folder %s: %s", flag, path, dir, g_strerror(e));
    return FALSE;
  }
  id->dir_dev = st.st_dev;
  id->dir_ino = st.st_ino;
  /* /dev/stdout or /proc/self/fd/1 may lead to a regular file (stdout
   * redirected to one), but renaming a temporary over the link would
   * replace the system's link, not write the file. */
  g_autofree char *real = realpath(dir, NULL);
  id->system = real && (strcmp(real, "/dev") == 0 || g_str_has_prefix(real, "/dev/") ||
                        strcmp(real, "/proc") == 0 || g_str_has_prefix(real, "/proc/"));
  if (g_stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode) || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s %s: is a folder, not a file", flag, path);
      return FALSE;
    }
    id->exists = TRUE;
    id->regular = S_ISREG(st.st_mode);
    id->chardev = S_ISCHR(st.st_mode);
    id->dev = st.st_dev;
    id->ino = st.st_ino;
  } else if (errno != ENOENT) {
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s %s: %s", flag, path, g_strerror(errno));
    return FALSE;
  }
  id->base = g_steal_pointer(&base);
  return TRUE;
}

/* TRUE when writing one would change what the other holds. Character
 * devices (/dev/null) are exempt: writes to them keep no mixture. */
static gboolean same_file(const FileId *a, const FileId *b)
{
  if (a->chardev && b->chardev)
    return FALSE;
  if (a->dir_dev == b->dir_dev && a->dir_ino == b->dir_ino && strcmp(a->base, b->base) == 0)
    return TRUE;
  return a->exists && b->exists && a->dev == b->dev && a->ino == b->ino;
}

void output_set_protect(OutputSet *set, const char *path)
{
  FileId id;
  if (!path || !file_id("input", path, &id, NULL))
    return;
  if (!id.exists) {
    g_free(id.base);
    return;
  }
  OutputFile *o = g_new0(OutputFile, 1);
  o->path = g_strdup(path);
  o->id = id;
  g_ptr_array_add(set->files, o);
}

/* The writer's process id in a temporary's name ".NAME.PID-XXXXXX" +
 * TMP_SUFFIX; FALSE when `name` is not such a temporary. */
static gboolean tmp_owner(const char *name, pid_t *pid)
{
  if (name[0] != '.' || !g_str_has_suffix(name, TMP_SUFFIX))
    return FALSE;
  g_autofree char *stem = g_strndup(name, strlen(name) - strlen(TMP_SUFFIX));
  const char *dot = strrchr(stem, '.');
  const char *dash = dot ? strchr(dot, '-') : NULL;
  if (!dot || dot == stem || !dash || strlen(dash + 1) != 6)
    return FALSE;
  g_autofree char *digits = g_strndup(dot + 1, (gsize) (dash - dot - 1));
  guint64 v = 0;
  if (!g_ascii_string_to_unsigned(digits, 10, 1, G_MAXINT32, &v, NULL))
    return FALSE;
  *pid = (pid_t) v;
  return TRUE;
}

/* Removes `path` if it is a temporary whose writer is gone: its process
 * does not exist here and nobody holds its lock. Errors mean "not stale"
 * and are ignored. */
static void remove_if_stale(const char *path, pid_t pid)
{
  if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
    return;
  int fd = g_open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    return;
  struct stat held, named;
  if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &held) == 0 && S_ISREG(held.st_mode) &&
      g_lstat(path, &named) == 0 && held.st_dev == named.st_dev && held.st_ino == named.st_ino)
    g_unlink(path);
  close(fd);
}

/* Once per folder: removes the stale temporaries in `dir`. */
static void sweep_stale(OutputSet *set, const char *dir, const FileId *id)
{
  for (guint i = 0; i < set->swept->len; i++) {
    const FileId *s = &g_array_index(set->swept, FileId, i);
    if (s->dir_dev == id->dir_dev && s->dir_ino == id->dir_ino)
      return;
  }
  FileId folder = { .dir_dev = id->dir_dev, .dir_ino = id->dir_ino };
  g_array_append_val(set->swept, folder);
  GDir *d = g_dir_open(dir, 0, NULL);
  if (!d)
    return;
  for (const char *name; (name = g_dir_read_name(d));) {
    pid_t pid;
    if (tmp_owner(name, &pid)) {
      g_autofree char *path = g_build_filename(dir, name, NULL);
      remove_if_stale(path, pid);
    }
  }
  g_dir_close(d);
}

/* Creates and locks the temporary of `o` in its target's folder. */
static gboolean open_tmp(OutputSet *set, OutputFile *o, GError **error)
{
  g_autofree char *dir = g_path_get_dirname(o->path);
  sweep_stale(set, dir, &o->id);
  g_autofree char *name = g_strdup_printf(".%.*s.%d-XXXXXX" TMP_SUFFIX, TMP_NAME_BYTES, o->id.base, (int) getpid());
  char *tmpl = g_build_filename(dir, name, NULL);
  /* O_EXCL: a fresh file or failure, never a symlink or file planted at
   * the name. 0666 less the umask, as for any file the user creates. */
  int fd = g_mkstemp_full(tmpl, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0666);
  if (fd < 0) {
    int e = errno;
    g_free(tmpl);
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s %s: cannot create a file in %s: %s", o->flag, o->path, dir,
                g_strerror(e));
    return FALSE;
  }
  o->tmp = tmpl;
  /* The lock tells other runs' sweep_stale that this writer lives; a
   * filesystem without flock() makes the file look alive to them, which
   * only costs a leftover after a kill. */
  (void) flock(fd, LOCK_EX | LOCK_NB);
  o->f = fdopen(fd, "w");
  if (!o->f) {
    int e = errno;
    close(fd);
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s %s: %s", o->flag, o->path, g_strerror(e));
    return FALSE;
  }
  return TRUE;
}

/* The descriptor that /dev/stdout, /dev/stderr, /dev/fd/N or
 * /proc/self/fd/N names, or -1. */
static int named_fd(const char *path)
{
  if (strcmp(path, "/dev/stdout") == 0)
    return 1;
  if (strcmp(path, "/dev/stderr") == 0)
    return 2;
  static const char *const dirs[] = { "/dev/fd/", "/proc/self/fd/" };
  for (gsize i = 0; i < G_N_ELEMENTS(dirs); i++) {
    guint64 n;
    if (g_str_has_prefix(path, dirs[i]) &&
        g_ascii_string_to_unsigned(path + strlen(dirs[i]), 10, 0, G_MAXINT, &n, NULL))
      return (int) n;
  }
  return -1;
}

/* Opens a target that exists and is not a regular file, or lives in /dev
 * or /proc, for writing in place. A descriptor of this process
 * (/dev/stdout, /dev/fd/63) is duplicated, so that writes share its offset
 * (with stdout redirected to a file, the report then follows the output
 * instead of overwriting it); anything else is opened without O_CREAT (it
 * must still be what file_id() saw). */
static gboolean open_direct(OutputFile *o, GError **error)
{
  int n = named_fd(o->path);
  int fd = n >= 0 ? fcntl(n, F_DUPFD_CLOEXEC, 3) : g_open(o->path, O_WRONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
    int e = errno;
    if (fd >= 0)
      close(fd);
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s %s: cannot write: %s", o->flag, o->path, g_strerror(e));
    return FALSE;
  }
  return TRUE;
}

gboolean output_set_add(OutputSet *set, const char *flag, const char *path, FILE **out, GError **error)
{
  *out = NULL;
  if (!path)
    return TRUE;
  OutputFile *o = g_new0(OutputFile, 1);
  o->flag = g_strdup(flag);
  o->path = g_strdup(path);
  if (!file_id(flag, path, &o->id, error)) {
    output_file_free(o);
    return FALSE;
  }
  for (guint i = 0; i < set->files->len; i++) {
    const OutputFile *other = set->files->pdata[i];
    if (!same_file(&o->id, &other->id))
      continue;
    if (other->flag)
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID,
                  "%s %s and %s %s are the same file: give each output a file of its own", other->flag,
                  other->path, flag, path);
    else
      g_set_error(error, SIM_ERROR, SIM_ERROR_INVALID, "%s %s would overwrite the input %s", flag, path,
                  other->path);
    output_file_free(o);
    return FALSE;
  }
  gboolean direct = o->id.exists && (!o->id.regular || o->id.system);
  gboolean ok = direct ? open_direct(o, error) : open_tmp(set, o, error);
  if (!ok) {
    output_file_free(o);
    return FALSE;
  }
  g_ptr_array_add(set->files, o);
  *out = o->f;
  return TRUE;
}

/* Makes `o`'s bytes durable: flushed, and for a temporary fsync()ed (so a
 * full disk or quota error that the page cache deferred shows up now, and
 * a crash after the rename cannot leave an empty file behind). A direct
 * target is closed too, since nothing is renamed onto it. */
static gboolean settle(OutputFile *o, GError **error)
{
  int e = 0;
  if (fflush(o->f) != 0)
    e = errno;
  else if (ferror(o->f))
    e = EIO;
  else if (o->tmp && fsync(fileno(o->f)) != 0)
    e = errno;
  if (!o->tmp) {
    if (fclose(o->f) != 0 && !e)
      e = errno;
    o->f = NULL;
  }
  if (e)
    g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s %s: writing failed: %s", o->flag, o->path, g_strerror(e));
  return e == 0;
}

gboolean output_set_commit(OutputSet *set, GError **error)
{
  gboolean ok = TRUE;
  for (guint i = 0; i < set->files->len; i++) {
    OutputFile *o = set->files->pdata[i];
    if (o->f && !settle(o, ok ? error : NULL))
      ok = FALSE;
  }
  guint renamed = 0;
  if (ok)
    for (guint i = 0; i < set->files->len && ok; i++) {
      OutputFile *o = set->files->pdata[i];
      if (!o->tmp)
        continue;
      if (g_rename(o->tmp, o->path) != 0) {
        g_set_error(error, SIM_ERROR, SIM_ERROR_IO, "%s %s: cannot replace it: %s%s", o->flag, o->path,
                    g_strerror(errno), renamed ? " (the outputs before it were written)" : "");
        ok = FALSE;
        break;
      }
      g_clear_pointer(&o->tmp, g_free);
      renamed++;
    }
  /* Freeing removes what was not renamed and closes the streams. */
  g_ptr_array_set_size(set->files, 0);
  return ok;
}

/* Appends a history value as EDN: nil, an integer or a vector. */
static void edn_value(GString *s, const SimValue *v)
{
  switch (v->kind) {
  case SIM_V_NIL:
    g_string_append(s, "nil");
    break;
  case SIM_V_INT:
    g_string_append_printf(s, "%" G_GINT64_FORMAT, (gint64) v->a);
    break;
  case SIM_V_PAIR:
    g_string_append_printf(s, "[%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "]", (gint64) v->a, (gint64) v->b);
    break;
  case SIM_V_LIST:
    g_string_append_c(s, '[');
    for (guint i = 0; i < v->list->len; i++)
      g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? " " : "", (gint64) g_array_index(v->list, int64_t, i));
    g_string_append_c(s, ']');
    break;
  }
}

/* Appends an operation name as a keyword, or as a string when it holds a
 * byte a keyword cannot. */
static void edn_name(GString *s, const char *f)
{
  gboolean keyword = g_ascii_isalpha(f[0]);
  for (const char *c = f; *c && keyword; c++)
    keyword = g_ascii_isalnum(*c) || strchr("*+!-_?.<>=/", *c) != NULL;
  if (keyword) {
    g_string_append_printf(s, ":%s", f);
    return;
  }
  g_string_append_c(s, '"');
  for (const char *c = f; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_c(s, '\\');
    g_string_append_c(s, *c);
  }
  g_string_append_c(s, '"');
}

void scenario_write_history_edn(const GArray *h, FILE *out)
{
  static const char *const types[] = { ":invoke", ":ok", ":fail", ":info" };
  g_autoptr(GString) s = g_string_new(NULL);
  for (guint i = 0; i < h->len; i++) {
    const SimHistoryEntry *e = &g_array_index(h, SimHistoryEntry, i);
    g_string_truncate(s, 0);
    g_string_append_printf(s, "{:index %" G_GUINT64_FORMAT ", :time %" G_GINT64_FORMAT ", :process %d, :op %"
                              G_GUINT64_FORMAT ", :type %s, :f ",
                           (guint64) e->index, (gint64) e->time, e->process, (guint64) e->op,
                           (guint) e->type < G_N_ELEMENTS(types) ? types[e->type] : ":info");
    edn_name(s, e->f);
    if (e->has_key) {
      g_string_append(s, ", :key ");
      edn_value(s, &e->key);
    }
    g_string_append(s, ", :value ");
    edn_value(s, &e->value);
    g_string_append(s, "}\n");
    fwrite(s->str, 1, s->len, out);
  }
}
