-- expect: membership changes (join, raft.admin) are not supported together with snapshot_every > 0 yet
node('s1', 'raft', { peers = 's1', snapshot_every = 10 })
node('s2', 'raft', { peers = 's1', snapshot_every = 10, join = true })
