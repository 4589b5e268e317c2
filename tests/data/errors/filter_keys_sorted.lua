-- expect: filter field 'alpha' must be an integer, not string
-- Several bad filter fields: the first in sorted order is named, in every process.
node("a", "echo.server")
on({ kind = "send", zeta = "x", alpha = "y", mid = "z", yankee = "q", bravo = "r", node = "a" }, function() end)
