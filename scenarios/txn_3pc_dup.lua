-- 3PC under duplication alone (txn_network_faults.lua with fault = dup): 5%
-- of messages arrive twice. As txn_2pc_dup.lua, and the termination
-- protocol's state replies are sets too (who was uncertain, whether anyone
-- pre-committed): atomicity and durability hold.
variant = { proto = "3pc", fault = "dup" }
include("txn_network_faults.lua")
