-- expect: memory_bomb_rep.lua:2:
local s = string.rep('x', 1e12)
