-- class: 4, an error whose text depends on the order of keys that are tables, and on tostring of tables and %p
-- error: hostile.lua:10: order Anne,Bo,Cecilie table: #86 0x56
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    local seen = {}
    for _, p in ipairs(s:participants()) do seen[p] = true end
    local names = {}
    for p in pairs(seen) do names[#names + 1] = p.name end
    local t = {}
    error("order " .. table.concat(names, ",") .. " " .. tostring(t) .. " " .. string.format("%p", t))
  end }
