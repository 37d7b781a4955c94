import ArgumentParser
import Foundation

@main
struct Kraftfelt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kraftfelt",
        abstract: "Runs live organisational exercises written in Lua.",
        subcommands: [
            Rehearse.self, Resume.self, Sessions.self, ExportParticipant.self, AnonymiseParticipant.self,
            DeleteSession.self, Retention.self, Run.self,
            Reference.self, Worker.self,
        ]
    )

    /// The one place where an error becomes what the user sees: a line on standard error
    /// and an exit code (1 for errors in the script or its file, 64 for usage errors).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(1)
        } catch {
            Self.exit(withError: error)
        }
    }
}
