-- expect: memory limit
-- message: memory limit exceeded
return #string.rep("x", 2^27)
