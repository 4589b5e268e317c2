-- expect: node 'c' (zk.client): parameter servers names no server
node("c", "zk.client")
