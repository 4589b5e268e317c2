-- expect: does not take workload operations
node('s', 'echo.server')
workload('s', { ops = { 'ping' } })
