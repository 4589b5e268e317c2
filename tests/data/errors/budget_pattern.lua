-- expect: budget_pattern.lua:3: instruction budget
-- Backtracking inside one call to the matcher, which the count hook never sees.
string.find(("a"):rep(1e5), (".-"):rep(20) .. "b")
