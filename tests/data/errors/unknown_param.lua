-- expect: unknown parameter 'colour'
node('a', 'echo.server', { colour = 'red' })
