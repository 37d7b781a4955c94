import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltLua
import KraftfeltStore

@main
struct Kraftfelt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kraftfelt",
        abstract: "Runs live organisational exercises written in Lua.",
        subcommands: [
            Rehearse.self, Resume.self, Sessions.self, ExportParticipant.self, AnonymiseParticipant.self,
            DeleteSession.self, Retention.self, Upgrade.self, Run.self,
            Reference.self, Worker.self, Serve.self, Check.self, Pack.self, Report.self,
        ]
    )

    /// The one place where an error becomes what the user sees: a line on standard error
    /// and an exit code (1 for errors at run time: in the script, its file or the store;
    /// 64 for usage errors). Everything printed goes through ``Terminal``.
    static func main() {
        if let position = CommandLine.firstArgumentNotUTF8 {
            Terminal.line("Error: argument \(position) is not UTF-8 text")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            report(error)
        }
    }

    static func report(_ error: Error) -> Never {
        let message: String? =
            switch error {
            case let error as CLIError: error.message
            case let error as StoreError: error.message
            case let error as ScriptError: error.message
            case let error as SessionError: error.message
            case let error as StorageError: error.message
            case let error as KraftfeltError: error.message
            default: nil
            }
        if let message {
            Terminal.line("error: \(message)")
            Foundation.exit(EXIT_FAILURE)
        }
        let code = exitCode(for: error)
        let text = fullMessage(for: error)
        if code == .success {
            if !text.isEmpty { Terminal.print(text) }
        } else if !text.isEmpty {
            Terminal.block(text)
        }
        Foundation.exit(code.rawValue)
    }
}

extension CommandLine {
    /// The position (1-based) of the first argument that is not valid UTF-8: Swift would
    /// read it with replacement characters, and a path read so names another file.
    static var firstArgumentNotUTF8: Int? {
        for i in 1..<max(1, Int(argc)) {
            guard let raw = unsafeArgv[i] else { continue }
            let bytes = UnsafeBufferPointer(
                start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
            var decoder = UTF8()
            var iterator = bytes.makeIterator()
            decoding: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue: continue
                case .emptyInput: break decoding
                case .error: return i
                }
            }
        }
        return nil
    }
}
