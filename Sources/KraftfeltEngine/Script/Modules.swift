import KraftfeltLua

/// `require`: a script's own modules beside it (`require "helpers"` for `helpers.lua`) and
/// the host's library of structures (`require "kraftfelt.structures"`), never a file
/// anywhere else. The sources are part of the session's definition, so a replay in
/// another process loads the same code.
enum ScriptModules {
    static let moduleName = "modules"

    /// The host's own modules, by name.
    static let builtIn: [String: String] = ["kraftfelt.structures": structures]

    /// What a module name may be: letters, digits, `-` and `_`, parts joined by dots.
    static func isValidName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return !name.isEmpty && name.utf8.count <= 64
            && parts.allSatisfy { part in
                !part.isEmpty
                    && part.unicodeScalars.allSatisfy {
                        ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-"
                            || $0 == "_"
                    }
            }
    }

    /// The hidden host function `require` reads a module's text with: the source and the
    /// name its errors carry.
    static func module(library: [ExerciseSource], main: String) -> HostModule {
        HostModule(
            moduleName, global: false,
            functions: [
                HostFunction(
                    "source", parameters: [Parameter("name", .string)], returns: "text, chunk name",
                    summary: "The text of a module, for require."
                ) { call in
                    let name = try call.string(0)
                    guard isValidName(name) else {
                        throw HostError(
                            "\(describe(.string(name))) is not a module name: a module is a file beside the script, "
                                + "like require \"helpers\" for helpers.lua")
                    }
                    if let text = builtIn[name] { return .values([.string(text), .string("=" + name)]) }
                    let file = name + ".lua"
                    guard file != main, let source = library.first(where: { $0.fileName == file }) else {
                        let names = Array(builtIn.keys) + library.map { String($0.fileName.dropLast(4)) }
                        let guess = HostOptions.nearest(name, in: names.filter { $0 + ".lua" != main && $0 != name })
                        throw HostError(
                            "there is no module \(describe(.string(name))): put \(file) beside the script"
                                + (guess.map { " (did you mean \"\($0)\"?)" } ?? ""))
                    }
                    return .values([.string(source.text), .string("=" + file)])
                }
            ])
    }

    /// The host's library of structures.
    static let structures = """
        -- kraftfelt.structures: whole structures as one call.
        local M = {}

        local function check(options, known, call)
          if options == nil then return {} end
          if type(options) ~= "table" then error(call .. ": the options must be a table", 3) end
          for key in pairs(options) do
            if not known[key] then
              local names = {}
              for name in pairs(known) do names[#names + 1] = name end
              table.sort(names)
              error(call .. ": '" .. tostring(key) .. "' is not an option (the options are " .. table.concat(names, ", ") .. ")", 3)
            end
          end
          return options
        end

        local one_two_four_all_options = {
          prompt = true, alone = true, pairs = true, fours = true, vote = true, bot_answers = true,
        }

        --- 1-2-4-All: the prompt, a minute alone, pairs, fours that agree on their key idea,
        --- and a vote of the room on the ideas. Returns { ideas = { … }, votes = answers }.
        function M.one_two_four_all(s, options)
          local o = check(options, one_two_four_all_options, "one_two_four_all")
          s:show(o.prompt or { da = "Hvad ville gøre den største forskel for jer?",
                               en = "What would make the biggest difference for you?" })
          s:timer(o.alone or "1m", { da = "1: tænk selv", en = "1: think alone" })
          local pairs = s:groups { size = 2 }
          s:show(pairs)
          s:each_group(pairs, function(g)
            g:timer(o.pairs or "2m", { da = "2: del to og to", en = "2: share in pairs" })
          end)
          local fours = s:merge(pairs)
          s:show(fours)
          local ideas = s:each_group(fours, function(g)
            g:timer(o.fours or "4m", { da = "4: find mønstre", en = "4: look for patterns" })
            return g:ask(g.everyone, { da = "Jeres vigtigste idé", en = "Your group's key idea",
              time = "2m", together = true, bot_answers = o.bot_answers })
          end)
          local options_ = kf.options(ideas)
          if #options_ == 0 then return { ideas = {}, votes = {} } end
          local votes = s:ask(s.everyone, { da = "Hvilken idé vil du arbejde videre med?",
            en = "Which idea do you want to take forward?", kind = "vote", options = options_, time = o.vote or "2m" })
          s:show({ chart = "counts", answers = votes, options = options_ }, "screen")
          return { ideas = options_, votes = votes }
        end

        local ask_until_options = { times = true, stop = true }

        --- Nine Whys and the like: asks the same question again and again, up to `times`
        --- rounds (default 9), until an answer is one of the `stop` words (default "stop",
        --- "færdig", "done"; any case, spaces around ignored) or nobody answers. `question`
        --- is a question table, or a function(round, previous answers) that returns one (or
        --- nil to stop); each round's prompt ends with "(2/9)". Returns the rounds (a list of
        --- what each s:ask returned) and the deepest answers: the last round's answers that
        --- are not a stop word (the round before's when all were).
        function M.ask_until(s, audience, question, options)
          local o = check(options, ask_until_options, "ask_until")
          local times = o.times or 9
          if math.type(times) ~= "integer" or times < 1 or times > 50 then
            error("ask_until: 'times' must be a whole number from 1 to 50, got " .. tostring(times), 2)
          end
          if type(question) ~= "table" and type(question) ~= "function" then
            error("ask_until: 'question' must be a question table or a function(round, previous), got a " .. type(question), 2)
          end
          if o.stop ~= nil and type(o.stop) ~= "table" then
            error("ask_until: 'stop' must be a list of words, got a " .. type(o.stop), 2)
          end
          local stop = {}
          for _, word in ipairs(o.stop or { "stop", "færdig", "done" }) do
            if type(word) ~= "string" then error("ask_until: 'stop' must be a list of words", 2) end
            stop[string.lower(word)] = true
          end
          local function says_stop(answer)
            return type(answer.value) == "string" and stop[string.lower((answer.value:gsub("^%s+", ""):gsub("%s+$", "")))] == true
          end
          local rounds = {}
          local previous = nil
          for round = 1, times do
            local q = question
            if type(question) == "function" then q = question(round, previous) end
            if q == nil then break end
            if type(q) ~= "table" then
              error("ask_until: the question function must return a question table or nil, got a " .. type(q), 2)
            end
            local asked = {}
            for key, value in pairs(q) do asked[key] = value end
            local mark = " (" .. round .. "/" .. times .. ")"
            if type(asked.da) == "string" then asked.da = asked.da .. mark end
            if type(asked.en) == "string" then asked.en = asked.en .. mark end
            local answers = s:ask(audience, asked)
            rounds[#rounds + 1] = answers
            previous = answers
            if #answers == 0 then break end
            local stopped = false
            for _, answer in ipairs(answers) do
              if says_stop(answer) then stopped = true end
            end
            if stopped then break end
          end
          local deepest = {}
          for i = #rounds, 1, -1 do
            for _, answer in ipairs(rounds[i]) do
              if not says_stop(answer) then deepest[#deepest + 1] = answer end
            end
            if #deepest > 0 then break end
          end
          return rounds, deepest
        end

        return M
        """
}
