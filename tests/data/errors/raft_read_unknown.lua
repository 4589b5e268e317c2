-- expect: read "fast" is not "log", "readindex" or "lease"
node("s1", "raft", { peers = "s1", read = "fast" })
