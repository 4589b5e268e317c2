-- expect: node 's1' (kv.quorum) cannot leave: a ring cannot lose its last server
node("s1", "kv.quorum", { replicas = 1 })
at("1s", function() node("admin", "kv.quorum.admin", { leave = "s1" }) end)
