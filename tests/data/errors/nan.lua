-- expect: out of range
network { loss = 0/0 }
