import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// People who come and go while groups run: the group knows who is here, turns skip
/// people who left, and a late joiner is placed into a group.
@Suite struct PresenceTests {
    static let turnsScript = exercise(
        """
            s:each_group(s:groups { size = "3-4" }, function(g)
              for focus, others in g:turns { focus = "client", others = "consultant" } do
                print("focus " .. g.index .. " " .. focus.id .. " " .. #others .. " " .. #g:participants())
                g:timer("1m")
              end
            end)
        """)

    /// Drives a session through its timers; before each timer ends, some people leave and
    /// some new people join, drawn from `seed`.
    static func drive(people count: Int, seed: UInt64) throws -> (session: Session, checks: TurnChecks) {
        // A room of 2,000 starts some 600 flows in one step: the instruction budget bounds it,
        // not the wall clock, which a machine busy with the other suites can stretch past 2 s.
        let definition = SessionDefinition(
            main: ExerciseSource(fileName: "x.lua", text: turnsScript), seed: seed,
            limits: SandboxLimits(secondsPerRun: nil))
        let session = try Session(definition: definition)
        try session.submit(definition.startEvent(exercise: "x"))
        var here: Set<String> = []
        var everLeft: Set<String> = []
        for i in 1...count {
            try session.submit(.join(Participant(id: "p\(i)", name: "P\(i)", area: "A\(i % 4)"), at: 0))
            here.insert("p\(i)")
        }
        try session.submit(.trainer(.advance, at: 0))
        var rng = SeededGenerator(seed: seed, stream: "presence-test")
        var checks = TurnChecks()
        var next = count + 1
        var read = 0
        func readTranscript() {
            let lines = session.transcript.lines
            for line in lines[read...] {
                guard let range = line.range(of: "print: focus ") else { continue }
                let parts = line[range.upperBound...].split(separator: " ").map(String.init)
                checks.record(group: Int(parts[0])!, focus: parts[1], others: Int(parts[2])!, here: Int(parts[3])!)
                if !here.contains(parts[1]) { checks.absentFocus.append(parts[1]) }
            }
            read = lines.count
        }
        readTranscript()
        var churned: Int64 = -1
        while session.state == .running, let deadline = session.nextDeadline {
            // A few leave, a few come: about one in twenty of each, once a minute.
            let churn = deadline.at > churned
            churned = max(churned, deadline.at)
            for id in (churn ? here.sorted() : []) where rng.next() % 20 == 0 {
                try session.submit(.leave(participant: id, at: max(deadline.at - 1, session.now)))
                here.remove(id)
                everLeft.insert(id)
            }
            // Newcomers only in the first minutes: a group still taking turns gets them all.
            let joining = churn && deadline.at <= 180_000 ? count / 20 + (rng.next() % 4 == 0 ? 1 : 0) : 0
            for _ in 0..<joining {
                let id = "p\(next)"
                next += 1
                try session.submit(
                    .join(
                        Participant(id: id, name: "P\(next)", area: "A\(next % 4)"),
                        at: max(deadline.at - 1, session.now)))
                here.insert(id)
                everLeft.insert(id)  // joined late: not in every turn's count
            }
            readTranscript()
            try session.submit(.timerEnded(timer: deadline.timer, at: deadline.at))
            readTranscript()
        }
        checks.stayed = Set((1...count).map { "p\($0)" }).subtracting(everLeft)
        return (session, checks)
    }

    struct TurnChecks {
        var focusCount: [String: Int] = [:]
        var absentFocus: [String] = []
        var othersMismatch = 0
        var stayed: Set<String> = []

        mutating func record(group: Int, focus: String, others: Int, here: Int) {
            focusCount[focus, default: 0] += 1
            if others != here - 1 { othersMismatch += 1 }
        }
    }

    static let rooms: [(Int, UInt64)] = [
        (1, 1), (2, 1), (3, 1), (3, 2), (5, 1), (5, 7), (7, 3), (23, 1), (23, 4), (23, 9), (200, 1), (200, 5),
        (2000, 1),
    ]

    @Test(arguments: rooms)
    func everyoneHereHasTheTurnOnceAndNobodyAbsentIsFocused(_ people: Int, _ seed: UInt64) throws {
        let (session, checks) = try Self.drive(people: people, seed: seed)
        #expect(session.state == .finished, "\(session.failure ?? "")")
        #expect(checks.absentFocus.isEmpty, "people who had left got the turn: \(checks.absentFocus.prefix(5))")
        #expect(checks.focusCount.values.allSatisfy { $0 == 1 }, "someone had the turn twice")
        #expect(checks.othersMismatch == 0, "'others' was not the group's other people here")
        let missing = checks.stayed.filter { checks.focusCount[$0] == nil }.sorted()
        #expect(missing.isEmpty, "people who stayed never had the turn: \(missing.prefix(5))")
        // Nobody keeps a role once the turns are done.
        #expect(session.consoleView.people.allSatisfy { $0.role == nil })
    }

