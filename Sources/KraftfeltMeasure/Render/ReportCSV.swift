import Foundation
import KraftfeltEngine

/// The measures as a table for analysts: one row per measure, in long format, as RFC 4180
/// CSV (CRLF line ends, fields with a comma, quote or line break quoted).
///
/// Columns: `organisation,session,session_started,exercise,indicator,kind,subject,subject_id,
/// area,phase,tags,value,text,other,other_area,at`. Times are UTC in ISO 8601; tags are
/// joined with `;`; `kind` is the indicator's first declaration in
/// time order, empty for an undeclared number.
///
/// The full export (`threshold: nil`) is for the organisation's own analysts: it has the
/// participants' ids (random per session, never names) and their free texts. The anonymous
/// export (`threshold: 5`) replaces every participant id with a pseudonym `P1`, `P2`… that
/// is stable within the one export, leaves out every free text, and leaves the area empty
/// for areas with fewer than `threshold` participants in the export.
///
/// A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'`
/// in front, so that a spreadsheet does not run it as a formula. Numbers the host writes
/// (`value`) are left as they are.
public enum ReportCSV {
    /// The header row's columns.
    public static let columns = [
        "organisation", "session", "session_started", "exercise", "indicator", "kind", "subject", "subject_id",
        "area", "phase", "tags", "value", "text", "other", "other_area", "at",
    ]

    /// The CSV of these sessions' measures and follow-ups; anonymous when a threshold is given.
    public static func render(_ sessions: [MeasuredSession], threshold: Int? = nil) -> String {
        let sessions = sessions.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        var pseudonyms = Pseudonyms()
        let smallAreas = threshold.map { Self.smallAreas(sessions, threshold: $0) } ?? []
        // An indicator's kind is its first declaration in time order, as in the report.
        var kinds: [String: String] = [:]
        for session in sessions {
            for (measure, _) in session.phasedMeasures where kinds[measure.name] == nil {
                if let indicator = session.indicator(measure.name) { kinds[measure.name] = indicator.kind.rawValue }
            }
        }
        var lines = [columns.joined(separator: ",")]
        for (index, session) in sessions.enumerated() {
            for (measure, phase) in session.phasedMeasures {
                func person(_ id: String) -> String {
                    threshold == nil ? id : pseudonyms.name(session: index, id: id)
                }
                func area(_ area: String?) -> String {
                    guard let area else { return "" }
                    return smallAreas.contains(area) ? "" : area
                }
                let subjectID: String =
                    switch measure.subject {
                    case .session: ""
                    case .participant(let id): person(id)
                    case .group(let ids): ids.split(separator: "+").map { person(String($0)) }.joined(separator: "+")
                    }
                let kind = kinds[measure.name] ?? ""
                let fields = [
                    text(session.organisation), text(session.id), ISODate.dateTime(session.startedAt),
                    text(measure.exercise), text(measure.name), kind, measure.subject.kind, text(subjectID),
                    text(area(measure.area)), phase?.rawValue ?? "", text(measure.tags.joined(separator: ";")),
                    measure.value.isFinite ? Indicator.format(measure.value) : "",
                    threshold == nil ? text(measure.text ?? "") : "", text(measure.other.map(person) ?? ""),
                    text(area(measure.otherArea)), ISODate.dateTime(session.startedAt + measure.at / 1000),
                ]
                lines.append(fields.map(quote).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A text as a spreadsheet should see it: with a `'` in front when it would read as a formula.
    static func text(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }

    /// RFC 4180: quoted, with quotes doubled, when it holds a comma, a quote or a line break.
    static func quote(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return cell
        }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Areas with fewer than `threshold` participants across the export.
    static func smallAreas(_ sessions: [MeasuredSession], threshold: Int) -> Set<String> {
        let roster = Roster(sessions)
        var counts: [String: Int] = [:]
        for session in roster.sessions {
            for (_, area) in session { if let area { counts[area, default: 0] += 1 } }
        }
        // Areas named only in measures and never of a participant of the roster count 0.
        for session in sessions {
            for (measure, _) in session.phasedMeasures {
                for area in [measure.area, measure.otherArea].compactMap({ $0 }) where counts[area] == nil {
                    counts[area] = 0
                }
            }
        }
        return Set(counts.filter { $0.value < threshold }.keys)
    }
}

/// Pseudonyms `P1`, `P2`… in the order people first appear in one export.
struct Pseudonyms {
    private var names: [String: String] = [:]

    mutating func name(session: Int, id: String) -> String {
        let key = Roster.key(session, id)
        if let name = names[key] { return name }
        let name = "P\(names.count + 1)"
        names[key] = name
        return name
    }
}
