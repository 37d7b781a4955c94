import ArgumentParser
import Foundation
import KraftfeltLua

/// `kraftfelt run FILE.lua`: runs a script in the sandbox and prints what it returns.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a Lua script in the sandbox and print what it returns.",
        discussion: """
            The script runs with the same limits as an exercise in a session. On an error, \
            one line says what went wrong and where, and the exit code is 1.
            """
    )

    @Argument(help: "The Lua script to run.")
    var file: String

    @Option(help: "Memory limit in MiB.")
    var memory: Int = 64

    @Option(help: "Instruction budget.")
    var instructions: Int64 = 100_000_000

    @Option(help: "Wall-clock limit in seconds.")
    var seconds: Double = 2

    @Option(help: "Seed for math.random.")
    var seed: Int64 = 0

    @Flag(help: "Print the Lua traceback after an error.")
    var traceback = false

    func validate() throws {
        guard memory > 0 else { throw ValidationError("--memory must be a positive number of MiB, got \(memory)") }
        guard instructions > 0 else { throw ValidationError("--instructions must be positive, got \(instructions)") }
        guard seconds > 0 && seconds.isFinite else {
            throw ValidationError("--seconds must be positive, got \(seconds)")
        }
    }

    func run() throws {
        let chunkName = (file as NSString).lastPathComponent
        let limits = SandboxLimits(
            memoryBytes: memory << 20, instructionsPerRun: instructions, secondsPerRun: seconds)
        let source: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            if attributes[.type] as? FileAttributeType == .typeDirectory {
                throw CLIError("\(file): cannot read the file: it is a directory")
            }
            if let size = attributes[.size] as? Int, size > limits.sourceBytes {
                throw CLIError("\(file): the script has \(size) bytes; the limit is \(limits.sourceBytes)")
            }
            source = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("\(file): cannot read the file: \(Self.reason(error))")
        }
        do {
            let vm = try LuaVM(limits: limits, seed: seed, output: { print($0) })
            let main = try vm.load(bytes: Array(source), chunkName: chunkName)
            let results = try vm.call(main)
            for value in results { print(LuaFormatter.format(value)) }
        } catch {
            if traceback, let trace = error.traceback { FileHandle.standardError.write(Data((trace + "\n").utf8)) }
            throw CLIError(error.message)
        }
    }
}

extension Run {
    /// Why a file could not be read, in words (the POSIX reason when there is one).
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code))).lowercased()
        }
        if nsError.domain == NSCocoaErrorDomain && nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        return nsError.localizedDescription
    }
}

/// An error the CLI reports as one line on standard error, with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String {
        message.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}
