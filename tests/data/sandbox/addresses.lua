-- Object names reach a metric, a delay and the trace: tostring(),
-- string.format("%p") and "%s" of objects. With addresses each process
-- gave a different report; the sandbox numbers objects per run.
scenario { name = "addresses", duration = "2s" }
node("a", "echo.server")
local function hash(s)
  local h = 0
  for i = 1, #s do h = (h * 31 + s:byte(i)) % 997 end
  return h
end
local t, f, co = {}, function() end, coroutine.create(function() end)
metric("table_name", hash(tostring(t)))
metric("function_name", hash(tostring(f)))
metric("pointer", hash(string.format("%p", t)))
metric("objects", hash(string.format("%s %s %s", t, co, rng("r"))))
at(hash(tostring({})) / 1000, function() crash("a") end)
expect { metrics = { table_name = { min = 0 } } }
