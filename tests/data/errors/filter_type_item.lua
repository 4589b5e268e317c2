-- expect: filter type list holds names, not table (item 2)
node('a', 'echo.server')
on({ kind = 'deliver', type = { 'PING', {} } }, function(ev) end)
