-- expect: runtime
-- message: load: only text chunks can be loaded in Kraftfelt scripts
assert(load("return 1", "=x", "b"))
