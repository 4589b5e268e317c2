-- tests/test_runcost.c runs this script many times in one process (sharing
-- the compiled script and the Lua heaps, as check and sweep do) and alone.
-- Each run first checks that it starts from a pristine sandbox, then
-- changes everything a script can reach, at the top level and while the
-- simulation runs, so a later run that saw any of it would stop with an
-- error naming every check that failed (the test runs it twice in one
-- state to see that each check can fail). The first random draw and the first per-run name are metrics, to
-- compare with a run in a process of its own.
scenario { name = "runcost_leak", duration = "1s" }

local leaks = {}
local function pristine(what, ok)
  if not ok then leaks[#leaks + 1] = what end
end
pristine("identity numbering", tostring({}) == "table: 1")
pristine("global", leak == nil and rawget(_G, "leak_big") == nil)
pristine("_G metatable", getmetatable(_G) == nil)
pristine("string table", ("ab"):upper() == "AB" and ("x"):rep(3) == "xxx" and string.leak == nil)
pristine("string metatable", getmetatable("") == false)
pristine("table library", table.leak == nil and select("#", table.unpack({ 1, 2 })) == 2)
local t = {}
table.insert(t, 5)
pristine("table.insert", t[1] == 5)
pristine("math library", math.pi > 3.14 and math.leak == nil and math.type(math.random(1, 10)) == "integer")
pristine("nemesis", type(nemesis.crashes) == "function" and nemesis.leak == nil)
pristine("prelude globals", type(sleep) == "function" and type(wait_for) == "function")
pristine("coroutine", type(coroutine.wrap) == "function")
pristine("sandbox", require == nil and package == nil and debug == nil and io == nil and os == nil)
pristine("pairs", type(pairs) == "function" and select("#", pairs({})) >= 1)
if #leaks > 0 then error("leaked from an earlier run: " .. table.concat(leaks, ", ")) end

metric("draw", math.random(1, 1000000000))
metric("draw_rng", rng("leak"):random(1, 1000000000))

-- Change everything within reach.
leak = true
leak_big = string.rep("x", 4 << 20) -- a large share of the memory budget the test sets
setmetatable(_G, { __index = function() return "leak" end })
string.upper = function() return "leak" end
string.rep = function() return "leak" end
string.leak = 1
table.insert = function() end
table.unpack = function() return 1 end
table.leak = 1
math.random = function() return 7 end
math.randomseed(42)
math.leak = 1
math.pi = 3
nemesis.crashes = nil
nemesis.leak = 1
sleep = nil
coroutine.wrap = nil
pairs = nil
-- Half of the run's instruction budget the test sets: a second run that
-- inherited this count would run out.
local n = 0
for i = 1, 600000 do n = n + i end

node("a", "echo.server")
at("100ms", function()
  leak_at_runtime = true
  string.leak_late = 1
  getmetatable(_G).__newindex = function() end
end)
