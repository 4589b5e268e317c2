-- expect: explore{}: faults[2]: unknown fault kind 'crsh' (known: crash, restart,
node("a", "echo.server")
explore { faults = { "crash", "crsh" } }
