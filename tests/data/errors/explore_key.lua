-- expect: explore{}: unknown key 'fault' (expected one of: faults, nodes, max_faults, start, stop)
explore { fault = { "crash" } }
