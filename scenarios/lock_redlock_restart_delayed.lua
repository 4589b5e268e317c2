-- lock_redlock_restart.lua with the "delayed restart" remedy on by default:
-- the restarted server refuses every request for one TTL, so the key it
-- forgot has expired everywhere before it grants again. No overlap.
variant = { delayed = true }
include("lock_redlock_restart.lua")
