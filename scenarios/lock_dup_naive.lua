-- lock.naive under heavy duplication (lock_network_faults.lua with fault =
-- dup, half of all messages doubled). The naive release is a DEL without
-- an owner check, so a release's second copy that arrives after the next
-- client took the key deletes that client's lock and a third walks in: in
-- some seeds two clients hold the lock at once (locks_deleted_by_non_owner
-- counts the deletes). The other lock models keep mutual exclusion under
-- duplication (lock_dup_lease.lua, lock_dup_fenced.lua, lock_dup_redlock.lua).
variant = { model = "lock.naive", fault = "dup", prob = 0.5 }
include("lock_network_faults.lua")
