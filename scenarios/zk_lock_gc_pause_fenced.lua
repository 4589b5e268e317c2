-- The GC pause of zk_lock_gc_pause.lua with lock.zk.fenced: client1's late
-- write carries its lock node's czxid, older than client2's, and the
-- storage rejects it, so no write is unsafe (both clients still believed
-- they held the lock for a while: fencing protects the data, not the
-- belief). The scenario is named after this file.
variant = { model = "lock.zk.fenced" }
include("zk_lock_gc_pause.lua")
