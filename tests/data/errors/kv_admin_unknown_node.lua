-- expect: parameter 'leave' names unknown node 's9'
node("s1", "kv.quorum", { replicas = 1 })
node("s2", "kv.quorum", { replicas = 1 })
at("1s", function() node("admin", "kv.quorum.admin", { leave = "s9" }) end)
