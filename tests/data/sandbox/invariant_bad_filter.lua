-- invariant() with a bad filter, caught by pcall: no invariant is declared
-- (tests/sh/t_invariant_declare.sh).
node("a", "echo.server")
pcall(invariant, "ghost", function() return true end, { kind = "nosuch" })
