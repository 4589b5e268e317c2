-- expect: node 'zk' (zk.server): tick and resend must be > 0
node("zk", "zk.server", { peers = "zk", tick = "0s" })
