import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltStore

/// The `kraftfelt` binary beside this benchmark (scripts/bench.sh builds both).
private func kraftfeltBinary() -> URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("kraftfelt")
}

/// Resident memory of a process in bytes (Linux /proc).
private func residentBytes(of pid: Int32) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
}

/// What running a session in a supervised worker costs: answers submitted through a
/// worker (each logged by the host, over a pipe), against the same answers in the host's
/// own process; and the memory of an idle worker.
func workerRows() throws -> [Row] {
    let binary = kraftfeltBinary()
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        return [
            Row(
                name: "worker", value: "–", baseline: "no kraftfelt binary beside the benchmark", ratio: nil,
                target: "–")
        ]
    }
    let script = """
        return kf.exercise { id = "w", title = { da = "W", en = "W" }, minutes = 60,
          run = function(s)
            while true do s:ask(s.everyone, { da = "Svar", en = "Answer", kind = "scale", min = 1, max = 5 }) end
          end }
        """
    let people = 50
    let answers = 2000
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kf-bench-worker-\(UUID())")
    let store = try SQLiteStore(directory: folder.path)
    defer { try? FileManager.default.removeItem(at: folder) }

    let definition = SessionDefinition(main: ExerciseSource(fileName: "w.lua", text: script), seed: 3)
    for id in ["w1", "w2"] { try store.createSession(SessionRecord(id: id, exercise: "w", definition: definition)) }

    /// Opens a session (start, people, advance) and submits `answers` answers through `submit`.
    func drive(_ submit: (SessionEvent) throws -> [AskSummary]) throws -> Double {
        _ = try submit(definition.startEvent(exercise: "w"))
        for i in 0..<people { _ = try submit(.join(Participant(id: "p\(i)", name: "P\(i)", area: "A\(i % 4)"), at: 0)) }
        var asks = try submit(.trainer(.advance, at: 0))
        let start = now()
        var sent = 0
        while sent < answers {
            guard let ask = asks.first, let who = ask.audience.first(where: { !ask.answered.contains($0) }) else {
                break
            }
            asks = try submit(.answer(ask: ask.id, participant: who, value: .number(3), at: Int64(sent)))
            sent += 1
        }
        precondition(sent == answers)
        return now() - start
    }

    let worker = try SessionWorker(session: "w1", store: store, configuration: .init(executable: binary))
    let idleWorker = residentBytes(of: worker.processIdentifier)
    let inWorker = try drive { try worker.submit($0).openAsks }
    let busyWorker = residentBytes(of: worker.processIdentifier)
    worker.close()

    var session: Session?
    let inProcess = try drive { event in
        if session == nil, case .start = event {
            session = try Session(definition: definition, log: try StoredSessionLog(store: store, session: "w2"))
        }
        try session!.submit(event)
        return session!.openAsks.map(AskSummary.init)
    }
    return [
        Row(
            name: "answers through a worker process",
            value: String(format: "%.0f events/s", Double(answers) / inWorker),
            baseline: String(format: "in the host's process %.0f/s", Double(answers) / inProcess),
            ratio: inWorker / inProcess, target: "report (time, worker ÷ in process)"),
        Row(
            name: "a worker's resident memory", value: "\(busyWorker / 1024) KB",
            baseline: "idle \(idleWorker / 1024) KB", ratio: nil, target: "report"),
    ]
}
