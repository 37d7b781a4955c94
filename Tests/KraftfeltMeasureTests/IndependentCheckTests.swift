import Foundation
import KraftfeltEngine
import Testing

@testable import KraftfeltMeasure

/// The report's numbers equal NumPy's and SciPy's, computed from the exported CSV by
/// `independent.py`.
@Suite struct IndependentCheckTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("independent.py")

    /// What `independent.py` prints.
    struct Python: Decodable {
        struct Phase: Decodable {
            var n: Int
            var mean: Double
            var sd: Double?
            var median: Double
        }
        struct Change: Decodable {
            var pairs: Int
            var mean: Double
            var sd: Double
            var low: Double
            var high: Double
            var mean_from: Double
            var mean_to: Double
        }
        struct Entry: Decodable {
            var phases: [String: Phase]
            var changes: [String: Change]
            var rates: [String: Double]?
        }
        struct Network: Decodable {
            var participants: Int
            var ties: Int
            var cross: Int
            var within: Int
            var with_outside: Int
            var share: Double
        }
        var indicators: [String: Entry]
        var rates: [String: Double]
        var network: Network?
    }

    /// Runs the script on the sessions' CSV; a missing python3, NumPy or SciPy fails the test.
    static func python(_ sessions: [MeasuredSession]) throws -> Python {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("measure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let measures = folder.appendingPathComponent("measures.csv")
        let participants = folder.appendingPathComponent("participants.csv")
        try ReportCSV.render(sessions).write(to: measures, atomically: true, encoding: .utf8)
        var roster = "session,participant_id,area\r\n"
        for session in sessions {
            for p in session.participants {
                roster += [session.id, p.id, p.area ?? ""].map(ReportCSV.quote).joined(separator: ",") + "\r\n"
            }
        }
        try roster.write(to: participants, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, measures.path, participants.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CheckFailed(
                message: "python3 \(script.lastPathComponent) failed (status \(process.terminationStatus)): \(message)"
                    + " — it needs python3 with numpy and scipy: run scripts/install-deps.sh")
        }
        return try JSONDecoder().decode(Python.self, from: data)
    }

    struct CheckFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Equal to 1e-9 relative (or 1e-12 absolute near zero).
    static func close(_ a: Double?, _ b: Double?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let a, let b else {
            #expect(
                a == nil && b == nil, "\(what): \(String(describing: a)) vs \(String(describing: b))",
                sourceLocation: sourceLocation)
            return
        }
        let ok = abs(a - b) <= 1e-9 * max(abs(a), abs(b)) || abs(a - b) < 1e-12
        #expect(ok, "\(what): Swift \(a), Python \(b)", sourceLocation: sourceLocation)
    }

    static func key(_ phase: MeasurePhase?) -> String { phase?.rawValue ?? "none" }

    @Test func aggregatesEqualNumPyAndSciPy() throws {
        let sessions = Fixture.sessions()
        let python = try Self.python(sessions)
        let report = MeasureReport(sessions: sessions, options: ReportOptions(threshold: 5, language: "en"))

        // Every seed indicator, the declared 1–7 scale, the count and the session numbers.
        let numeric = report.indicators.filter { ReportBuilder.numericKinds.contains($0.kind) }
        #expect(numeric.count == 12)
        #expect(Set(python.indicators.keys) == Set(report.indicators.map(\.id)))
        var pairsCompared = 0
        for indicator in numeric {
            let entry = try #require(python.indicators[indicator.id], "\(indicator.id)")
            #expect(indicator.withheld == nil, "\(indicator.id)")
            #expect(Set(indicator.phases.map { Self.key($0.phase) }) == Set(entry.phases.keys), "\(indicator.id)")
            for phase in indicator.phases {
                let expected = try #require(entry.phases[Self.key(phase.phase)])
                let summary = try #require(phase.distribution.summary, "\(indicator.id) \(Self.key(phase.phase))")
                let what = "\(indicator.id) \(Self.key(phase.phase))"
                #expect(phase.distribution.n == expected.n, "\(what) n")
                Self.close(summary.mean, expected.mean, "\(what) mean")
                Self.close(summary.sd, expected.sd, "\(what) sd")
                Self.close(summary.median, expected.median, "\(what) median")
            }
            #expect(indicator.changes.count == entry.changes.count, "\(indicator.id)")
            for change in indicator.changes {
                let expected = try #require(entry.changes[change.to.rawValue], "\(indicator.id) \(change.to)")
                let what = "\(indicator.id) before→\(change.to.rawValue)"
                let interval = try #require(change.interval, "\(what)")
                #expect(change.pairs == expected.pairs, "\(what) pairs")
                Self.close(change.meanDifference, expected.mean, "\(what) mean difference")
                Self.close(change.sd, expected.sd, "\(what) sd")
                Self.close(interval.low, expected.low, "\(what) CI low")
                Self.close(interval.high, expected.high, "\(what) CI high")
                Self.close(change.meanFrom, expected.mean_from, "\(what) mean before")
                Self.close(change.meanTo, expected.mean_to, "\(what) mean later")
                pairsCompared += 1
            }
            for rate in indicator.responseRates {
                Self.close(
                    rate.rate, entry.rates?[rate.phase?.rawValue ?? "any"],
                    "\(indicator.id) rate \(Self.key(rate.phase))")
            }
            #expect(indicator.responseRates.count == (entry.rates?.count ?? 0), "\(indicator.id) rates")
        }
        // Eight seed indicators and the declared scale before→after, the eight before→follow-up.
        #expect(pairsCompared == 17)
        #expect(report.responseRates.count == python.rates.count)
        for rate in report.responseRates {
            Self.close(rate.rate, python.rates[rate.phase?.rawValue ?? "any"], "rate \(Self.key(rate.phase))")
        }

        let network = try #require(report.network)
        let expected = try #require(python.network)
        #expect(network.participants == expected.participants)
        #expect(network.ties == expected.ties)
        #expect(network.crossAreaTies == expected.cross)
        #expect(network.withinAreaTies == expected.within)
        #expect(network.withOutsideTie == expected.with_outside)
        Self.close(network.shareWithOutsideTie, expected.share, "share with a tie outside their area")
        #expect(network.participants == 120)
        // Growth: each session's ties, and running totals that end at the report's.
        #expect(network.growth.map(\.session) == ["s1", "s2", "s3"])
        #expect(network.growth.compactMap(\.ties).reduce(0, +) == network.ties)
        #expect(network.growth.last?.cumulativeTies == network.ties)
        #expect(network.growth.last?.cumulativeCrossAreaTies == network.crossAreaTies)
        #expect(network.crossAreaTies > 100 && network.withinAreaTies > 20)
    }
}