    @Test func someoneWhoLeavesBeforeTheirTurnIsSkippedAndTheTranscriptSaysSo() throws {
        let script = exercise(
            """
                s:each_group({ s:participants() }, function(g)
                  for focus, others in g:turns() do
                    print("turn of " .. focus.name .. ", " .. #others .. " others")
                    g:timer("1m")
                  end
                end)
            """)
        let session = try openSession(script)
        try session.submit(.leave(participant: "p3", at: 30_000))
        try session.submit(.timerEnded(timer: try #require(session.nextDeadline?.timer), at: 60_000))
        try session.submit(.timerEnded(timer: try #require(session.nextDeadline?.timer), at: 120_000))
        let lines = session.transcript.lines.filter { $0.contains("group 1:") }
        #expect(lines.contains("[01:00] group 1: Cecilie has left: no turn"), "\(lines)")
        #expect(lines.contains("[01:00] group 1: turn 2: Bo; with Anne"), "\(lines)")
        #expect(lines.contains("[02:00] group 1: turns done: 2 of 3 had the turn"), "\(lines)")
        #expect(session.state == .finished)
    }

    @Test func aGroupKnowsWhoOfItsMembersIsHere() throws {
        let script = exercise(
            """
                s:each_group({ s:participants() }, function(g)
                  print(#g.everyone .. " in the group, " .. #g.members .. " members")
                  for _, p in ipairs(g.everyone) do print("member " .. p.name) end
                  g:timer("1m")
                  local here = {}
                  for _, p in ipairs(g:participants()) do here[#here + 1] = p.name end
                  print("here now: " .. table.concat(here, ", "))
                  local answers = g:ask(g.everyone, { da = "Hvad?", en = "What?" })
                  print(#answers .. " answered")
                end)
                print(#s:participants() .. " in the room")
            """)
        let session = try openSession(script)
        try session.submit(.leave(participant: "p2", at: 10_000))
        try session.submit(.join(Participant(id: "p4", name: "Dorte", area: "Skole"), at: 20_000))
        #expect(session.participantView("p4")?.group?.members.map(\.name) == ["Anne", "Bo", "Cecilie", "Dorte"])
        try session.submit(.timerEnded(timer: try #require(session.nextDeadline?.timer), at: 60_000))
        let ask = try #require(session.openAsks.first)
        #expect(ask.audience == ["p1", "p3", "p4"])
        for id in ask.audience {
            try session.submit(.answer(ask: ask.id, participant: id, value: .text("x"), at: 61_000))
        }
        let printed = session.transcript.lines.filter { $0.contains("print:") || $0.contains("joined the group") }
        #expect(
            printed == [
                "[00:00] print: 3 in the group, 3 members",
                "[00:00] print: member Anne",
                "[00:00] print: member Bo",
                "[00:00] print: member Cecilie",
                "[00:20] group 1: Dorte joined the group",
                "[01:00] print: here now: Anne, Cecilie, Dorte",
                "[01:01] print: 3 answered",
                "[01:01] print: 3 in the room",
            ])
    }

    @Test func aGroupsShowReachesItsMembersOnly() throws {
        let script = exercise(
            """
                s:each_group({ { s:participants()[1], s:participants()[2] } }, function(g)
                  g:show("for the group")
                  g:timer("1m")
                end)
            """)
        let session = try openSession(script)
        #expect(session.participantView("p1")?.shown == .text("for the group"))
        #expect(session.participantView("p2")?.shown == .text("for the group"))
        #expect(session.participantView("p3")?.shown == nil)
    }

    @Test func peopleWhoLeftGetNoRole() throws {
        let script = exercise(
            """
                s:wait_for_trainer("start")
                s:set_role(s.everyone, "listener")
                s:set_role({ s:participants()[1], { id = "p2" } }, "speaker")
            """)
        let session = try openSession(script)
        #expect(session.state == .running, "\(session.failure ?? "")")
        try session.submit(.leave(participant: "p2", at: 1000))
        try session.submit(.trainer(.advance, at: 2000))
        #expect(session.transcript.lines.contains("[00:02] Bo has left: no role"), "\(session.transcript.lines)")
        #expect(session.consoleView.people.first { $0.id == "p2" }?.role == nil)
        #expect(session.consoleView.people.first { $0.id == "p1" }?.role?.name == "speaker")
    }

    @Test func turnsOutsideAGroupAreRefused() throws {
        let session = try openSession(exercise("for p in s:turns() do end"))
        #expect(session.failure == "x.lua:3: s:turns: turns are a group's: call g:turns() in a flow of s:each_group")
        let typo = try openSession(
            exercise("s:each_group({ s:participants() }, function(g) for p in g:turns { focs = 'x' } do end end)"))
        #expect(
            typo.failure
                == "x.lua:3: g:turns: 'focs' is not an option: did you mean 'focus'? (the options are focus, others)")
    }
}

/// `s:merge`: pairs into fours, each pair kept together.
@Suite struct MergeTests {
    static let sizes = [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13, 22, 23, 101, 2000]

    @Test(arguments: sizes)
    func pairsBecomeFoursWithNobodyTwiceOrLeftOut(_ people: Int) throws {
        for seed in UInt64(1)...3 {
            var units: [[String]] = []
            var rng = SeededGenerator(seed: seed, stream: "merge")
            var ids = (1...people).map { "p\($0)" }
            ids.shuffle(using: &rng)
            // Pairs, with a trio when the count is odd (as s:groups { size = 2 } makes them).
            var i = 0
            while i < ids.count {
                let take = ids.count - i == 3 ? 3 : min(2, ids.count - i)
                units.append(Array(ids[i..<(i + take)]))
                i += take
            }
            let merged = Session.mergedInTwos(units)
            let all = merged.flatMap { $0 }
            #expect(all.count == people && Set(all).count == people, "someone twice or left out")
            #expect(merged.allSatisfy { $0.count <= 5 }, "a group of six or more: \(merged.map(\.count))")
            #expect(people == 1 || merged.allSatisfy { $0.count >= 2 }, "someone alone: \(merged.map(\.count))")
            // Every pair stays together, except at most one split to make two fives.
            let groupOf = Dictionary(uniqueKeysWithValues: merged.enumerated().flatMap { n, g in g.map { ($0, n) } })
            let split = units.filter { Set($0.map { groupOf[$0]! }).count > 1 }
            #expect(split.count <= 1, "\(split.count) pairs split")
            if people >= 8 { #expect(merged.filter { $0.count < 4 }.count <= 1, "\(merged.map(\.count))") }
        }
    }

    @Test func mergedGroupsInASessionKeepOnlyPeopleHere() throws {
        let script = exercise(
            """
                local pairs = s:groups { size = 2 }
                s:wait_for_trainer("pairs")
                local fours = s:merge(pairs)
                s:show(fours)
                print(#fours .. " groups: " .. #fours[1].members)
            """)
        let people = [("Anne", "A"), ("Bo", "B"), ("Cecilie", "A"), ("Dorte", "B"), ("Emil", "A")]
        let session = try openSession(script, people: people)
        try session.submit(.leave(participant: "p5", at: 1000))
        try session.submit(.trainer(.advance, at: 2000))
        #expect(session.transcript.lines.contains("[00:02] print: 1 groups: 4"), "\(session.transcript.lines)")
        let empty = try openSession(exercise("s:merge({})"))
        #expect(empty.failure == "x.lua:3: s:merge: 'groups' is an empty list: there are no groups to merge")
        let twice = try openSession(exercise("local p = s:participants() s:merge({ { p[1], p[2] }, { p[2] } })"))
        #expect(twice.failure == "x.lua:3: s:merge: Bo is in two of the groups; a person can be in one group")
    }
}

/// `kf.options`: one item per text, for a vote in plenum.
@Suite struct HarvestTests {
    @Test func distinctTextsInOrderCutAtACharacterBoundary() throws {
        let script = exercise(
            """
                local long = ("æ"):rep(400)
                local ideas = { { { who = {}, value = "Fælles møder" }, { value = " fælles   MØDER " } }, false,
                  { { value = "" }, { value = "Korte veje" } }, "Korte veje", 42, long }
                local options = kf.options(ideas)
                print(#options .. ": " .. table.concat(options, " | ", 1, 2) .. " | " .. #options[3] .. " bytes")
                print(#kf.options({}) .. " from nothing")
                local many = {}
                for i = 1, 300 do many[i] = "idea " .. i end
                print(#kf.options(many) .. " of 300")
            """)
        let session = try openSession(script)
        #expect(session.state == .finished, "\(session.failure ?? "")")
        let printed = session.transcript.lines.filter { $0.contains("print:") }
        #expect(
            printed == [
                "[00:00] print: 3: Fælles møder | Korte veje | 500 bytes",
                "[00:00] print: 0 from nothing",
                "[00:00] print: 100 of 300",
            ])
    }

    @Test func anEmptyListAsksNobodyAndAVoteTakesTheHarvest() throws {
        let script = exercise(
            """
                print(#s:ask({}, { da = "Nogen?", en = "Anyone?" }) .. " answers")
                local options = kf.options({ "a", "A", "b" })
                s:ask(s.everyone, { da = "Stem", en = "Vote", kind = "vote", options = options })
            """)
        let session = try openSession(script)
        #expect(session.transcript.lines.contains("[00:00] nobody to ask"))
        #expect(session.transcript.lines.contains("[00:00] print: 0 answers"))
        #expect(session.openAsks.first?.options == ["a", "b"])
    }
}

/// The transcript a trainer checks: who was asked, the options offered, the answers.
@Suite struct TrainerTranscriptTests {
    @Test func aSmallRoomsAnswersAreListedByName() throws {
        let script = exercise(
            "s:ask(s.everyone, { da = 'Hvilken?', en = 'Which?', kind = 'choice', options = { 'Tid', 'Ro' } })")
        let session = try openSession(script)
        let ask = try #require(session.openAsks.first)
        try session.submit(.answer(ask: ask.id, participant: "p1", value: .text("Ro"), at: 1000))
        try session.submit(.answer(ask: ask.id, participant: "p3", value: .text("Tid"), at: 2000))
        try session.submit(.leave(participant: "p2", at: 3000))
        let lines = session.transcript.lines
        #expect(lines.contains("[00:00] ask everyone (choice): Hvilken? [Tid | Ro]"), "\(lines)")
        let at = try #require(lines.firstIndex(of: "[00:03] answers:"))
        #expect(Array(lines[(at + 1)...].prefix(2)) == ["          Anne: Ro", "          Cecilie: Tid"], "\(lines)")
    }

    @Test func aLargeRoomsAnswersAreCounted() throws {
        let people = (1...20).map { ("P\($0)", "A") }
        let script = exercise(
            """
                s:ask(s.everyone, { da = 'Hvilken?', en = 'Which?', kind = 'choice', options = { 'Tid', 'Ro' } })
                s:ask(s.everyone, { da = 'Hvor meget?', en = 'How much?', kind = 'scale' })
            """)
        let session = try openSession(script, people: people)
        var ask = try #require(session.openAsks.first)
        for i in 1...20 {
            try session.submit(
                .answer(ask: ask.id, participant: "p\(i)", value: .text(i <= 5 ? "Tid" : "Ro"), at: 1000))
        }
        ask = try #require(session.openAsks.first)
        for i in 1...20 {
            try session.submit(.answer(ask: ask.id, participant: "p\(i)", value: .number(Double(1 + i % 5)), at: 2000))
        }
        let lines = session.transcript.lines
        #expect(lines.contains("[00:01] answers: Tid 5, Ro 15"), "\(lines)")
        #expect(lines.contains("[00:02] answers: mean 3.00, from 1 to 5"), "\(lines)")
        #expect(lines.contains("[00:01] ask everyone (scale): Hvor meget?"), "\(lines)")
    }
}

/// `together = true`: a group gives one answer together.
@Suite struct TogetherTests {
    @Test func theFirstAnswerIsTheGroupsAndTheOthersSeeIt() throws {
        let script = exercise(
            """
                local answers = s:each_group({ s:participants() }, function(g)
                  return g:ask(g.everyone, { da = 'Jeres idé', en = 'Your idea', together = true })
                end)
                print(#answers[1] .. " answer: " .. answers[1][1].value .. " by " .. answers[1][1].who.name)
            """)
        let session = try openSession(script)
        let ask = try #require(session.openAsks.first)
        #expect(ask.audience == ["p1", "p2", "p3"])
        try session.submit(.answer(ask: ask.id, participant: "p2", value: .text("Faste makkerpar"), at: 5000))
        #expect(session.openAsks.isEmpty)
        #expect(session.transcript.lines.contains("[00:05] group 1: Bo answered for the others"))
        #expect(session.transcript.lines.contains("[00:05] print: 1 answer: Faste makkerpar by Bo"))
        #expect(session.participantView("p1")?.shown == .text("Bo: Faste makkerpar"))
        #expect(session.participantView("p3")?.shown == .text("Bo: Faste makkerpar"))
        #expect(session.participantView("p2")?.shown == nil)
        let bad = try openSession(exercise("s:ask(s.everyone, { da = 'x', en = 'x', together = 'yes' })"))
        #expect(bad.failure == "x.lua:3: s:ask: 'together' must be true or false, got \"yes\"")
    }
}
