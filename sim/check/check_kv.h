/* The stale-read checker for replicated stores, on plain arrays so tests can
 * feed it hand-built histories and models what their clients recorded.
 *
 * A version is (timestamp, node id), ordered lexicographically. A write is
 * acknowledged at `at` with the version it installed; a read began at `at`
 * and returned a version. A read is stale when it returned a version older
 * than the newest one acknowledged for its key strictly before it began. */
#pragma once
#include "sim/kernel/sim.h"

typedef struct {
  int64_t key;
  SimTime at;
  int64_t ts, node; /* the version */
} CheckKvAccess;

/* Called once per stale read with a sentence describing it. */
typedef void (*CheckKvReport)(SimTime at, const char *what, void *data);

/* Counts stale reads. Sorts both arrays by (key, time, version). `report`
 * (may be NULL) gets each finding. */
guint64 check_kv_stale_reads(CheckKvAccess *writes, gsize nw, CheckKvAccess *reads, gsize nr,
                             CheckKvReport report, void *data);
