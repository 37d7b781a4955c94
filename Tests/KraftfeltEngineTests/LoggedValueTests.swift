import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// Values read back from a log get the same checks as live ones: a log that was tampered
/// with, or written by a buggy host, is refused with an exact error and never traps.
struct LoggedValueTests {
    static let script = exercise(
        """
        s:ask(s.everyone, { da = 'Skala', kind = 'scale', min = 1, max = 5 })
        s:ask(s.everyone, { da = 'Tal', kind = 'number', min = 0, max = 10 })
        """)

    /// The log of a session up to its first question, and then `events`, where question 1
    /// and 2 are the session's first and second question.
    func replay(_ events: [SessionEvent]) throws -> (Session, SessionError) {
        let log = MemoryLog()
        let live = try openSession(Self.script, log: log)
        let first = try #require(live.openAsks.first?.id)
        let numbered = events.map { event -> SessionEvent in
            guard case .answer(let ask, let who, let value, let at) = event, ask > 0 else { return event }
            return .answer(ask: ask == 1 ? first : first + 1, participant: who, value: value, at: at)
        }
        let session = try Session(definition: live.definition)
        let error = try #require(throws: SessionError.self) { try session.replay(log.events + numbered) }
        return (session, error)
    }

    static let badEvents: [(SessionEvent, String)] = [
        (.answer(ask: 1, participant: "p1", value: .number(6), at: 10), "the answer must be from 1 to 5"),
        (.answer(ask: 1, participant: "p1", value: .number(.nan), at: 10), "the answer must be a number"),
        (.answer(ask: 1, participant: "p1", value: .number(-.infinity), at: 10), "the answer must be a number"),
        (.answer(ask: 1, participant: "p1", value: .number(1.5), at: 10), "a scale answer is a whole number"),
        (.answer(ask: -1, participant: "p1", value: .number(1), at: 10), "question -1 is not open"),
        (.timerEnded(timer: -1, at: 10), "timer -1 is not running"),
        (.trainer(.extend(timer: Int.min, seconds: 60), at: 10), "timer -9223372036854775808 is not running"),
        (
            .answer(ask: 1, participant: "p1", value: .number(3), at: -1),
            "events must come in time order: -1 ms is before 0 ms"
        ),
    ]

    @Test(arguments: badEvents)
    func aBadLoggedEventIsRefused(_ event: SessionEvent, _ expected: String) throws {
        let (session, error) = try replay([event])
        #expect(error.message == expected)
        #expect(session.state == .running)
    }

    @Test func aNumberOutsideItsRangeIsRefusedOnReplay() throws {
        let answers: [SessionEvent] = ["p1", "p2", "p3"].map {
            .answer(ask: 1, participant: $0, value: .number(3), at: 10)
        }
        let (_, error) = try replay(answers + [.answer(ask: 2, participant: "p1", value: .number(1e300), at: 20)])
        #expect(error.message == "the answer must be from 0 to 10")
    }

    /// An event time at the end of Int64 is refused when it arrives (a session lasts at
    /// most ten years), so no timer or deadline can overflow from it; one at the last
    /// allowed time still gets its timers.
    @Test func anEventAtTheEndOfTimeIsRefusedAndTheLatestAllowedStillWorks() throws {
        let session = try openSession(exercise("s:wait_for_trainer()\ns:timer('1m')"))
        let refused = try #require(throws: SessionError.self) {
            try session.submit(.trainer(.advance, at: .max))
        }
        #expect(refused.message == "an event at 9223372036854775807 ms is later than a session can last (ten years)")
        #expect(session.state == .running)
        try session.submit(.trainer(.advance, at: SessionLimits.latestEventTime))
        #expect(session.state == .running)
        #expect(session.nextDeadline?.at == SessionLimits.latestEventTime + 60_000)
    }
}
