-- expect: instruction limit
-- message: pattern-find.lua:4: instruction limit exceeded
-- Backtracking inside C, where the count hook never fires.
return string.rep("a", 100000):find(".-.-.-.-.-.-.-b")
