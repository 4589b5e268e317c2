-- expect: error_object.lua:2:
error({})
