-- Free text with an invalid byte: repaired to U+FFFD, never rejected.
scenario { name = "utf8_text", description = "a description with a bad \xff byte", duration = "1s" }
node("a", "echo.server")
violation("reported", "bad \xff byte")
invariant("checked", function() return false, "from an invariant \xfe" end)
expect { invariants = { reported = 1, checked = 1 } }
