-- expect: wrong_type.lua:2:
network { latency = {} }
