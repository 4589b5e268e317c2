-- expect: unknown parameter 'replay'
local M = model { name = "t.echo", params = { reply = "PONG" } }
node("a", M, { replay = "HI" })
