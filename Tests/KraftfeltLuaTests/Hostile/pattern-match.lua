-- expect: instruction limit
-- message: instruction limit exceeded
return ("a"):rep(100000):match(("a*"):rep(30) .. "b")
