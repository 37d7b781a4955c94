-- class: 3, a collection the host would build (240,000 role names)
-- error: hostile.lua:7: s:roles: 'roles' can have at most 50 role names, got 240000
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    local names = {}
    for i = 1, 240000 do names[i] = "role" .. i end
    s:roles(s:groups { size = 3 }[1], names)
  end }
