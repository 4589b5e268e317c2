-- The runcost benchmarks' empty scenario (bench/bench_runcost.c): nothing
-- but the declaration and one parameter (a sweep needs one to vary), so a
-- run costs only what every run costs: the Lua state, the scenario API,
-- the prelude and the script, the Sim, the verdict.
scenario { name = "runcost_empty", duration = "1s" }
params { x = 1 }
