-- txn_2pc_coord_crash.lua under three-phase commit: the same crash of the
-- coordinator after the votes, and the participants terminate without it
-- (in doubt at most 0.4 s, none blocked). Measured: in doubt 0.150-0.157 s
-- over seeds 1-20, 0.150-0.158 s over 1-100, no violation.
variant = { proto = "3pc" }
include("txn_2pc_coord_crash.lua")
