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
            throw ValidationError("--language must be da or en, got \(SessionID.shown(language))")
        }
        try Inputs.organisation(organisation)
        try Inputs.path(exercises, option: "--exercises")
        if let data { try Inputs.path(data, option: "--data") }
        if let database { try Inputs.path(database, option: "--database") }
        if data != nil && database != nil { throw ValidationError("give --data or --database, not both") }
        if let session { try Inputs.session(session, as: "--session") }
        _ = try Inputs.parameters(parameters)
    }

    func run() throws {
        let library = try Self.library(in: exercises)
        let main = try resolve(library)
        let definition = SessionDefinition(main: main, library: library, seed: seed, language: language)
        let given = try Inputs.parameters(parameters)
        guard data != nil || database != nil else {
            let rehearsal = try Rehearsal(
                definition: definition, participants: participants, areas: areas, log: MemoryLog(),
                modules: TestingModule.modules)
            let watchdog = Supervision.watch(rehearsal.session.activity, limits: definition.limits)
            defer { watchdog.stop() }
            return try finish(try play(rehearsal, given))
        }
        let store: any SessionStore =
            if let database { try PostgresStore(url: database) } else { try SQLiteStore(directory: data!) }
        try DataOptions.applyRetention(in: store)
        let id = session ?? Self.newID()
        let record = SessionRecord(
            id: id, exercise: exercise, definition: definition,
            rehearsal: RehearsalSettings(participants: participants, areas: areas, parameters: given),
            organisation: organisation)
        try store.createSession(record)
        let leased = try LeasedRun(store: store, record: record)
        let place = database != nil ? "--database URL" : "--data \(data ?? "")"
        Terminal.line("session \(id) (continue with: kraftfelt resume \(id) \(place))")
        let session = try leased.run {
            let rehearsal = try Rehearsal(
                definition: definition, participants: participants, areas: areas, log: try leased.log(),
                modules: TestingModule.modules)
            let watchdog = Supervision.watch(
                rehearsal.session.activity, limits: definition.limits,
                stored: Supervision.Stored(store: store, id: id, keeper: leased.keeper))
            defer { watchdog.stop() }
            return try play(rehearsal, given)
        }
        try finish(session)
    }

    /// Runs the rehearsal, with a progress bar on a terminal for large ones.
    private func play(_ rehearsal: Rehearsal, _ given: [String: String]) throws -> Session {
        let showProgress = participants >= 500 && isatty(STDERR_FILENO) != 0
        defer { if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
        return try Self.drive(rehearsal, exercise: exercise, parameters: given) { share in
            guard showProgress else { return }
            let filled = Int(share * 30)
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: 30 - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(Int(share * 100))%".utf8))
        }
    }

    /// Runs a rehearsal to its end. When the driver gives up (a script that waits for ever
    /// reaches the rehearsal's time limit, or a log does not fit), the transcript so far is
    /// printed before the error.
    static func drive(
        _ rehearsal: Rehearsal, exercise: String, parameters: [String: String], progress: ((Double) -> Void)? = nil
    ) throws -> Session {
        do {
            return try rehearsal.run(exercise: exercise, parameters: parameters, progress: progress)
        } catch let error as SessionError {
            Terminal.print(rehearsal.session.transcript.text, terminator: "")
            throw error
        }
    }

    /// Prints the transcript and measures; a failed session is the error.
    private func finish(_ session: Session) throws {
        Terminal.print(session.transcript.text, terminator: "")
        if !session.measures.isEmpty {
            Terminal.print("\nmeasures:")
            for measure in session.measures {
                Terminal.print(
                    "  \(measure.exercise).\(measure.name) = \(String(format: "%.2f", measure.value))", lines: false)
            }
        }
        if case .failed(let error) = session.state { throw CLIError(error.message) }
    }

    /// A new session id: eight letters and digits.
    static func newID() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    /// Every exercise file in the folder (none when the folder is missing).
    static func library(in folder: String) throws -> [ExerciseSource] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return try names.filter { $0.hasSuffix(".lua") }.sorted().map { name in
            let path = (folder as NSString).appendingPathComponent(name)
            return ExerciseSource(fileName: name, text: try Inputs.scriptText(path))
        }
    }

    private func resolve(_ library: [ExerciseSource]) throws -> ExerciseSource {
        if exercise.hasSuffix(".lua") {
            return ExerciseSource(
                fileName: (exercise as NSString).lastPathComponent, text: try Inputs.scriptText(exercise))
        }
        guard let source = library.first(where: { $0.fileName == "\(exercise).lua" }) else {
            let known = library.map { String($0.fileName.dropLast(4)) }.joined(separator: ", ")
            throw CLIError(
                "no exercise \(SessionID.shown(exercise)) in \(exercises)/"
                    + (known.isEmpty ? "" : " (there are: \(known))"))
        }
        return source
    }
}
