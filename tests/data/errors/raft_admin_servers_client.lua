-- expect: node 'admin' (raft.admin): 'c1' in 'servers' is not a Raft server
node("s1", "raft", { peers = "s1" })
node("s2", "raft", { peers = "s1,s2", join = true })
node("c1", "kv.raft", { servers = "s1" })
at("100ms", function() node("admin", "raft.admin", { add = "s2", servers = "s1,c1" }) end)
