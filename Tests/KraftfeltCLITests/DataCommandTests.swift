import Foundation
import Testing

/// What a trainer and an IT department do with the data directory: sessions of one
/// organisation that build on each other, and retention.
struct DataCommandTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Exercises").standardizedFileURL.path

    func dataDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-data-\(UUID())").path
    }

    func rehearse(_ exercise: String, _ data: String, _ extra: [String] = []) throws -> Kraftfelt.Result {
        let result = try Kraftfelt.run(
            ["rehearse", exercise, "--exercises", Self.folder, "--data", data, "--participants", "8"] + extra,
            timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        return result
    }

    /// Spørgsmål på tværs keeps a running count of ties per organisation, and the
    /// follow-up finds the goals that an earlier session's buzz groups kept.
    @Test func laterSessionsOfAnOrganisationBuildOnEarlierOnes() throws {
        let data = dataDirectory()
        let first = try rehearse("spoergsmaal-paa-tvaers", data, ["--organisation", "kommune"])
        let second = try rehearse("spoergsmaal-paa-tvaers", data, ["--organisation", "kommune", "--seed", "8"])
        let elsewhere = try rehearse("spoergsmaal-paa-tvaers", data, ["--organisation", "region"])
        let firstTies = try #require(first.stdout.firstMatch(of: /(\d+) nye bånd på tværs – (\d+) i alt/))
        let secondTies = try #require(second.stdout.firstMatch(of: /(\d+) nye bånd på tværs – (\d+) i alt/))
        let otherTies = try #require(elsewhere.stdout.firstMatch(of: /(\d+) nye bånd på tværs – (\d+) i alt/))
        #expect(firstTies.1 == firstTies.2)
        #expect(Int(secondTies.2)! == Int(firstTies.2)! + Int(secondTies.1)!)
        #expect(otherTies.1 == otherTies.2)

        let buzz = try rehearse("summegrupper", data)
        let goals = buzz.stdout.split(separator: "\n").filter { $0.contains(": remember ") && $0.contains("goal =") }
        #expect(goals.count > 0)
        let followUp = try rehearse("opfoelgning", data)
        #expect(followUp.stdout.contains("show: \(goals.count) mål fra summegrupperne"))

        let sessions = try Kraftfelt.run(["sessions", "--data", data])
        #expect(
            sessions.stdout.split(separator: "\n").filter { $0.contains("(rehearsal, 8 bots, kommune)") }.count == 2)
    }

    static let badRetention: [([String], String)] = [
        (["--days", "0"], "Error: --days must be from 1 to 36500, got 0"),
        (["--days", "40000"], "Error: --days must be from 1 to 36500, got 40000"),
        (["--days", "30", "--keep-forever"], "Error: give --days or --keep-forever, not both"),
        (
            ["--organisation", "min kommune"],
            "Error: --organisation must have 1 to 64 letters, digits, '-', '_' or '.', got \"min kommune\""
        ),
        (["--days", "many"], "Error: The value 'many' is invalid for '--days <days>'"),
    ]

    @Test(arguments: badRetention)
    func badRetentionSettingsGetAClearMessageAndChangeNothing(_ arguments: [String], _ message: String) throws {
        let data = dataDirectory()
        _ = try Kraftfelt.run(["retention", "--days", "90", "--data", data])
        let result = try Kraftfelt.run(["retention", "--data", data] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        let after = try Kraftfelt.run(["retention", "--data", data])
        #expect(after.stdout == "default: personal data is kept 90 days\n")
    }

    @Test func retentionIsSetShownAndTurnedOffAndLeavesRehearsalsAlone() throws {
        let data = dataDirectory()
        _ = try rehearse("maaling", data)
        let shown = try Kraftfelt.run(["retention", "--data", data])
        #expect(shown.stdout == "default: personal data is kept until deleted\n")
        // The rehearsal's clock starts on 1 January 2026, but it holds bots, not people.
        let set = try Kraftfelt.run(["retention", "--days", "1", "--data", data])
        #expect(set.status == 0)
        #expect(set.stdout == "default: personal data is kept 1 day\n")
        let listing = try Kraftfelt.run(["sessions", "--data", data])
        #expect(listing.stdout.contains("  maaling  finished  "))
        let off = try Kraftfelt.run(["retention", "--keep-forever", "--data", data])
        #expect(off.stdout == "default: personal data is kept until deleted\n")
    }
}
