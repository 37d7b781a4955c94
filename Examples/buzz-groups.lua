-- Summegrupper (buzz groups), as plain Lua in the sandbox: until the engine lands,
-- this is what `scripts/run.sh` runs. It mixes a room of participants from different
-- administrative areas into groups of three, so nobody sits only with their own area,
-- and prints the four reflection prompts of the seed workshop.
--
--   kraftfelt run Examples/buzz-groups.lua --seed 7

local room = {
  { name = "Anne",   area = "Sundhed" },    { name = "Bo",     area = "Skole" },
  { name = "Cecilie", area = "Teknik" },    { name = "Dorte",  area = "Sundhed" },
  { name = "Emil",   area = "Skole" },      { name = "Fatima", area = "Beskæftigelse" },
  { name = "Gustav", area = "Teknik" },     { name = "Hanne",  area = "Beskæftigelse" },
  { name = "Ida",    area = "Sundhed" },    { name = "Jonas",  area = "Skole" },
  { name = "Karen",  area = "Teknik" },     { name = "Lars",   area = "Beskæftigelse" },
}

local prompts = {
  "Hvor vil den nye måde at organisere på udfordre dig mest?",
  "Hvad kan du gøre for at overkomme det – gerne sammen med en kollega?",
  "Sæt et mål for det første sted, du vil mærke en forandring i din praksis.",
  "Hvem vil du dele det mål med?",
}

-- Shuffle (math.random follows the host's seed), then deal people out area by area so
-- that each group gets as many different areas as the room allows.
local function shuffle(list)
  for i = #list, 2, -1 do
    local j = math.random(i)
    list[i], list[j] = list[j], list[i]
  end
  return list
end

local byArea, areas = {}, {}
for _, person in ipairs(shuffle(room)) do
  if not byArea[person.area] then
    byArea[person.area] = {}
    areas[#areas + 1] = person.area
  end
  table.insert(byArea[person.area], person)
end
table.sort(areas)

local ordered = {}
repeat
  local added = false
  for _, area in ipairs(areas) do
    local person = table.remove(byArea[area])
    if person then ordered[#ordered + 1] = person; added = true end
  end
until not added

local size = 3
local groups = {}
for i, person in ipairs(ordered) do
  local g = (i - 1) // size + 1
  groups[g] = groups[g] or {}
  table.insert(groups[g], person)
end

for g, members in ipairs(groups) do
  local names, seen, mixed = {}, {}, 0
  for _, m in ipairs(members) do
    names[#names + 1] = ("%s (%s)"):format(m.name, m.area)
    if not seen[m.area] then seen[m.area] = true; mixed = mixed + 1 end
  end
  print(("Gruppe %d: %s — %d områder"):format(g, table.concat(names, ", "), mixed))
end
print()
for i, prompt in ipairs(prompts) do print(("%d. %s"):format(i, prompt)) end

return { groups = #groups, participants = #room, areas = #areas }
