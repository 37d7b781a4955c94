import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltLua
import KraftfeltStore

/// `kraftfelt rehearse EXERCISE`: runs an exercise or programme with bots on a virtual clock.
struct Rehearse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rehearse an exercise or programme with bots and print the transcript.",
        discussion: """
            EXERCISE is a .lua file or the id of an exercise in the exercises folder \
            (netvaerksorganisering, summegrupper, …). The whole session runs on a virtual clock \
            in seconds; the same seed gives the same transcript.
            """
    )

    @Argument(help: "An exercise or programme: a .lua file, or an id in the exercises folder.")
    var exercise: String = "netvaerksorganisering"

    @Option(help: "How many bots take part (1–5000).")
    var participants: Int = 24

    @Option(help: "How many administrative areas they come from (1–12).")
    var areas: Int = 4

    @Option(help: "The session's seed: groups, matching and bots follow it.")
    var seed: UInt64 = 7

    @Option(help: "The language of the transcript: da or en.")
    var language: String = "da"

    @Option(help: "The folder with the exercises a programme names.")
    var exercises: String = "Exercises"

    @Option(name: .customLong("param"), help: "An exercise parameter, as name=value (repeatable).")
    var parameters: [String] = []

    @Option(help: "Keep the session in this data directory, so `kraftfelt resume` can continue it.")
    var data: String?

    @Option(help: "Keep the session in this PostgreSQL database (postgres://user:password@host/db) instead.")
    var database: String?

    @Option(help: "The session's id in the data directory (default: a new one).")
    var session: String?

    @Option(help: "The organisation the session belongs to: its scripts' shared storage and retention.")
    var organisation: String = SessionRecord.defaultOrganisation

    func validate() throws {
        guard (1...5000).contains(participants) else {
            throw ValidationError("--participants must be from 1 to 5000, got \(participants)")
        }
        guard (1...12).contains(areas) else { throw ValidationError("--areas must be from 1 to 12, got \(areas)") }
        guard ["da", "en"].contains(language) else {
            throw ValidationError("--language must be da or en, got \(language)")
        }
        try DataOptions.validate(organisation: organisation)
    }

    func run() throws {
        let library = try Self.library(in: exercises)
        let main = try resolve(library)
        let definition = SessionDefinition(main: main, library: library, seed: seed, language: language)
        var given: [String: String] = [:]
        for parameter in parameters {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            given[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        var log: SessionLog = MemoryLog()
        var store: (any SessionStore)?
        var record: SessionRecord?
        let id = session ?? Self.newID()
        if data != nil || database != nil {
            do {
                let opened: any SessionStore =
                    if let database { try PostgresStore(url: database) } else { try SQLiteStore(directory: data!) }
                try DataOptions.applyRetention(in: opened)
                let created = SessionRecord(
                    id: id, exercise: exercise, definition: definition,
                    rehearsal: RehearsalSettings(participants: participants, areas: areas, parameters: given),
                    organisation: organisation)
                try opened.createSession(created)
                record = created
                log = try SQLiteSessionLog(store: opened, session: id)
                store = opened
                let place = database != nil ? "--database URL" : "--data \(data ?? "")"
                FileHandle.standardError.write(
                    Data("session \(id) (continue with: kraftfelt resume \(id) \(place))\n".utf8))
            } catch {
                throw CLIError(error.message)
            }
        }
        let rehearsal: Rehearsal
        do {
            rehearsal = try Rehearsal(definition: definition, participants: participants, areas: areas, log: log)
        } catch let error as ScriptError {
            throw CLIError(error.message)
        }
        let showProgress = participants >= 500 && isatty(STDERR_FILENO) != 0
        let session = try rehearsal.run(exercise: exercise, parameters: given) { share in
            guard showProgress else { return }
            let filled = Int(share * 30)
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: 30 - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(Int(share * 100))%".utf8))
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if let store, let record { try Self.save(session, record, in: store) }
        print(session.transcript.text, terminator: "")
        if !session.measures.isEmpty {
            print("\nmeasures:")
            for measure in session.measures {
                print("  \(measure.exercise).\(measure.name) = \(String(format: "%.2f", measure.value))")
            }
        }
        if case .failed(let error) = session.state { throw CLIError(error.message) }
    }

    /// Saves a session's state, the exercises it loaded and its measures.
    static func save(_ session: Session, _ record: SessionRecord, in store: any SessionStore) throws {
        do {
            try store.setState(record.id, describe(session.state))
            try store.saveOutcome(record.id, exercises: record.runs(session.exercises), measures: session.measures)
        } catch {
            throw CLIError(error.message)
        }
    }

    /// A new session id: eight letters and digits.
    static func newID() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    /// How a session's state is listed.
    static func describe(_ state: Session.State) -> String {
        switch state {
        case .notStarted: "open"
        case .running: "running"
        case .finished: "finished"
        case .failed(let error): "failed: \(error.message)"
        }
    }

    /// Every exercise file in the folder (none when the folder is missing).
    static func library(in folder: String) throws -> [ExerciseSource] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return try names.filter { $0.hasSuffix(".lua") }.sorted().map { name in
            let path = (folder as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CLIError("\(path): cannot read the file as UTF-8 text")
            }
            return ExerciseSource(fileName: name, text: text)
        }
    }

    private func resolve(_ library: [ExerciseSource]) throws -> ExerciseSource {
        if exercise.hasSuffix(".lua") {
            guard let text = try? String(contentsOfFile: exercise, encoding: .utf8) else {
                throw CLIError("\(exercise): cannot read the file")
            }
            return ExerciseSource(fileName: (exercise as NSString).lastPathComponent, text: text)
        }
        guard let source = library.first(where: { $0.fileName == "\(exercise).lua" }) else {
            let known = library.map { String($0.fileName.dropLast(4)) }.joined(separator: ", ")
            throw CLIError(
                "no exercise \"\(exercise)\" in \(exercises)/" + (known.isEmpty ? "" : " (there are: \(known))"))
        }
        return source
    }
}
