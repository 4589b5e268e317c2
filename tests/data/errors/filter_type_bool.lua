-- expect: filter type must be a name or a list of names, not boolean
node('a', 'echo.server')
once({ kind = 'send', type = true }, function(ev) end)
