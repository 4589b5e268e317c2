-- The 2PC lab's grader (labs/2pc/grade.lua: its topology, client and
-- checkers) for `faultsim explore`, with random faults from the explore
-- swarm on the coordinator and participants, all over by 9 s so the last
-- 5 s let every transaction finish (the termination invariant). Turn the
-- grader's own faults off to see what exploring alone finds:
--   faultsim explore scenarios/explore_2pc_lab.lua --set fault=none --set loss=0 \
--     --set solution=_wrong_commit_after_send.lua
-- The reference solution (the default) holds; run as a plain scenario
-- (check, run without --explore) this is the grader's mixed test.
include("labs/2pc/grade.lua")
explore { nodes = { "coord", "p1", "p2", "p3" }, stop = "9s" }
