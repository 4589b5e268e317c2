-- expect: network{}: queue needs a bandwidth on the same link
network { queue = "64kB" }
