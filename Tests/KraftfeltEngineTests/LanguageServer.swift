import Foundation

/// lua-language-server run in its `--check` mode over a folder laid out like the
/// repository: the definitions, the repository's `.luarc.json` and some scripts.
enum LanguageServer {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL

    /// `KRAFTFELT_LUA_LANGUAGE_SERVER`, or the launcher `scripts/install-luals.sh` makes,
    /// or `lua-language-server` on the PATH; nil when there is none.
    static let path: String? = {
        let environment = ProcessInfo.processInfo.environment
        let candidates =
            [environment["KRAFTFELT_LUA_LANGUAGE_SERVER"], repository.path + "/.build/tools/bin/lua-language-server"]
            + (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/lua-language-server" }
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let missing = "lua-language-server is not installed (scripts/install-luals.sh installs it)"

    /// One problem the server reports.
    struct Problem: CustomStringConvertible {
        let file: String
        let line: Int
        let code: String
        let message: String

        var description: String { "\(file):\(line): \(code): \(message)" }
    }

    /// Checks `scripts` (file name to text) against `definitions`, with the repository's
    /// `.luarc.json`, and returns every problem at level Information or above.
    static func check(_ scripts: [String: String], definitions: String) throws -> [Problem] {
        guard let path else { throw CocoaError(.fileNoSuchFile) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-luals-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let workspace = folder.appendingPathComponent("workspace")
        try FileManager.default.createDirectory(
            at: workspace.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try definitions.write(
            to: workspace.appendingPathComponent("docs/kraftfelt.d.lua"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            at: repository.appendingPathComponent(".luarc.json"), to: workspace.appendingPathComponent(".luarc.json"))
        var shifts: [String: [Int]] = [:]
        for (name, text) in scripts {
            let (annotated, added) = annotatingRun(text)
            shifts[name] = added
            try annotated.write(to: workspace.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let log = folder.appendingPathComponent("log")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [
            "--check", workspace.path, "--checklevel=Information", "--logpath", log.path,
            "--metapath", folder.appendingPathComponent("meta").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: ["status": process.terminationStatus])
        }
        // No file means no problems.
        guard let data = try? Data(contentsOf: log.appendingPathComponent("check.json")) else { return [] }
        let report = try JSONDecoder().decode([String: [Diagnostic]].self, from: data)
        // The server's own library (its `os.lua` of 3.2.2 names an undefined `exitcode`) is not ours to check.
        let ours = report.filter { $0.key.contains("/\(folder.lastPathComponent)/workspace/") }
        return ours.flatMap { uri, diagnostics in
            let file = String(uri.split(separator: "/").last ?? "")
            return diagnostics.map {
                let line = $0.range.start.line + 1
                let original = line - (shifts[file] ?? []).filter { $0 < line }.count
                return Problem(file: file, line: original, code: $0.code, message: $0.message)
            }
        }.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }

    /// Writes `---@param s Session` above `run = function(s)`: lua-language-server 3.2.2
    /// does not carry the type of `Exercise.run` into the table given to `kf.exercise`, as
    /// later versions do, and would check nothing inside `run` without it. Returns the
    /// text and the (1-based) numbers of the lines it added.
    static func annotatingRun(_ text: String) -> (String, [Int]) {
        var lines: [Substring] = []
        var added: [Int] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " }
            let rest = line.dropFirst(indent.count)
            if rest.hasPrefix("run = function("), let close = rest.firstIndex(of: ")") {
                let name = rest[rest.index(rest.startIndex, offsetBy: 15)..<close]
                if !name.isEmpty, !name.contains(",") {
                    lines.append("\(indent)---@param \(name) Session")
                    added.append(lines.count)
                }
            }
            lines.append(line)
        }
        return (lines.joined(separator: "\n"), added)
    }

    private struct Diagnostic: Decodable {
        struct Range: Decodable {
            struct Position: Decodable { let line: Int }
            let start: Position
        }
        let code: String
        let message: String
        let range: Range
    }
}
