-- A wrong solution for the Raft lab: a leader commits any entry a majority
-- of servers holds, whatever its term, where Figure 2 commits by counting
-- only entries of the leader's own term (§5.4.2). Figure 8's schedule then
-- overwrites an entry that was reported committed. The grader fails it
-- with `leader_completeness` (test "B: Figure 8").
return include("_reference_raft.lua").build("commit_old_terms")
