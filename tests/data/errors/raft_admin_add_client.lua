-- expect: node 'admin' (raft.admin): give exactly one of 'add' and 'remove', naming one Raft server
node("s1", "raft", { peers = "s1" })
node("c1", "kv.raft", { servers = "s1" })
at("100ms", function() node("admin", "raft.admin", { add = "c1", servers = "s1" }) end)
