-- expect: node 'client1' (kv.quorum.client): parameter 'versions' must be "read" or "clock", not "lamport"
node("s1", "kv.quorum", { replicas = 1 })
clients { count = 1, model = "kv.quorum.client", params = { versions = "lamport" } }
