-- expect: runtime
-- message: load: the chunk has more than 20000 'and'/'or' operators
-- Lua's parser is quadratic in and/or chains, and no hook runs while it parses.
assert(load("local a; return " .. ("a or "):rep(30000) .. "a"))
