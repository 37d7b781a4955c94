import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltLua
import KraftfeltStore
import Testing

/// One hostile exercise from `Hostile/`, with the class it attacks and the exact error
/// its session must end with.
struct HostileExercise: CustomTestStringConvertible, Sendable {
    let name: String
    let source: String
    let error: String

    var testDescription: String { name }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Hostile")

    static let all: [HostileExercise] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".lua") }.sorted().map { name in
            let source = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
            let error = source.split(separator: "\n").first { $0.hasPrefix("-- error: ") }.map {
                String($0.dropFirst("-- error: ".count))
            }
            return HostileExercise(name: name, source: source, error: error ?? "")
        }
    }()
}

/// Each hostile exercise runs as a session in a supervised worker beside a normal one:
/// it fails with its exact error, the normal session carries on to its end in the same
/// host, and a new worker replaying the hostile session's log ends it the same way.
@Suite(.serialized) struct HostileSessionTests {
    @Test func everyClassHasHostileExercises() {
        let classes = Set(
            HostileExercise.all.compactMap { exercise in
                exercise.source.split(separator: "\n").first { $0.hasPrefix("-- class: ") }?.dropFirst(10).prefix(1)
            }.map(String.init))
        #expect(classes == ["1", "2", "3", "4", "5"])
        #expect(HostileExercise.all.allSatisfy { !$0.error.isEmpty })
    }

    @Test(arguments: HostileExercise.all)
    func failsWithItsErrorWhileAnotherSessionCarriesOn(_ hostile: HostileExercise) throws {
        let store = try SupervisionTests().temporaryStore()
        _ = try SupervisionTests().create("normal", SupervisionTests.normal, in: store)
        let definition = SessionDefinition(main: ExerciseSource(fileName: "hostile.lua", text: hostile.source), seed: 5)
        try store.createSession(SessionRecord(id: "hostile", exercise: "hostile", definition: definition))

        let normal = try SessionWorker(session: "normal", store: store, configuration: SupervisionTests.configuration)
        var normalReport = try SupervisionTests().open(normal)

        let worker = try SessionWorker(session: "hostile", store: store, configuration: SupervisionTests.configuration)
        let report = try Self.drive(worker)
        #expect(report.state == .failed(hostile.error), "\(hostile.name)")
        let transcript = worker.transcript
        worker.close()

        // The other session, in the same host, goes on to its end.
        let ask = try #require(normalReport.openAsks.first)
        for id in ask.audience {
            normalReport = try normal.submit(.answer(ask: ask.id, participant: id, value: .text("ro"), at: 5000))
        }
        #expect(normalReport.state == .finished)
        normal.close()

        // Replayed in a new worker (a new process), the hostile session ends the same way.
        let replayed = try SessionWorker(
            session: "hostile", store: store, configuration: SupervisionTests.configuration)
        #expect(replayed.report?.state == .failed(hostile.error), "\(hostile.name) replayed")
        #expect(replayed.transcript == transcript, "\(hostile.name): the replay's transcript differs")
        replayed.close()
    }

    /// Opens the session with three people and answers, times and advances it until it
    /// ends (or 2,000 steps).
    static func drive(_ worker: SessionWorker) throws -> StepReport {
        var report = try SupervisionTests().open(worker)
        var now: Int64 = 2000
        for _ in 0..<2000 {
            guard report.state == .running else { break }
            now += 1000
            if let ask = report.openAsks.first, let who = ask.audience.first(where: { !ask.answered.contains($0) }) {
                report = try worker.submit(.answer(ask: ask.id, participant: who, value: answer(ask), at: now))
            } else if let deadline = report.nextDeadline {
                now = max(now, deadline.at)
                report = try worker.submit(.timerEnded(timer: deadline.timer, at: now))
            } else if report.waitsForTrainer {
                report = try worker.submit(.trainer(.advance, at: now))
            } else {
                break
            }
        }
        return report
    }

    static func answer(_ ask: AskSummary) -> Answer {
        switch ask.kind {
        case "scale", "number": .number(ask.range?.first ?? 1)
        case "choice": .text(ask.options.first ?? "")
        case "choices", "vote": .list(Array(ask.options.prefix(1)))
        case "rank": .list(ask.options)
        case "person": .text(ask.audience.first ?? "")
        default: .text("svar")
        }
    }
}
