-- expect: finalizer_sealed.lua:4: attempt to index a boolean value
-- The host's own metatables are sealed: no __gc can be added to the
-- metatable every rng() stream gets.
getmetatable(rng("a")).__gc = function() while true do end end
rng("b")
