import Foundation
import KraftfeltEngine

/// The shipped exercises, read from the repository.
private func exercises() throws -> [ExerciseSource] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Exercises")
        .standardizedFileURL
    return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".lua") }.sorted()
        .map {
            ExerciseSource(
                fileName: $0, text: try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8))
        }
}

/// Resident memory of this process in bytes (Linux /proc).
private func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
}

func engineRows() throws -> [Row] {
    let library = try exercises()
    let summegrupper = library.first { $0.fileName == "summegrupper.lua" }!
    var rows: [Row] = []

    // A full rehearsal of Summegrupper with 2,000 bots, against the same with 24 (baseline).
    func rehearse(_ people: Int) throws -> Double {
        try best(of: 3) {
            let definition = SessionDefinition(main: summegrupper, library: library, seed: 7)
            let session = try Rehearsal(definition: definition, participants: people, areas: 12)
                .run(exercise: "summegrupper")
            precondition(session.state == .finished, "\(session.state)")
        }
    }
    let small = try rehearse(24)
    let large = try rehearse(2000)
    rows.append(
        Row(
            name: "rehearse Summegrupper, 2,000 bots", value: String(format: "%.2f s", large),
            baseline: String(format: "24 bots %.1f ms", small * 1e3), ratio: large / small, target: "< 2 s",
            met: large < 2))

    // 1,000 sessions of 20 bots each, all kept alive in one process.
    let spoergsmaal = library.first { $0.fileName == "spoergsmaal-paa-tvaers.lua" }!
    let before = residentBytes()
    var sessions: [Session] = []
    let start = now()
    for i in 0..<1000 {
        let definition = SessionDefinition(main: spoergsmaal, library: [], seed: UInt64(i))
        sessions.append(
            try Rehearsal(definition: definition, participants: 20, areas: 4).run(exercise: "spoergsmaal-paa-tvaers"))
    }
    let elapsed = now() - start
    let perSession = (residentBytes() - before) / sessions.count
    let luaHeap = sessions.map(\.luaMemory).reduce(0, +) / sessions.count
    precondition(sessions.allSatisfy { $0.state == .finished })
    rows.append(
        Row(
            name: "1,000 sessions × 20 bots: memory each", value: "\(perSession / 1024) KB",
            baseline: "Lua heap \(luaHeap / 1024) KB", ratio: nil, target: "≤ 200 KB", met: perSession <= 200 * 1024))
    rows.append(
        Row(
            name: "1,000 sessions × 20 bots: run them all", value: String(format: "%.2f s", elapsed),
            baseline: String(format: "%.2f ms a session", elapsed), ratio: nil, target: "report"))
    return rows
}
