/* sim/check/: checkers over histories and traces, and the readers of
 * histories recorded elsewhere (faultsim JSON, Jepsen EDN and log lines).
 * They read what the kernel recorded, never a model's internals; a model may
 * call a checker's hook (check_lock.h, check_txn.h, check_kv.h), never the
 * reverse. lincheck.h is the linearizability checker behind `faultsim
 * lincheck`.
 *
 * One place, one style for reporting what went wrong.
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
 * sim/check/check_lock.h (mutual exclusion, fenced writes), sim/check/check_txn.h
 * (atomicity, durability), sim/check/check_kv.h (stale reads) and sim/check/lincheck.h
 * (linearizability).
 *
 * Reports (text and JSON "invariants") list invariants in name order with
 * ok, the count and the examples; expect{ invariants = { name = N } } and
 * the exit code read the same counts. Numbers that are not violations go to
 * sim_metric_set/add/sample instead. */
#pragma once
#include "sim/kernel/sim.h"
