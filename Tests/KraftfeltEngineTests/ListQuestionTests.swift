import Foundation
import Testing

@testable import KraftfeltEngine

/// `kind = "list"`: each person writes several short texts, and the script gets them as a list.
@Suite struct ListQuestionTests {
    static let script = exercise(
        """
            local answers = s:ask(s.everyone, { da = 'Hvad hjælper?', en = 'What helps?', kind = 'list', min = 2, max = 3 })
            for _, a in ipairs(answers) do
              print(a.who.name .. ": " .. #a.value .. " items, first " .. a.value[1] .. ", last " .. a.value[#a.value])
            end
        """)

    @Test func eachPersonsItemsReachTheScriptAsAListAndTheTranscriptShowsThem() throws {
        let session = try openSession(Self.script)
        let ask = try #require(session.openAsks.first)
        #expect(ask.kind == "list")
        #expect(ask.range == 2...3)
        let question = try #require(session.participantView("p1")?.questions.first)
        #expect(question.kind == "list" && question.min == 2 && question.max == 3)
        try session.submit(.answer(ask: ask.id, participant: "p1", value: .list(["Tid", "Mod, og ro"]), at: 1000))
        try session.submit(.answer(ask: ask.id, participant: "p2", value: .list(["Kaffe", "Plads", "Luft"]), at: 2000))
        #expect(session.participantView("p1")?.questions.first?.answer == .list(["Tid", "Mod, og ro"]))
        try session.submit(.answer(ask: ask.id, participant: "p3", value: .list(["Ja", "Nej"]), at: 3000))
        let lines = session.transcript.lines
        #expect(lines.contains("[00:00] ask everyone (list): Hvad hjælper?"), "\(lines)")
        #expect(lines.contains("[00:03] 3 of 3 answered"), "\(lines)")
        #expect(lines.contains("[00:03] answers:"), "\(lines)")
        // Items are parted by semicolons: an item may have a comma of its own.
        #expect(lines.contains("          Anne: Tid; Mod, og ro"), "\(lines)")
        #expect(lines.contains("          Bo: Kaffe; Plads; Luft"), "\(lines)")
        #expect(lines.contains("[00:03] print: Bo: 3 items, first Kaffe, last Luft"), "\(lines)")
        #expect(session.state == .finished)
    }

    /// Answers that do not fit the question: each refused with its reason, nothing logged,
    /// and the answers already given stay.
    static let refused: [(Answer, String)] = [
        (.text("Tid"), "a list question cannot take that kind of answer"),
        (.number(2), "a list question cannot take that kind of answer"),
        (.list([]), "the answer needs at least 2 items, got 0"),
        (.list(["Tid"]), "the answer needs at least 2 items, got 1"),
        (.list(["a", "b", "c", "d"]), "the answer can have at most 3 items, got 4"),
        (.list((1...100_000).map(String.init)), "the answer can have at most 3 items, got 100000"),
        (.list(["Tid", ""]), "item 2 of the answer is empty"),
        (.list([" \n\t ", "Tid"]), "item 1 of the answer is empty"),
        (.list(["Tid", String(repeating: "x", count: 2001)]), "item 2 of the answer is longer than 2000 characters"),
        (.list([String(repeating: "æ", count: 4001), "Tid"]), "item 1 of the answer is longer than 2000 characters"),
        (.list(["Tid", "Ro", " Tid "]), "item 3 of the answer is the same as item 1"),
        (.list(["Ro", "Ro"]), "item 2 of the answer is the same as item 1"),
    ]

