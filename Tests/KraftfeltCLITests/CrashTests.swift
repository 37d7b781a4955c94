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

    /// Where a run keeps its session: a new SQLite data directory, or the test PostgreSQL
    /// server with a new organisation (so that no two runs share script storage).
    enum Place: String, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }

        static let postgresURL = ProcessInfo.processInfo.environment["KRAFTFELT_TEST_POSTGRES"].flatMap {
            $0.isEmpty ? nil : $0
        }
        static var available: [Place] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

        /// The schema this run keeps its sessions in: its own, so that the test database's
        /// public schema (which other builds may use) is left alone.
        static let schema = "crash_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")

        /// The arguments that name a new, empty place: (for `rehearse`, for `sessions`/`resume`).
        func fresh() -> (rehearse: [String], data: [String]) {
            let id = UUID().uuidString.lowercased()
            switch self {
            case .sqlite:
                let data = FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-crash-\(id)").path
                return (["--data", data], ["--data", data])
            case .postgres:
                let url = (Self.postgresURL ?? "") + "?schema=\(Self.schema)"
                return (["--database", url, "--organisation", "crash-\(id)"], ["--database", url])
            }
        }
    }

    @Test(arguments: Place.available)
    func aRehearsalKilledAtTwentyPointsResumesToTheSameTranscript(_ place: Place) throws {
        let folder = exercisesFolder()
        let start = Date()
        let reference = place.fresh()
        let wholeID = "whole-\(UUID())"
        let whole = try Kraftfelt.run(
            Self.arguments + ["--exercises", folder, "--session", wholeID] + reference.rehearse, timeout: 120)
        let duration = Date().timeIntervalSince(start)
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(try Kraftfelt.run(["delete-session", wholeID] + reference.data).status == 0)
        let expected = whole.stdout.components(separatedBy: "\nmeasures:")[0]
        #expect(expected.contains("session finished"))

        // Kill points spread over the run; a kill that lands before the session exists or
        // after it finished is not a crash point, so keep going until twenty have landed.
        var interrupted = 0
        var attempts = 0
        var generator = SystemRandomNumberGenerator()
        while interrupted < 20 && attempts < 80 {
            attempts += 1
            let (rehearse, data) = place.fresh()
            let id = "c-\(UUID())"
            let killAfter = duration * Double.random(in: 0.05...0.95, using: &generator)
            let killed = try Kraftfelt.run(
                Self.arguments + ["--exercises", folder, "--session", id] + rehearse, timeout: killAfter)
            guard killed.timedOut else { continue }  // finished before the kill: not a crash point
            let listing = try Kraftfelt.run(["sessions"] + data)
            guard listing.stdout.contains("\(id)  netvaerksorganisering  running ") else { continue }  // not started
            interrupted += 1
            let resumed = try Kraftfelt.run(["resume", id] + data, timeout: 120)
            #expect(resumed.status == 0, "kill at \(killAfter) s: \(resumed.stderr)")
            #expect(resumed.stdout == expected, "kill at \(killAfter) s: the resumed transcript differs")
            let after = try Kraftfelt.run(["sessions"] + data)
            #expect(after.stdout.contains("\(id)  netvaerksorganisering  finished "), "\(after.stdout)")
            #expect(try Kraftfelt.run(["delete-session", id] + data).status == 0)
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
