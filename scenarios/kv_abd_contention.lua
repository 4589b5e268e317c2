-- kv.abd under contention on one key: one writer, many readers. ABD's read
-- has two phases: query a majority for the highest (tag, value), then write
-- that pair back to a majority before returning it. The write-back is what
-- makes reads atomic: without it, a read that saw a write still in
-- progress (on one replica only) can be followed by a read that asks the
-- two other replicas and returns the older value, a new-old inversion that
-- linearizability forbids. Exposing it needs a write that stays half done
-- while reads run: the writer's links to s2 and s3 are slow (`slow`), so
-- its update reaches s1 first and the others 30 ms later, while six
-- readers query all three every few milliseconds. The linearizability
-- checker runs on every seed (invariant `linearizable`).
-- A read that skips the write-back fails this scenario in every one of
-- seeds 1-100; with symmetric links (--set slow=uniform:1ms,3ms) in none of
-- them, and with heavy-tailed latency on every link (--set
-- latency=lognormal:3ms,1.2 --set slow=lognormal:3ms,1.2) in 76 of 100.
-- tests/soak/kv_abd_contention.sh runs 1000 seeds, with more readers and
-- writers and heavy-tailed latency.
-- --set store=quorum runs kv.quorum (R = W = 2, versions from a read phase,
-- no write-back) under the same load: no read is stale in real time, but
-- the history is not linearizable in some seeds (docs/kv.md counts them).
scenario { name = "kv_abd_contention", duration = "1s", seeds = 100 }

local p = params { readers = 6, writers = 1, slow = "30ms", latency = "uniform:1ms,3ms", store = "abd" }
assert(p.store == "abd" or p.store == "quorum", "store must be abd or quorum")
local abd = p.store == "abd"
network { latency = p.latency }
for i = 1, 3 do node("s" .. i, abd and "kv.abd" or "kv.quorum", { replicas = 3 }) end
local model = abd and "kv.abd.client" or "kv.quorum.client"
local cparams = abd and {} or { r = 2, w = 2, lincheck = true }
local spec = { keys = 1, think = "1ms", timeout = "500ms", stop = "0.9s" }
local function with_ops(ops)
  local w = { ops = ops }
  for k, v in pairs(spec) do w[k] = v end
  return w
end
local writers = clients { count = p.writers, prefix = "writer", model = model, params = cparams, workload = with_ops({ "write" }) }
clients { count = p.readers, prefix = "reader", model = model, params = cparams, workload = with_ops({ "read" }) }
for _, w in ipairs(writers) do
  link(w, "s2", { latency = p.slow })
  link(w, "s3", { latency = p.slow })
end

if abd then
  expect { invariants = { linearizable = 0, stale_read = 0 }, metrics = { abd_lincheck = 1, abd_read_ok = { min = 40 * p.readers } } }
else
  expect { invariants = { stale_read = 0 }, metrics = { kv_read_ok = { min = 40 * p.readers } } }
end
