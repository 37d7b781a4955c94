import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// People who come and go while groups run: the group knows who is here, turns skip
/// people who left, and a late joiner is placed into a group.
@Suite struct PresenceTests {
    static let turnsScript = exercise(
        """
            s:each_group(s:groups { size = "3-4", min = 3 }, function(g)
              for focus, others in g:turns { focus = "client", others = "consultant" } do
                print("focus " .. g.index .. " " .. focus.id .. " " .. #others .. " " .. #g:participants())
                g:timer("1m")
              end
            end)
        """)

    /// Drives a session through its timers; before each timer ends, some people leave and
    /// some new people join, drawn from `seed`.
    static func drive(people count: Int, seed: UInt64) throws -> (session: Session, checks: TurnChecks) {
        // What is tested is who gets the turn, not speed: the step that starts 500 groups'
        // flows gets more than the usual 2 s, so a loaded machine does not fail it.
        var limits = SandboxLimits.standard
        limits.secondsPerRun = 30
        let definition = SessionDefinition(
            main: ExerciseSource(fileName: "x.lua", text: turnsScript), seed: seed, limits: limits)
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
        // Each turn's line names the roles it gives.
        if people >= 3 {
            #expect(
                session.transcript.lines.contains { $0.contains(" (client); with ") && $0.hasSuffix(" (consultant)") })
        }
        // In the largest room some groups shrink below three and join others (and must still
        // give everyone one turn).
        if people >= 2000 {
            #expect(session.transcript.lines.contains { $0.contains("fewer than 3: they join other groups") })
        }
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

    /// A question asked in the room, read per group.
    @Test func answersInTheRoomSplitByGroup() throws {
        let script = exercise(
            """
                local p = s:participants()
                local groups = { { members = { p[1], p[3] } }, { p[2] }, { p[4] } }
                local scores = s:ask(s.everyone, { da = "Hvor godt?", en = "How well?", kind = "scale" })
                for i, answers in ipairs(kf.by_group(scores, groups)) do
                  print("group " .. i .. ": " .. #answers .. " answers, mean " .. kf.mean(answers))
                end
            """)
        let people = [("Anne", "A"), ("Bo", "B"), ("Cecilie", "A"), ("Dorte", "B"), ("Emil", "A")]
        let session = try openSession(script, people: people)
        let ask = try #require(session.openAsks.first)
        for (id, value) in [("p1", 5.0), ("p2", 2.0), ("p3", 4.0), ("p5", 1.0)] {
            try session.submit(.answer(ask: ask.id, participant: id, value: .number(value), at: 1000))
        }
        try session.submit(.leave(participant: "p4", at: 2000))
        let printed = session.transcript.lines.filter { $0.contains("print:") }
        #expect(
            printed == [
                "[00:02] print: group 1: 2 answers, mean 4.5",
                "[00:02] print: group 2: 1 answers, mean 2.0",
                "[00:02] print: group 3: 0 answers, mean 0.0",
            ], "\(session.transcript.lines)")
        let wrong: [(String, String)] = [
            ("kf.by_group(5, {})", "x.lua:3: kf.by_group: argument 'answers' must be a table, got number"),
            (
                "kf.by_group({}, {})",
                "x.lua:3: kf.by_group: 'groups' is an empty list: there are no groups to split the answers by"
            ),
            (
                "kf.by_group({ 1 }, { { s:participants()[1] } })",
                "x.lua:3: kf.by_group: item 1 of 'answers' is not an answer (what s:ask returned), got 1"
            ),
            (
                "kf.by_group({}, { {} })",
                "x.lua:3: kf.by_group: group 1 of 'groups' must be a group from s:groups or a list of people, got a table"
            ),
            (
                "kf.by_group({}, { { 'x' } })",
                "x.lua:3: kf.by_group: member 1 of group 1 of 'groups' is not a person, got \"x\""
            ),
        ]
        for (body, message) in wrong {
            let failure = try openSession(exercise(body)).failure
            #expect(failure == message)
        }
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

    /// The question asked next, in the same step as the answer that closed a `together`
    /// question, is on the console at once (1-2-4-All's vote after the groups' ideas: the
    /// console once kept its list from before, and the rehearsal's bots never voted).
    @Test func theQuestionAfterATogetherAnswerIsOnTheConsole() throws {
        let script = exercise(
            """
                s:each_group({ s:participants() }, function(g)
                  return g:ask(g.everyone, { da = 'Jeres idé', en = 'Your idea', together = true })
                end)
                s:ask(s.everyone, { da = 'Stem', en = 'Vote', kind = 'vote', options = { 'A', 'B' } })
            """)
        let session = try openSession(script)
        _ = session.consoleView  // the console's list of questions is kept between views
        let ask = try #require(session.openAsks.first)
        try session.submit(.answer(ask: ask.id, participant: "p2", value: .text("Idé"), at: 5000))
        let vote = try #require(session.openAsks.first)
        #expect(vote.id != ask.id)
        #expect(session.consoleView.questions.map(\.id) == [vote.id])
        #expect(session.consoleView.questions.first?.kind == "vote")
    }
}

