-- A runtime error inside on_message must end the run with exit 2 naming
-- this file and the line of the model code (line 9).
scenario { name = "bad_handler", duration = "1s" }

local Broken = model {
  name = "lab.broken",
  on_message = function(self, msg)
    local missing = self.state.table_that_is_not_there
    return missing.field + 1
  end,
}
node("server", Broken)
clients { count = 1, model = "echo.client", params = { target = "server", interval = "100ms" } }
