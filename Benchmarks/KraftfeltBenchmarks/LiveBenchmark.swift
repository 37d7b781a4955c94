import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltStore
import Synchronization

/// Resident memory of this process in bytes (Linux /proc).
private func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
}

private func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

private func dataFolder(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("kf-bench-\(name)-\(UUID().uuidString)")
}

/// One live session, 10,000 participants joined, every one answering one question from its
/// own task at once (SQLite, `synchronous = FULL`): answers acknowledged per second and the
/// time to acknowledgement, against the same answers applied and committed one at a time
/// (the path before the live host) in the same run.
func liveAnswerRows(participants: Int = 10_000) async throws -> [Row] {
    let script = ExerciseSource(
        fileName: "a.lua",
        text: """
            return kf.exercise { id = "a", title = { da = "A", en = "A" }, minutes = 5,
              run = function(s)
                for round = 1, 2 do
                  local answers = s:ask(s.everyone, { da = "Hvor godt?", en = "How well?", kind = "scale", min = 1, max = 5 })
                  s:show(#answers .. " svar")
                end
              end }
            """)
    let people = (0..<participants).map { Participant(id: "p\($0)", name: "P\($0)", area: "A\($0 % 8)") }

    // Today's path: one engine, each answer appended (one commit each) before the next.
    let oneFolder = dataFolder("one")
    defer { try? FileManager.default.removeItem(at: oneFolder) }
    let oneStore = try SQLiteStore(directory: oneFolder.path)
    let definition = SessionDefinition(main: script, seed: 5)
    try oneStore.createSession(SessionRecord(id: "one", exercise: "a", definition: definition))
    let log = try StoredSessionLog(store: oneStore, session: "one")
    let session = try Session(definition: definition, log: log)
    try session.submit(definition.startEvent(exercise: "a"))
    for p in people { try session.submit(.join(p, at: 0)) }
    try session.submit(.trainer(.advance, at: 0))
    let oneAsk = session.openAskIDs[0]
    var oneLatencies: [Double] = []
    oneLatencies.reserveCapacity(participants)
    let oneStart = now()
    for p in people {
        let t = now()
        try session.submit(.answer(ask: oneAsk, participant: p.id, value: .number(3), at: 1000))
        oneLatencies.append(now() - t)
    }
    let oneSeconds = now() - oneStart
    guard session.transcript.text.contains("\(participants) of \(participants) answered") else {
        throw KraftfeltError(.broken, "the one-at-a-time session did not close its question")
    }

    // The live host: every answer from its own task, batches committed together.
    let liveFolder = dataFolder("live")
    defer { try? FileManager.default.removeItem(at: liveFolder) }
    let host = SessionHost(store: try SQLiteStore(directory: liveFolder.path), clock: SystemClock())
    host.startJobs()
    let runtime = try await host.create(exercise: "a", main: script, seed: 5)
    try await withThrowingTaskGroup(of: Void.self) { group in
        for p in people { group.addTask { try await runtime.submit(.join(p)) } }
        try await group.waitForAll()
    }
    try await runtime.submit(.trainer(.advance))
    guard case .console(let console)? = await runtime.view(.console), let ask = console.questions.first?.id else {
        throw KraftfeltError(.broken, "no question is open")
    }
    // Capacity: every answer to the first question submitted at once.
    let before = runtime.measured
    let liveStart = now()
    _ = try await answer(people[...], to: ask, in: runtime, within: 0)
    let liveSeconds = now() - liveStart
    let after = runtime.measured
    // Time to acknowledgement: the answers to the second question arrive over one second.
    guard case .console(let next)? = await runtime.view(.console), let second = next.questions.first?.id else {
        throw KraftfeltError(.broken, "the second question is not open")
    }
    let latencies = try await answer(people[...], to: second, in: runtime, within: 1)
    let transcript = await runtime.transcript()
    await host.shutdown()
    guard transcript.contains("\(participants) of \(participants) answered") else {
        throw KraftfeltError(.broken, "the live session did not close its question")
    }
    let liveRate = Double(participants) / liveSeconds
    let oneRate = Double(participants) / oneSeconds
    let p50 = percentile(latencies, 0.5) * 1000
    let p99 = percentile(latencies, 0.99) * 1000
    let batches = after.batches - before.batches
    return [
        Row(
            name: "live answers, \(participants) tasks at once", value: String(format: "%.0f /s", liveRate),
            baseline: String(format: "one at a time %.0f /s", oneRate), ratio: liveRate / oneRate,
            target: "≥ 20000 /s", met: liveRate >= 20_000),
        Row(
            name: "ack time, \(participants) answers over 1 s, p50 / p99",
            value: String(format: "%.1f / %.1f ms", p50, p99),
            baseline: String(
                format: "one at a time p50 %.2f ms (alone in the queue)", percentile(oneLatencies, 0.5) * 1000),
            ratio: nil, target: "p99 < 100 ms", met: p99 < 100),
        Row(
            name: "commits for the answers at once", value: "\(batches)",
            baseline: "one at a time \(participants)", ratio: Double(batches) / Double(participants), target: "–"),
    ]
}

