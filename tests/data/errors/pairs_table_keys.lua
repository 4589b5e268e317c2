-- expect: has no fixed order
for k in pairs({ [{}] = 1 }) do end
