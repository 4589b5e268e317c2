-- Included by tests/data/errors/include_error.lua: its errors must name
-- this file and line.
error("an error in the included file")
