-- expect: parameter 'preload' = 1000000000 is out of range [0, 1e+07]
node("s", "kv.quorum", { preload = 1000000000 })
