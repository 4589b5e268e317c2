-- expect: is used twice
node('a', 'echo.server')
node('a', 'echo.server')
