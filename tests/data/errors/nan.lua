-- expect: is not a number (NaN)
network { loss = 0/0 }
