import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

struct SessionAPITests {
    /// Wrong calls fail the session with the exact message and the script's line.
    static let wrongCalls: [(String, String)] = [
        ("s:ask(s.everyone, { da = 'x', time = 3 })", "x.lua:3: s:ask: 'time' must be a duration like \"3m\", got 3"),
        (
            "s:ask(s.everyone, { da = 'x', time = 'soon' })",
            "x.lua:3: s:ask: 'time' must be a duration like \"3m\", got \"soon\""
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'poll' })",
            "x.lua:3: s:ask: 'kind' must be one of text, choice, choices, scale, number, person, rank, vote, list, got \"poll\""
        ),
        ("s:ask(s.everyone, { kind = 'text' })", "x.lua:3: s:ask: the question needs a text in da or en"),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'choice' })",
            "x.lua:3: s:ask: a choice question needs 'options', like { \"a\", \"b\" }"
        ),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'scale', min = 5, max = 1 })",
            "x.lua:3: s:ask: a scale runs from 'min' to a higher 'max', got 5 to 1"
        ),
        ("s:ask('everyone', { da = 'x' })", "x.lua:3: s:ask: argument 'audience' must be a table, got string"),
        (
            "s:ask({ 1, 2 }, { da = 'x' })",
            "x.lua:3: s:ask: 'audience' must be s.everyone, a group's g.everyone, a person or a list of people"
        ),
        ("s.ask(s.everyone, { da = 'x' })", "x.lua:3: s:ask: call it with a colon, as s:ask(...)"),
        ("s:ask(s.everyone)", "x.lua:3: s:ask: argument 'question' must be a table, got nothing"),
        ("s:timer('soon')", "x.lua:3: s:timer: 'duration' must be a duration like \"3m\", got \"soon\""),
        ("s:timer('25h')", "x.lua:3: s:timer: 'duration' must be a duration like \"3m\", got \"25h\""),
        ("s:groups { size = '4-2' }", "x.lua:3: s:groups: 'size' must be like \"2-4\" or a number, got \"4-2\""),
        (
            "s:groups { mix = 'chaos' }",
            "x.lua:3: s:groups: 'mix' must be \"areas\", \"same-area\" or \"random\", got \"chaos\""
        ),
        ("s:match('x')", "x.lua:3: s:match: argument 'answers' must be a table, got string"),
        (
            "s:match({}, { helper = 'boss' })",
            "x.lua:3: s:match: 'helper' must be \"other-area\" or \"anyone\", got \"boss\""
        ),
        (
            "s:measure('x', 'many')",
            "x.lua:3: s:measure: \"x\" is not an indicator (declare it in the exercise's indicators = { … } to measure it as a string)"
        ),
        ("s:measure('', 1)", "x.lua:3: s:measure: 'indicator' must have 1 to 64 characters"),
        (
            "s:each_group({}, print)",
            "x.lua:3: s:each_group: 'groups' is an empty list: there are no groups to run (was anybody here to form them?)"
        ),
        (
            "s:each_group({ first = 1 }, print)",
            "x.lua:3: s:each_group: 'groups' must be the list s:groups returned, got a table"
        ),
        // A group's handle is named as the script wrote it, and `self` is not counted.
        (
            "s:each_group(s:groups(), function(g) g:ask(g.everyone, { da = 'x', kind = 'scale', min = 5, max = 1 }) end)",
            "x.lua:3: g:ask: a scale runs from 'min' to a higher 'max', got 5 to 1"
        ),
        (
            "s:each_group(s:groups(), function(g) g:timer('1m', 'a', 'b') end)",
            "x.lua:3: g:timer: expected at most 2 arguments, got 3"
        ),
        ("s:timer('1m', 'a', 'b', 'c')", "x.lua:3: s:timer: expected at most 2 arguments, got 4"),
        (
            "s:ask(s.everyone, { da = 'x', kind = 'choice', options = { 'a', 'b', 'a' } })",
            "x.lua:3: s:ask: 'options' has \"a\" twice; each option can be there once"
        ),
        ("s:each_group(s:groups(), 'flow')", "x.lua:3: s:each_group: argument 'flow' must be a function, got string"),
        ("error('half-way')", "x.lua:3: half-way"),
        ("local t = nil; return t.x", "x.lua:3: attempt to index a nil value (local 't')"),
    ]

    @Test(arguments: wrongCalls)
    func wrongCallsFailTheSessionWithTheExactMessage(_ call: String, _ expected: String) throws {
        let session = try openSession(exercise(call))
        #expect(session.failure == expected)
        #expect(session.transcript.lines.last == "[00:00] error: \(expected)")
        #expect(session.openAsks.isEmpty && session.nextDeadline == nil)
    }

    static let badDeclarations: [(String, String)] = [
        (
            "return kf.exercise { id = 'x', title = { da = 'X' }, minutes = 5, run = print }",
            "x.lua:1: kf.exercise: 'title' needs a text in English (en)"
        ),
        (
            "return kf.exercise { id = 'Bad Id', title = { da = 'X', en = 'X' }, minutes = 5, run = print }",
            "x.lua:1: kf.exercise: 'id' must be lowercase letters, digits and dashes (like \"summegrupper\"), got \"Bad Id\""
        ),
        (
            "return kf.exercise { id = 'x', title = { da = 'X', en = 'X' }, minutes = 0, run = print }",
            "x.lua:1: kf.exercise: 'minutes' must be a number of minutes above 0, got 0"
        ),
        (
            "return kf.exercise { id = 'x', title = { da = 'X', en = 'X' }, minutes = 5 }",
            "x.lua:1: kf.exercise: 'run' must be a function(s) … end, got nil"
        ),
        ("return { id = 'x' }", "x.lua: the script must return kf.exercise { … } or kf.programme { … }"),
        (
            "return kf.programme { id = 'p', title = { da = 'P', en = 'P' }, exercises = { 'nope' } }",
            "x.lua: the programme names \"nope\", but no exercise has that id"
        ),
        ("return kf.exercise {", "x.lua:1: unexpected symbol near <eof>"),
    ]

    @Test(arguments: badDeclarations)
    func badDeclarationsFailTheSessionBeforeItOpens(_ script: String, _ expected: String) throws {
        let definition = SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: script), seed: 1)
        let session = try Session(definition: definition)
        try session.submit(definition.startEvent(exercise: "x"))
        #expect(session.failure == expected)
    }

    @Test func answersComeBackWithWhoAndValueInJoinOrder() throws {
        let session = try openSession(
            exercise(
                """
                local a = s:ask(s.everyone, { da = 'Hvor meget?', kind = 'scale', min = 1, max = 7 })
                local names = {}
                for _, x in ipairs(a) do names[#names + 1] = x.who.name .. '=' .. x.value end
                s:show(table.concat(names, ' '))
                """))
        let ask = try #require(session.openAsks.first)
        #expect(ask.kind == "scale" && ask.range == 1...7)
        try session.submit(.answer(ask: ask.id, participant: "p3", value: .number(7), at: 1000))
        try session.submit(.answer(ask: ask.id, participant: "p1", value: .number(2), at: 2000))
        try session.submit(.answer(ask: ask.id, participant: "p2", value: .number(5), at: 3000))
        #expect(session.state == .finished)
        #expect(session.transcript.lines.contains("[00:03] show: Anne=2 Bo=5 Cecilie=7"))
    }

    @Test func someoneWhoLeavesNeverBlocksTheRoom() throws {
        let session = try openSession(exercise("s:ask(s.everyone, { da = 'Hvad?' })\ns:show('done')"))
        let ask = try #require(session.openAsks.first)
        try session.submit(.answer(ask: ask.id, participant: "p1", value: .text("a"), at: 1000))
        try session.submit(.answer(ask: ask.id, participant: "p2", value: .text("b"), at: 2000))
        #expect(session.state == .running)
        try session.submit(.leave(participant: "p3", at: 3000))
        #expect(session.state == .finished)
        #expect(session.transcript.lines.contains("[00:03] 2 of 3 answered"))
    }

    @Test func aLateJoinerIsAskedTooAndCanAnswer() throws {
        let session = try openSession(
            exercise("local a = s:ask(s.everyone, { da = 'Hvad?' })\ns:measure('answers', #a)"),
            people: [("Anne", "Sundhed")])
        let ask = try #require(session.openAsks.first)
        try session.submit(.join(Participant(id: "late", name: "Lene", area: "Skole"), at: 5000))
        #expect(session.openAsks.first?.audience == ["p1", "late"])
        try session.submit(.answer(ask: ask.id, participant: "late", value: .text("jeg kom sent"), at: 6000))
        try session.submit(.answer(ask: ask.id, participant: "p1", value: .text("a"), at: 7000))
        #expect(session.measures.map(\.value) == [2])
    }

    @Test func theTrainerCanExtendAndSkipTimers() throws {
        let session = try openSession(exercise("s:timer('10m', 'Samtale')\ns:timer('5m', 'Pause')\ns:show('slut')"))
        let first = try #require(session.nextDeadline)
        #expect(first.at == 600_000)
        try session.submit(.trainer(.extend(timer: first.timer, seconds: 120), at: 60_000))
        #expect(session.nextDeadline?.at == 720_000)
        try session.submit(.timerEnded(timer: first.timer, at: 720_000))
        let second = try #require(session.nextDeadline)
        try session.submit(.trainer(.skip(timer: second.timer), at: 730_000))
        #expect(session.state == .finished)
        #expect(session.transcript.lines.suffix(4).first == "[12:10] time is up: Pause")
    }

    @Test func anExerciseThatFailsHalfWayEndsTheSessionCleanly() throws {
        let session = try openSession(exercise("s:timer('1m')\nlocal x = nil\nx.crash = 1"))
        try session.submit(.timerEnded(timer: try #require(session.nextDeadline).timer, at: 60_000))
        #expect(session.failure == "x.lua:5: attempt to index a nil value (local 'x')")
        #expect(session.nextDeadline == nil && session.openAsks.isEmpty)
        let error = try #require(throws: SessionError.self) { try session.submit(.timerEnded(timer: 1, at: 70_000)) }
        #expect(error.message == "the session has ended")
    }

    static let badEvents: [(SessionEvent, String)] = [
        (.answer(ask: 99, participant: "p1", value: .number(3), at: 10), "question 99 is not open"),
        (.answer(ask: 1, participant: "ghost", value: .number(3), at: 10), "ghost was not asked question 1"),
        (.answer(ask: 1, participant: "p1", value: .number(9), at: 10), "the answer must be from 1 to 5"),
        (.answer(ask: 1, participant: "p1", value: .number(2.5), at: 10), "a scale answer is a whole number"),
        (
            .answer(ask: 1, participant: "p1", value: .text("3"), at: 10),
            "a scale question cannot take that kind of answer"
        ),
        (.join(Participant(id: "p1", name: "Anne", area: "Sundhed"), at: 10), "p1 is already here"),
        (
            .join(Participant(id: "p9", name: " ", area: "Sundhed"), at: 10),
            "a participant's name must have 1 to 80 characters"
        ),
        (.leave(participant: "p9", at: 10), "p9 is not here"),
        (.timerEnded(timer: 1, at: 10), "timer 1 is not running"),
        (.trainer(.extend(timer: 1, seconds: 60), at: 10), "timer 1 is not running"),
        (
            .answer(ask: 1, participant: "p1", value: .number(3), at: -5),
            "events must come in time order: -5 ms is before 0 ms"
        ),
    ]

    /// A bad event gets a clear error, and nothing is logged or changed.
    @Test(arguments: badEvents)
    func badEventsAreRefusedAndNothingIsStored(_ event: SessionEvent, _ expected: String) throws {
        let log = MemoryLog()
        let session = try openSession(exercise("s:ask(s.everyone, { da = 'Skala', kind = 'scale' })"), log: log)
        let ask = try #require(session.openAsks.first?.id)
        // The table names the open question 1; the session numbers it `ask`.
        var event = event
        var expected = expected
        if case .answer(1, let who, let value, let at) = event {
            event = .answer(ask: ask, participant: who, value: value, at: at)
            expected = expected.replacingOccurrences(of: "question 1", with: "question \(ask)")
        }
        let before = log.events
        let transcript = session.transcript
        let error = try #require(throws: SessionError.self) { try session.submit(event) }
        #expect(error.message == expected)
        #expect(log.events == before)
        #expect(session.transcript == transcript)
        try session.submit(.answer(ask: ask, participant: "p1", value: .number(3), at: 20))
        #expect(session.openAsks.first?.answered == ["p1"])
    }

    @Test func matchingPairsAcrossAreasAndSaysSoWhenItCannot() throws {
        let script = exercise(
            """
            local q = s:ask(s.everyone, { da = 'Spørgsmål' })
            local pairs = s:match(q)
            local across = 0
            for _, p in ipairs(pairs) do if p.across then across = across + 1 end end
            s:measure('pairs', #pairs)
            s:measure('across', across)
            """)
        func run(_ people: [(String, String)]) throws -> Session {
            let session = try openSession(script, people: people)
            let ask = try #require(session.openAsks.first)
            for (i, _) in people.enumerated() {
                try session.submit(.answer(ask: ask.id, participant: "p\(i + 1)", value: .text("hjælp"), at: 1000))
            }
            return session
        }
        let mixed = try run([("A", "x"), ("B", "y"), ("C", "x"), ("D", "y")])
        #expect(mixed.measures.map(\.value) == [4, 4])
        let single = try run([("A", "x"), ("B", "x"), ("C", "x")])
        #expect(single.measures.map(\.value) == [3, 0])
        #expect(single.transcript.text.contains("(everyone is from x: no other area to match with)"))
        let alone = try run([("A", "x")])
        #expect(alone.measures.map(\.value) == [0, 0])
        #expect(alone.transcript.text.contains("match: too few people to pair"))
    }
}

struct MeanTests {
    @Test func meanOfNumbersAndOfAnswers() throws {
        let session = try openSession(
            exercise(
                """
                s:measure('a', kf.mean({ 1, 2, 3, 4 }))
                s:measure('b', kf.mean({ { value = 2 }, { value = 5 } }))
                s:measure('c', kf.mean({}))
                kf.mean({ 1, 'x' })
                """))
        #expect(session.measures.map(\.value) == [2.5, 3.5, 0])
        #expect(session.failure == "x.lua:6: kf.mean: item 2 of 'values' is not a number or an answer with a number")
    }
}

/// Fixes from the engine review, each pinned by a test.
struct EngineReviewTests {
    @Test func numbersAreShownWithoutTroubleAnywhere() throws {
        let session = try openSession(
            exercise(
                """
                s:show(1)
                s:show(2.5)
                s:show({ 1, 'two', { value = 3 } })
                s:timer('1m', 2)
                """))
        let lines = session.transcript.lines
        #expect(lines.contains("[00:00] show: 1"))
        #expect(lines.contains("[00:00] show: 2.5"))
        #expect(lines.contains("[00:00] timer 1m: 2"))
    }

    @Test func aWaitFromTheScriptsOwnCoroutineLeavesNothingBehind() throws {
        let session = try openSession(
            exercise(
                """
                local co = coroutine.wrap(function() return s:ask(s.everyone, { da = 'stray' }) end)
                local ok, e = pcall(co)
                s:show(e)
                s:timer('10m', 'main')
                """))
        #expect(session.openAsks.isEmpty)
        #expect(
            session.transcript.text.contains(
                "cannot wait here: it was called inside a coroutine that the script created itself"))
        #expect(session.nextDeadline?.at == 600_000)
    }

    @Test func oneAdvanceMovesOneStep() throws {
        let session = try openSession(
            exercise("s:ask(s.everyone, { da = 'untimed' })\ns:wait_for_trainer('plenum')\ns:show('after')"))
        try session.submit(.trainer(.advance, at: 1000))
        #expect(session.waitsForTrainer)
        #expect(!session.transcript.text.contains("show: after"))
        try session.submit(.trainer(.advance, at: 2000))
        #expect(session.state == .finished)
    }

    @Test func nothingIsAcceptedAfterTheEnd() throws {
        let session = try openSession(exercise("s:show('x')"))
        #expect(session.state == .finished)
        for event: SessionEvent in [
            .trainer(.advance, at: 10), .join(Participant(id: "z", name: "Z", area: "a"), at: 10),
            .leave(participant: "p1", at: 10),
        ] {
            let error = try #require(throws: SessionError.self) { try session.submit(event) }
            #expect(error.message == "the session has ended")
        }
    }

    @Test func aLogForAnotherSeedIsRefusedBeforeAnythingIsApplied() throws {
        let definition = SessionDefinition(main: Shipped.source("maaling"), seed: 7)
        let log = MemoryLog()
        _ = try Rehearsal(definition: definition, participants: 5, areas: 2, log: log).run(exercise: "maaling")
        let other = try Session(definition: SessionDefinition(main: Shipped.source("maaling"), seed: 8))
        let error = try #require(throws: SessionError.self) { try other.replay(log.events) }
        #expect(error.message.hasPrefix("the log was written for another session (seed 7"))
        #expect(other.state == .notStarted && other.transcript.lines.isEmpty)
    }

    @Test func anUnknownParameterIsNamed() throws {
        let definition = SessionDefinition(main: Shipped.source("maaling"), seed: 1)
        let session = try Session(definition: definition)
        try session.submit(definition.startEvent(exercise: "maaling", parameters: ["round": "9"]))
        #expect(session.failure == "maaling: there is no parameter 'round' (there are: phase)")
    }

    @Test func hugeAnswersAndNamesAreRefusedByTheirBytes() throws {
        let session = try openSession(exercise("s:ask(s.everyone, { da = 'x' })"))
        let ask = try #require(session.openAsks.first?.id)
        let combining = "a" + String(repeating: "\u{301}", count: 100_000)
        let error = try #require(throws: SessionError.self) {
            try session.submit(.answer(ask: ask, participant: "p1", value: .text(combining), at: 1))
        }
        #expect(error.message == "the answer is longer than 2000 characters")
        let name = try #require(throws: SessionError.self) {
            try session.submit(.join(Participant(id: "big", name: combining, area: "x"), at: 1))
        }
        #expect(name.message == "a participant's name must have 1 to 80 characters")
    }

    @Test func tablesAsKeysCannotReachTheHost() throws {
        let session = try openSession(exercise("local t = {}\nt[{}] = 1\ns:show(t)"))
        #expect(
            session.failure
                == "x.lua:5: s:show: argument 'content' has a table as a key; keys that leave Lua must be strings, numbers or booleans"
        )
    }
}
