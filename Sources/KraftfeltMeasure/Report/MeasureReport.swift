import KraftfeltEngine

/// What a report shows about a set of sessions: response rates, and for each indicator its
/// distribution, its phases, the paired change from before, its areas and its sessions over
/// time; and the network of ties across areas. Built by `MeasureReport(sessions:options:)`,
/// a pure function; rendered by `ReportHTML` and `ReportJSON`.
///
/// Anything based on fewer than `threshold` people is withheld: it keeps its count and
/// says why, and an area below the threshold is left out without its name.
public struct MeasureReport: Codable, Hashable, Sendable {
    /// `da` or `en`: the language of the labels in the report.
    public var language: String
    /// The fewest people an aggregate may be based on.
    public var threshold: Int
    /// The organisations, sorted.
    public var organisations: [String]
    /// The session's title for a report of one session; nil for several.
    public var title: String?
    public var period: ReportPeriod
    /// The sessions in time order.
    public var sessions: [SessionSummary]
    /// Distinct participants across the sessions.
    public var participants: Int
    /// Who answered anything about themselves, per phase (and `any`).
    public var responseRates: [ResponseRate]
    /// Every indicator measured: the seed's eight in their order, then the rest by id.
    public var indicators: [IndicatorReport]
    /// The ties across areas, when any tie was measured.
    public var network: NetworkReport?

    /// Whether nothing at all was measured.
    public var isEmpty: Bool { indicators.isEmpty }
}

/// Options for building a report.
public struct ReportOptions: Codable, Hashable, Sendable {
    /// The fewest people an aggregate may be based on (5: "fewer than 5 answers: not shown").
    public var threshold: Int
    /// `da` or `en`.
    public var language: String
    /// The period the report's title names, in seconds since 1970; the sessions' own
    /// first and last start when nil. It does not select sessions.
    public var from: Int64?
    public var to: Int64?

    public init(threshold: Int = 5, language: String = "da", from: Int64? = nil, to: Int64? = nil) {
        self.threshold = threshold
        self.language = language
        self.from = from
        self.to = to
    }
}

/// From when to when, in seconds since 1970.
public struct ReportPeriod: Codable, Hashable, Sendable {
    public var from: Int64?
    public var to: Int64?
}

/// One session in the report's overview.
public struct SessionSummary: Codable, Hashable, Sendable {
    public var id: String
    public var organisation: String
    public var title: String
    public var startedAt: Int64
    public var participants: Int
    /// Participants who answered anything about themselves.
    public var respondents: Int
}

/// Why a number is not shown.
public enum Withheld: String, Codable, Hashable, Sendable {
    /// Fewer people than the threshold: shown would risk identifying them.
    case fewerThanThreshold = "fewer-than-threshold"
    /// A single pair has a change but no spread, so no confidence interval.
    case onePair = "one-pair"
    /// Nobody answered both phases.
    case noPairs = "no-pairs"
}

/// Who answered, out of how many, in a phase (nil phase: in any phase).
public struct ResponseRate: Codable, Hashable, Sendable {
    public var phase: MeasurePhase?
    public var respondents: Int
    public var participants: Int
    /// respondents / participants; nil when there are no participants.
    public var rate: Double?
}

/// The values of an indicator's answers: counts per value for a scale or yes/no, a summary
/// for numbers; only `n` for texts and ties.
public struct Distribution: Codable, Hashable, Sendable {
    /// Answers counted (one per person, group or session and phase: their last).
    public var n: Int
    /// People the answers are about.
    public var people: Int
    /// Set when the values are not shown; then only `n` and `people` are.
    public var withheld: Withheld?
    /// For a scale or yes/no: how many answered each value, lowest first, every value of
    /// the scale included.
    public var counts: [ValueCount]?
    /// For any number (a scale's and yes/no's too: the mean of yes/no is the share of yes).
    public var summary: NumberSummary?
}

/// How many answered one value.
public struct ValueCount: Codable, Hashable, Sendable {
    public var value: Int
    public var count: Int
}

/// An indicator's answers in one phase (nil: answers without a phase tag).
public struct PhaseDistribution: Codable, Hashable, Sendable {
    public var phase: MeasurePhase?
    public var distribution: Distribution
}

/// The change of each person between two phases: their later answer minus their `before`.
public struct PairedChange: Codable, Hashable, Sendable {
    public var from: MeasurePhase
    public var to: MeasurePhase
    /// People who answered both (same session, same participant id).
    public var pairs: Int
    /// Set when the change, or only its interval, is not shown.
    public var withheld: Withheld?
    /// The pairs' mean in each phase.
    public var meanFrom: Double?
    public var meanTo: Double?
    public var meanDifference: Double?
    /// The sample standard deviation of the differences.
    public var sd: Double?
    /// The 95% confidence interval of the mean difference (Student's t, pairs − 1 degrees
    /// of freedom).
    public var interval: ConfidenceInterval?
}

/// A confidence interval of a mean.
public struct ConfidenceInterval: Codable, Hashable, Sendable {
    public var level: Double
    public var low: Double
    public var high: Double
    /// The t quantile used and its degrees of freedom.
    public var t: Double
    public var df: Int
}

/// An indicator's answers from one area. Only areas with at least `threshold` respondents
/// appear in a report.
public struct AreaBreakdown: Codable, Hashable, Sendable {
    public var area: String
    public var distribution: Distribution
    public var phases: [PhaseDistribution]
}

/// An indicator's answers in one session and phase: the report's line over time.
public struct SessionPoint: Codable, Hashable, Sendable {
    public var session: String
    public var startedAt: Int64
    public var phase: MeasurePhase?
    public var n: Int
    /// Nil when withheld (fewer than `threshold` people).
    public var mean: Double?
}

/// All a report says about one indicator.
public struct IndicatorReport: Codable, Hashable, Sendable {
    public var id: String
    /// The question in the report's language.
    public var label: String
    public var kind: Indicator.Kind
    public var min: Int?
    public var max: Int?
    /// A scale's end labels in the report's language.
    public var low: String?
    public var high: String?
    /// Whether the indicator was declared; an undeclared session number reads as a number.
    public var declared: Bool
    /// Whether its answers are about the session rather than about people: then the
    /// threshold does not apply.
    public var sessionLevel: Bool
    /// Answers counted (one per person, group or session and phase: their last).
    public var answers: Int
    /// Distinct people who answered.
    public var respondents: Int
    /// Set when the indicator had fewer respondents than the threshold: then only its
    /// counts are shown.
    public var withheld: Withheld?
    public var distribution: Distribution?
    /// Before, after, follow-up, then answers without a phase.
    public var phases: [PhaseDistribution]
    /// Before → after and before → follow-up, when both were measured.
    public var changes: [PairedChange]
    /// Per phase (and `any`), for indicators about people.
    public var responseRates: [ResponseRate]
    /// Areas with at least `threshold` respondents, by name.
    public var areas: [AreaBreakdown]
    /// How many areas were left out for having fewer respondents (their names are not given).
    public var hiddenAreas: Int
    /// Per session in time order and phase.
    public var overTime: [SessionPoint]
}
