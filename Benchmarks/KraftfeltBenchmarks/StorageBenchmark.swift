import Foundation
import GRDB
import KraftfeltEngine
import KraftfeltStore
import Synchronization

/// A session with a log of over 100,000 events: 1,150 bots answer 100 scale questions.
/// Returns its definition and its events (made in memory, once).
func hundredThousandEventLog() throws -> (SessionDefinition, [SessionEvent]) {
    let script = """
        return kf.exercise { id = "survey", title = { da = "Måling", en = "Survey" }, minutes = 120,
          run = function(s)
            for i = 1, 100 do
              local answers = s:ask(s.everyone, { da = "Hvor enig? " .. i, en = "Agree? " .. i,
                                                  kind = "scale", min = 1, max = 5, time = "1m" })
              s:measure("agreement", kf.mean(answers))
            end
          end }
        """
    let definition = SessionDefinition(main: ExerciseSource(fileName: "survey.lua", text: script), seed: 3)
    let memory = MemoryLog()
    let session = try Rehearsal(definition: definition, participants: 1150, areas: 8, log: memory)
        .run(exercise: "survey")
    guard session.state == .finished else { throw BenchmarkError("the survey rehearsal did not finish") }
    return (definition, memory.events)
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func storageRows() throws -> [Row] {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-bench-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: base) }
    let (definition, events) = try hundredThousandEventLog()
    let answers = events.filter { if case .answer = $0 { true } else { false } }.count
    let label = "\(events.count.formatted()) events (\(answers.formatted()) answers)"

    // The floor: one INSERT per transaction, the same durability (WAL, synchronous FULL),
    // with each event's text made beforehand and the statement prepared once.
    var configuration = Configuration()
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    try FileManager.default.createDirectory(atPath: base + "/plain", withIntermediateDirectories: true)
    let plain = try DatabasePool(path: base + "/plain/plain.sqlite", configuration: configuration)
    try plain.write { db in
        try db.execute(
            sql: "CREATE TABLE event (sessionId TEXT, seq INTEGER, at INTEGER, body TEXT, PRIMARY KEY (sessionId, seq))"
        )
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let bodies = try events.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
    let floorStart = now()
    for (i, body) in bodies.enumerated() {
        try plain.write { db in
            try db.cachedStatement(sql: "INSERT INTO event VALUES (?, ?, ?, ?)")
                .execute(arguments: ["s", i + 1, events[i].at, body])
        }
    }
    let floor = now() - floorStart

    /// Seconds to append the events, one durable append each, to a new session in `store`.
    func timeAppends(to store: any SessionStore) throws -> Double {
        try store.createSession(SessionRecord(id: "s", exercise: "survey", definition: definition))
        let log = try StoredSessionLog(store: store, session: "s")
        let start = now()
        for event in events { try log.append(event) }
        return now() - start
    }

    /// Seconds to resume the session from `store`: read and decode the log, replay it.
    func timeResume(from store: any SessionStore) throws -> Double {
        try best(of: 3) {
            let log = try StoredSessionLog(store: store, session: "s")
            let session = try Session(definition: definition, log: log)
            try session.replay(log.events)
            guard session.state == .finished else { throw BenchmarkError("the replay did not finish") }
        }
    }

    /// Seconds for 32 sessions to append 1,000 answers each, all at once, one durable
    /// append at a time per session (appends arriving together share a commit).
    let writers = 32
    let perWriter = 1_000
    func timeConcurrentAppends(to store: any SessionStore) throws -> Double {
        for w in 0..<writers {
            try store.createSession(SessionRecord(id: "c\(w)", exercise: "survey", definition: definition))
        }
        let answers = events.filter { if case .answer = $0 { true } else { false } }
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        let start = now()
        for w in 0..<writers {
            done.enter()
            Thread {
                do {
                    for i in 0..<perWriter { try store.append(answers[i], to: "c\(w)", seq: i + 1) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
                done.leave()
            }.start()
        }
        done.wait()
        let seconds = now() - start
        if let failure = failures.withLock({ $0.first }) { throw BenchmarkError(failure) }
        return seconds
    }

    let sqlite = try SQLiteStore(directory: base + "/store")
    let ours = try timeAppends(to: sqlite)
    let count = Double(events.count)
    var rows = [
        Row(
            name: "append \(label), each committed and synced", value: String(format: "%.0f events/s", count / ours),
            baseline: String(format: "plain insert loop %.0f/s", count / floor), ratio: floor / ours,
            target: "≥ 0.5× the floor", met: floor / ours >= 0.5)
    ]
    let concurrent = try timeConcurrentAppends(to: sqlite)
    let concurrentCount = Double(writers * perWriter)
    rows.append(
        Row(
            name: "\(writers) sessions appending \(perWriter.formatted()) answers each at once (group commit)",
            value: String(format: "%.0f events/s", concurrentCount / concurrent),
            baseline: String(format: "plain insert loop %.0f/s", count / floor),
            ratio: (concurrentCount / concurrent) / (count / floor), target: "report"))
    let resume = try timeResume(from: sqlite)
    rows.append(
        Row(
            name: "resume the session from SQLite: read, decode and replay its log",
            value: String(format: "%.0f events/s", count / resume), baseline: String(format: "%.2f s", resume),
            ratio: nil, target: "report"))

    // The same against PostgreSQL, when a server is given.
    let environment = ProcessInfo.processInfo.environment
    if let url = environment["KRAFTFELT_DATABASE"] ?? environment["KRAFTFELT_TEST_POSTGRES"], !url.isEmpty {
        let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let postgres = try PostgresStore(url: url, schema: schema)
        let pg = try timeAppends(to: postgres)
        rows.append(
            Row(
                name: "append the same events to PostgreSQL", value: String(format: "%.0f events/s", count / pg),
                baseline: String(format: "SQLite floor %.0f/s", count / floor), ratio: floor / pg, target: "report"))
        let pgConcurrent = try timeConcurrentAppends(to: postgres)
        rows.append(
            Row(
                name: "\(writers) sessions appending at once to PostgreSQL (group commit)",
                value: String(format: "%.0f events/s", concurrentCount / pgConcurrent),
                baseline: String(format: "one session %.0f/s", count / pg),
                ratio: (concurrentCount / pgConcurrent) / (count / pg), target: "report"))
        let pgResume = try timeResume(from: postgres)
        rows.append(
            Row(
                name: "resume the session from PostgreSQL", value: String(format: "%.0f events/s", count / pgResume),
                baseline: String(format: "%.2f s", pgResume), ratio: nil, target: "report"))
    } else {
        rows.append(
            Row(
                name: "append events to PostgreSQL", value: "–", baseline: "set KRAFTFELT_DATABASE", ratio: nil,
                target: "report"))
    }
    return rows
}
