-- expect: time limit
-- message: time limit exceeded
-- seconds: 1
-- Few instructions, each slow: the wall-clock deadline stops it.
while true do
  local s = string.rep("x", 4e6)
end