/// Groups of groups: `from` and `g:groups` split a group, sub-groups run inside a group's
/// flow, and a group that shrinks below its `min` joins the others at its next step.
@Suite struct GroupAlgebraTests {
    static let six = [
        ("Anne", "A"), ("Bo", "B"), ("Cecilie", "A"), ("Dorte", "B"), ("Emil", "A"), ("Frida", "B"),
    ]

    static func timer(of group: Int, _ session: Session) throws -> Int {
        try #require(session.consoleView.timers.first { $0.group == group }).id
    }

    @Test func subGroupsRunInsideAGroupsFlowAndTheirPeopleComeBack() throws {
        let script = exercise(
            """
                local p = s:participants()
                s:each_group({ { p[1], p[2], p[3], p[4] } }, function(g)
                  local pairs = g:groups { size = 2 }
                  g:each_group(pairs, function(pair) pair:timer("1m") end)
                  local answers = g:ask(g.everyone, { da = "Hvad?", en = "What?" })
                  print(#pairs .. " pairs, then " .. #answers .. " asked")
                end)
            """)
        let session = try openSession(script, people: Self.six)
        #expect(session.state == .running, "\(session.failure ?? "")")
        #expect(session.transcript.lines.contains { $0.hasPrefix("[00:00] group 1: 2 groups of 4 people") })
        // In the sub-flow a phone shows the pair; Emil and Frida are in no group.
        #expect(session.participantView("p1")?.group?.members.count == 2)
        #expect(session.participantView("p5")?.group == nil)
        while let deadline = session.nextDeadline {
            try session.submit(.timerEnded(timer: deadline.timer, at: deadline.at))
        }
        // Back in the group of four, which is asked.
        #expect(session.participantView("p1")?.group?.members.map(\.name) == ["Anne", "Bo", "Cecilie", "Dorte"])
        let ask = try #require(session.openAsks.first)
        #expect(ask.audience == ["p1", "p2", "p3", "p4"])
    }

