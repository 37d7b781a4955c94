import Foundation
import KraftfeltEngine
import KraftfeltStore

/// What a participant answers at their follow-up, from the page's form or the API's
/// JSON, as measures for ``SessionStore/answerFollowUp(codeHash:measures:now:)`` (which
/// checks each against its indicator).
enum FollowUpAnswers {
    /// A value as the API takes it: a number, yes or no, or a text.
    enum Value: Decodable, Sendable, Equatable {
        case number(Double)
        case yes(Bool)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let yes = try? container.decode(Bool.self) {
                self = .yes(yes)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "an answer is a number, true or false, or a text")
            }
        }
    }

    /// The API's body: `{"answers": {"experienced_effect": 4, "goal_acted_on": true}}`.
    struct Body: Decodable, Sendable {
        var answers: [String: Value]
    }

    /// Form fields (`experienced_effect=4`) as values: an empty field is a question left
    /// out; a number field's text is read as a number.
    static func values(fromForm fields: [(String, String)], asking indicators: [Indicator]) throws(APIError)
        -> [String: Value]
    {
        var values: [String: Value] = [:]
        for (name, raw) in fields {
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            guard values[name] == nil else { throw APIError.invalid("“\(clipped(name))” is answered twice") }
            guard let indicator = indicators.first(where: { $0.id == name }), indicator.kind != .text else {
                values[name] = .text(text)
                continue
            }
            guard let number = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                throw APIError.invalid("\(indicator.id) takes a number, got “\(clipped(text))”")
            }
            values[name] = .number(number)
        }
        return values
    }

    /// The values as measures about `participant`, in the order the follow-up asks its
    /// questions (anything else after them, for the store to refuse by name).
    static func measures(
        _ values: [String: Value], for followUp: FollowUp, exercise: String, area: String?, at: Int64
    ) -> [Measure] {
        let order = Dictionary(
            followUp.indicators.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let names = values.keys.sorted { (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1) }
        return names.map { name in
            var measure = Measure(
                exercise: exercise, name: name, value: 0, at: at, subject: .participant(followUp.participant),
                area: area, tags: [MeasurePhase.followUp.rawValue])
            switch values[name]! {
            case .number(let number): measure.value = number
            case .yes(let yes): measure.value = yes ? 1 : 0
            case .text(let text):
                measure.value = 1
                measure.text = text
            }
            return measure
        }
    }

    /// `application/x-www-form-urlencoded` fields, in order.
    static func formFields(_ body: String) -> [(String, String)] {
        body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
        }
    }

    static func clipped(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let short = scalars.count > 40 ? String(String.UnicodeScalarView(scalars.prefix(40))) + "…" : text
        return String(
            String.UnicodeScalarView(short.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}
