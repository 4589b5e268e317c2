-- A scenario for tests/test_sandbox.c to free with a finalizer pending.
scenario { name = "two_nodes", duration = "1s" }
node("a", "echo.server")
node("b", "echo.server")
