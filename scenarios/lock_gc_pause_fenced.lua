-- The GC pause of lock_gc_pause.lua with fencing tokens (lock.fenced) as
-- the default: client1's late write carries an old token and the storage
-- rejects it, so no write is unsafe. The scenario is named after this file.
variant = { model = "lock.fenced" }
include("lock_gc_pause.lua")
