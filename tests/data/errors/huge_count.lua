-- expect: out of range
clients { count = 1e12, model = 'echo.client' }
