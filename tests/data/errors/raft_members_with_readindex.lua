-- expect: membership changes (join, raft.admin) are not supported together with read = "readindex" or "lease" yet
scenario { name = "members_readindex", duration = "2s" }
for _, n in ipairs({ 's1', 's2', 's3' }) do node(n, 'raft', { peers = 's1,s2,s3', read = 'readindex' }) end
at("1s", function() node('admin', 'raft.admin', { servers = 's1,s2,s3', remove = 's3' }) end)
