import ArgumentParser
import KraftfeltStore

/// `kraftfelt upgrade`: brings the data's schema to this version (what any command that
/// writes does first), so read-only commands can read it.
struct Upgrade: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Upgrade the data to this version of Kraftfelt's schema.",
        discussion: """
            Commands that only read (sessions, export-participant) refuse data of an older \
            version and change nothing; this command, and every command that writes, upgrades it. \
            A store that is not Kraftfelt's, is damaged or is newer is refused untouched.
            """
    )

    @OptionGroup var data: DataOptions

    func run() throws {
        let store = try data.open(.readWrite)
        let place = data.databaseURL == nil ? data.resolved : "the database"
        switch store.schemaChange {
        case .none: Terminal.print("\(place): the data is up to date", lines: false)
        case .created: Terminal.print("\(place): created an empty store", lines: false)
        case .upgraded(let version):
            Terminal.print("\(place): upgraded the data from schema version \(version)", lines: false)
        }
    }
}
