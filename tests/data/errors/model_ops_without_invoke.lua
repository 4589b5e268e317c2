-- expect: model_ops_without_invoke.lua:2: model{}: 'ops' lists operations, but the model has no on_invoke to take them
model { name = "lab.mute", ops = { "ping" } }
