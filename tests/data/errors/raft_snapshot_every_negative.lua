-- expect: parameter 'snapshot_every' = -5 is out of range
node('s1', 'raft', { peers = 's1', snapshot_every = -5 })
