-- expect: explore{}: max_faults must be a whole number from 1 to 1000
explore { max_faults = 0 }
