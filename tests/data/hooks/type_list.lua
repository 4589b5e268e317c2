-- A hook filter's `type` may be a list of names (any of them), checked in
-- C before the event table is built: each hook below must see exactly the
-- events that a `where` function testing the type sees (tests/sh/t_hook_types.sh).
scenario { name = "hook_type_list", duration = "1s" }
network { latency = "uniform:1ms,5ms", duplicate = 0.2 }
node("server", "echo.server")
clients {
  count = 2, model = "echo.client", params = { target = "server", interval = 0 },
  workload = { mode = "closed", ops = { "ping" }, think = "1ms", timeout = "200ms" },
}

local function is(ev, ...)
  if not ev.msg then return false end
  for _, t in ipairs({ ... }) do
    if ev.msg.type == t then return true end
  end
  return false
end

local counts = {}
local function count(name) return function() counts[name] = (counts[name] or 0) + 1 end end
-- by a list, by one name, and by a where function; sends and deliveries
on({ kind = "deliver", type = { "PONG", "PING" } }, count("list"))
on({ kind = "deliver", where = function(ev) return is(ev, "PING", "PONG") end }, count("list_where"))
on({ kind = "deliver", type = { "PONG" } }, count("one"))
on({ kind = "deliver", type = "PONG" }, count("one_name"))
on({ kind = "deliver", where = function(ev) return is(ev, "PONG") end }, count("one_where"))
on({ kind = "send", type = { "PING", "NOPE" }, node = "client1" }, count("sent"))
on({ kind = "send", node = "client1", where = function(ev) return is(ev, "PING") end }, count("sent_where"))
on({ kind = "deliver", type = { "NOPE", "ALSO_NOPE" } }, count("none"))
-- wait_for and invariants at events take the same filters
local waited = 0
timeline(function()
  while true do
    wait_for({ kind = "deliver", type = { "PING", "PONG" } }, 10)
    waited = waited + 1
  end
end)
invariant("typed", function(ev) return ev.msg.type == "PONG", ev.msg.type end, { kind = "deliver", type = { "PONG" } })

invariant("lists_match_where", function()
  local function n(k) return counts[k] or 0 end
  local ok = n("list") == n("list_where") and n("one") == n("one_where") and n("one_name") == n("one_where") and
    n("sent") == n("sent_where") and n("none") == 0 and n("one") > 100 and n("list") > n("one") and
    n("sent") > 50 and waited == n("list") // 10
  return ok, string.format("list %d/%d one %d/%d/%d sent %d/%d none %d waited %d", n("list"), n("list_where"),
    n("one"), n("one_name"), n("one_where"), n("sent"), n("sent_where"), n("none"), waited)
end)
expect { invariants = { lists_match_where = 0, typed = 0 } }
