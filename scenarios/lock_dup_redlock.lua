-- lock.redlock under duplication alone (lock_network_faults.lua with fault =
-- dup): 5% of messages arrive twice. Each server's answer counts once per
-- attempt, so mutual exclusion holds (before the fix a doubled OK from one
-- server counted as a second server agreeing: two holders in 25 of 50 seeds).
variant = { model = "lock.redlock", fault = "dup" }
include("lock_network_faults.lua")
