-- expect: model_runtime_error.lua:5: attempt to perform arithmetic on a nil value
local M = model {
  name = "t.bad",
  init = function(self)
    self.state.n = self.state.missing + 1
  end,
}
node("a", M)
