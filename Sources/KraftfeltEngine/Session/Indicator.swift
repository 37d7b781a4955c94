/// What a measure means: an indicator an exercise, a pack or the host declares, with its
/// labels and the values it takes. `s:measure` records values of declared indicators
/// only, so that a report knows how to read and chart each one, and a misspelt name is
/// an error rather than a new series.
public struct Indicator: Codable, Hashable, Sendable {
    /// The values an indicator takes.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// A whole number on a scale (`min`…`max`, 1–5 or 1–7) with labels for its ends.
        case scale
        /// A whole number of things, 0 or more.
        case count
        /// Any finite number.
        case number
        /// Yes (1) or no (0).
        case yesNo = "yes-no"
        /// A free text.
        case text
        /// A tie between two participants (the subject and another person).
        case tie
    }

    /// Lowercase letters, digits and `_`: `experienced_effect`.
    public var id: String
    /// The question or name, by language (`da`, `en`).
    public var label: [String: String]
    public var kind: Kind
    /// A scale's ends (nil for other kinds).
    public var min: Int?
    public var max: Int?
    /// A scale's labels for its lowest and highest value, by language.
    public var low: [String: String]?
    public var high: [String: String]?

    public init(
        id: String, label: [String: String], kind: Kind, min: Int? = nil, max: Int? = nil,
        low: [String: String]? = nil, high: [String: String]? = nil
    ) {
        self.id = id
        self.label = label
        self.kind = kind
        self.min = min
        self.max = max
        self.low = low
        self.high = high
    }

    /// A scale from `min` to `max` with labels for its ends.
    public static func scale(
        _ id: String, da: String, en: String, _ range: ClosedRange<Int> = 1...5,
        low: [String: String] = ["da": "Lidt", "en": "Little"], high: [String: String] = ["da": "Meget", "en": "Much"]
    ) -> Indicator {
        Indicator(
            id: id, label: ["da": da, "en": en], kind: .scale, min: range.lowerBound, max: range.upperBound, low: low,
            high: high)
    }

    /// The label in this language, or in the other one, or the id.
    public func label(_ language: String) -> String {
        label[language] ?? label["en"] ?? label["da"] ?? id
    }

    /// Whether an id is one: 1 to 64 lowercase letters, digits and `_`, starting with a letter.
    public static func isID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, ("a"..."z").contains(first), id.utf8.count <= 64 else {
            return false
        }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Why a number is not a value of this indicator, or nil when it is one.
    public func problem(with value: Double) -> String? {
        guard value.isFinite else { return "\(id) takes a finite number" }
        switch kind {
        case .scale:
            let low = min ?? 1
            let high = max ?? 5
            guard value == value.rounded(), value >= Double(low), value <= Double(high) else {
                return "\(id) is a scale from \(low) to \(high): a whole number in it, got \(Indicator.format(value))"
            }
        case .count:
            guard value == value.rounded(), value >= 0 else {
                return "\(id) is a count: a whole number from 0, got \(Indicator.format(value))"
            }
        case .yesNo:
            guard value == 0 || value == 1 else {
                return "\(id) is yes or no: true, false, 1 or 0, got \(Indicator.format(value))"
            }
        case .number: break
        case .text: return "\(id) is a free text, not a number"
        case .tie: return "\(id) is a tie between two people: give the other person, not a number"
        }
        return nil
    }

    /// `3`, `2.5`: how a value reads in a message.
    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension Indicator {
    /// The host's own indicators: the seed's eight measurement points (1–5, before,
    /// after and at follow-up) and what the shipped exercises record.
    public static let seed: [Indicator] = [
        .scale("experienced_effect", da: "Oplevet effekt af dit arbejde", en: "Experienced effect of your work"),
        .scale(
            "strategy_contribution", da: "Dit bidrag til at opfylde strategien",
            en: "Your contribution to the strategy"),
        .scale(
            "network_impact", da: "Dit bidrag til netværkets gennemslagskraft",
            en: "Your contribution to the network's impact"),
        .scale(
            "citizen_participation", da: "Graden af borgerdeltagelse", en: "The degree of citizen participation"),
        .scale(
            "colleagues_in_networks", da: "Hvor mange af dine kolleger er involveret i netværk",
            en: "How many of your colleagues are involved in networks",
            low: ["da": "Få", "en": "Few"], high: ["da": "Mange", "en": "Many"]),
        .scale(
            "colleague_learning", da: "Læring hos kolleger og medarbejdere", en: "Learning among colleagues and staff"),
        .scale(
            "recognition", da: "Anerkendelse fra kolleger og medarbejdere", en: "Recognition from colleagues and staff"),
        .scale(
            "own_learning", da: "Din egen læring om nye handlemuligheder",
            en: "Your own learning about new options for action"),
    ]

    /// What the shipped exercises record besides the eight points.
    public static let shipped: [Indicator] = [
        Indicator(
            id: "cross_area_tie", label: ["da": "Et bånd på tværs af områder", "en": "A tie across areas"], kind: .tie),
        Indicator(
            id: "cross_area_ties",
            label: ["da": "Antal bånd på tværs af områder", "en": "Number of ties across areas"], kind: .count),
        Indicator(id: "goal", label: ["da": "Dit mål", "en": "Your goal"], kind: .text),
        Indicator(
            id: "goals_shared", label: ["da": "Mål delt med en kollega", "en": "Goals shared with a colleague"],
            kind: .count),
        .scale(
            "goal_confidence", da: "Hvor sikker er du på, at du handler på dit mål",
            en: "How sure are you that you will act on your goal", low: ["da": "Usikker", "en": "Unsure"],
            high: ["da": "Sikker", "en": "Sure"]),
        Indicator(
            id: "goal_acted_on", label: ["da": "Har du handlet på dit mål?", "en": "Have you acted on your goal?"],
            kind: .yesNo),
    ]

    /// Every indicator the host declares, by id.
    public static let host: [String: Indicator] = Dictionary(
        uniqueKeysWithValues: (seed + shipped).map { ($0.id, $0) })
}
