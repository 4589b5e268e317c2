-- expect: network{}: unknown key 'bandwith' (expected one of: latency, loss, duplicate, fifo, bandwidth, queue)
network { bandwith = "1Mbit" }
