import Foundation
import Testing

@testable import KraftfeltEngine

/// The views of every screen, step by step through rehearsals of the shipped exercises,
/// and what `s:show`, `s:set_role` and charts put in them.
struct ViewTests {
    /// What a run through a rehearsal's log saw, step by step.
    struct Seen {
        var groupsSeen = 0
        var pairsOnScreen = 0
        var listenersAsked = 0
        var listenersSeen = 0
        var answersArriving = 0
        var matchesSeen = 0
    }

    /// Replays a rehearsal's log one input at a time and checks every view after each.
    func walk(_ definition: SessionDefinition, exercise: String, participants: Int = 18) throws -> Seen {
        let (session, rehearsed) = try loadedRehearsal(
            definition, exercise: exercise, participants: participants, areas: 4)
        var seen = Seen()
        var answersBefore: [Int: Int] = [:]
        var revision = session.revision
        while session.nextLoggedInput != nil {
            try session.applyNextLogged()
            #expect(session.revision > revision, "every applied input gives a new revision")
            revision = session.revision
            let console = session.consoleView
            let screen = session.screenView
            #expect(console.revision == revision && screen.revision == revision)
            #expect(screen.joined == session.presentParticipants.count)
            #expect(console.people.filter(\.present).count == screen.joined)
            for question in console.questions {
                #expect(question.answers.count <= question.asked)
                #expect(Set(question.answers.map(\.who)).isSubset(of: Set(question.audience)))
                if let before = answersBefore[question.id] {
                    #expect(question.answers.count >= before, "answers only arrive")
                    if question.answers.count > before { seen.answersArriving += 1 }
                }
                answersBefore[question.id] = question.answers.count
            }
            if case .pairs(let pairs)? = screen.shown {
                seen.pairsOnScreen += 1
                #expect(!pairs.isEmpty)
            }
            for person in session.participants {
                let view = try #require(session.participantView(person.id))
                #expect(view.you.id == person.id && view.revision == revision)
                if let group = view.group {
                    seen.groupsSeen += 1
                    #expect(group.members.contains { $0.id == person.id }, "a participant's group holds them")
                }
                if view.role?.listenOnly == true {
                    seen.listenersSeen += 1
                    if !view.questions.isEmpty { seen.listenersAsked += 1 }
                }
                for question in view.questions {
                    let open = try #require(console.questions.first { $0.id == question.id })
                    #expect(open.audience.contains(person.id), "a question in a view was asked of that person")
                    #expect(question.answered == open.answers.contains { $0.who == person.id })
                }
                seen.matchesSeen += view.matches.count
                for match in view.matches { #expect(match.partner.id != person.id) }
            }
        }
        #expect(session.transcript == rehearsed.transcript)
        #expect(session.consoleView.phase == .finished)
        return seen
    }

    @Test(arguments: Shipped.ids)
    func everyShippedExerciseHasConsistentViewsAtEveryStep(_ id: String) throws {
        let definition = SessionDefinition(main: Shipped.source(id), library: Shipped.library, seed: 11)
        let seen = try walk(definition, exercise: id)
        if id != "opfoelgning" {  // it asks only people whose goals were kept in an earlier session
            #expect(seen.answersArriving > 0, "the console shows answers arriving")
        }
        if id == "summegrupper" || id == "netvaerksorganisering" {
            #expect(seen.groupsSeen > 0, "a participant in a group sees their group")
        }
        if id == "spoergsmaal-paa-tvaers" || id == "netvaerksorganisering" {
            #expect(seen.pairsOnScreen > 0, "the screen shows the pairs")
            #expect(seen.matchesSeen > 0, "a participant sees their match")
        }
    }

    @Test func aListenOnlyParticipantIsAskedNothingAndToldSo() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Examples/troika-consulting.lua").standardizedFileURL
        let source = ExerciseSource(
            fileName: "troika-consulting.lua", text: try String(contentsOf: url, encoding: .utf8))
        let seen = try walk(SessionDefinition(main: source, seed: 4), exercise: "troika-consulting", participants: 9)
        #expect(seen.listenersSeen > 0)
        #expect(seen.listenersAsked == 0)
    }

