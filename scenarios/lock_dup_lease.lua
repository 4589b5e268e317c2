-- lock.lease under duplication alone (lock_network_faults.lua with fault =
-- dup): 5% of messages arrive twice. A doubled SET_NX is refused (the key
-- is held), a doubled UNLOCK or EXTEND checks the owner, and the client
-- takes one answer per request: mutual exclusion holds.
variant = { model = "lock.lease", fault = "dup" }
include("lock_network_faults.lua")
