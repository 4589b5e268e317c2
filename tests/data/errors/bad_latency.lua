-- expect: uniform needs low,high
network { latency = 'uniform:5ms,1ms' }
