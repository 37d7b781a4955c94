import Foundation
import Testing

@testable import KraftfeltEngine
@testable import KraftfeltLua

/// A session's transcript has a total cap; reaching it fails the session, whatever adds
/// the lines, and the script is stopped at its next call of the session.
struct TranscriptLimitTests {
    static let limitReached =
        "the session's transcript reached its limit of 256 KB; the script printed or showed more than one session can keep"

    /// A session of `script` whose transcript holds at most 256 KB from the trainer's start
    /// (the real limit, 16 MB, takes a debug build longer to fill than a run may take).
    func session(_ script: String, log: SessionLog = MemoryLog()) throws -> Session {
        let definition = SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: script), seed: 1)
        let session = try Session(definition: definition, log: log)
        try session.submit(definition.startEvent(exercise: "x"))
        for (i, name) in ["Anne", "Bo", "Cecilie"].enumerated() {
            try session.submit(.join(Participant(id: "p\(i + 1)", name: name, area: "Skole"), at: 0))
        }
        session.transcript = Transcript(limit: 256 * 1024)
        try session.submit(.trainer(.advance, at: 0))
        return session
    }

    @Test(arguments: [
        "for i = 1, 100 do print(('x'):rep(4000)) end",
        "while true do s:show(('x'):rep(4000)) end",
        "while true do s:ask({ id = 'nobody' }, { da = ('x'):rep(4000) }) end",
    ])
    func aScriptThatWritesTooMuchFailsItsSession(_ body: String) throws {
        let session = try session(exercise(body + "\ns:timer('1m')"))
        #expect(session.failure == Self.limitReached)
        let transcript = session.transcript
        #expect(transcript.isFull)
        #expect(transcript.bytes <= 256 * 1024 + 200)
        #expect(transcript.text.utf8.count == transcript.bytes)
        #expect(transcript.lines.last == "[00:00] the transcript reached its limit of 256 KB; nothing more is kept")
        #expect(session.openAsks.isEmpty && session.nextDeadline == nil)
    }

    @Test func linesFromEventsCountToo() throws {
        let session = try openSession(exercise("s:wait_for_trainer()"))
        session.transcript = Transcript(limit: 2000)
        var joined = 0
        while session.state == .running {
            joined += 1
            try session.submit(.join(Participant(id: "late\(joined)", name: "Late \(joined)", area: "Skole"), at: 1000))
        }
        #expect(
            session.failure
                == "the session's transcript reached its limit of 2000 bytes; the script printed or showed more than one session can keep"
        )
        #expect(
            session.transcript.lines.last
                == "[00:01] the transcript reached its limit of 2000 bytes; nothing more is kept")
        let error = try #require(throws: SessionError.self) { try session.submit(.trainer(.advance, at: 2000)) }
        #expect(error.message == "the session has ended")
    }

    /// Once the transcript is full, no session function does anything: each call of every
    /// registered function (enumerated, so new ones are covered) stops the script there.
    @Test func afterTheLimitNoSessionFunctionRuns() throws {
        let functions =
            try Session(definition: SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: ""), seed: 1))
            .vm.modules.first { $0.name == Session.sessionModuleName }?.functions ?? []
        #expect(functions.count >= 14)
        for function in functions {
            let arguments = function.parameters.dropFirst().filter { !$0.isOptional }.map { parameter -> String in
                switch parameter.type {
                case .table: "{ da = 'x', members = s:participants() }"
                case .string: "'1m'"
                case .number, .integer: "1"
                case .function: "function() s:measure('flow', 1) end"
                default: "'session'"
                }
            }
            let body = """
                for i = 1, 100 do print(('x'):rep(4000)) end
                pcall(s.\(function.name), \((["s"] + arguments).joined(separator: ", ")))
                s:measure('after', 1)
                """
            let session: Session
            do { session = try self.session(exercise(body)) } catch {
                Issue.record("\(function.name): \(error)")
                continue
            }
            #expect(session.failure == Self.limitReached, "\(function.name)")
            #expect(session.measures.isEmpty, "\(function.name)")
            #expect(session.openAsks.isEmpty && session.nextDeadline == nil, "\(function.name)")
            #expect(session.transcript.lines.last?.contains("nothing more is kept") == true, "\(function.name)")
        }
    }

    @Test func theTranscriptReplaysToTheSameCut() throws {
        #expect(SessionLimits.transcriptBytes == 16 * 1024 * 1024)
        let log = MemoryLog()
        let session = try session(exercise("for i = 1, 100 do print(('x'):rep(4000)) end"), log: log)
        let replayed = try Session(definition: session.definition)
        replayed.load(logged: log.events)
        while replayed.nextLoggedInput != nil {
            if case .trainer = replayed.nextLoggedInput { replayed.transcript = Transcript(limit: 256 * 1024) }
            try replayed.applyNextLogged()
        }
        #expect(replayed.transcript == session.transcript)
        #expect(replayed.state == session.state)
    }
}
