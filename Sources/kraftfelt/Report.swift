import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltMeasure
import KraftfeltServer
import KraftfeltStore

/// `kraftfelt report SESSION` and `kraftfelt report --org ORG --from --to`: one HTML file
/// with charts, and the measures as CSV and JSON beside it.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a report of a session, or of an organisation's sessions over time.",
        discussion: """
            Writes REPORT.html (charts of every indicator, before and after, and the network \
            across areas), REPORT.csv (one row per measure) and REPORT.json (the report's numbers). \
            Breakdowns of fewer than --threshold people are never shown.
            """)

    @Argument(help: "The session id (see `kraftfelt sessions`); leave it out with --org.")
    var session: String?

    @Option(help: "Report on this organisation's sessions instead of one session.")
    var org: String?

    @Option(help: "With --org: the first day, like 2026-01-01 (default: the first session).")
    var from: String?

    @Option(help: "With --org: the last day, like 2026-12-31 (default: today).")
    var to: String?

    @Option(name: .shortAndLong, help: "Where to write the report (default: kraftfelt-report-SESSION.html here).")
    var output: String?

    @Option(help: "da or en.")
    var language: String = "da"

    @Option(help: "The fewest people a breakdown may show (at least 2).")
    var threshold: Int = 5

    @Flag(help: "The CSV without participant ids (pseudonyms instead) and without free texts.")
    var anonymous = false

    @OptionGroup var data: DataOptions

    func validate() throws {
        if session != nil && org != nil { throw ValidationError("give a session id or --org ORG, not both") }
        if session == nil && org == nil {
            throw ValidationError("give a session id (see kraftfelt sessions), or --org ORG for its sessions over time")
        }
        if let session { try Inputs.session(session) }
        if session != nil, from != nil || to != nil {
            throw ValidationError("--from and --to go with --org")
        }
        guard ["da", "en"].contains(language) else {
            throw ValidationError("--language must be da or en, got \(language)")
        }
        guard (2...1000).contains(threshold) else {
            throw ValidationError("--threshold must be from 2 to 1000, got \(threshold)")
        }
        _ = try Self.day(from, "--from")
        _ = try Self.day(to, "--to")
    }

    func run() throws {
        let store = try data.open(.readOnly)
        let start = try Self.day(from, "--from")
        let end = try Self.day(to, "--to").map { $0 + 24 * 3600 }
        let records: [SessionRecord]
        if let session {
            records = [try store.session(session)]
        } else if let org {
            records = try store.sessions(of: org, from: start, to: end)
            guard !records.isEmpty else {
                throw CLIError(
                    "the organisation \(org) has no sessions" + (from == nil && to == nil ? "" : " in that time"))
            }
        } else {
            records = []
        }
        let sessions = try records.map { try StoredReport.session($0, in: store) }
        let options = ReportOptions(threshold: threshold, language: language, from: start, to: end)
        let report = MeasureReport(sessions: sessions, options: options)
        let html = output ?? "kraftfelt-report-\(session ?? org ?? "sessions").html"
        let base = html.hasSuffix(".html") ? String(html.dropLast(5)) : html
        let files = [
            (html, Data(ReportHTML.render(report).utf8)),
            (base + ".csv", Data(ReportCSV.render(sessions, threshold: anonymous ? threshold : nil).utf8)),
            (base + ".json", try ReportJSON.data(report)),
        ]
        let folder = (html as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard
            folder.isEmpty
                || (FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue)
        else {
            throw CLIError("\(html): cannot write the report: there is no folder \(folder)")
        }
        for (path, contents) in files {
            do {
                try contents.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw CLIError("\(path): cannot write the report: \(error.localizedDescription)")
            }
        }
        let measured = sessions.reduce(0) { $0 + $1.measures.count + $1.followUps.count }
        Terminal.print(
            "wrote \(html), \(base).csv and \(base).json: \(sessions.count) session\(sessions.count == 1 ? "" : "s"), "
                + "\(measured) measures")
    }

    /// A day like `2026-03-01` as seconds since 1970 at its start (UTC).
    static func day(_ text: String?, _ option: String) throws -> Int64? {
        guard let text else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
            (2000...2200).contains(year), (1...12).contains(month), (1...31).contains(day)
        else {
            throw ValidationError("\(option) must be a day like 2026-03-01, got \(text)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.component(.day, from: date) == day
        else {
            throw ValidationError("\(option): \(text) is not a day of the calendar")
        }
        return Int64(date.timeIntervalSince1970)
    }
}
