-- zk_election.lua with the leader frozen (a GC pause) for longer than its
-- session timeout: the ensemble deletes its child and the next candidate
-- leads while the frozen one still believes it does. The recipe cannot
-- prevent this; only a fencing token (the child's czxid, carried in
-- zk_leader events) checked by whatever the leader acts on can.
variant = { fault = "pause" }
include("zk_election.lua")
