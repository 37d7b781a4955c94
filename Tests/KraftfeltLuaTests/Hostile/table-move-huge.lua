-- expect: instruction limit
-- message: instruction limit exceeded
-- The C table.move loops over any range without the hook; the sandbox's does not.
return table.move({}, 1, math.maxinteger // 2, 2)
