-- expect: include(): no file 'tests/data/errors/no_such_solution.lua'
local solution = include("no_such_solution.lua")
