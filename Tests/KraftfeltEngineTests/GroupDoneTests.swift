import Foundation
import Testing

@testable import KraftfeltEngine

/// "We're done": a group whose members here all say so ends its own timer early; the other
/// groups keep theirs.
@Suite struct GroupDoneTests {
    static let script = exercise(
        """
            s:each_group(s:groups { size = 3, mix = "random" }, function(g)
              g:timer("10m", { da = "Samtale", en = "Conversation" })
              print("group " .. g.index .. " went on")
              g:timer("5m")
            end)
        """)

    static let six = [
        ("Anne", "Sundhed"), ("Bo", "Skole"), ("Cecilie", "Teknik"), ("Dorte", "Sundhed"), ("Emil", "Skole"),
        ("Fatima", "Teknik"),
    ]

    /// The members of each group, by index.
    static func groups(_ session: Session) -> [Int: [String]] {
        var groups: [Int: [String]] = [:]
        for person in session.participants {
            if let group = session.participantView(person.id)?.group {
                groups[group.index, default: []].append(person.id)
            }
        }
        return groups
    }

    @Test func whenEveryoneOfAGroupSaysDoneItsTimerEndsAndTheOthersGoOn() throws {
        let session = try openSession(Self.script, people: Self.six)
        let groups = Self.groups(session)
        let (one, two) = (try #require(groups[1]), try #require(groups[2]))
        #expect(one.count == 3 && two.count == 3)
        #expect(session.participantView(one[0])?.canSayDone == true)
        #expect(session.participantView(one[0])?.saidDone == false)

        try session.submit(.saidDone(participant: one[0], at: 100_000))
        try session.submit(.saidDone(participant: one[1], at: 200_000))
        let mine = try #require(session.participantView(one[0]))
        #expect(mine.saidDone && !mine.canSayDone)
        #expect(mine.timer?.saidDone == [one[0], one[1]] && mine.timer?.membersHere == 3)
        #expect(session.participantView(one[2])?.canSayDone == true)
        #expect(session.participantView(two[0])?.timer?.saidDone == [])
        let consoleTimer = try #require(session.consoleView.timers.first { $0.group == 1 })
        #expect(consoleTimer.saidDone == [one[0], one[1]])
        #expect(session.timers.count == 2)

        try session.submit(.saidDone(participant: one[2], at: 250_000))
        let lines = session.transcript.lines
        #expect(lines.contains("[04:10] group 1: done early (3 of 3 said done) with 5m50s left: Samtale"), "\(lines)")
        #expect(lines.contains("[04:10] print: group 1 went on"), "\(lines)")
        #expect(!lines.contains { $0.contains("group 2 went on") })
        // Group 1 is on its next timer, group 2 still on its first.
        #expect(session.participantView(one[0])?.timer?.label == "")
        #expect(session.participantView(one[0])?.canSayDone == true)
        #expect(session.participantView(one[0])?.saidDone == false)
        #expect(session.participantView(two[0])?.timer?.label == "Samtale")
        #expect(session.participantView(two[0])?.timer?.endsAt == 600_000)
    }

    @Test func someoneWhoLeavesNoLongerCountsAndALateJoinerDoes() throws {
        let session = try openSession(Self.script, people: Self.six)
        let one = try #require(Self.groups(session)[1])
        try session.submit(.saidDone(participant: one[0], at: 10_000))
        // A newcomer is placed in the first of the smallest groups: group 1.
        try session.submit(.join(Participant(id: "p7", name: "Gustav", area: "Skole"), at: 20_000))
        #expect(session.participantView("p7")?.group?.index == 1)
        #expect(session.participantView("p7")?.canSayDone == true)
        try session.submit(.saidDone(participant: one[1], at: 30_000))
        try session.submit(.saidDone(participant: one[2], at: 40_000))
        #expect(!session.transcript.text.contains("done early"), "the late joiner had not said done")
        #expect(session.participantView(one[0])?.timer?.membersHere == 4)
        // Two leave; the three here have all said done, and that is enough.
        try session.submit(.leave(participant: one[2], at: 50_000))
        #expect(!session.transcript.text.contains("done early"))
        try session.submit(.leave(participant: "p7", at: 60_000))
        #expect(
            session.transcript.lines.contains("[01:00] group 1: done early (2 of 2 said done) with 9m left: Samtale"))
    }

