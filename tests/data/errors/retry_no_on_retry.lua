-- expect: node(): retry: model 'echo.server' of node 's' has no on_retry handler
node("s", "echo.server", nil, { retry = { max = 1 } })
