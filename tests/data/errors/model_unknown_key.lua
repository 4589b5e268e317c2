-- expect: model{}: unknown key 'on_mesage'
model { name = "t.typo", on_mesage = function(self, msg) end }
