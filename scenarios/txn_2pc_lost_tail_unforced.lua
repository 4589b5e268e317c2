-- txn_2pc_lost_tail.lua with the broken teaching participant
-- txn.2pc.participant_unforced (PREPARED not forced): in some seeds the lost
-- tail erases a yes vote the coordinator already counted, the transaction
-- commits elsewhere and the client is told so, and the durability invariant
-- reports it.
variant = { participant = "txn.2pc.participant_unforced" }
include("txn_2pc_lost_tail.lua")
