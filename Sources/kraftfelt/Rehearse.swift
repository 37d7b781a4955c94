import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltLua
import KraftfeltPacks
import KraftfeltServer
import KraftfeltStore

/// `kraftfelt rehearse EXERCISE`: runs an exercise or programme with bots on a virtual clock.
struct Rehearse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rehearse an exercise or programme with bots and print the transcript.",
        discussion: """
            EXERCISE is a .lua file, the id of an exercise in the exercises folder \
            (netvaerksorganisering, summegrupper, …), or an installed pack's exercise \
            (org.liberatingstructures.core/1-2-4-all, or ID@VERSION/EXERCISE). The whole session runs on a virtual clock \
            in seconds; the same seed gives the same transcript.
            """
    )

    @Argument(help: "An exercise or programme: a .lua file, an id in the exercises folder, or PACK/EXERCISE.")
    var exercise: String = "netvaerksorganisering"

    @Option(help: "How many bots take part (1–5000).")
    var participants: Int = 24

    @Option(help: "How many administrative areas they come from (1–12).")
    var areas: Int = 4

    @Option(help: "The session's seed: groups, matching and bots follow it.")
    var seed: UInt64 = 7

    @Option(help: "The language of the transcript: da or en.")
    var language: String = "da"

    @Option(
        help: "The folder with the exercises to choose from and that a programme names (default: the shipped ones).")
    var exercises: String?

    /// The folder the exercises come from: the one given, else those shipped with Kraftfelt
    /// (beside the binary), so that a rehearsal works from any directory.
    var exerciseFolder: String { exercises ?? Catalog.shippedFolder }

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

    @OptionGroup var packs: PackLocation

    @Flag(
        help: """
            List every answer by name in the transcript, however many answered (without it, \
            more than \(Session.namedAnswers) answers are counted). Not with --data or --database.
            """)
    var verbose = false

    func validate() throws {
        guard (1...5000).contains(participants) else {
            throw ValidationError("--participants must be from 1 to 5000, got \(participants)")
        }
        guard (1...12).contains(areas) else { throw ValidationError("--areas must be from 1 to 12, got \(areas)") }
        guard ["da", "en"].contains(language) else {
            throw ValidationError("--language must be da or en, got \(SessionID.shown(language))")
        }
        try Inputs.organisation(organisation)
        if let exercises { try Inputs.path(exercises, option: "--exercises") }
        if let data { try Inputs.path(data, option: "--data") }
        if let database { try Inputs.path(database, option: "--database") }
        if data != nil && database != nil { throw ValidationError("give --data or --database, not both") }
        if verbose && (data != nil || database != nil) {
            throw ValidationError(
                "--verbose cannot be used with --data or --database: a kept session is resumed with the usual "
                    + "transcript, and resuming checks that the transcript is the same")
        }
        if let session { try Inputs.session(session, as: "--session") }
        _ = try Inputs.parameters(parameters)
    }

    func run() throws {
        var library = try Self.library(in: exerciseFolder)
        var pack: PackProvenance? = nil
        let main: ExerciseSource
        if !exercise.hasSuffix(".lua") && exercise.contains("/") {
            // An installed pack's exercise: ID/EXERCISE or ID@VERSION/EXERCISE.
            let found: PackExercise
            do throws(PackError) { found = try packs.store().exercise(exercise) } catch {
                throw CLIError(error.message)
            }
            (main, library, pack) = (found.main, found.library, found.provenance)
        } else {
            main = try resolve(library)
        }
        if exercise.hasSuffix(".lua") {
            // A script's own modules are the files beside it (`require "helpers"`).
            let beside = try Self.library(
                in: (exercise as NSString).deletingLastPathComponent.isEmpty
                    ? "." : (exercise as NSString).deletingLastPathComponent)
            library = beside + library.filter { source in !beside.contains { $0.fileName == source.fileName } }
        }
        let definition = SessionDefinition(main: main, library: library, seed: seed, language: language, pack: pack)
        let given = try Inputs.parameters(parameters)
        let keeps = data != nil || database != nil
        let store: any SessionStore =
            if let database {
                try PostgresStore(url: database)
            } else if let data {
                try SQLiteStore(directory: data)
            } else {
                try SQLiteStore.inMemory()
            }
        if keeps { try DataOptions.applyRetention(in: store) }
        let id = session ?? SessionHost.newID()
        let record = SessionRecord(
            id: id, exercise: exercise, definition: definition,
            rehearsal: RehearsalSettings(participants: participants, areas: areas, parameters: given),
            organisation: organisation)
        // Refused before anything runs: the id is taken, or the store cannot take it.
        try store.createSession(record)
        if keeps {
            // Its id, so that a run that stops early can be found (`kraftfelt sessions`) and
            // resumed; a session that ends is not told to continue.
            Terminal.line("session \(id), kept in " + (database != nil ? "the database" : data ?? ""))
        }
        switch try hosted(store, keeps: keeps).run(id) {
        case .success(let outcome): try Self.finish(outcome)
        case .failure(let refusal): try Resume.show(refusal.record, from: store)
        }
    }

    /// The host that runs the rehearsal, with a progress bar on a terminal for large ones.
    private func hosted(_ store: any SessionStore, keeps: Bool) -> HostedRehearsal {
        let showProgress = participants >= 500 && isatty(STDERR_FILENO) != 0
        var rehearsal = HostedRehearsal(store: store, keeps: keeps, progress: showProgress ? Self.progressBar : nil)
        rehearsal.everyAnswer = verbose
        return rehearsal
    }

    /// Draws the share of the planned time passed on standard error, and clears it at the end.
    @Sendable static func progressBar(_ share: Double) {
        let filled = Int(share * 30)
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: 30 - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(Int(share * 100))%".utf8))
        if share >= 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// Prints the transcript and measures; a failed session is the error. On a terminal
    /// the transcript's last line already shows it, so it is not printed twice; where the
    /// transcript goes elsewhere (a file, a pipe) standard error says it too.
    static func finish(_ outcome: HostedRehearsal.Outcome) throws {
        Terminal.print(outcome.transcript, terminator: "")
        if !outcome.measures.isEmpty {
            Terminal.print("\nmeasures:")
            for line in measureLines(outcome.measures) { Terminal.print(line, lines: false) }
        }
        if case .failed(let error) = outcome.state {
            if isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 { throw ExitCode.failure }
            throw CLIError(error.message)
        }
    }

    /// The session's own numbers one by one; measures about people or groups summed up per
    /// exercise, indicator and tags (`maaling.experienced_effect [before]: 12 people, mean 3.08`).
    static func measureLines(_ measures: [Measure]) -> [String] {
        var lines: [String] = []
        var summaries: [String: (values: [Double], texts: Int, ties: Int, subjects: Set<MeasureSubject>)] = [:]
        var order: [String] = []
        for measure in measures {
            let name = "\(measure.exercise).\(measure.name)"
            guard measure.subject != .session || measure.text != nil || measure.other != nil else {
                let tags = measure.tags.isEmpty ? "" : " [\(measure.tags.joined(separator: ", "))]"
                lines.append("  \(name)\(tags) = \(String(format: "%.2f", measure.value))")
                continue
            }
            let key = name + (measure.tags.isEmpty ? "" : " [\(measure.tags.joined(separator: ", "))]")
            if summaries[key] == nil {
                order.append(key)
                summaries[key] = ([], 0, 0, [])
            }
            if measure.other != nil {
                summaries[key]!.ties += 1
            } else if measure.text != nil {
                summaries[key]!.texts += 1
            } else {
                summaries[key]!.values.append(measure.value)
            }
            summaries[key]!.subjects.insert(measure.subject)
        }
        for key in order {
            let summary = summaries[key]!
            let people = summary.subjects.count
            let whom =
                people == 1
                ? "1 \(summary.subjects.first!.kind)"
                : "\(people) \(summary.subjects.first!.kind == "group" ? "groups" : "people")"
            if summary.ties > 0 {
                lines.append("  \(key): \(summary.ties) ties")
            } else if summary.texts > 0 {
                lines.append("  \(key): \(summary.texts) texts from \(whom)")
            } else {
                let mean = summary.values.reduce(0, +) / Double(max(summary.values.count, 1))
                lines.append("  \(key): \(whom), mean \(String(format: "%.2f", mean))")
            }
        }
        return lines
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
                "no exercise \(SessionID.shown(exercise)) in "
                    + (exercises.map { "\($0)/" } ?? "the shipped exercises")
                    + (known.isEmpty ? "" : " (there are: \(known))"))
        }
        return source
    }
}
