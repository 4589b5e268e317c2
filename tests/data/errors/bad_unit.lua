-- expect: unknown unit
duration('5 parsecs')
