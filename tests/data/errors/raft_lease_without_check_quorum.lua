-- expect: read = "lease" needs check_quorum = true
node("s1", "raft", { peers = "s1", read = "lease" })