/// Submits an answer from each person's own task, each at a moment spread evenly over
/// `seconds` (all at once for 0); returns the seconds each waited for its acknowledgement.
private func answer(
    _ people: ArraySlice<Participant>, to ask: Int, in runtime: SessionRuntime, within seconds: Double
) async throws -> [Double] {
    let start = now()
    return try await withThrowingTaskGroup(of: Double.self) { group in
        for (offset, p) in people.enumerated() {
            let at = start + seconds * Double(offset) / Double(people.count)
            group.addTask {
                let wait = at - now()
                if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
                let t = now()
                try await runtime.submit(.answer(ask: ask, participant: p.id, value: .number(3)))
                return now() - t
            }
        }
        var all: [Double] = []
        for try await latency in group { all.append(latency) }
        return all
    }
}

/// 1,000 live sessions of 30 people in one process on the system clock, each running
/// timers: memory per live session, and how late the timers fire.
func liveSessionRows(sessions count: Int = 1000, people: Int = 30) async throws -> [Row] {
    let script = ExerciseSource(
        fileName: "t.lua",
        text: """
            return kf.exercise { id = "t", title = { da = "T", en = "T" }, minutes = 5,
              run = function(s)
                for i = 1, 10 do
                  s:timer("1s", "runde " .. i)
                  s:ask(s.everyone, { da = "Klar?", kind = "choice", options = { "ja", "nej" }, time = "1s" })
                end
              end }
            """)
    let folder = dataFolder("many")
    defer { try? FileManager.default.removeItem(at: folder) }
    let host = SessionHost(store: try SQLiteStore(directory: folder.path), clock: SystemClock())
    host.startJobs()
    // Warm up the engine and the store once, so the measure holds sessions, not code.
    let warm = try await host.create(exercise: "t", main: script, seed: 1)
    await host.stop(warm.id)
    let baseline = residentBytes()
    let runtimes = try await withThrowingTaskGroup(of: SessionRuntime.self) { group in
        for i in 0..<count {
            group.addTask {
                let runtime = try await host.create(exercise: "t", main: script, seed: UInt64(i + 2))
                for j in 0..<people {
                    try await runtime.submit(.join(Participant(id: "p\(j)", name: "P\(j)", area: "A\(j % 5)")))
                }
                return runtime
            }
        }
        var all: [SessionRuntime] = []
        for try await runtime in group { all.append(runtime) }
        return all
    }
    let resident = residentBytes() - baseline
    // Start them all within about a second, so their timers spread as real workshops' do.
    let startedAt = now()
    for (i, runtime) in runtimes.enumerated() {
        let due = startedAt + Double(i) / Double(count)
        let wait = due - now()
        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
        try await runtime.submit(.trainer(.advance))
    }
    var finished = 0
    for _ in 0..<600 {
        finished = 0
        for runtime in runtimes where await runtime.state() == "finished" { finished += 1 }
        if finished == count { break }
        try await Task.sleep(for: .milliseconds(100))
    }
    let lateness = runtimes.flatMap { $0.measured.timerLateness.map(Double.init) }
    await host.shutdown()
    let perSession = Double(resident) / Double(count) / 1024
    let p99 = percentile(lateness, 0.99)
    return [
        Row(
            name: "memory per live session (\(people) people)", value: String(format: "%.0f KB", perSession),
            baseline: "RSS \(resident >> 20) MB for \(count) sessions", ratio: nil, target: "≤ 150 KB",
            met: perSession <= 150),
        Row(
            name: "timer lateness, \(lateness.count) timers", value: String(format: "p99 %.0f ms", p99),
            baseline: String(
                format: "p50 %.0f ms; %d of %d sessions finished", percentile(lateness, 0.5), finished, count),
            ratio: nil, target: "p99 ≤ 10 ms", met: p99 <= 10 && finished == count),
    ]
}

/// A rehearsal through the live host (bots as clients that read views, a store in memory)
/// against the engine's own rehearsal driver, with the same seed and bots.
func liveRehearsalRows(people: Int = 2000) async throws -> [Row] {
    let folder = URL(fileURLWithPath: "Exercises")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".lua") }
        .sorted()
    let library = try names.map {
        ExerciseSource(fileName: $0, text: try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8))
    }
    guard let main = library.first(where: { $0.fileName == "summegrupper.lua" }) else {
        return [
            Row(name: "rehearsal through the host", value: "–", baseline: "no Exercises/ here", ratio: nil, target: "–")
        ]
    }
    let definition = SessionDefinition(main: main, library: library, seed: 7)
    var engineTranscript = ""
    let engineSeconds = try best(of: 3) {
        engineTranscript = try Rehearsal(definition: definition, participants: people, areas: 12)
            .run(exercise: "summegrupper").transcript.text
    }
    var liveSeconds = Double.infinity
    for _ in 0..<3 {
        let start = now()
        let clock = ManualClock(wall: definition.startedAt * 1000)
        let host = SessionHost(store: try SQLiteStore.inMemory(), clock: clock)
        let runtime = try await host.create(exercise: "summegrupper", main: main, library: library, seed: 7)
        _ = try await LiveRehearsal(runtime: runtime, clock: clock, participants: people, areas: 12).run()
        let transcript = await runtime.transcript()
        liveSeconds = min(liveSeconds, now() - start)
        await host.shutdown()
        guard transcript == engineTranscript else {
            throw KraftfeltError(.broken, "the rehearsal through the host has another transcript")
        }
    }
    return [
        Row(
            name: "rehearsal of \(people) bots through the host", value: String(format: "%.2f s", liveSeconds),
            baseline: String(format: "engine's driver %.2f s", engineSeconds), ratio: liveSeconds / engineSeconds,
            target: "–")
    ]
}
