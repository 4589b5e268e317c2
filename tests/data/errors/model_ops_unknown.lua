-- expect: model_ops_unknown.lua:5: workload for 'c': model 'lab.pinger' has no operation 'pong' (its operations: ping, stop)
local M = model { name = "lab.pinger", ops = { "ping", "stop" },
                  on_invoke = function(self, op) self:complete(op.id, "ok") end }
node("c", M)
workload("c", { ops = { "ping", "pong" } })
