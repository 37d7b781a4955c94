import Foundation
import Testing

/// A real crash: a rehearsal writing to a data directory is killed with SIGKILL at many
/// points, resumed, and must end with exactly the transcript of an uninterrupted run.
@Suite(.serialized) struct CrashTests {
    static let arguments = [
        "rehearse", "netvaerksorganisering", "--participants", "40", "--areas", "5", "--seed", "11",
    ]

    func exercisesFolder() -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Exercises")
            .standardizedFileURL.path
    }

    @Test func aRehearsalKilledAtTwentyPointsResumesToTheSameTranscript() throws {
        let folder = exercisesFolder()
        let reference = FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-crash-\(UUID())").path
        let start = Date()
        let whole = try Kraftfelt.run(
            Self.arguments + ["--exercises", folder, "--data", reference, "--session", "whole"], timeout: 120)
        let duration = Date().timeIntervalSince(start)
        #expect(whole.status == 0, "\(whole.stderr)")
        let expected = whole.stdout.components(separatedBy: "\nmeasures:")[0]
        #expect(expected.contains("session finished"))

        // Kill points spread over the run; a kill that lands before the session exists or
        // after it finished is not a crash point, so keep going until twenty have landed.
        var interrupted = 0
        var attempts = 0
        var generator = SystemRandomNumberGenerator()
        while interrupted < 20 && attempts < 80 {
            attempts += 1
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-crash-\(UUID())").path
            let killAfter = duration * Double.random(in: 0.05...0.95, using: &generator)
            let killed = try Kraftfelt.run(
                Self.arguments + ["--exercises", folder, "--data", data, "--session", "c"], timeout: killAfter)
            guard killed.timedOut else { continue }  // finished before the kill: not a crash point
            let listing = try Kraftfelt.run(["sessions", "--data", data])
            guard listing.stdout.contains(" running ") else { continue }  // killed before it started
            interrupted += 1
            let resumed = try Kraftfelt.run(["resume", "c", "--data", data], timeout: 120)
            #expect(resumed.status == 0, "kill at \(killAfter) s: \(resumed.stderr)")
            #expect(resumed.stdout == expected, "kill at \(killAfter) s: the resumed transcript differs")
            let after = try Kraftfelt.run(["sessions", "--data", data])
            #expect(after.stdout.contains(" finished "), "\(after.stdout)")
        }
        #expect(
            interrupted == 20, "only \(interrupted) kills in \(attempts) attempts landed in the middle of the session")
    }

    @Test func resumingAnUnknownSessionSaysSo() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-crash-\(UUID())").path
        let result = try Kraftfelt.run(["resume", "nope", "--data", data])
        #expect(result.status == 1)
        #expect(result.stderr == "error: no session with id nope\n")
    }

    @Test func aCorruptDatabaseIsNamedAndLeftAlone() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-crash-\(UUID())").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let file = data + "/kraftfelt.sqlite"
        try Data("garbage, not sqlite".utf8).write(to: URL(fileURLWithPath: file))
        let result = try Kraftfelt.run(["sessions", "--data", data])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: \(file): not a Kraftfelt database"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "garbage, not sqlite")
    }
}
