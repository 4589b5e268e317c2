-- expect: explore{}: stop must come after start
explore { start = "2s", stop = "1s" }
