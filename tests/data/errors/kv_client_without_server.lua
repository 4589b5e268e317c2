-- expect: node 'client1' (kv.quorum.client): the scenario has no kv.quorum replica
clients { count = 1, model = "kv.quorum.client", workload = { ops = { "read" }, keys = 3 } }
