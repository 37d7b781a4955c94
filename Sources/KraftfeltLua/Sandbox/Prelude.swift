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
    local function checkint(x, n)
      local i = tointeger(x)
      if i == nil then
        error(("bad argument #%d to 'move' (number has no integer representation)"):format(n), 3)
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
    local tablelib = copy(T)
    tablelib.move = move

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
    -- killed from the hook would run with hooks off; so never close after a stop.
    local create, resume, costatus, rawclose = C.create, C.resume, C.status, C.close
    local function close(co)
      local stop = stopped()
      if stop then error(stop, 0) end
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
    corolib.close, corolib.wrap = close, wrap

    -- os: time and clock from the host's clock, so a replay sees the same values.
    local now, clock, rawdate, rawtime = host.now, host.clock, O.date, O.time
    local oslib = {
      time = function(t) if t == nil then return now() end return rawtime(t) end,
      clock = clock,
      date = function(format, t) return rawdate(format == nil and "%c" or format, t == nil and now() or t) end,
      difftime = O.difftime,
    }

    local hostprint = host.print
    local function print(...)
      local parts = {}
      for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
      hostprint(concat(parts, "\t"))
    end

    local rawload = B.load
    local function loader(env)
      return function(chunk, name, mode, ...)
        if mode ~= nil and mode ~= "t" and type(mode) == "string" and not mode:find("t", 1, true) then
          return nil, "load: only text chunks can be loaded in Kraftfelt scripts"
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
