import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltServer

/// `kraftfelt check FILE|DIR`: finds the mistakes a trainer can make in an exercise before
/// a room full of people does, then rehearses it with bots at several room sizes.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check exercises for mistakes, then rehearse them with bots in rooms of several sizes.",
        discussion: """
            FILE is a .lua exercise or programme; a DIR has each of its .lua files checked. Each \
            finding is a line FILE:LINE:COL: error: … (or warning: …) and a hint. A script without \
            errors is then rehearsed with 1, 2, 3, 5, 23 and 200 bots in one area and in four, and \
            once with people leaving half-way. The exit code is 1 when anything has an error. \
            See docs/check.md.
            """
    )

    @Argument(help: "A .lua exercise or programme, or a folder of them (several may be given).")
    var paths: [String]

    @Option(
        help: """
            The folder with the exercises a programme names (default: the checked file's folder, \
            then the shipped exercises).
            """)
    var exercises: String?

    @Flag(help: "Only read the scripts; do not rehearse them.")
    var noRehearsal = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give a .lua file or a folder to check") }
        for path in paths { try Inputs.path(path, option: "FILE|DIR") }
        if let exercises { try Inputs.path(exercises, option: "--exercises") }
    }

    func run() throws {
        var errors = 0
        for file in try paths.flatMap(files) {
            errors += check(file)
        }
        if errors > 0 { throw ExitCode.failure }
    }

    /// The files to check: the one given, or the folder's `.lua` files by name.
    private func files(_ path: String) throws -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CLIError("\(path): no such file or folder")
        }
        guard isFolder.boolValue else { return [path] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw CLIError("\(path): cannot read the folder: \(Inputs.reason(error))")
        }
        let scripts = names.filter { $0.hasSuffix(".lua") }.sorted()
        guard !scripts.isEmpty else { throw CLIError("\(path): the folder has no .lua files") }
        return scripts.map { (path as NSString).appendingPathComponent($0) }
    }

    /// Checks one file and prints what it found; returns how many errors.
    private func check(_ file: String) -> Int {
        let fileName = (file as NSString).lastPathComponent
        let findings: [ScriptDiagnostic]
        var text: String? = nil
        switch CheckedFile.read(file) {
        case .success(let read):
            text = read
            findings = ScriptCheck.check(read, fileName: fileName)
        case .failure(let problem):
            findings = [problem.diagnostic]
        }
        for finding in findings { Terminal.print(finding.formatted(file: file)) }
        var errors = findings.filter { $0.severity == .error }.count
        guard errors == 0, let text, !noRehearsal else { return errors }
        guard ScriptCheck.declaresExercise(text) else {
            Terminal.print("\(file): ok (a plain script, not an exercise or programme: not rehearsed)")
            return 0
        }
        let library = CheckedFile.library(beside: file, exercises: exercises)
        let main = ExerciseSource(fileName: fileName, text: text)
        let rehearsed = RoomRehearsals.run(main, library: library, file: file)
        for finding in rehearsed { Terminal.print(finding.formatted(file: file)) }
        errors += rehearsed.filter { $0.severity == .error }.count
        if errors == 0 { Terminal.print("\(file): ok (\(RoomRehearsals.summary))") }
        return errors
    }
}

/// Reading a script to check: a file-level finding instead of an error that stops the run.
enum CheckedFile {
    struct Problem: Error {
        var diagnostic: ScriptDiagnostic
    }

    static let limit = 1 << 20

    static func read(_ path: String) -> Result<String, Problem> {
        func problem(_ message: String, _ hint: String) -> Result<String, Problem> {
            .failure(Problem(diagnostic: ScriptDiagnostic(.error, line: nil, column: nil, message, hint: hint)))
        }
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            return problem("cannot read the file: \(Inputs.reason(error))", "check the path")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            return problem("cannot read the file: it is not a regular file", "give a .lua file or a folder of them")
        }
        if let size = attributes[.size] as? Int, size > limit {
            return problem(
                "the script has \(size) bytes; the limit is \(limit)",
                "an exercise is a short text; split a long one into several exercises of a programme")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return problem("cannot read the file: \(Inputs.reason(error))", "check the path")
        }
        guard data.count <= limit else {
            return problem("the script has \(data.count) bytes; the limit is \(limit)", "split it into several")
        }
        guard let text = String(validating: Array(data), as: UTF8.self) else {
            let line = 1 + (Self.firstInvalidUTF8(data).map { data.prefix($0).filter { $0 == 0x0A }.count } ?? 0)
            return problem(
                "the file is not UTF-8 text (from line \(line))",
                "an exercise is Lua source text; save it as UTF-8, and never give compiled or binary files")
        }
        return .success(text)
    }

    /// Where the first byte that does not belong to valid UTF-8 is.
    static func firstInvalidUTF8(_ data: Data) -> Int? {
        var decoder = UTF8()
        var iterator = data.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The exercises a programme may name: the `--exercises` folder's, or the file's own
    /// folder's, then the shipped ones; files that cannot be read are left out (they get
    /// their own findings when checked).
    static func library(beside file: String, exercises: String?) -> [ExerciseSource] {
        var byName: [String: ExerciseSource] = [:]
        let folders = [Catalog.shippedFolder, exercises ?? (file as NSString).deletingLastPathComponent]
        for folder in folders {
            let folder = folder.isEmpty ? "." : folder
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names where name.hasSuffix(".lua") {
                if case .success(let text) = read((folder as NSString).appendingPathComponent(name)) {
                    byName[name] = ExerciseSource(fileName: name, text: text)
                }
            }
        }
        return byName.keys.sorted().compactMap { byName[$0] }
    }
}