    /// Each "we're done" that does not fit is refused with its reason and code, and
    /// nothing is logged.
    @Test func aDoneThatDoesNotFitIsRefusedAndNothingIsLogged() throws {
        let log = MemoryLog()
        let session = try openSession(Self.script, people: Self.six, log: log)
        let groups = Self.groups(session)
        let (one, two) = (try #require(groups[1]), try #require(groups[2]))
        try session.submit(.saidDone(participant: one[0], at: 1000))
        try session.submit(.leave(participant: one[1], at: 2000))
        try session.submit(.trainer(.remove(participant: two[0]), at: 3000))
        let logged = log.events
        let cases: [(String, String, SessionError.Code)] = [
            (one[0], "\(one[0]) has already said group 1 is done", .alreadyAnswered),
            (one[1], "\(one[1]) is not here", .notInSession),
            (two[0], "\(two[0]) is not in this session", .notInSession),
            ("nobody", "nobody is not in this session", .notInSession),
            ("", " is not in this session", .notInSession),
        ]
        for (who, message, code) in cases {
            let error = try #require(throws: SessionError.self) {
                try session.submit(.saidDone(participant: who, at: 4000))
            }
            #expect(error.message == message)
            #expect(error.code == code)
        }
        #expect(log.events == logged)
        #expect(session.participantView(one[0])?.timer?.saidDone == [one[0]])
    }

    @Test func outsideAGroupsTimerThereIsNothingToBeDoneWith() throws {
        let script = exercise(
            """
                s:timer("1m")
                s:each_group(s:groups { size = 3 }, function(g)
                  g:ask(g.everyone, { da = "Hvad nu?", en = "What now?" })
                  g:timer("2m")
                end)
            """)
        let session = try openSession(script, people: Self.six)
        #expect(session.participantView("p1")?.canSayDone == false)
        var error = try #require(throws: SessionError.self) { try session.submit(.saidDone(participant: "p1", at: 0)) }
        #expect(error.message == "p1 is not in a group now")
        #expect(error.code == .notInSession)
        try session.submit(.timerEnded(timer: try #require(session.nextDeadline?.timer), at: 60_000))
        let group = try #require(session.participantView("p1")?.group?.index)
        #expect(session.participantView("p1")?.canSayDone == false)
        error = try #require(throws: SessionError.self) { try session.submit(.saidDone(participant: "p1", at: 61_000)) }
        #expect(error.message == "group \(group) is not waiting on a timer")
        #expect(error.code == .notOpen)
        #expect(!session.log.events.contains { if case .saidDone = $0 { true } else { false } })
    }

    /// A press that does not end the timer changes only its group's phones, and a host
    /// renders only those again.
    @Test func aPressTouchesOnlyItsGroupsPhones() throws {
        let session = try openSession(Self.script, people: Self.six)
        let groups = Self.groups(session)
        let (one, two) = (try #require(groups[1]), try #require(groups[2]))
        var before = TouchedViewTests.views(session)
        for (i, who) in [one[0], two[0], one[1], two[1], one[2]].enumerated() {
            _ = session.takeTouchedParticipants()
            try session.submit(.saidDone(participant: who, at: Int64(i + 1) * 1000))
            let after = TouchedViewTests.views(session)
            let touched = session.takeTouchedParticipants()
            if i < 4 {
                #expect(touched == Set(one.contains(who) ? one : two))
            } else {
                #expect(touched == nil, "the last press ends group 1's timer")
            }
            for (id, view) in after where touched?.contains(id) == false {
                #expect(before[id] == view, "\(id)'s view changed after \(who)'s press, untouched")
            }
            before = after
        }
    }

    @Test func aLogWithDoneReplaysToTheSameTranscript() throws {
        let log = MemoryLog()
        let session = try openSession(Self.script, people: Self.six, log: log)
        let groups = Self.groups(session)
        for (i, id) in try #require(groups[2]).enumerated() {
            try session.submit(.saidDone(participant: id, at: Int64(i + 1) * 30_000))
        }
        try session.submit(.leave(participant: try #require(groups[1])[0], at: 100_000))
        while session.state == .running, let next = session.nextDeadline {
            try session.submit(.timerEnded(timer: next.timer, at: next.at))
        }
        #expect(session.state == .finished)
        #expect(
            session.transcript.lines.contains("[01:30] group 2: done early (3 of 3 said done) with 8m30s left: Samtale")
        )
        let definition = session.definition
        let replayed = try Session(definition: definition)
        try replayed.replay(log.events)
        #expect(replayed.transcript.text == session.transcript.text)
    }
}
