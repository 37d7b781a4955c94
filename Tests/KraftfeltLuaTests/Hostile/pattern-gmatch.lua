-- expect: instruction limit
-- message: instruction limit exceeded
for _ in ("a"):rep(100000):gmatch(".-.-.-.-.-b") do end
