-- expect: network{}: bandwidth: '100mbit': unknown unit 'mbit'
network { latency = "1ms", bandwidth = "100mbit" }
