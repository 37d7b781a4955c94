import Foundation
import GRDB
import KraftfeltEngine
import KraftfeltStore

func storageRows() throws -> [Row] {
    let count = 5_000
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-bench-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: base) }
    let event = SessionEvent.answer(
        ask: 7, participant: "p12", value: .text("Hvordan deler vi viden på tværs?"), at: 1234)

    // The floor: one INSERT per transaction, the same durability (WAL, synchronous FULL).
    var configuration = Configuration()
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    try FileManager.default.createDirectory(atPath: base + "/plain", withIntermediateDirectories: true)
    let plain = try DatabasePool(path: base + "/plain/plain.sqlite", configuration: configuration)
    try plain.write { db in
        try db.execute(
            sql: "CREATE TABLE event (sessionId TEXT, seq INTEGER, at INTEGER, body TEXT, PRIMARY KEY (sessionId, seq))"
        )
    }
    let body = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
    let floorStart = now()
    for i in 0..<count {
        try plain.write { db in
            try db.execute(sql: "INSERT INTO event VALUES (?, ?, ?, ?)", arguments: ["s", i + 1, 1234, body])
        }
    }
    let floor = now() - floorStart

    /// Seconds to append `count` copies of the event to a new session's log in `store`.
    func timeAppends(to store: any SessionStore) throws -> Double {
        try store.createSession(
            SessionRecord(
                id: "s", exercise: "x",
                definition: SessionDefinition(main: ExerciseSource(fileName: "x.lua", text: "return 1"), seed: 1)))
        let log = try StoredSessionLog(store: store, session: "s")
        let start = now()
        for _ in 0..<count { try log.append(event) }
        return now() - start
    }

    let ours = try timeAppends(to: try SQLiteStore(directory: base + "/store"))
    var rows = [
        Row(
            name: "append \(count) answer events, synced", value: String(format: "%.0f events/s", Double(count) / ours),
            baseline: String(format: "plain insert loop %.0f/s", Double(count) / floor), ratio: floor / ours,
            target: "≥ 0.5× the floor", met: floor / ours >= 0.5)
    ]

    // The same appends against PostgreSQL, when a server is given.
    let environment = ProcessInfo.processInfo.environment
    if let url = environment["KRAFTFELT_DATABASE"] ?? environment["KRAFTFELT_TEST_POSTGRES"], !url.isEmpty {
        let schema = "bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let pg = try timeAppends(to: try PostgresStore(url: url, schema: schema))
        rows.append(
            Row(
                name: "append \(count) events to PostgreSQL",
                value: String(format: "%.0f events/s", Double(count) / pg),
                baseline: String(format: "SQLite floor %.0f/s", Double(count) / floor), ratio: floor / pg,
                target: "report"))
    } else {
        rows.append(
            Row(
                name: "append events to PostgreSQL", value: "–", baseline: "set KRAFTFELT_DATABASE", ratio: nil,
                target: "report"))
    }

    // Replay speed: a 2,000-bot rehearsal's log into a fresh session.
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Exercises")
        .standardizedFileURL
    let source = ExerciseSource(
        fileName: "summegrupper.lua",
        text: try String(contentsOf: folder.appendingPathComponent("summegrupper.lua"), encoding: .utf8))
    let definition = SessionDefinition(main: source, seed: 7)
    let memory = MemoryLog()
    _ = try Rehearsal(definition: definition, participants: 2000, areas: 12, log: memory).run(exercise: "summegrupper")
    let replay = try best(of: 3) {
        let session = try Session(definition: definition)
        try session.replay(memory.events)
    }
    rows.append(
        Row(
            name: "replay a \(memory.events.count)-event log",
            value: String(format: "%.0f events/s", Double(memory.events.count) / replay),
            baseline: String(format: "%.2f s", replay), ratio: nil, target: "report"))
    return rows
}
