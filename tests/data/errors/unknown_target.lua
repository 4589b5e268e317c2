-- expect: names unknown node 'ghost'
node('c', 'echo.client', { target = 'ghost' })
