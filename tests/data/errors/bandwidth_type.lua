-- expect: network{}: bandwidth must be a string like "100Mbit", a number or false, not boolean
network { bandwidth = true }
