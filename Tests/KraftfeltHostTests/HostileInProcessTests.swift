import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltLua
import KraftfeltStore
import Testing

/// The hostile exercises of `Hostile/` in the host's own process (how a trusted pack's
/// sessions, and every session of a host without `--isolate`, run): each ends with the
/// same exact error as in a worker, and its log replays to the same end.
struct HostileInProcessTests {
    /// A step stuck in C is out of reach inside the process: only a worker's watchdog can
    /// end it (the command line's watchdog ends the whole process), so it is tested in a
    /// worker only (`HostileSessionTests`, `UntrustedPackTests`).
    static let workerOnly: Set<String> = ["c-loop-stuck.lua"]

    static let exercises = HostileExercise.all.filter { !workerOnly.contains($0.name) }

    /// The same functions the worker's scripts see in the tests (`KRAFTFELT_TEST_FUNCTIONS`),
    /// so that the scripts' environment, and how its objects are numbered, is the same.
    static var modules: [HostModule] {
        [
            HostModule(
                "kftest", summary: "Test stand-ins for what no limit can stop.",
                functions: [
                    HostFunction("spin", summary: "Loops for ever in C, where no limit looks.") { _ in
                        throw HostError("the in-process tests do not spin")
                    },
                    HostFunction("crash", summary: "Ends the process as a crash inside Lua would.") { _ in
                        throw HostError("the in-process tests do not crash")
                    },
                ])
        ]
    }

    @Test func theWorkerOnlyExercisesExist() {
        #expect(Set(HostileExercise.all.map(\.name)).isSuperset(of: Self.workerOnly))
        #expect(Self.exercises.count == HostileExercise.all.count - Self.workerOnly.count)
    }

    @Test(arguments: exercises)
    func failsWithTheSameErrorInProcess(_ hostile: HostileExercise) throws {
        let store = try SupervisionTests().temporaryStore()
        // A script that should meet another limit gets more time than the standard two
        // seconds: on a loaded machine, 10,000 durable writes may take longer than that.
        var limits = SandboxLimits.standard
        if !hostile.error.contains("time limit exceeded") { limits.secondsPerRun = 30 }
        let definition = SessionDefinition(
            main: ExerciseSource(fileName: "hostile.lua", text: hostile.source), seed: 5, limits: limits)
        try store.createSession(SessionRecord(id: "hostile", exercise: "hostile", definition: definition))
        let log = try StoredSessionLog(store: store, session: "hostile")
        let session = try Session(definition: definition, log: log, modules: Self.modules)
        let report = try Self.drive(session)
        #expect(report.state == .failed(hostile.error), "\(hostile.name)")

        let replayed = try Session(definition: definition, modules: Self.modules)
        try replayed.replay(try store.events(of: "hostile"))
        #expect(StepReport(replayed, since: 0).state == .failed(hostile.error), "\(hostile.name) replayed")
        #expect(replayed.transcript == session.transcript, "\(hostile.name): the replay's transcript differs")
    }

    /// What ``HostileSessionTests/drive(_:)`` does to a worker, to a session in this process.
    static func drive(_ session: Session) throws -> StepReport {
        try session.submit(session.definition.startEvent(exercise: "x"))
        for (i, name) in ["Anne", "Bo", "Cecilie"].enumerated() {
            try session.submit(.join(Participant(id: "p\(i + 1)", name: name, area: "Område \(i)"), at: 1000))
        }
        try session.submit(.trainer(.advance, at: 2000))
        var report = StepReport(session, since: 0)
        var now: Int64 = 2000
        for _ in 0..<2000 {
            guard report.state == .running else { break }
            now += 1000
            if let ask = report.openAsks.first, let who = ask.audience.first(where: { !ask.answered.contains($0) }) {
                try session.submit(
                    .answer(ask: ask.id, participant: who, value: HostileSessionTests.answer(ask), at: now))
            } else if let deadline = report.nextDeadline {
                now = max(now, deadline.at)
                try session.submit(.timerEnded(timer: deadline.timer, at: now))
            } else if report.waitsForTrainer {
                try session.submit(.trainer(.advance, at: now))
            } else {
                break
            }
            report = StepReport(session, since: 0)
        }
        return report
    }
}
