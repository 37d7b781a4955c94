import Foundation
import Testing

/// `kraftfelt check`: each broken exercise in `Broken/` carries the one line the command
/// must print for it (`-- expect: …` on its first line); the shipped ones check clean.
struct CheckCommandTests {
    static let broken = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Broken").path

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL.path

    static let cases: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: broken)) ?? []).filter { $0.hasSuffix(".lua") }.sorted()

    /// The expected line: the first line of the file, after `-- expect: ` (read as bytes:
    /// some files are not text).
    static func expectation(of name: String) throws -> String {
        let handle = try #require(FileHandle(forReadingAtPath: (broken as NSString).appendingPathComponent(name)))
        defer { try? handle.close() }
        let head = try handle.read(upToCount: 4096) ?? Data()
        let firstLine = head.prefix { $0 != 0x0A }
        let text = try #require(String(data: firstLine, encoding: .utf8))
        #expect(text.hasPrefix("-- expect: "), "\(name) has no expect line")
        return String(text.dropFirst("-- expect: ".count))
    }

    @Test func theCorpusHasOneCaseForEachKindOfMistake() {
        #expect(Self.cases.count >= 25)
    }

    @Test(arguments: cases)
    func aBrokenExerciseGetsItsLineAndExitCode1(_ name: String) throws {
        let expected = try Self.expectation(of: name)
        let result = try Kraftfelt.run(["check", name], timeout: 300, in: Self.broken)
        #expect(!result.timedOut)
        #expect(result.status == 1, "exit code \(result.status); stdout: \(result.stdout) stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains(expected), "got: \(result.stdout)")
        // One mistake each, and every error comes with a hint.
        let errors = lines.indices.filter { lines[$0].contains(": error: ") }
        #expect(errors.count == 1, "got: \(result.stdout)")
        for index in errors {
            #expect(index + 1 < lines.count && lines[index + 1].hasPrefix("  hint: "), "got: \(result.stdout)")
        }
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: ["Exercises", "Examples"])
    func theShippedExercisesCheckClean(_ folder: String) throws {
        let path = (Self.root as NSString).appendingPathComponent(folder)
        let result = try Kraftfelt.run(["check", path], timeout: 900)
        #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(!result.stdout.contains(": error: ") && !result.stdout.contains(": warning: "), "\(result.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".lua") }
        for file in files {
            let place = (path as NSString).appendingPathComponent(file)
            let text = try String(contentsOfFile: place, encoding: .utf8)
            // An exercise or programme is rehearsed; a plain script (for `kraftfelt run`) is only read.
            let line =
                text.contains("kf.exercise") || text.contains("kf.programme")
                ? "\(place): ok (rehearsed with 1, 2, 3, 5, 23, 200 people; 1 and 4 areas; with people leaving)"
                : "\(place): ok (a plain script, not an exercise or programme: not rehearsed)"
            #expect(result.stdout.contains(line + "\n"), "\(file): \(result.stdout)")
        }
    }

    @Test func aFolderIsCheckedFileByFileInNameOrder() throws {
        let result = try Kraftfelt.run(["check", ".", "--no-rehearsal"], timeout: 120, in: Self.broken)
        #expect(result.status == 1)
        let places = result.stdout.split(separator: "\n").filter { !$0.hasPrefix("  ") }.map {
            String($0.prefix { $0 != ":" })
        }
        #expect(places == places.sorted(), "\(result.stdout)")
    }

    /// Made here rather than kept in the corpus: 2 MB is no file for the repository.
    @Test func aScriptOverTheSizeLimitIsRefusedWithItsSize() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let line = "-- filler filler filler filler filler filler filler filler filler filler filler\n"
        var text = String(repeating: line, count: 2_097_152 / line.utf8.count + 1)
        text = String(text.utf8.prefix(2_097_152))!
        try text.write(to: folder.appendingPathComponent("too-large.lua"), atomically: true, encoding: .utf8)
        let result = try Kraftfelt.run(["check", "too-large.lua"], timeout: 300, in: folder.path)
        #expect(result.status == 1)
        #expect(
            result.stdout.contains("too-large.lua: error: the script has 2097152 bytes; the limit is 1048576\n"),
            "\(result.stdout)")
    }

    @Test func aMissingPathIsOneLineOnStandardError() throws {
        let result = try Kraftfelt.run(["check", "no-such-file.lua"], in: Self.broken)
        #expect(result.status == 1)
        #expect(result.stderr == "error: no-such-file.lua: no such file or folder\n")
    }
}
