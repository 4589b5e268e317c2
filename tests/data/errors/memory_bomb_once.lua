-- expect: it asked for 1024.0 MiB more at once
scenario { name = "memory_bomb_once", duration = "1s" }
local s = string.rep('x', 1 << 30)
