-- expect: node 'admin' (kv.quorum.admin): parameter 'leave' must name exactly one kv.quorum node
node("s1", "kv.quorum", { replicas = 1 })
clients { count = 1, model = "kv.quorum.client" }
at("1s", function() node("admin", "kv.quorum.admin", { leave = "client1" }) end)
