-- expect: node 'client1' (kv.quorum.client): parameter 'send_to' must be "all" or "quorum", not "some"
node("s1", "kv.quorum", { replicas = 1 })
clients { count = 1, model = "kv.quorum.client", params = { send_to = "some" } }
