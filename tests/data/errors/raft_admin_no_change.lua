-- expect: node 'admin' (raft.admin): give exactly one of 'add' and 'remove', naming one Raft server
node("s1", "raft", { peers = "s1" })
at("100ms", function() node("admin", "raft.admin", { servers = "s1" }) end)
