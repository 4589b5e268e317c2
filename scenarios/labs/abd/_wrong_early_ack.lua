-- A wrong solution for the ABD lab: a write returns after W - 1 UPDATE_R
-- (one server of three) instead of a majority, so a later read whose query
-- majority misses that server does not see the completed write. The grader
-- fails it with `write_quorum`.
return include("_reference_abd.lua").build("early_ack")
