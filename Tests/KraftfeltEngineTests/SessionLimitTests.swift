import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// Every value a script passes is checked before it reaches a Swift precondition, and
/// every collection it can make the host build is bounded: each with its exact error.
struct SessionLimitTests {
    static let refusedCalls: [(String, String)] = [
        // Question ranges (a ClosedRange precondition killed the process before).
        (
            "s:ask(s.everyone, { da = 'x', kind = 'number', min = 10, max = 1 })",
            "s:ask: 'max' must be a number above 'min', got 1 (min 10)"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'number', min = 3, max = 3 })",
            "s:ask: 'max' must be a number above 'min', got 3 (min 3)"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'number', min = 0/0, max = 1 })",
            "s:ask: 'min' must be a number from -1000000000000 to 1000000000000, got nan"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'number', max = 1/0 })",
            "s:ask: 'max' must be a number from -1000000000000 to 1000000000000, got inf"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'number', min = -2e12 })",
            "s:ask: 'min' must be a number from -1000000000000 to 1000000000000, got -2000000000000.0"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'number', min = '3' })",
            "s:ask: 'min' must be a number from -1000000000000 to 1000000000000, got \"3\""
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'scale', min = 0.5 })",
            "s:ask: a scale's 'min' must be a whole number from -1000000 to 1000000, got 0.5"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'scale', scale = 0/0 })",
            "s:ask: a scale's 'scale' must be a whole number from -1000000 to 1000000, got nan"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'scale', min = math.mininteger, max = 5 })",
            "s:ask: a scale's 'min' must be a whole number from -1000000 to 1000000, got -9223372036854775808"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'scale', min = 1, max = 500 })",
            "s:ask: a scale has at most 101 points ('max' at most 100 above 'min'), got 1 to 500"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'scale', max = 1 })",
            "s:ask: a scale runs from 'min' to a higher 'max', got 1 to 1"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 5 })",
            "s:ask: 'kind' must be one of text, choice, choices, scale, number, person, rank, vote, list, got 5"
        ),
        // Options and sample answers.
        (
            "s:ask(s.everyone, { da = 'x', kind = 'choice', options = { 'a', {} } })",
            "s:ask: option 2 of 'options' must be a text or a number, got a table"
        ),
        (
            "local o = {} for i = 1, 101 do o[i] = 'o' .. i end s:ask(s.everyone, { da = 'x', kind = 'vote', options = o })",
            "s:ask: 'options' can have at most 100 options of 500 bytes each, got 101 options"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'choice', options = { ('o'):rep(501) } })",
            "s:ask: 'options' can have at most 100 options of 500 bytes each, got 501 bytes in option 1"
        ),
        (
            "s:ask(s.everyone, { da = 'x', bot_answers = 'yes' })",
            "s:ask: 'bot_answers' must be a list of sample answers, got \"yes\""
        ),
        (
            "s:ask(s.everyone, { da = 'x', bot_answers = { 'fine', '   ' } })",
            "s:ask: answer 2 of 'bot_answers' must be a text of 1 to 2000 characters, got \"   \""
        ),
        (
            "s:ask(s.everyone, { da = 'x', bot_answers = { da = { ('x'):rep(2001) } } })",
            "s:ask: answer 1 of 'bot_answers' must be a text of 1 to 2000 characters, got \"\(String(repeating: "x", count: 40))\""
        ),
        (
            "local b = {} for i = 1, 101 do b[i] = 'b' .. i end s:ask(s.everyone, { da = 'x', bot_answers = b })",
            "s:ask: 'bot_answers' can have at most 100 answers, got 101"
        ),
        // s:groups options.
        (
            "s:groups { sizes = 3 }",
            "s:groups: 'sizes' is not an option: did you mean 'size'? (the options are size, mix, avoid_repeats, target, min, from)"
        ),
        (
            "s:groups { 3 }",
            "s:groups: the options must be named, like { size = … } (the options are size, mix, avoid_repeats, target, min, from)"
        ),
        ("s:groups { size = 51 }", "s:groups: 'size' must be from 1 to 50 people, got 51"),
        ("s:groups { size = 0 }", "s:groups: 'size' must be from 1 to 50 people, got 0"),
        ("s:groups { size = '2-60' }", "s:groups: 'size' must be from 1 to 50 people, got \"2-60\""),
        ("s:groups { size = '-2-4' }", "s:groups: 'size' must be like \"2-4\" or a number, got \"-2-4\""),
        ("s:groups { size = 2.5 }", "s:groups: 'size' must be like \"2-4\" or a number, got 2.5"),
        ("s:groups { mix = 5 }", "s:groups: 'mix' must be \"areas\", \"same-area\" or \"random\", got 5"),
        ("s:groups { avoid_repeats = 'no' }", "s:groups: 'avoid_repeats' must be true or false, got \"no\""),
        ("s:groups { target = 2.5 }", "s:groups: 'target' must be a whole number of people, got 2.5"),
        // s:each_group takes real groups only.
        (
            "s:each_group({ { members = { { id = 'ghost' } } } }, function(g) end)",
            "s:each_group: member 1 of group 1 of 'groups' is not a person in this session, got a table"
        ),
        (
            "s:each_group({ { members = {} } }, function(g) end)",
            "s:each_group: group 1 of 'groups' must be a group from s:groups or a list of people, got a table"
        ),
        (
            "s:each_group({ 'a group' }, function(g) end)",
            "s:each_group: group 1 of 'groups' must be a group from s:groups or a list of people, got \"a group\""
        ),
        (
            "local p = s:participants() local t = {} for i = 1, 4 do t[i] = { p[1] } end s:each_group(t, print)",
            "s:each_group: 'groups' can have at most one group for each person in the session (3), got 4"
        ),
        (
            "local p = s:participants() s:each_group({ { members = { p[1], p[2] } }, { p[2] } }, print)",
            "s:each_group: Bo is in group 1 and group 2; a person can be in one group"
        ),
        // s:roles.
        (
            "s:roles(s:groups()[1], { 'client', 2 })",
            "s:roles: role 2 of 'roles' must be a name of 1 to 100 bytes, got 2"
        ),
        (
            "s:roles(s:groups()[1], { ('r'):rep(101) })",
            "s:roles: role 1 of 'roles' must be a name of 1 to 100 bytes, got \"\(String(repeating: "r", count: 40))\""
        ),
        (
            "local r = {} for i = 1, 240000 do r[i] = 'r' .. i end s:roles(s:groups()[1], r)",
            "s:roles: 'roles' can have at most 50 role names, got 240000"
        ),
        (
            "s:roles({ members = { { id = 'ghost' } } }, { 'client' })",
            "s:roles: 'group' must be one of the groups s:groups returned"
        ),
        (
            "s:roles(s:groups()[1], { client = 'x' })",
            "s:roles: 'roles' must be a list of different role names, like { \"client\", \"consultant\" }"
        ),
        ("s:roles(s:groups()[1], { 'a' }, 51)", "s:roles: 'rounds' must be from 1 to 50, got 51"),
        // Misspelt fields of a question, a chart and a parameter.
        (
            "s:ask(s.everyone, { da = 'x', tme = '1m' })",
            "s:ask: 'tme' is not a question field: did you mean 'time'? (the question fields are da, en, kind, options, min, max, scale, time, bot_answers, together)"
        ),
        (
            "s:ask(s.everyone, { da = 'x', [1] = 'y' })",
            "s:ask: the question fields must be named, like { da = … } (the question fields are da, en, kind, options, min, max, scale, time, bot_answers, together)"
        ),
        (
            "s:show { chart = 'counts', value = { 1 } }",
            "s:show: 'value' is not a chart field: did you mean 'values'? (the chart fields are chart, answers, values, min, max, options, before, after, labels, pairs, title)"
        ),
        (
            "s:show { chart = 'counts', colour = 'red' }",
            "s:show: 'colour' is not a chart field (the chart fields are chart, answers, values, min, max, options, before, after, labels, pairs, title)"
        ),
        // s:rotations and s:match.
        (
            "s:rotations { round = 3 }",
            "s:rotations: 'round' is not an option: did you mean 'rounds'? (the options are rounds)"
        ),
        ("s:rotations { rounds = 51 }", "s:rotations: 'rounds' must be a number of rounds from 1 to 50, got 51"),
        ("s:rotations { rounds = 0/0 }", "s:rotations: 'rounds' must be a number of rounds from 1 to 50, got nan"),
        ("s:match({}, { helper = 5 })", "s:match: 'helper' must be \"other-area\" or \"anyone\", got 5"),
        (
            "s:match({}, { helpers = 'anyone' })",
            "s:match: 'helpers' is not an option: did you mean 'helper'? (the options are helper)"
        ),
        (
            "s:match({ { who = s:participants()[1], value = ('x'):rep(8001) } })",
            "s:match: the question of answer 1 of 'answers' has 8001 bytes; the limit is 8000"
        ),
        // s:measure.
        ("s:measure('x', 0/0)", "s:measure: 'value' must be a finite number, got nan"),
        ("s:measure('x', -1/0)", "s:measure: 'value' must be a finite number, got -inf"),
        (
            "s:measure('x', '1e999')",
            "s:measure: \"x\" is not an indicator (declare it in the exercise's indicators = { … } to measure it as a string)"
        ),
        (
            "s:measure('a' .. ('\\u{301}'):rep(200), 1)",
            "s:measure: 'indicator' can have at most 256 bytes, got 401"
        ),
    ]

    @Test(arguments: refusedCalls)
    func aRefusedCallFailsTheSessionWithTheExactMessage(_ call: String, _ expected: String) throws {
        let session = try openSession(exercise(call))
        #expect(session.failure == "x.lua:3: " + expected)
        #expect(session.openAsks.isEmpty && session.nextDeadline == nil)
    }

    static let refusedDeclarations: [(String, String)] = [
        (
            "return kf.programme { id = 'p', title = { da = 'P', en = 'P' }, exercises = { \(Array(repeating: "'a'", count: 51).joined(separator: ", ")) } }",
            "x.lua:1: kf.programme: a programme runs at most 50 exercises, got 51"
        ),
        (
            "return kf.exercise { id = 'x', title = { da = ('T'):rep(201), en = 'T' }, minutes = 5, run = print }",
            "x.lua:1: kf.exercise: a 'title' text can have at most 200 bytes"
        ),
        (
            "local p = {} for i = 1, 51 do p['p' .. i] = { type = 'integer', default = 1 } end "
                + "return kf.exercise { id = 'x', title = { da = 'T', en = 'T' }, minutes = 5, run = print, parameters = p }",
            "x.lua:1: kf.exercise: an exercise can declare at most 50 parameters, got 51"
        ),
        (
            "return kf.exercise { id = ('x'):rep(100000), title = { da = 'T', en = 'T' }, minutes = 5, run = print }",
            "x.lua:1: kf.exercise: 'id' must be lowercase letters, digits and dashes (like \"summegrupper\"), got \"\(String(repeating: "x", count: 40))\""
        ),
    ]

    @Test(arguments: refusedDeclarations)
    func aRefusedDeclarationFailsTheSession(_ script: String, _ expected: String) throws {
        let definition = SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: script), seed: 1)
        let session = try Session(definition: definition)
        try session.submit(definition.startEvent(exercise: "x"))
        #expect(session.failure == expected)
    }

    @Test(arguments: [
        (
            "return { kind = 'programme', id = 'p', title = { da = 'P', en = 'P' }, exercises = { \(Array(repeating: "'a'", count: 51).joined(separator: ", ")) } }",
            "x.lua: a programme runs at most 50 exercises, got 51"
        ),
        (
            "return { kind = 'exercise', id = 'x', title = { da = ('T'):rep(201), en = 'T' }, minutes = 5, run = print }",
            "x.lua: a 'title' text can have at most 200 bytes"
        ),
        ("return { kind = 'quiz' }", "x.lua: the script must return kf.exercise { … } or kf.programme { … }"),
    ])
    func aDeclarationMadeUpWithoutKfGetsTheSameChecks(_ script: String, _ expected: String) throws {
        let definition = SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: script), seed: 1)
        let session = try Session(definition: definition)
        try session.submit(definition.startEvent(exercise: "x"))
        #expect(session.failure == expected)
    }

    @Test func aStartTimeAtTheEndOfTimeSaturatesTheScriptsClock() throws {
        let script = exercise("s:wait_for_trainer()\ns:show(os.time() == math.maxinteger)")
        let definition = SessionDefinition(
            main: ExerciseSource(fileName: "x.lua", text: script), seed: 1, startedAt: .max - 10)
        let session = try Session(definition: definition)
        try session.submit(definition.startEvent(exercise: "x"))
        try session.submit(.trainer(.advance, at: 0))
        try session.submit(.trainer(.advance, at: 60_000))
        #expect(session.transcript.lines.contains("[01:00] show: true"), "\(session.failure ?? "")")
    }

    @Test func anExerciseCannotPassItselfOffAsAProgramme() throws {
        let script = """
            return kf.exercise { id = "x", title = { da = "X", en = "X" }, minutes = 5, kind = "programme",
              run = function(s) s:show("ran") end }
            """
        let session = try openSession(script)
        #expect(session.state == .finished)
        #expect(session.transcript.lines.contains("[00:00] show: ran"))
        let listed = SessionDefinition(
            main: ExerciseSource(
                fileName: "x.lua",
                text: script.replacingOccurrences(of: "kind = \"programme\",", with: "exercises = { \"x\" },")),
            seed: 1)
        let listing = try Session(definition: listed)
        try? listing.submit(listed.startEvent(exercise: "x"))
        #expect(
            listing.failure
                == "x.lua:1: kf.exercise: 'exercises' is not an exercise field (the exercise fields are id, title, summary, minutes, run, version, parameters, attributes, indicators)"
        )
    }

    @Test func aNumberParameterMustBeFinite() throws {
        let script = """
            return kf.exercise { id = "x", title = { da = "X", en = "X" }, minutes = 5,
              parameters = { share = { type = "number", default = 0.5 } }, run = function(s) end }
            """
        let definition = SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: script), seed: 1)
        let session = try Session(definition: definition)
        try session.submit(definition.startEvent(exercise: "x", parameters: ["share": "nan"]))
        #expect(session.failure == "x: parameter 'share' must be a number, got \"nan\"")
    }

    @Test func moreGroupsThanTheLimitAreRefusedEvenInAFullRoom() throws {
        let people = (1...1001).map { ("P\($0)", "A\($0 % 7)") }
        let session = try openSession(
            exercise("local t = {} for i, p in ipairs(s:participants()) do t[i] = { p } end s:each_group(t, print)"),
            people: people)
        #expect(session.failure == "x.lua:3: s:each_group: 'groups' can have at most 1000 groups, got 1001")
    }

    @Test func aGroupMayBeAListOfPeople() throws {
        let session = try openSession(
            exercise(
                """
                local p = s:participants()
                local r = s:each_group({ { p[1], p[2] }, { members = { p[3] } } }, function(g) return #g.members end)
                s:show(r)
                """))
        #expect(session.state == .finished, "\(session.failure ?? "")")
        #expect(session.transcript.text.contains("show: \n          1. 2\n          2. 1"))
    }

    @Test func rotationsForAFullRoomAreBounded() throws {
        let people = (1...2001).map { ("P\($0)", "A\($0 % 5)") }
        let session = try openSession(exercise("s:rotations { rounds = 50 }"), people: people)
        #expect(
            session.failure
                == "x.lua:3: s:rotations: 50 rounds for 2001 people is more than 100000 places in all; ask for at most 49 rounds"
        )
    }

    @Test func theSessionRemembersABoundedNumberOfMeetings() throws {
        let session = try openSession(exercise("s:wait_for_trainer()\ns:groups { size = 3 }"))
        session.pairHistory = Set((0..<SessionLimits.rememberedPairs - 2).map { MemberPair(-1 - $0, -2 - $0) })
        try session.submit(.trainer(.advance, at: 1))
        #expect(
            session.failure
                == "x.lua:4: s:groups: the session can remember at most 2000000 pairs of people who met (for avoid_repeats); these groups would make it 2000001"
        )
    }

    // MARK: Labels and entries are cut

    @Test func labelsAndShownValuesAreCutAt4KB() throws {
        let session = try openSession(
            exercise(
                """
                local big = {}
                for i = 1, 200000 do big[i] = 'entry ' .. i end
                s:show(big)
                print(('y'):rep(10000))
                s:timer('1m', ('z'):rep(5000))
                """))
        let lines = session.transcript.lines
        let cut = " … (cut: more than 4 KB)"
        #expect(lines.contains("[00:00] print: " + String(repeating: "y", count: 4096) + cut))
        #expect(lines.contains("[00:00] timer 1m: " + String(repeating: "z", count: 4096) + cut))
        let shown = try #require(lines.firstIndex(of: "[00:00] show: "))
        #expect(lines[shown + 1] == "          1. entry 1")
        #expect(session.transcript.bytes < 16_000)
    }
}
