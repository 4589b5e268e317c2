-- expect: filter type list is empty
node('a', 'echo.server')
on({ kind = 'deliver', type = {} }, function(ev) end)
