-- A wrong solution for the consistent-hashing lab: a server deletes a key
-- as soon as it has sent its HANDOFF, before the new owner acknowledged
-- it. When that message is lost (or its receiver is down), nobody has the
-- key any more. The grader fails it with `no_key_lost`.
local reference = include("_reference_ring.lua")
return { new_ring = reference.new_ring, server = reference.build("delete_early").server }
