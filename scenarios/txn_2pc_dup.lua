-- 2PC under duplication alone (txn_network_faults.lua with fault = dup): 5%
-- of messages arrive twice. Votes and acknowledgements are sets of
-- participants, a doubled PREPARE gets the same vote, a doubled decision
-- is applied once and acknowledged again, and a doubled BEGIN of a
-- transaction the coordinator already logged is ignored: atomicity and
-- durability hold.
variant = { proto = "2pc", fault = "dup" }
include("txn_network_faults.lua")
