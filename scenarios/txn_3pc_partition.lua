-- txn_2pc_partition.lua under three-phase commit: the same partition right
-- after the first PreCommit; some seeds commit on one side and abort on the
-- other (3PC's known atomicity violation under partitions).
variant = { proto = "3pc" }
include("txn_2pc_partition.lua")
