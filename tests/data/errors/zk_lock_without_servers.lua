-- expect: node 'c' (lock.zk): parameter 'servers' names no zk.server
-- A ZooKeeper lock recipe with no ensemble to talk to.
node("c", "lock.zk", { })
