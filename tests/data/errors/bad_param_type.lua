-- expect: parameter 'count' must be an integer
node('s', 'echo.server')
node('c', 'echo.client', { target = 's', count = 'many' })
