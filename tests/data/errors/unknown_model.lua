-- expect: unknown model 'echo.nope'
node('a', 'echo.nope')
