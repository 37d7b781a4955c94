/// The Lua side of the sandbox. It runs once per VM with the raw standard libraries and
/// returns the factory that builds a fresh allow-list environment for every chunk.
///
/// Scripts never see the raw libraries: only the functions copied into an environment.
/// Most replacements are C functions (`Sources/CKraftfeltLua/`), so that their errors
/// name the script's line and the function as the script called it; the reasoning
/// behind each is in `docs/security.md`.
let sandboxPrelude = #"""
    local raw = ...
    local B, S, T, M, C, O, U = raw._G, raw.string, raw.table, raw.math, raw.coroutine, raw.os, raw.utf8
    local next = B.next
    local host, modules = raw.host, raw.modules
    local charged, cost, closure, chargeall = raw.charged, raw.cost, raw.closure, raw.chargeall

    local function copy(from, except)
      local to = {}
      for k, v in next, from do
        if not (except and except[k]) then to[k] = v end
      end
      return to
    end

    -- Wraps the stock functions whose work grows with their input, so the budget sees it.
    local function charge(lib, from, costs)
      for name, kind in next, costs do lib[name] = charged(from[name], cost[kind]) end
    end

    local tostring = raw.tostring

    -- math: randomness from the host's seed; math.randomseed() draws from the session.
    M.randomseed(host.seed())
    local mathlib = copy(M)
    mathlib.randomseed = closure("randomseed", M.randomseed, host.seedpair)
    mathlib.random = closure("random", M.random)
    charge(mathlib, M, { max = "ARGUMENTS", min = "ARGUMENTS" })
    chargeall(mathlib)

    -- string: no dump (bytecode); pattern matching, rep and format are Kraftfelt's own.
    local stringlib = copy(S, { dump = true })
    stringlib.find, stringlib.match, stringlib.gmatch, stringlib.gsub = raw.find, raw.match, raw.gmatch, raw.gsub
    stringlib.rep = closure("rep", S.rep)
    stringlib.format = closure("format", S.format, tostring)
    charge(stringlib, S, {
      byte = "RESULTS", char = "ARGUMENTS", lower = "EACH_BYTE", upper = "EACH_BYTE",
      reverse = "FIRST_STRING", sub = "RESULTS", pack = "FORMAT_RESULTS", packsize = "FIRST_STRING",
      unpack = "FORMAT_RESULTS",
    })
    chargeall(stringlib)

    -- table: every loop charged by the range it walks; sort is Kraftfelt's own.
    local tablelib = copy(T)
    charge(tablelib, T, {
      insert = "INSERT", remove = "REMOVE", move = "MOVE", concat = "CONCAT", pack = "ARGUMENTS",
      unpack = "UNPACK",
    })
    tablelib.sort = raw.sort
    chargeall(tablelib)

    local utf8lib = copy(U)
    charge(utf8lib, U, {
      char = "ARGUMENTS", codepoint = "RESULTS", len = "STRING_RANGE", offset = "OFFSET", codes = "CODES",
    })
    chargeall(utf8lib)

    -- xpcall: a message handler never runs on after the script was stopped by a limit
    -- (Lua calls it with hooks off when the limit error is raised from the hook).
    local xpcall = closure("xpcall", B.xpcall)

    -- coroutines: resume and close refuse threads that wait for the host and raise a
    -- stop again; wrap is Kraftfelt's own (it never closes a coroutine after a stop).
    local corolib = copy(C)
    corolib.resume, corolib.close, corolib.wrap = closure("resume", C.resume), closure("close", C.close), raw.wrap
    chargeall(corolib)

    -- os: time and clock from the session's clock, so a replay sees the same values;
    -- dates in UTC, so they do not depend on the host's time zone.
    local oslib = {
      time = closure("time", host.now),
      clock = host.clock,
      date = closure("date", O.date, host.now),
      difftime = O.difftime,
    }
    chargeall(oslib)

    local print = closure("print", host.print, tostring)

    local basenames = {
      "assert", "error", "getmetatable", "ipairs", "pcall", "rawequal", "rawget", "rawlen", "rawset", "type",
    }
    local select, tonumber = charged(B.select, cost.RESULTS), charged(B.tonumber, cost.FIRST_STRING)
    local basefunctions = {}
    for i = 1, #basenames do basefunctions[basenames[i]] = B[basenames[i]] end
    chargeall(basefunctions)
    basefunctions.ipairs = closure("ipairs", charged((B.ipairs({})), cost.CALL))
    local setmetatable, loader, scriptnext, scriptpairs = raw.setmetatable, raw.loader, raw.next, raw.pairs

    -- What Lua names a function by when its caller is C (pcall(f), a sort's comparison,
    -- a traceback): the libraries scripts see, each function under one name only.
    local loaded, base = raw.loaded, {}
    for k in next, copy(loaded) do loaded[k] = nil end
    for i = 1, #basenames do base[basenames[i]] = basefunctions[basenames[i]] end
    base.next, base.pairs, base.select, base.tonumber, base.setmetatable, base.xpcall, base.print, base.tostring =
      scriptnext, scriptpairs, select, tonumber, setmetatable, xpcall, print, tostring
    loaded._G, loaded.string, loaded.table, loaded.math = base, stringlib, tablelib, mathlib
    loaded.utf8, loaded.coroutine, loaded.os = utf8lib, corolib, oslib

    -- require: a module's text comes from the host (the hidden `modules.source`: a file
    -- beside the script, or one of the host's own); it runs once, in an environment of
    -- its own, and what it returns is kept (true for nothing).
    local hidden, required, requiring = raw.hidden, {}, {}
    local newenv
    local function require(name)
      if B.type(name) ~= "string" then
        B.error("require: a module's name must be a text, like require \"helpers\", got " .. B.type(name), 2)
      end
      if required[name] ~= nil then return required[name] end
      if requiring[name] then B.error("require: " .. name .. " requires itself (a loop of modules)", 2) end
      local source = hidden.modules and hidden.modules.source
      if not source then B.error("require: this host has no modules", 2) end
      local ok, text, chunkname = B.pcall(source, name)
      if not ok then B.error((S.gsub(B.tostring(text), "^.-modules%.source: ", "require: ")), 2) end
      local chunk, problem = loader(newenv())(text, chunkname, "t")
      if not chunk then B.error("require: " .. B.tostring(problem), 2) end
      requiring[name] = true
      local done, value = B.pcall(chunk, name)
      requiring[name] = nil
      if not done then B.error(value, 0) end
      if value == nil then value = true end
      required[name] = value
      return value
    end

    newenv = function()
      local env = {}
      for i = 1, #basenames do env[basenames[i]] = basefunctions[basenames[i]] end
      env._VERSION = B._VERSION
      env.next = scriptnext
      env.pairs = scriptpairs
      env.select = select
      env.tonumber = tonumber
      env.setmetatable = setmetatable
      env.xpcall = xpcall
      env.print = print
      env.tostring = tostring
      env.load = loader(env)
      env.string = copy(stringlib)
      env.table = copy(tablelib)
      env.math = copy(mathlib)
      env.utf8 = copy(utf8lib)
      env.coroutine = copy(corolib)
      env.os = copy(oslib)
      for name, functions in next, modules do env[name] = copy(functions) end
      env.require = require
      env._G = env
      return env
    end

    return { newenv = newenv, string = stringlib, describe = tostring }
    """#
