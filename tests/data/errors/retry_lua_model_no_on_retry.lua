-- expect: clients{}: retry: model 'lab.client' of node 'client1' has no on_retry handler
local m = model { name = "lab.client", on_invoke = function(self, op) end }
clients { count = 1, model = m, retry = {} }
