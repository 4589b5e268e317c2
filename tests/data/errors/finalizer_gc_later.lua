-- expect: finalizer_gc_later.lua:4: setmetatable(): a metatable with __gc is refused
-- Any __gc field marks the object for finalization, even one set to false
-- and replaced by a function afterwards.
local t = setmetatable({}, { __gc = false })
getmetatable(t).__gc = function() while true do end end
