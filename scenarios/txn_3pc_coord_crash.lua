-- txn_2pc_coord_crash.lua under three-phase commit: the same crash of the
-- coordinator after the votes, and the participants terminate without it
-- (in doubt at most 0.4 s, none blocked).
variant = { proto = "3pc" }
include("txn_2pc_coord_crash.lua")
