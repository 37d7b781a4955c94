import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// A rehearsal ends at its time limit with the transcript so far, and its bots never make
/// an event the session refuses.
struct RehearsalLimitTests {
    static let limitMessage =
        "the rehearsal reached its limit of 24h of session time and the script was still waiting; "
        + "does it ask or wait forever?"

    @Test(arguments: [
        "while true do s:ask(s.everyone, { da = 'Igen?' }) end",
        "while true do s:ask(s.everyone, { da = 'Tal', kind = 'number', min = 0.25, max = 0.75, time = '1m' }) end",
        "while true do s:wait_for_trainer('mere') end",
        "s:timer('24h')\ns:timer('1m')",
    ])
    func aScriptThatNeverEndsEndsAtTheLimit(_ body: String) throws {
        let definition = SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: exercise(body)), seed: 3)
        let log = MemoryLog()
        let session = try Rehearsal(definition: definition, participants: 6, areas: 2, log: log).run(exercise: "x")
        #expect(session.failure == Self.limitMessage)
        #expect(session.now <= Rehearsal.maximumSessionTime)
        #expect(session.transcript.lines.count > 10)
        #expect(session.transcript.lines.last?.hasSuffix("error: " + Self.limitMessage) == true)
        // Resumed from its log, the rehearsal makes the same decisions and ends the same way.
        let resumed = try Rehearsal(definition: definition, participants: 6, areas: 2, log: log).run(exercise: "x")
        #expect(resumed.transcript == session.transcript)
        #expect(resumed.state == session.state)
    }

    @Test func aRehearsalNeedsAPossibleNumberOfParticipants() throws {
        let definition = SessionDefinition(main: Shipped.source("maaling"), seed: 1)
        let error = try #require(throws: SessionError.self) {
            try Rehearsal(definition: definition, participants: -1, areas: 2)
        }
        #expect(error.message == "a rehearsal has 0 to 100000 participants, got -1")
        #expect(BotRoom.make(count: -5, areas: 3, seed: 1).isEmpty)
    }

    @Test func botsAnswerEveryKindOfRangeTheParserAccepts() throws {
        let body = """
            local kinds = {
              { kind = 'scale', min = -3, max = 3 }, { kind = 'scale', scale = 7 }, { kind = 'scale', min = 0.0, max = 100 },
              { kind = 'number' }, { kind = 'number', min = 0.2, max = 0.8 }, { kind = 'number', min = 5 },
              { kind = 'number', max = -1e12 + 1 }, { kind = 'number', min = -1e12, max = 1e12 },
              { kind = 'number', min = 1e12 - 0.5 }, { kind = 'choice', options = { 1, 2.5, 'x' } },
              { kind = 'choices', options = { 'a' } }, { kind = 'vote', options = { da = { 'a', 'b' }, en = { 'c' } } },
              { kind = 'rank', options = { 'a', 'b', 'c' } }, { kind = 'person' },
              { kind = 'text', bot_answers = { ('æ'):rep(2000) } },
            }
            for _, q in ipairs(kinds) do
              q.da = 'Spørgsmål'
              q.time = '2m'
              s:measure('answers', #s:ask(s.everyone, q))
            end
            """
        let definition = SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: exercise(body)), seed: 4)
        let session = try Rehearsal(definition: definition, participants: 30, areas: 4).run(exercise: "x")
        #expect(session.state == .finished, "\(session.failure ?? "")")
        #expect(session.measures.count == 15)
        #expect(session.measures.allSatisfy { $0.value >= 20 })
    }
}
