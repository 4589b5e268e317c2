-- expect: workload_unknown_op_clients.lua:3: workload for 'client1': model 'lock.lease.client' has no operation 'release' (its operations: acquire)
node("lock", "lock.lease.server")
clients { count = 2, model = "lock.lease.client", params = { servers = "lock", loop = false },
          workload = { ops = { "acquire", "release" } } }
