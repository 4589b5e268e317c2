-- expect: too large
duration(1e300)
