import Foundation
import KraftfeltEngine
import KraftfeltStore

/// The follow-up page of one code, as the `follow-up` template's context: what the person
/// wrote in the session, the questions with their earlier answers beside them, and, once
/// answered, their own change from before to after to now.
struct FollowUpPage {
    let found: WebServer.FoundFollowUp
    /// The measures about the code's person, in the session and at its follow-up.
    let mine: [Measure]
    let language: String
    /// Seconds since 1970.
    let now: Int64

    var answered: Bool { found.followUp.usedAt != nil }
    var expired: Bool { !answered && now > found.followUp.expiresAt }

    func context(title: String?) -> [String: Any] {
        let words = Labels.of(language)
        let followUp = found.followUp
        var context: [String: Any] = [
            "intro": (words["followUpIntro"] ?? "").replacingOccurrences(
                of: "%day", with: Days.text(found.record.startedAt, language: language)),
            "texts": texts(), "hasTexts": !texts().isEmpty,
        ]
        if let title { context["title"] = title }
        if answered {
            context["answered"] = (words["followUpThanks"] ?? "").replacingOccurrences(
                of: "%day", with: Days.text(followUp.usedAt ?? now, language: language))
        } else if expired {
            context["expired"] = (words["followUpExpired"] ?? "").replacingOccurrences(
                of: "%day", with: Days.text(followUp.expiresAt, language: language))
        } else {
            context["open"] = true
            context["questions"] = followUp.indicators.map(question)
            context["until"] = (words["followUpUntil"] ?? "").replacingOccurrences(
                of: "%day", with: Days.text(followUp.expiresAt, language: language))
        }
        let change = changeRows()
        context["change"] = change
        context["hasChange"] = !change.isEmpty
        return context
    }

    /// What the person wrote in the session (their goal, and any other free text about them).
    func texts() -> [[String: Any]] {
        mine.filter { $0.text != nil && $0.phase != .followUp }.map {
            ["label": label($0.name), "text": $0.text ?? ""]
        }
    }

    func question(_ indicator: Indicator) -> [String: Any] {
        let words = Labels.of(language)
        var context: [String: Any] = ["id": indicator.id, "label": indicator.label(language)]
        switch indicator.kind {
        case .scale:
            let low = indicator.min ?? 1
            let high = max(indicator.max ?? 5, low)
            context["is_scale"] = true
            context["points"] = (low...high).map { ["value": $0] }
            context["low"] = indicator.low?[language] ?? indicator.low?["da"] ?? String(low)
            context["high"] = indicator.high?[language] ?? indicator.high?["da"] ?? String(high)
        case .yesNo:
            context["is_yesNo"] = true
        case .count:
            context["is_number"] = true
            context["min"] = "0"
            context["step"] = "1"
        case .number:
            context["is_number"] = true
            context["step"] = "any"
        case .text, .tie:
            context["is_text"] = true
        }
        let earlier = [MeasurePhase.before, .after].compactMap { phase -> String? in
            guard let value = latest(indicator.id, phase) else { return nil }
            return (phase == .before ? words["before"] ?? "" : words["after"] ?? "") + ": " + shown(value, indicator)
        }
        if !earlier.isEmpty { context["earlier"] = earlier.joined(separator: " · ") }
        return context
    }

    /// For each question with a number: the person's last value before, after and at the
    /// follow-up ("–" where there is none), and how it changed since before.
    func changeRows() -> [[String: Any]] {
        found.followUp.indicators.compactMap { indicator -> [String: Any]? in
            guard indicator.kind != .text else { return nil }
            let values = [MeasurePhase.before, .after, .followUp].map { latest(indicator.id, $0) }
            guard values.contains(where: { $0 != nil }) else { return nil }
            var row: [String: Any] = ["label": indicator.label(language)]
            for (key, value) in zip(["before", "after", "now"], values) {
                row[key] = value.map { shown($0, indicator) } ?? "–"
            }
            if let first = values[0], let last = values[2] ?? values[1], indicator.kind != .yesNo {
                let difference = last.value - first.value
                row["difference"] = difference > 0 ? "+" + Indicator.format(difference) : Indicator.format(difference)
            }
            return row
        }
    }

    /// The person's last measure of an indicator in a phase.
    func latest(_ id: String, _ phase: MeasurePhase) -> Measure? {
        mine.last { $0.name == id && $0.phase == phase }
    }

    func shown(_ measure: Measure, _ indicator: Indicator) -> String {
        let words = Labels.of(language)
        if let text = measure.text { return text }
        if indicator.kind == .yesNo { return measure.value == 1 ? words["yes"] ?? "" : words["no"] ?? "" }
        return Indicator.format(measure.value)
    }

    func label(_ id: String) -> String {
        found.followUp.indicators.first { $0.id == id }?.label(language) ?? Indicator.host[id]?.label(language) ?? id
    }
}

/// Days as people read them: `4. december 2026`, `4 December 2026` (UTC).
enum Days {
    static let months = [
        "da": [
            "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
            "november", "december",
        ],
        "en": [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ],
    ]

    static func text(_ seconds: Int64, language: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents(
            [.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        let month = (months[language] ?? months["da"]!)[(parts.month ?? 1) - 1]
        return language == "en"
            ? "\(parts.day ?? 1) \(month) \(parts.year ?? 1970)" : "\(parts.day ?? 1). \(month) \(parts.year ?? 1970)"
    }
}
