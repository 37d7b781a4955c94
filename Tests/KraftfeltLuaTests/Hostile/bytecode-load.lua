-- expect: runtime
-- message: attempt to load a binary chunk (mode is 't')
local chunk = "\27LuaT\0\25\147\r\n\26\n\4\8\8xV\0\0\0\0\0\0\0\0\0\0\0(w@\1"
assert(load(chunk))
