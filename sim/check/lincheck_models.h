/* What the files defining linearizability models share (private to
 * sim/check): small helpers for prepare/step functions, and the models
 * defined outside sim/check/lincheck_models.c, which lists them all. */
#pragma once
#include "sim/check/lincheck.h"

/* Fails with "model MODEL has no operation 'f' (expected KNOWN)". */
gboolean lincheck_unknown_f(const char *model, const char *f, const char *known, GError **error);
/* The atom of scalar `v` in *out, or FALSE with an error naming `what`. */
gboolean lincheck_scalar_atom(LincheckAtoms *atoms, const HistoryValue *v, const char *what,
                              gint64 *out, GError **error);
/* A state equal to `s` (blob shared). */
void lincheck_state_copy(const LincheckState *s, LincheckState *out);
/* TRUE when two payloads are equal (NULL is the empty payload). */
gboolean lincheck_blob_equal(GBytes *a, GBytes *b);
/* The atoms of a payload (NULL: none) and their number. */
const gint64 *lincheck_blob_atoms(GBytes *b, gsize *n);
/* A payload holding n atoms (NULL when n is 0). */
GBytes *lincheck_blob_of_atoms(const gint64 *a, gsize n);
/* The initial state of every model: scalar 0 (nil), empty payload. */
void lincheck_init_zero(LincheckState *out);

/* The functions of the models defined in files of their own, with the
 * contracts of LincheckModel's members; the table in lincheck_models.c
 * lists them. */
/* sim/check/lincheck_multireg.c: multi-register */
gboolean lincheck_multireg_prepare(const char *f, const HistoryValue *in, const HistoryValue *result,
                                   LincheckAtoms *atoms, LincheckOp *out, gboolean *read_only,
                                   GError **error);
gboolean lincheck_multireg_initial(const HistoryValue *v, LincheckAtoms *atoms, LincheckState *out,
                                   GError **error);
gboolean lincheck_multireg_step(const LincheckState *s, const LincheckOp *op, LincheckState *out);
void lincheck_multireg_describe(const LincheckState *s, const LincheckAtoms *atoms, GString *out);
/* sim/check/lincheck_queues.c: fifo-queue and unordered-queue */
gboolean lincheck_queue_prepare(const char *f, const HistoryValue *in, const HistoryValue *result,
                                LincheckAtoms *atoms, LincheckOp *out, gboolean *read_only,
                                GError **error);
gboolean lincheck_queue_initial(const HistoryValue *v, LincheckAtoms *atoms, LincheckState *out,
                                GError **error);
gboolean lincheck_fifo_step(const LincheckState *s, const LincheckOp *op, LincheckState *out);
void lincheck_fifo_describe(const LincheckState *s, const LincheckAtoms *atoms, GString *out);
gboolean lincheck_unordered_step(const LincheckState *s, const LincheckOp *op, LincheckState *out);
void lincheck_unordered_describe(const LincheckState *s, const LincheckAtoms *atoms, GString *out);
