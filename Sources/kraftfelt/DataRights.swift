import ArgumentParser
import Foundation
import KraftfeltStore

/// `kraftfelt export-participant ID`: everything stored about one person, as JSON.
struct ExportParticipant: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-participant",
        abstract: "Print everything stored about one participant, in every session, as JSON.")

    @Argument(help: "The participant's id.")
    var id: String

    @OptionGroup var data: DataOptions

    func run() throws {
        let export = try data.use { store throws(StoreError) in try store.export(participant: id) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(export), as: UTF8.self))
    }
}

/// `kraftfelt delete-session ID`: removes a session and all its personal data.
struct DeleteSession: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-session", abstract: "Delete a session, its events and the scripts only it used.")

    @Argument(help: "The session id (see `kraftfelt sessions`).")
    var id: String

    @OptionGroup var data: DataOptions

    func run() throws {
        try data.use { store throws(StoreError) in try store.deleteSession(id) }
        print("deleted session \(id)")
    }
}

/// `kraftfelt anonymise-participant ID`: removes what identifies one person, everywhere.
struct AnonymiseParticipant: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anonymise-participant",
        abstract: "Anonymise one participant in every session (name, strengths, attributes, free text).")

    @Argument(help: "The participant's id.")
    var id: String

    @OptionGroup var data: DataOptions

    func run() throws {
        let count = try data.use { store throws(StoreError) in try store.anonymise(participant: id) }
        print("anonymised \(id) in \(count) session\(count == 1 ? "" : "s")")
    }
}
