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

    func validate() throws { try Inputs.participant(id) }

    func run() throws {
        let store = try data.open(.readOnly)
        try data.warnIfRetentionIsDue(in: store)
        let export = try store.export(participant: id)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        Terminal.print(String(decoding: try encoder.encode(export), as: UTF8.self))
    }
}

/// `kraftfelt delete-session ID`: removes a session and all its personal data.
struct DeleteSession: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-session", abstract: "Delete a session, its events and the scripts only it used.")

    @Argument(help: "The session id (see `kraftfelt sessions`).")
    var id: String

    @OptionGroup var data: DataOptions

    func validate() throws { try Inputs.session(id) }

    func run() throws {
        try data.use(.readWrite) { store throws(StoreError) in try store.deleteSession(id) }
        Terminal.print("deleted session \(id)", lines: false)
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

    func validate() throws { try Inputs.participant(id) }

    func run() throws {
        let count = try data.use(.readWrite) { store throws(StoreError) in try store.anonymise(participant: id) }
        Terminal.print("anonymised \(id) in \(count) session\(count == 1 ? "" : "s")", lines: false)
    }
}

/// `kraftfelt retention`: how long an organisation keeps personal data.
struct Retention: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or set how many days an organisation keeps personal data.",
        discussion: """
            Sessions that started more than DAYS days ago are anonymised (names, strengths, \
            attributes and free text go; areas, choices, scales and measures stay for reports), \
            and what scripts kept for a person and have not written for DAYS days is deleted. \
            Every command that opens the data applies it; setting it applies it at once.
            """
    )

    @Option(help: "The organisation (default: default).")
    var organisation: String = SessionRecord.defaultOrganisation

    @Option(help: "Keep personal data this many days (1–36500).")
    var days: Int?

    @Flag(help: "Keep personal data until it is deleted (no retention).")
    var keepForever = false

    @OptionGroup var data: DataOptions

    func validate() throws {
        try Inputs.organisation(organisation)
        if let days, !(1...36_500).contains(days) {
            throw ValidationError("--days must be from 1 to 36500, got \(days)")
        }
        if days != nil && keepForever { throw ValidationError("give --days or --keep-forever, not both") }
    }

    func run() throws {
        let store = try data.open(.readWrite)  // applies every organisation's retention
        if days != nil || keepForever {
            try store.setRetentionDays(days, for: organisation)
            let anonymised = try store.applyRetention().anonymised
            if !anonymised.isEmpty {
                Terminal.print(
                    "anonymised \(anonymised.count) session\(anonymised.count == 1 ? "" : "s"): "
                        + anonymised.joined(separator: ", "), lines: false)
            }
        }
        let days = try store.organisations().first { $0.id == organisation }?.retentionDays
        Terminal.print(
            "\(organisation): "
                + (days.map { "personal data is kept \($0) day\($0 == 1 ? "" : "s")" }
                    ?? "personal data is kept until deleted"),
            lines: false)
    }
}
