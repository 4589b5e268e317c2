-- explore_2pc.lua under three-phase commit: exploring its random
-- partitions finds atomicity violations (see explore_2pc.lua).
--   faultsim explore scenarios/explore_3pc.lua --runs 1000
variant = { proto = "3pc" }
include("explore_2pc.lua")
