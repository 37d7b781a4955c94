-- expect: instruction limit
-- message: instruction limit exceeded
for _ = 1, 10 do
  xpcall(error, function() while true do end end)
end
return "survived"
