-- expect: negative_duration_text.lua:2:
at('-3s', function() end)
