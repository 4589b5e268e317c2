-- expect: is negative
duration(-5)
