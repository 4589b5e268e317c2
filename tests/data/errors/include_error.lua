-- expect: _included_error.lua:3: an error in the included file
include("../luamodel/_included_error.lua")
