/* Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating
 * Failure-Inducing Input", IEEE TSE 28(2), 2002): the ddmin algorithm
 * over a list of n items, named by their indexes 0..n-1. `faultsim
 * shrink` uses it to drop faults from a failing run's schedule. */
#pragma once
#include <glib.h>

/* Does the subset `items` (`n` indexes, increasing) still fail? */
typedef gboolean (*DdminTest)(const guint *items, guint n, void *data);

/* A 1-minimal failing subset of 0..n-1: removing any single item from it
 * makes `test` pass (the empty set is tried first, and chosen if it fails).
 * `test` of all n items is assumed to fail and is not called. Subsets are
 * tried in a fixed order and each at most once, so the result depends
 * only on `test`. Stops early, with the smallest failing subset found so
 * far, once `max_tests` calls were made (0 = no limit). `*tests` (may be
 * NULL) gets the number of calls. Returns the indexes, increasing. */
GArray *ddmin(guint n, DdminTest test, void *data, guint max_tests, guint *tests);
