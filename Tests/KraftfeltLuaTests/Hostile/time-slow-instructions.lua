-- expect: time limit
-- message: time limit exceeded
-- seconds: 1
-- instructions: 100000000000
-- Few instructions, each slow: the wall-clock deadline stops it. The budget is far
-- beyond what a second can spend (a fast machine would otherwise reach it first).
while true do
  local s = string.rep("x", 4e6)
end
