import Foundation
import KraftfeltLua
import Testing

@testable import KraftfeltEngine

/// The exercises shipped in `Exercises/`.
enum Shipped {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Exercises").standardizedFileURL

    static let library: [ExerciseSource] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted().map {
            ExerciseSource(
                fileName: $0, text: (try? String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) ?? "")
        }
    }()

    static func source(_ id: String) -> ExerciseSource { library.first { $0.fileName == "\(id).lua" }! }

    static let ids = library.map { String($0.fileName.dropLast(4)) }
}

/// A rehearsal of `exercise` run to its end with bots (`rehearsed`), and its log loaded
/// into a new session that has applied none of it (`loaded`: step it with
/// `applyNextLogged()`).
func loadedRehearsal(
    _ definition: SessionDefinition, exercise: String, participants: Int, areas: Int,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> (loaded: Session, rehearsed: Session) {
    let log = MemoryLog()
    let rehearsed = try Rehearsal(definition: definition, participants: participants, areas: areas, log: log)
        .run(exercise: exercise)
    #expect(rehearsed.state == .finished, "\(rehearsed.failure ?? "")", sourceLocation: sourceLocation)
    let session = try Session(definition: definition)
    session.load(logged: log.events)
    return (session, rehearsed)
}

/// A session for a small script, opened, with people joined and the trainer started.
func openSession(
    _ script: String, people: [(String, String)] = [("Anne", "Sundhed"), ("Bo", "Skole"), ("Cecilie", "Teknik")],
    seed: UInt64 = 1, log: SessionLog = MemoryLog(), limits: SandboxLimits = .standard, pack: PackProvenance? = nil
) throws -> Session {
    let definition = SessionDefinition(
        main: ExerciseSource(fileName: "x.lua", text: script), seed: seed, limits: limits, pack: pack)
    let session = try Session(definition: definition, log: log)
    try session.submit(definition.startEvent(exercise: "x"))
    for (i, person) in people.enumerated() {
        try session.submit(.join(Participant(id: "p\(i + 1)", name: person.0, area: person.1), at: 0))
    }
    if session.state == .running { try session.submit(.trainer(.advance, at: 0)) }
    return session
}

/// Wraps a run body in a minimal exercise declaration (the body starts on line 3).
func exercise(_ body: String) -> String {
    """
    return kf.exercise { id = "x", title = { da = "X", en = "X" }, minutes = 5,
      run = function(s)
    \(body)
      end }
    """
}

extension Session {
    var failure: String? {
        if case .failed(let error) = state { return error.message }
        return nil
    }
}
