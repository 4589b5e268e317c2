-- expect: node 'c' (kv.abd.client): the scenario has no kv.abd replica
node("c", "kv.abd.client")
