-- expect: utf8_node_name.lua:3: node name 'bad
-- Names reach traces and JSON, whose readers reject invalid UTF-8.
node("bad\xff", "echo.server")
