/// The Lua side of the sandbox. It runs once per VM with the raw standard libraries and
/// returns the factory that builds a fresh allow-list environment for every chunk.
///
/// Scripts never see the raw libraries: only the functions copied into an environment.
/// The reasoning behind each replacement is in `docs/security.md`.
let sandboxPrelude = #"""
    local raw = ...
    local B, S, T, M, C, O = raw._G, raw.string, raw.table, raw.math, raw.coroutine, raw.os
    local next, type, error, select, tostring = B.next, B.type, B.error, B.select, B.tostring
    local pack, unpack, concat = T.pack, T.unpack, T.concat
    local host, modules, stopped = raw.host, raw.modules, raw.stopped

    local function copy(from, except)
      local to = {}
      for k, v in next, from do
        if not (except and except[k]) then to[k] = v end
      end
      return to
    end

    -- Randomness comes from the host's seed, and scripts cannot reseed.
    M.randomseed(host.seed())

    -- string: no dump (bytecode); pattern matching charged to the instruction budget.
    local stringlib = copy(S, { dump = true })
    stringlib.find, stringlib.match, stringlib.gmatch, stringlib.gsub = raw.find, raw.match, raw.gmatch, raw.gsub

    -- table.move in Lua, so that the budget sees every element it touches
    -- (the C version loops over any range without running the count hook).
    local tointeger = M.tointeger
    local function checkint(x, n, name)
      local i = tointeger(x)
      if i == nil then
        error(("bad argument #%d to '%s' (number has no integer representation)"):format(n, name or "move"), 3)
      end
      return i
    end
    local function move(a1, f, e, t, a2)
      if a2 == nil then a2 = a1 end
      f, e, t = checkint(f, 2), checkint(e, 3), checkint(t, 4)
      if e >= f then
        if f <= 0 and e >= M.maxinteger + f then
          error("bad argument #3 to 'move' (too many elements to move)", 2)
        end
        if t > e or t <= f or a1 ~= a2 then
          for i = 0, e - f do a2[t + i] = a1[f + i] end
        else
          for i = e - f, 0, -1 do a2[t + i] = a1[f + i] end
        end
      end
      return a2
    end
    -- The C table functions loop without the hook, and through __len/__index/__newindex
    -- metamethods (which may be C functions) they can loop for ever. A plain table is
    -- bounded by memory, so it keeps the fast C path; a table with a metatable goes
    -- through Lua, where every element costs instructions.
    local getmetatable, rawinsert, rawremove, rawconcat, rawsort, rawunpack =
      B.getmetatable, T.insert, T.remove, T.concat, T.sort, T.unpack
    local function plain(t) return type(t) ~= "table" or getmetatable(t) == nil end
    local function insert(t, ...)
      if plain(t) then return rawinsert(t, ...) end
      local n = select("#", ...)
      if n == 1 then t[#t + 1] = ... return end
      if n ~= 2 then error("wrong number of arguments to 'insert'", 2) end
      local pos, value = ...
      local e = #t + 1
      pos = checkint(pos, 2, "insert")
      if pos < 1 or pos > e then error("bad argument #2 to 'insert' (position out of bounds)", 2) end
      for i = e, pos + 1, -1 do t[i] = t[i - 1] end
      t[pos] = value
    end
    local function remove(t, pos)
      if plain(t) then
        if pos == nil then return rawremove(t) end
        return rawremove(t, pos)
      end
      local size = #t
      pos = pos == nil and size or checkint(pos, 2, "remove")
      if pos ~= size and (pos < 1 or pos > size + 1) then
        error("bad argument #2 to 'remove' (position out of bounds)", 2)
      end
      local value = t[pos]
      for i = pos, size - 1 do t[i] = t[i + 1] end
      if pos <= size then t[size] = nil end
      return value
    end
    local function copyout(t, i, j)
      local c = {}
      for k = i, j do c[#c + 1] = t[k] end
      return c
    end
    local function concat(t, sep, i, j)
      if plain(t) then return rawconcat(t, sep, i, j) end
      i = i == nil and 1 or checkint(i, 3, "concat")
      j = j == nil and #t or checkint(j, 4, "concat")
      return rawconcat(copyout(t, i, j), sep)
    end
    local function unpack_(t, i, j)
      if plain(t) then return rawunpack(t, i, j) end
      i = i == nil and 1 or checkint(i, 2, "unpack")
      j = j == nil and #t or checkint(j, 3, "unpack")
      if j - i >= 1000000 then error("too many results to unpack", 2) end
      return rawunpack(copyout(t, i, j), 1, j - i + 1)
    end
    local function sort(t, lt)
      if plain(t) then return rawsort(t, lt) end
      local n = #t
      local c = copyout(t, 1, n)
      rawsort(c, lt)
      for k = 1, n do t[k] = c[k] end
    end
    local tablelib = copy(T)
    tablelib.move, tablelib.insert, tablelib.remove, tablelib.concat, tablelib.unpack, tablelib.sort =
      move, insert, remove, concat, unpack_, sort

    local mathlib = copy(M, { randomseed = true })

    -- xpcall: a message handler never runs on after the script was stopped by a limit
    -- (Lua calls it with hooks off when the limit error is raised from the hook).
    local rawxpcall = B.xpcall
    local function xpcall(f, handler, ...)
      if type(handler) ~= "function" then
        error("bad argument #2 to 'xpcall' (function expected, got " .. type(handler) .. ")", 2)
      end
      return rawxpcall(f, function(e)
        if stopped() then return e end
        return handler(e)
      end, ...)
    end

    -- coroutines: closing a coroutine runs its pending __close handlers, which a coroutine
    -- killed from the hook would run with hooks off; so never close after a stop. A thread
    -- that waits for the host (an open question, a timer) belongs to the host: the script
    -- may neither resume nor close it. A stop caught by resume is raised again.
    local create, rawresume, costatus, rawclose, waiting = C.create, C.resume, C.status, C.close, raw.waiting
    local function mine(co, what)
      if type(co) == "thread" and waiting(co) then
        error("cannot " .. what .. " a script thread that waits for the host", 3)
      end
    end
    local function resume(co, ...)
      mine(co, "resume")
      local r = pack(rawresume(co, ...))
      local stop = stopped()
      if stop then error(stop, 0) end
      return unpack(r, 1, r.n)
    end
    local function close(co)
      local stop = stopped()
      if stop then error(stop, 0) end
      mine(co, "close")
      return rawclose(co)
    end
    local function wrap(f)
      local co = create(f)
      return function(...)
        local r = pack(resume(co, ...))
        if r[1] then return unpack(r, 2, r.n) end
        local e = r[2]
        if costatus(co) == "dead" then
          local ok, closing = close(co)
          if ok == false then e = closing end
        end
        error(e, 2)
      end
    end
    local corolib = copy(C)
    corolib.resume, corolib.close, corolib.wrap = resume, close, wrap

    -- Library functions called through a wrapper: their errors point at the script's
    -- line, not at this prelude, and a stop is never swallowed.
    local function call(f, ...)
      local r = pack(pcall(f, ...))
      if r[1] then return unpack(r, 2, r.n) end
      local stop = stopped()
      if stop then error(stop, 0) end
      local e = r[2]
      if type(e) == "string" then e = e:gsub("^kraftfelt%.prelude:%d+: ", "") end
      error(e, 3)
    end

    -- os: time and clock from the host's clock, so a replay sees the same values; dates
    -- in UTC, so they do not depend on the host's time zone.
    local now, clock, date, utctime = host.now, host.clock, O.date, raw.utctime
    local oslib = {
      time = function(t)
        if t == nil then return now() end
        local v = call(utctime, t)
        return v
      end,
      clock = clock,
      date = function(format, t)
        format = format == nil and "%c" or format
        if type(format) == "string" and format:sub(1, 1) ~= "!" then format = "!" .. format end
        local v = call(date, format, t == nil and now() or t)
        return v
      end,
      difftime = O.difftime,
    }

    -- tostring names tables and functions by the order they were first shown, not by
    -- their address, so a replay prints the same.
    local rawtostring, shown, seen = tostring, B.setmetatable({}, { __mode = "k" }), 0
    tostring = function(v)
      local text = rawtostring(v)
      local kind = text:match("^(%a+): 0x%x+$")
      if kind and type(v) == kind then
        local id = shown[v]
        if not id then seen = seen + 1; id = seen; shown[v] = id end
        return kind .. ": #" .. id
      end
      return text
    end

    -- pairs visits a plain table's keys in a fixed order (booleans, numbers, strings,
    -- then the rest by their tostring name), so a replay in a new process, where Lua's
    -- string hash differs, takes the same path. Tables with a metatable keep Lua's pairs
    -- (and __pairs).
    local rawpairs, rank = B.pairs, { boolean = 1, number = 2, string = 3 }
    local function before(a, b)
      local ta, tb = type(a), type(b)
      if ta ~= tb then return (rank[ta] or 4) < (rank[tb] or 4) or ((rank[ta] or 4) == (rank[tb] or 4) and ta < tb) end
      if ta == "number" or ta == "string" then return a < b end
      if ta == "boolean" then return not a and b end
      return tostring(a) < tostring(b)
    end
    local function pairs(t)
      if type(t) ~= "table" or getmetatable(t) ~= nil then return rawpairs(t) end
      local keys = {}
      for k in next, t do keys[#keys + 1] = k end
      rawsort(keys, before)
      local i = 0
      return function()
        repeat
          i = i + 1
          local k = keys[i]
          if k == nil then return nil end
          local v = t[k]
          if v ~= nil then return k, v end
        until false
      end, t, nil
    end

    local hostprint = host.print
    local function print(...)
      local parts = {}
      for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
      hostprint(concat(parts, "\t"))
    end

    -- load: text only, checked and size-limited before Lua parses it (the parser runs
    -- without the hook); a reader function's pieces are collected first.
    local rawload, checksource = B.load, raw.checksource
    local function loader(env)
      return function(chunk, name, mode, ...)
        if mode ~= nil and mode ~= "t" and type(mode) == "string" and not mode:find("t", 1, true) then
          return nil, "load: only text chunks can be loaded in Kraftfelt scripts"
        end
        if type(chunk) == "function" then
          local pieces, reader = {}, chunk
          while true do
            local piece = reader()
            if piece == nil or piece == "" then break end
            if type(piece) ~= "string" then return nil, "reader function must return a string" end
            pieces[#pieces + 1] = piece
          end
          chunk = concat(pieces)
        end
        if type(chunk) == "string" then
          local problem = checksource(chunk)
          if problem then return nil, "load: " .. problem end
        end
        if select("#", ...) == 0 then return rawload(chunk, name, "t", env) end
        return rawload(chunk, name, "t", ...)
      end
    end

    local basenames = {
      "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
      "rawget", "rawlen", "rawset", "select", "tonumber", "tostring", "type",
    }
    local setmetatable = raw.setmetatable

    local function newenv()
      local env = {}
      for i = 1, #basenames do env[basenames[i]] = B[basenames[i]] end
      env._VERSION = B._VERSION
      env.setmetatable = setmetatable
      env.xpcall = xpcall
      env.print = print
      env.tostring = tostring
      env.pairs = pairs
      env.load = loader(env)
      env.string = copy(stringlib)
      env.table = copy(tablelib)
      env.math = copy(mathlib)
      env.utf8 = copy(raw.utf8)
      env.coroutine = copy(corolib)
      env.os = copy(oslib)
      for name, functions in next, modules do env[name] = copy(functions) end
      env._G = env
      return env
    end

    return { newenv = newenv, string = stringlib, describe = function(e) return tostring(e) end }
    """#
