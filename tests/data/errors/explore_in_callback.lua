-- expect: explore{} belongs at the top level of the scenario, not in a callback
at("1s", function() explore { } end)
