/* Atom tables for the linearizability checker: scalar values interned as
 * small integers in order of first appearance (so numbering is a function of
 * the history alone), nil always 0. */
#include "sim/check/lincheck.h"

struct LincheckAtoms {
  GHashTable *ids;   /* text -> id + 1 (so 0 means absent) */
  GPtrArray *texts;  /* id -> text (owned) */
};

LincheckAtoms *lincheck_atoms_new(void)
{
  LincheckAtoms *atoms = g_new0(LincheckAtoms, 1);
  atoms->texts = g_ptr_array_new_with_free_func(g_free);
  atoms->ids = g_hash_table_new(g_str_hash, g_str_equal);
  g_ptr_array_add(atoms->texts, g_strdup("nil"));
  g_hash_table_insert(atoms->ids, g_ptr_array_index(atoms->texts, 0), GSIZE_TO_POINTER(1));
  return atoms;
}

void lincheck_atoms_free(LincheckAtoms *atoms)
{
  if (!atoms)
    return;
  g_hash_table_unref(atoms->ids);
  g_ptr_array_unref(atoms->texts);
  g_free(atoms);
}

gint64 lincheck_atom(LincheckAtoms *atoms, const HistoryValue *v)
{
  if (v->items)
    return -1;
  if (v->kind == HISTORY_NIL)
    return 0;
  g_autofree char *text = history_value_to_string(v);
  gpointer found = g_hash_table_lookup(atoms->ids, text);
  if (found)
    return (gint64) GPOINTER_TO_SIZE(found) - 1;
  gint64 id = atoms->texts->len;
  char *owned = g_steal_pointer(&text);
  g_ptr_array_add(atoms->texts, owned);
  g_hash_table_insert(atoms->ids, owned, GSIZE_TO_POINTER((gsize) id + 1));
  return id;
}

const char *lincheck_atom_text(const LincheckAtoms *atoms, gint64 atom)
{
  if (atom < 0 || (guint64) atom >= atoms->texts->len)
    return "?";
  return g_ptr_array_index(atoms->texts, (guint) atom);
}
