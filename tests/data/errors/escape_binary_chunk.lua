-- expect: attempt to load a binary chunk
local f, err = load('\27Lua\84\0')
error(err)
