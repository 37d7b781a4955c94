import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltLua
import KraftfeltStore
import Synchronization
import Testing

/// Sessions in supervised worker processes: what no limit inside Lua can stop ends one
/// session, never the host, and never another session.
@Suite(.serialized) struct SupervisionTests {
    /// The built `kraftfelt` binary, found beside the test bundle.
    static let binary: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("kraftfelt")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "kraftfelt")
    }()

    static let configuration = SessionWorker.Configuration(
        executable: binary, grace: 1, environment: ["KRAFTFELT_TEST_FUNCTIONS": "1"])

    static func exercise(_ body: String) -> String {
        """
        return kf.exercise { id = "x", title = { da = "X", en = "X" }, minutes = 5,
          run = function(s)
        \(body)
          end }
        """
    }

    static let normal = exercise(
        """
            local answers = s:ask(s.everyone, { da = "Hvad tager du med?", en = "What do you take away?", time = "1m" })
            s:show(#answers .. " svar")
        """)

    func temporaryStore() throws -> SQLiteStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kf-host-\(UUID().uuidString)")
        return try SQLiteStore(directory: folder.path)
    }

    func create(_ id: String, _ script: String, in store: SQLiteStore) throws -> SessionDefinition {
        let definition = SessionDefinition(main: ExerciseSource(fileName: "\(id).lua", text: script), seed: 5)
        try store.createSession(SessionRecord(id: id, exercise: "x", definition: definition))
        return definition
    }

    /// Opens the session: start, three people, the trainer starts it.
    func open(_ worker: SessionWorker) throws -> StepReport {
        try worker.submit(worker.definition.startEvent(exercise: "x"))
        for (i, name) in ["Anne", "Bo", "Cecilie"].enumerated() {
            try worker.submit(.join(Participant(id: "p\(i + 1)", name: name, area: "Område \(i)"), at: 1000))
        }
        return try worker.submit(.trainer(.advance, at: 2000))
    }

    @Test func aSessionStuckInCIsEndedWhileAnotherCarriesOn() throws {
        let store = try temporaryStore()
        _ = try create("stuck", Self.exercise("    s:show('før')\n    kftest.spin()"), in: store)
        _ = try create("normal", Self.normal, in: store)

        let stuckEnded = Atomic<Bool>(false)
        let stuckReport = Mutex<StepReport?>(nil)
        let stuckTranscript = Mutex<[String]>([])
        let failure = Mutex<String?>(nil)
        let thread = Thread {
            do {
                let worker = try SessionWorker(session: "stuck", store: store, configuration: Self.configuration)
                let report = try open(worker)
                stuckReport.withLock { $0 = report }
                stuckTranscript.withLock { $0 = worker.transcript }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            stuckEnded.store(true, ordering: .sequentiallyConsistent)
        }
        thread.start()

        // Meanwhile the other session runs from start to finish, in the same host.
        let normal = try SessionWorker(session: "normal", store: store, configuration: Self.configuration)
        var report = try open(normal)
        let ask = try #require(report.openAsks.first)
        for id in ask.audience {
            report = try normal.submit(.answer(ask: ask.id, participant: id, value: .text("ro"), at: 5000))
        }
        #expect(report.state == .finished)
        #expect(normal.transcript.contains("[00:05] show: 3 svar"))
        let stillSpinning = !stuckEnded.load(ordering: .sequentiallyConsistent)
        #expect(stillSpinning, "the other session finished while this one spun")
        normal.close()

        while !stuckEnded.load(ordering: .sequentiallyConsistent) { usleep(20_000) }
        #expect(failure.withLock { $0 } == nil)
        let message =
            "time limit exceeded: the script ran for more than 2 seconds without waiting, and the host had to end "
            + "the process that ran it"
        #expect(stuckReport.withLock { $0 }?.state == .failed(message))
        let transcript = stuckTranscript.withLock { $0 }
        #expect(transcript.last == "[00:02] error: " + message)
        #expect(try store.session("stuck").state == "failed: " + message)

        // The stop is in the log: resuming the session ends it the same way, at once.
        guard case .stopped(let stop, _) = try store.events(of: "stuck").last else {
            Issue.record("the stop was not logged")
            return
        }
        #expect(stop.work == nil && stop.cause == .time)
        let resumed = try SessionWorker(session: "stuck", store: store, configuration: Self.configuration)
        #expect(resumed.report?.state == .failed(message))
        #expect(resumed.transcript == transcript)
        resumed.close()
    }

    @Test func aWorkerThatCrashesEndsOnlyItsSession() throws {
        let store = try temporaryStore()
        _ = try create("crash", Self.exercise("    kftest.crash()"), in: store)
        let worker = try SessionWorker(session: "crash", store: store, configuration: Self.configuration)
        let report = try open(worker)
        guard case .failed(let message) = report.state else {
            Issue.record("the session did not fail: \(report.state)")
            return
        }
        #expect(message == "the process running the scripts ended unexpectedly (signal 6)")
        let again = try SessionWorker(session: "crash", store: store, configuration: Self.configuration)
        #expect(again.report?.state == .failed(message))
        again.close()
    }

    /// A session run in a worker, then resumed in a new worker, is the session an
    /// uninterrupted in-process run gives.
    @Test func aWorkerSessionResumesToTheInProcessTranscript() throws {
        let store = try temporaryStore()
        let definition = try create("plain", Self.normal, in: store)
        let first = try SessionWorker(session: "plain", store: store, configuration: Self.configuration)
        let report = try open(first)
        let ask = try #require(report.openAsks.first)
        try first.submit(.answer(ask: ask.id, participant: "p1", value: .text("ro"), at: 3000))
        first.close()

        let second = try SessionWorker(session: "plain", store: store, configuration: Self.configuration)
        try second.submit(.answer(ask: ask.id, participant: "p2", value: .text("ro"), at: 4000))
        try second.submit(.answer(ask: ask.id, participant: "p3", value: .text("ro"), at: 5000))
        #expect(second.report?.state == .finished)

        let local = try Session(definition: definition)
        try local.replay(try store.events(of: "plain"))
        #expect(second.transcript == local.transcript.lines)
        second.close()

        let refused = try #require(throws: WorkerError.self) {
            let third = try SessionWorker(session: "plain", store: store, configuration: Self.configuration)
            try third.submit(.join(Participant(id: "p9", name: "Late", area: "X"), at: 9000))
        }
        #expect(refused.message == "the session has ended")
    }
}