    @Test(arguments: refused)
    func aWrongAnswerIsRefusedWithItsReasonAndNothingIsLost(_ value: Answer, _ message: String) throws {
        let log = MemoryLog()
        let session = try openSession(Self.script, log: log)
        let ask = try #require(session.openAsks.first)
        try session.submit(.answer(ask: ask.id, participant: "p1", value: .list(["Tid", "Ro"]), at: 1000))
        let logged = log.events
        let error = try #require(throws: SessionError.self) {
            try session.submit(.answer(ask: ask.id, participant: "p2", value: value, at: 2000))
        }
        #expect(error.message == message)
        #expect(error.code == .invalid)
        #expect(log.events == logged)
        #expect(session.openAsk(ask.id)?.answered == ["p1"])
        #expect(session.participantView("p1")?.questions.first?.answer == .list(["Tid", "Ro"]))
        // The person can still answer.
        try session.submit(.answer(ask: ask.id, participant: "p2", value: .list(["Tid", "Mod"]), at: 3000))
        #expect(session.hasAnswered("p2", ask: ask.id))
    }

    @Test(arguments: [
        ("min = 0", "x.lua:3: s:ask: a list's 'min' must be a whole number of items from 1 to 50, got 0"),
        ("max = 51", "x.lua:3: s:ask: a list's 'max' must be a whole number of items from 1 to 50, got 51"),
        ("min = 1.5", "x.lua:3: s:ask: a list's 'min' must be a whole number of items from 1 to 50, got 1.5"),
        ("max = 'five'", "x.lua:3: s:ask: a list's 'max' must be a whole number of items from 1 to 50, got \"five\""),
        ("min = 4, max = 3", "x.lua:3: s:ask: a list's 'min' (4 items) must not be above its 'max' (3 items)"),
        ("scale = 3", "x.lua:3: s:ask: a list question takes 'min' and 'max' (how many items), not 'scale'"),
        ("options = { 'a' }", "x.lua:3: s:ask: a list question takes no 'options': people write their own items"),
    ])
    func aWrongListQuestionFailsTheSessionWithTheExactMessage(_ fields: String, _ expected: String) throws {
        let session = try openSession(exercise("s:ask(s.everyone, { da = 'x', en = 'x', kind = 'list', \(fields) })"))
        #expect(session.failure == expected)
    }

    @Test(arguments: [("", 1.0, 10.0), ("min = 12", 12, 12), ("max = 1", 1, 1), ("min = 3, max = 50", 3, 50)])
    func theDefaultsAreOneToTenItems(_ fields: String, _ low: Double, _ high: Double) throws {
        let comma = fields.isEmpty ? "" : ", "
        let session = try openSession(exercise("s:ask(s.everyone, { da = 'x', kind = 'list'\(comma)\(fields) })"))
        #expect(session.failure == nil)
        #expect(session.openAsks.first?.range == low...high)
    }

    /// Bots write one to three items (at least `min`), in the rehearsal's language, or
    /// pick them from `bot_answers`; every one is an answer the session takes.
    @Test(arguments: [
        ("", "da", 1, 3), ("", "en", 1, 3), ("min = 4, max = 5", "da", 4, 4), ("max = 1", "en", 1, 1),
        ("bot_answers = { 'Tid', 'Ro', 'Mod' }", "da", 1, 3), ("min = 5, bot_answers = { 'Tid', 'Ro' }", "da", 5, 5),
    ])
    func botsAnswerAListQuestion(_ fields: String, _ language: String, _ fewest: Int, _ most: Int) throws {
        let comma = fields.isEmpty ? "" : ", "
        let script = exercise(
            """
                local answers = s:ask(s.everyone, { da = 'Idéer', en = 'Ideas', kind = 'list', time = '2m'\(comma)\(fields) })
                for _, a in ipairs(answers) do print(#a.value .. ": " .. table.concat(a.value, " | ")) end
            """)
        let definition = SessionDefinition(
            main: ExerciseSource(fileName: "x.lua", text: script), seed: 3, language: language)
        let log = MemoryLog()
        let session = try Rehearsal(definition: definition, participants: 20, areas: 3, log: log).run(exercise: "x")
        #expect(session.state == .finished, "\(session.failure ?? "")")
        let printed = session.transcript.lines.compactMap {
            $0.range(of: "print: ").map { $0.upperBound } != nil ? $0 : nil
        }
        .map { String($0[$0.range(of: "print: ")!.upperBound...]) }
        #expect(printed.count >= 15)
        for line in printed {
            let count = Int(line.prefix { $0 != ":" })!
            #expect((fewest...most).contains(count), "\(line)")
        }
        let words = printed.joined(separator: " ")
        if fields.contains("bot_answers") {
            #expect(words.contains("Tid") || words.contains("Ro"))
        } else if language == "en" {
            #expect(BotRoom.listItems["en"]!.contains { words.contains($0) }, "\(words)")
            #expect(!BotRoom.listItems["da"]!.contains { words.contains($0) }, "\(words)")
        } else {
            #expect(BotRoom.listItems["da"]!.contains { words.contains($0) }, "\(words)")
        }
        // More than 12 answered: the transcript counts the items.
        #expect(session.transcript.lines.contains { $0.hasSuffix(" items from \(printed.count) people") })
        // The log replays to the same transcript.
        let replayed = try Session(definition: definition)
        try replayed.replay(log.events)
        #expect(replayed.transcript.text == session.transcript.text)
    }

    @Test func kfOptionsHarvestsEachItemOfTheLists() throws {
        let script = exercise(
            """
                local answers = s:ask(s.everyone, { da = 'Idéer', kind = 'list' })
                print(table.concat(kf.options(answers), " | "))
            """)
        let session = try openSession(script)
        let ask = try #require(session.openAsks.first)
        try session.submit(.answer(ask: ask.id, participant: "p1", value: .list(["Tid", "Ro"]), at: 1000))
        try session.submit(.answer(ask: ask.id, participant: "p2", value: .list(["ro ", "Mod"]), at: 2000))
        try session.submit(.answer(ask: ask.id, participant: "p3", value: .list(["Kaffe"]), at: 3000))
        #expect(
            session.transcript.lines.contains("[00:03] print: Tid | Ro | Mod | Kaffe"), "\(session.transcript.lines)")
    }

    @Test func aListAnsweredTogetherIsShownToTheOthers() throws {
        let script = exercise(
            """
                s:each_group({ s:participants() }, function(g)
                  g:ask(g.everyone, { da = 'Jeres idéer', kind = 'list', together = true })
                end)
            """)
        let session = try openSession(script)
        let ask = try #require(session.openAsks.first)
        try session.submit(.answer(ask: ask.id, participant: "p2", value: .list(["Makkerpar", "Kaffe"]), at: 5000))
        #expect(session.openAsks.isEmpty)
        #expect(session.participantView("p1")?.shown == .text("Bo: Makkerpar; Kaffe"))
        #expect(session.participantView("p3")?.shown == .text("Bo: Makkerpar; Kaffe"))
    }
}
