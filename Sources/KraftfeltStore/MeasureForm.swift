import Foundation
import KraftfeltEngine

/// How a measure is written in a row, the same in every store: its subject as a kind and
/// an id, its tags as a JSON array.
enum MeasureForm {
    /// Refuses what no store can keep exactly: a NUL character in any of a measure's texts
    /// (PostgreSQL's text cannot hold one, SQLite's would cut it there).
    static func check(_ measures: [Measure], in place: String) throws(StoreError) {
        for (i, measure) in measures.enumerated() {
            let texts =
                [
                    measure.exercise, measure.name, measure.subject.id, measure.area, measure.text, measure.other,
                    measure.otherArea,
                ]
                .compactMap { $0 } + measure.tags
            if texts.contains(where: { $0.utf8.contains(0) }) {
                throw StoreError(
                    .invalid, "\(place): measure \(i + 1) (“\(FollowUp.shown(measure.name))”) has a NUL character")
            }
        }
    }

    /// Tags as a JSON array.
    static func tags(_ tags: [String]) -> String {
        guard let data = try? JSONEncoder().encode(tags) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Indicators stored as a JSON array (a follow-up's questions).
    static func indicators(_ indicators: [Indicator]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(indicators) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func indicators(_ json: String, _ what: @autoclosure () -> String) throws(StoreError) -> [Indicator] {
        guard let list = try? JSONDecoder().decode([Indicator].self, from: Data(json.utf8)) else {
            throw StoreError(.corrupt, "\(what()) is not a JSON array of indicators")
        }
        return list
    }

    /// A list of strings stored as a JSON array (tags).
    static func list(_ json: String, _ what: @autoclosure () -> String) throws(StoreError) -> [String] {
        guard let list = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else {
            throw StoreError(.corrupt, "\(what()) is not a JSON array of texts")
        }
        return list
    }

    /// A measure from its row; `place` names the row for messages (`session s: measure 3`).
    static func measure(
        exercise: String, name: String, value: Double, at: Int64, subjectKind: String, subjectId: String,
        area: String?, text: String?, other: String?, otherArea: String?, tags: String, place: @autoclosure () -> String
    ) throws(StoreError) -> Measure {
        guard let subject = MeasureSubject(kind: subjectKind, id: subjectId) else {
            throw StoreError(
                .corrupt,
                "\(place()): its subject has the kind \(SessionID.shown(subjectKind)), which this version does not know"
            )
        }
        return Measure(
            exercise: exercise, name: name, value: value, at: at, subject: subject, area: area, text: text,
            other: other, otherArea: otherArea, tags: try list(tags, "\(place()): its tags"))
    }

    /// True when a measure is about `participant`: its subject, a tie's other person, or
    /// a member of its group (a group's id is its members' ids joined with `+`).
    static func concerns(_ measure: Measure, _ participant: String) -> Bool {
        switch measure.subject {
        case .participant(let id) where id == participant: return true
        case .group(let id)
        where id.split(separator: "+", omittingEmptySubsequences: false).contains(Substring(participant)):
            return true
        default: return measure.other == participant
        }
    }
}
