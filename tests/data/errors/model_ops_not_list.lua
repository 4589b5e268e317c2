-- expect: model_ops_not_list.lua:2: model{}: 'ops' must be a list of 1 to 64 operation names
model { name = "lab.bad", ops = "read", on_invoke = function() end }
