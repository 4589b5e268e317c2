-- expect: node 'c' (zk.election): parameter 'servers' names no zk.server
-- A leader-election candidate with no ensemble to talk to.
node("c", "zk.election", { dir = 3 })
