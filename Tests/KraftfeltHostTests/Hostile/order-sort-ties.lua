-- class: 4, a sort with ties, next over a table, and the session's own random seed
-- error: hostile.lua:12: p1 p2 p3 | Anne | 
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    local people = s:participants()
    table.sort(people, function(a, b) return false end)
    local ids = {}
    for i, p in ipairs(people) do ids[i] = p.id end
    local byName = {}
    for _, p in ipairs(people) do byName[p.name] = p end
    math.randomseed()
    error(table.concat(ids, " ") .. " | " .. next(byName) .. " | ")
  end }
