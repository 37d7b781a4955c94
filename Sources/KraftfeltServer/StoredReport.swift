import Foundation
import KraftfeltEngine
import KraftfeltMeasure
import KraftfeltStore

/// Stored sessions as a report reads them, for `kraftfelt report` and the console's reports.
public enum StoredReport {
    /// What a stored session gives a report, read from the store without running its
    /// scripts (an untrusted pack's scripts run only in a worker): who joined (ids and
    /// areas), its measures and follow-up answers, and the indicators its pack and its
    /// exercises declare.
    public static func session(_ record: SessionRecord, in store: any SessionStore) throws(StoreError)
        -> MeasuredSession
    {
        var participants: [MeasuredParticipant] = []
        var seen: Set<String> = []
        for event in try store.events(of: record.id) {
            if case .join(let person, _) = event, seen.insert(person.id).inserted {
                participants.append(MeasuredParticipant(id: person.id, area: person.area))
            }
        }
        var indicators: [String: Indicator] = [:]
        for indicator in record.pack?.indicators ?? [] { indicators[indicator.id] = indicator }
        // What the exercises declared, as the session saw it (theirs over the pack's).
        for run in try store.exercises(of: record.id) {
            for indicator in run.indicators { indicators[indicator.id] = indicator }
        }
        return MeasuredSession(
            id: record.id, organisation: record.organisation, title: title(of: record.main),
            startedAt: record.startedAt, participants: participants, measures: try store.measures(of: record.id),
            followUps: try store.followUpMeasures(of: record.id), indicators: indicators)
    }

    /// The title a script declares (`title = { da = "…", en = "…" }`), read without running it.
    public static func title(of source: ExerciseSource) -> [String: String] {
        var title: [String: String] = [:]
        guard let range = source.text.range(of: #"title\s*=\s*\{[^}]*\}"#, options: .regularExpression) else {
            return title
        }
        let declaration = String(source.text[range])
        for language in ["da", "en"] {
            if let found = declaration.range(of: language + #"\s*=\s*"[^"]*""#, options: .regularExpression) {
                let text = declaration[found].split(separator: "\"", omittingEmptySubsequences: false)
                if text.count >= 2 { title[language] = String(text[1]) }
            }
        }
        return title
    }
}
