-- lock.fenced under duplication alone (lock_network_faults.lua with fault =
-- dup): 5% of messages arrive twice. As lock.lease, and a doubled write
-- carries its grant's token, so the storage still rejects it once a newer
-- token was seen: mutual exclusion and resource safety hold.
variant = { model = "lock.fenced", fault = "dup" }
include("lock_network_faults.lua")
