-- A script that replaces the global pairs: params{} and workload weights
-- still walk their tables with the sandbox's own ordered pairs.
pairs = nil
local p = params { a = 1 }
node("s", "echo.server")
clients { count = 1, model = "echo.client", params = { target = "s" }, workload = { ops = { ping = 1 } } }
expect { violations = 0 }
