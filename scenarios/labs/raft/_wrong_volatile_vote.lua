-- A wrong solution for the Raft lab: votedFor lives in self.state, so a
-- server that crashes and restarts forgets whom it voted for in its
-- current term and can vote again: two leaders in one term. The grader
-- fails it with `election_safety` (test "C: a voter restarts mid-election").
return include("_reference_raft.lua").build("volatile_vote")