    @Test func showGoesToTheAudienceItNames() throws {
        let session = try openSession(
            exercise(
                """
                    s:show("alle")
                    local people = s:participants()
                    s:show({ da = "kun skærmen" }, "screen")
                    s:show("privat", people[2])
                    s:wait_for_trainer("vent")
                    s:show(people)
                    s:wait_for_trainer("vent")
                    s:show({ "a", "b" }, { people[1], people[3] })
                    s:wait_for_trainer("slut")
                """))
        func shown(_ id: String) -> ShowContent? { session.participantView(id)?.shown }
        #expect(session.screenView.shown == .text("kun skærmen"))
        #expect(shown("p1") == .text("alle"))
        #expect(shown("p2") == .text("privat"))
        #expect(session.transcript.lines.contains("[00:00] show to Bo: privat"))
        #expect(session.transcript.lines.contains("[00:00] show on the screen: kun skærmen"))
        try session.submit(.trainer(.advance, at: 1000))
        let people = [
            PersonRef(id: "p1", name: "Anne", area: "Sundhed"), PersonRef(id: "p2", name: "Bo", area: "Skole"),
            PersonRef(id: "p3", name: "Cecilie", area: "Teknik"),
        ]
        #expect(session.screenView.shown == .people(people))
        #expect(shown("p2") == .people(people))
        try session.submit(.trainer(.advance, at: 2000))
        #expect(shown("p1") == .list(["a", "b"]) && shown("p3") == .list(["a", "b"]))
        #expect(shown("p2") == .people(people))
        #expect(session.transcript.lines.contains("[00:02] show to 2 people: "))
    }

