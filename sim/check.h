/* Checkers: one place, one style for reporting what went wrong.
 *
 * A checker (a model's finish hook, a scenario invariant, an end-of-run
 * check over the history) reports through the Sim, never by printing:
 *
 *   1. Declare each invariant once, up front, with sim_invariant_declare,
 *      so it appears in the report as "ok, 0 violations" when nothing broke.
 *   2. Call sim_violation(sim, name, fmt, ...) once per violation. The Sim
 *      counts every call and keeps the first SIM_CHECK_MAX_EXAMPLES messages,
 *      each prefixed with the simulated time of the call ("t=1.250000s: ").
 *      Say what was seen and where, in one line: which nodes, keys, values
 *      ("two holders of lock 3: n1 (token 7) and n2 (token 8)").
 *   3. Report at the moment of detection when checking online, so the time
 *      prefix is the time of the fault; an end-of-run checker that finds an
 *      older violation reports it with sim_violation_at and its time.
 *
 * The checkers themselves work on plain arrays, so tests feed them
 * hand-built histories and models feed them what they recorded:
 * sim/check_lock.h (mutual exclusion, fenced writes), sim/check_txn.h
 * (atomicity, durability), sim/check_kv.h (stale reads) and sim/lincheck.h
 * (linearizability).
 *
 * Reports (text and JSON "invariants") list invariants in name order with
 * ok, the count and the examples; expect{ invariants = { name = N } } and
 * the exit code read the same counts. Numbers that are not violations go to
 * sim_metric_set/add/sample instead. */
#pragma once
#include "sim/sim.h"

/* Examples kept per invariant; further violations are only counted. */
#define SIM_CHECK_MAX_EXAMPLES 5
