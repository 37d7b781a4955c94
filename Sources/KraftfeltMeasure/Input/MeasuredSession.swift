import KraftfeltEngine

/// One session's input to a report: who took part (by id and area, never by name), what
/// was measured during the session and at its follow-up, and the indicators its exercises
/// declared.
public struct MeasuredSession: Codable, Hashable, Sendable {
    public var id: String
    public var organisation: String
    /// The session's title by language (`da`, `en`).
    public var title: [String: String]
    /// When it started, in seconds since 1970.
    public var startedAt: Int64
    /// Everyone who joined: the denominators of response rates and of the network's shares.
    public var participants: [MeasuredParticipant]
    /// What the session's scripts measured.
    public var measures: [Measure]
    /// What was measured at follow-up weeks later, with the same participant ids. A measure
    /// here without a phase tag counts as `follow-up`.
    public var followUps: [Measure]
    /// The indicators the session's exercises declared, by id; the host's own
    /// (`Indicator.host`) are used for ids not declared here.
    public var indicators: [String: Indicator]

    public init(
        id: String, organisation: String, title: [String: String] = [:], startedAt: Int64,
        participants: [MeasuredParticipant] = [], measures: [Measure] = [], followUps: [Measure] = [],
        indicators: [String: Indicator] = [:]
    ) {
        self.id = id
        self.organisation = organisation
        self.title = title
        self.startedAt = startedAt
        self.participants = participants
        self.measures = measures
        self.followUps = followUps
        self.indicators = indicators
    }

    /// The title in this language, or in the other one, or the session's id.
    public func title(_ language: String) -> String {
        title[language] ?? title["en"] ?? title["da"] ?? id
    }

    /// The indicator for an id: the session's own declaration, else the host's.
    public func indicator(_ id: String) -> Indicator? {
        indicators[id] ?? Indicator.host[id]
    }

    /// Every measure with the phase it counts for: its tag, or `follow-up` for a follow-up
    /// measure without one; in the order taken (by `at`, then as given).
    var phasedMeasures: [(measure: Measure, phase: MeasurePhase?)] {
        let all = measures.map { ($0, $0.phase) } + followUps.map { ($0, $0.phase ?? .followUp) }
        return all.enumerated().sorted { ($0.element.0.at, $0.offset) < ($1.element.0.at, $1.offset) }
            .map { (measure: $0.element.0, phase: $0.element.1) }
    }
}

/// A participant as reports see them: a random id in the session and their area.
public struct MeasuredParticipant: Codable, Hashable, Sendable {
    public var id: String
    /// The administrative area they said they work in, if any.
    public var area: String?

    public init(id: String, area: String? = nil) {
        self.id = id
        self.area = area
    }
}
