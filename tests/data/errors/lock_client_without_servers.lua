-- expect: node 'c' (lock.lease.client): parameter 'servers' names no lock server
node("c", "lock.lease.client")