    @Test func fromSplitsAGroupOfPeopleHere() throws {
        let script = exercise(
            """
                local groups = s:groups { size = 6 }
                s:wait_for_trainer("split")
                local halves = s:groups { size = "2-3", from = groups[1] }
                print(#halves .. " groups: " .. #halves[1].members .. " and " .. #halves[2].members .. ", min " .. halves[1].min)
                print("min " .. s:groups({ size = "4-5", min = 4 })[1].min .. ", alone " .. s:groups({ size = 1 })[1].min)
            """)
        let session = try openSession(script, people: Self.six)
        try session.submit(.leave(participant: "p6", at: 1000))
        try session.submit(.trainer(.advance, at: 2000))
        // Frida left: five people here split into a trio and a pair.
        #expect(
            session.transcript.lines.contains("[00:02] print: 2 groups: 3 and 2, min 2"), "\(session.transcript.lines)")
        #expect(session.transcript.lines.contains("[00:02] print: min 4, alone 1"))
        let big = try openSession(exercise("s:groups { size = '2-4', min = 5 }"))
        #expect(big.failure == "x.lua:3: s:groups: 'min' must be a whole number from 1 to the largest size (4), got 5")
        let wrong = try openSession(exercise("s:groups { from = 5 }"))
        #expect(
            wrong.failure
                == "x.lua:3: s:groups: 'from' must be a group (g, or one of the groups s:groups returned) or a list of "
                + "people, got 5")
        let stranger = try openSession(exercise("s:groups { from = { { id = 'nobody' } } }"))
        #expect(
            stranger.failure
                == "x.lua:3: s:groups: member 1 of group 1 of 'groups' is not a person in this session, got a table")
    }

    /// Two groups of three with `min = 3`: when Anne leaves, at group 1's next step Bo and
    /// Cecilie join group 2, which asks all five; group 1's flow runs to its end with nobody.
    @Test func aGroupThatShrinksBelowItsMinimumJoinsTheOthersAtItsNextStep() throws {
        let script = exercise(
            """
                local p = s:participants()
                local results = s:each_group({
                  { members = { p[1], p[2], p[3] }, min = 3 },
                  { members = { p[4], p[5], p[6] }, min = 3 },
                }, function(g)
                  g:timer("1m")
                  return #g:ask(g.everyone, { da = "Hvad?", en = "What?" })
                end)
                print("results: " .. tostring(results[1]) .. ", " .. tostring(results[2]))
            """)
        let session = try openSession(script, people: Self.six)
        try session.submit(.leave(participant: "p1", at: 10_000))
        try session.submit(.timerEnded(timer: try Self.timer(of: 1, session), at: 60_000))
        let lines = session.transcript.lines
        #expect(lines.contains("[01:00] group 2: Bo joined from group 1"), "\(lines)")
        #expect(
            lines.contains(
                "[01:00] group 1: 2 here, fewer than 3: they join other groups: Bo to group 2, Cecilie to group 2"
            ), "\(lines)")
        #expect(session.participantView("p2")?.group?.index == 2)
        #expect(session.participantView("p2")?.group?.members.count == 5)
        try session.submit(.timerEnded(timer: try Self.timer(of: 2, session), at: 61_000))
        let ask = try #require(session.openAsks.first)
        #expect(ask.audience == ["p4", "p5", "p6", "p2", "p3"])
        for id in ask.audience {
            try session.submit(.answer(ask: ask.id, participant: id, value: .text("x"), at: 62_000))
        }
        #expect(session.transcript.lines.contains("[01:02] print: results: 0, 5"), "\(session.transcript.lines)")
        #expect(session.state == .finished)
    }

    /// A flow that planned its people (s:roles, g.members) cannot reach someone who has
    /// joined another group since: not with a question, not with a role, not with a show.
    @Test func aFlowReachesOnlyWhoIsInItsGroupNow() throws {
        let script = exercise(
            """
                local p = s:participants()
                s:each_group({ { members = { p[1], p[2] }, min = 2 }, { members = { p[3], p[4] }, min = 2 } }, function(g)
                  local first = g.members[1]
                  g:timer("1m")
                  g:ask(first, { da = "Hvad?", en = "What?" })
                  g:show("for the first of group " .. g.index, first)
                  g:set_role(first, "speaker")
                end)
            """)
        let people = [("Anne", "A"), ("Bo", "B"), ("Cecilie", "A"), ("Dorte", "B")]
        let session = try openSession(script, people: people)
        try session.submit(.leave(participant: "p2", at: 10_000))
        try session.submit(.timerEnded(timer: try Self.timer(of: 1, session), at: 60_000))
        let lines = session.transcript.lines
        #expect(lines.contains("[01:00] group 1: Anne is in another group now: no role"), "\(lines)")
        #expect(lines.contains("[01:00] group 1: Anne is in another group now: not asked"))
        #expect(lines.contains("[01:00] group 1: Anne is in another group now: not shown"))
        #expect(!lines.contains { $0.contains("for the first of group 1") }, "\(lines)")
        #expect(session.participantView("p1")?.shown == nil)
        #expect(session.openAsks.isEmpty)
        #expect(session.consoleView.people.first { $0.id == "p1" }?.role == nil)
        // In group 2 she is asked with the others at its step.
        try session.submit(.timerEnded(timer: try Self.timer(of: 2, session), at: 61_000))
        #expect(session.openAsks.map(\.audience) == [["p3"]])
        #expect(session.participantView("p1")?.group?.members.map(\.name) == ["Cecilie", "Dorte", "Anne"])
        try session.submit(.answer(ask: session.openAsks[0].id, participant: "p3", value: .text("x"), at: 62_000))
        #expect(session.transcript.lines.contains("[01:02] group 2: show to Cecilie: for the first of group 2"))
    }

    @Test func aGroupWithNobodyHerePassesItsTimersAndASmallGroupFromTheStartIsKept() throws {
        let script = exercise(
            """
                local p = s:participants()
                s:each_group({
                  { members = { p[1], p[2] }, min = 3 },
                  { members = { p[3], p[4], p[5] }, min = 3 },
                  { members = { p[6] } },
                }, function(g)
                  g:timer("1m")
                  g:timer("1m")
                end)
            """)
        let session = try openSession(script, people: Self.six)
        // Group 1 was formed with two: it is kept at two. Group 3 has no minimum.
        try session.submit(.timerEnded(timer: try Self.timer(of: 1, session), at: 60_000))
        #expect(session.consoleView.timers.contains { $0.group == 1 })
        try session.submit(.timerEnded(timer: try Self.timer(of: 3, session), at: 80_000))
        #expect(session.consoleView.timers.contains { $0.group == 3 }, "a group of one without min goes on")
        #expect(session.participantView("p6")?.group?.index == 3)
        for id in ["p3", "p4", "p5"] { try session.submit(.leave(participant: id, at: 90_000)) }
        try session.submit(.timerEnded(timer: try Self.timer(of: 2, session), at: 100_000))
        #expect(
            session.transcript.lines.contains("[01:40] group 2: timer 1m passes: nobody of the group is here"),
            "\(session.transcript.lines)")
        #expect(!session.consoleView.timers.contains { $0.group == 2 })
        let wrong = try openSession(
            exercise("s:each_group({ { members = s:participants(), min = 0 } }, function(g) end)"))
        #expect(wrong.failure == "x.lua:3: s:each_group: group 1's 'min' must be a whole number from 1 to 50, got 0")
    }
}