    @Test func chartsCarryTheirNumbers() throws {
        let session = try openSession(
            exercise(
                """
                    local scale = s:ask(s.everyone, { da = "Hvor godt?", kind = "scale", min = 1, max = 5, time = "1m" })
                    s:show({ chart = "distribution", answers = scale, min = 1, max = 5, title = "Fordeling" }, "screen")
                    s:wait_for_trainer("1")
                    local picks = s:ask(s.everyone, { da = "Hvilke?", kind = "choices", options = { "x", "y", "z" }, time = "1m" })
                    s:show({ chart = "counts", answers = picks, options = { "x", "y", "z" } }, "screen")
                    s:wait_for_trainer("2")
                    s:show({ chart = "before_after", before = 2.5, after = 4 }, "screen")
                    s:wait_for_trainer("3")
                """))
        let scale = try #require(session.openAskIDs.first)
        for (i, value) in [2.0, 4, 4].enumerated() {
            try session.submit(.answer(ask: scale, participant: "p\(i + 1)", value: .number(value), at: 1000))
        }
        guard case .chart(let distribution)? = session.screenView.shown else {
            Issue.record("no chart on the screen")
            return
        }
        #expect(distribution.kind == .distribution && distribution.title == "Fordeling")
        #expect(distribution.bars.map(\.label) == ["1", "2", "3", "4", "5"])
        #expect(distribution.bars.map(\.value) == [0, 1, 0, 2, 0])
        try session.submit(.trainer(.advance, at: 2000))
        let picks = try #require(session.openAskIDs.first)
        for (i, value) in [["x", "z"], ["z"], ["y", "z"]].enumerated() {
            try session.submit(.answer(ask: picks, participant: "p\(i + 1)", value: .list(value), at: 3000))
        }
        #expect(
            session.screenView.shown
                == .chart(
                    Chart(
                        kind: .counts,
                        bars: [.init(label: "x", value: 1), .init(label: "y", value: 1), .init(label: "z", value: 3)])))
        try session.submit(.trainer(.advance, at: 4000))
        #expect(
            session.screenView.shown
                == .chart(
                    Chart(kind: .beforeAfter, bars: [.init(label: "Før", value: 2.5), .init(label: "Efter", value: 4)]))
        )
    }

    @Test(arguments: [
        (
            #"s:show({ chart = "pie" })"#,
            #"s:show: 'chart' must be one of distribution, counts, before_after, ties, got "pie""#
        ),
        (
            #"s:show({ chart = "counts" })"#,
            "s:show: a counts chart needs 'answers' (what s:ask returned) or a list of 'values'"
        ),
        (
            #"s:show({ chart = "before_after", before = 1 })"#,
            "s:show: a before_after chart needs the numbers 'before' and 'after', got 1 and nil"
        ),
        (
            #"s:show({ chart = "distribution", values = {}, min = 5, max = 1 })"#,
            "s:show: a distribution runs over whole numbers from 'min' to a higher 'max', at most 100 apart, got 5 to 1"
        ),
        (
            #"s:show({ chart = "distribution", min = math.mininteger, max = 0, values = {} })"#,
            "s:show: a distribution runs over whole numbers from 'min' to a higher 'max', at most 100 apart, got -9223372036854775808 to 0"
        ),
        (
            #"local v = {} for i = 1, 100 do v[i] = string.rep("x", 3990) .. i end s:show({ chart = "counts", values = v })"#,
            "s:show: a chart's labels and areas can have at most 256 KB of text"
        ),
        (
            #"s:show("x", "beamer")"#,
            #"s:show: 'to' must be "screen", "everyone", s.everyone, g.everyone, a person or a list of people, got "beamer""#
        ),
        (#"s:show("x", { { id = "nobody" } })"#, "s:show: 'to' must name people of this session, got a table"),
        (
            #"s:set_role(s:participants()[1], "x", { listen = true })"#,
            "s:set_role: 'listen' is not an option: did you mean 'listen_only'? (the options are listen_only)"
        ),
        (
            #"s:set_role({ 1 }, "x")"#,
            "s:set_role: 'people' must be a person, a group's g.everyone or a list of people of this session"
        ),
    ])
    func badShowsAndRolesFailWithTheExactMessage(_ line: String, _ message: String) throws {
        let session = try openSession(exercise("    " + line))
        #expect(session.failure == "x.lua:3: \(message)")
    }

    /// Someone leaving closes a question whose flow then fails the session, which closes
    /// every other question: the rest of the leave must not find them.
    @Test func aLeaveThatEndsTheSessionLeavesTheHostStanding() throws {
        let session = try openSession(
            exercise(
                """
                    s:each_group({ { s:participants()[1] }, { s:participants()[2], s:participants()[3] } }, function(g)
                      g:ask(g.everyone, { da = "Hvad?" })
                      if g.index == 1 then error("gruppe 1 stopper") end
                    end)
                """))
        #expect(session.openAskIDs.count == 2)
        try session.submit(.leave(participant: "p1", at: 1000))
        #expect(session.failure == "x.lua:5: gruppe 1 stopper")
        #expect(session.openAskIDs.isEmpty && session.consoleView.questions.isEmpty)
    }

    /// What a script shows reaches every screen: a list of more than 256 KB, a group list
    /// of more than 10,000 members or a text of megabytes is shown as its text, cut at 4 KB.
    @Test func hugeShowsAreCutToTheirText() throws {
        let session = try openSession(
            exercise(
                """
                    local long = string.rep("x", 4000)
                    local items = {}
                    for i = 1, 200 do items[i] = long end
                    s:show(items)
                    s:wait_for_trainer("1")
                    local p = s:participants()
                    local groups = {}
                    for i = 1, 4000 do groups[i] = { members = p } end
                    s:show(groups)
                    s:wait_for_trainer("2")
                    s:show({ da = string.rep("y", 5000000) })
                    s:wait_for_trainer("3")
                """))
        func shown() throws -> ShowContent { try #require(session.screenView.shown) }
        guard case .text(let first) = try shown() else { throw SessionError("200 long items are not cut to text") }
        #expect(first.utf8.count <= SessionLimits.entryBytes + 100)
        try session.submit(.trainer(.advance, at: 100))
        if case .groups = try shown() { Issue.record("12,000 members were shown as groups") }
        #expect(Session.size(of: try shown()) <= SessionLimits.shownBytes)
        try session.submit(.trainer(.advance, at: 200))
        guard case .text(let third) = try shown() else { throw SessionError("a 5 MB text is not cut") }
        #expect(third.utf8.count <= SessionLimits.entryBytes + 100)
        #expect(session.state == .running)
    }

    /// A question stops waiting for people who now only listen, and closes when it waits
    /// for nobody; a listen-only person cannot answer.
    @Test func aQuestionDoesNotWaitForListeners() throws {
        let session = try openSession(
            exercise(
                """
                    local p = s:participants()
                    s:each_group({ { p[1], p[2] }, { p[3] } }, function(g)
                      if g.index == 1 then
                        local a = g:ask(g.everyone, { da = "Hvad?" })
                        g:show(#a .. " svar")
                      else
                        g:timer("1m")
                        s:set_role(p[2], "lyt", { listen_only = true })
                      end
                    end)
                    s:wait_for_trainer("slut")
                """))
        let ask = try #require(session.openAskIDs.first)
        try session.submit(.answer(ask: ask, participant: "p1", value: .text("a"), at: 1000))
        #expect(session.openAskIDs == [ask], "still waiting for Bo")
        let timer = try #require(session.nextDeadline)
        try session.submit(.timerEnded(timer: timer.timer, at: timer.at))
        #expect(session.openAskIDs.isEmpty, "Bo only listens now: nobody is left to wait for")
        #expect(session.transcript.lines.contains("[01:00] group 1: 1 of 2 answered"))
        #expect(session.participantView("p2")?.role == RoleView(name: "lyt", listenOnly: true))
    }

    /// A question whose time is centuries long: the rehearsal's bots plan their answers
    /// without overflowing, and the rehearsal ends.
    @Test func botsPlanAnswersToAQuestionOfCenturies() throws {
        let definition = SessionDefinition(
            main: ExerciseSource(
                fileName: "x.lua",
                text: exercise(#"    s:ask(s.everyone, { da = "Hvad?", time = "2000000000000000s" })"#)),
            seed: 1)
        let session = try Rehearsal(definition: definition, participants: 24, areas: 2).run(exercise: "x")
        #expect(session.state != .running)
    }

    @Test func theTrainerRemovesAParticipantWhoCannotComeBack() throws {
        let session = try openSession(
            exercise(#"    local a = s:ask(s.everyone, { da = "Navn" }); s:show(#a .. " svar"); s:wait_for_trainer()"#))
        let ask = try #require(session.openAskIDs.first)
        try session.submit(.answer(ask: ask, participant: "p1", value: .text("a"), at: 100))
        try session.submit(.answer(ask: ask, participant: "p2", value: .text("b"), at: 200))
        try session.submit(.trainer(.remove(participant: "p3"), at: 300))
        #expect(session.transcript.lines.contains("[00:00] the trainer removed Cecilie"))
        #expect(session.transcript.lines.contains("[00:00] show: 2 svar"))
        #expect(throws: SessionError.self) {
            try session.submit(.join(Participant(id: "p3", name: "Cecilie", area: "Teknik"), at: 400))
        }
        #expect(throws: SessionError.self) {
            try session.submit(.answer(ask: ask, participant: "p3", value: .text("c"), at: 400))
        }
        do {
            try session.submit(.trainer(.remove(participant: "p9"), at: 500))
        } catch let error as SessionError {
            #expect(error.code == .notInSession && error.message == "p9 is not in this session")
        }
    }
}
