-- expect: explore{} given twice
explore { }
explore { faults = { "pause" } }
