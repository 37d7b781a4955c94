/// Someone in a session: a person on a phone, or a bot in a rehearsal.
public struct Participant: Codable, Hashable, Sendable {
    /// Stable within the session (`p1`, `p2`, … for bots).
    public var id: String
    public var name: String
    /// The administrative area or department ("Sundhed", "Skole").
    public var area: String
    /// `da` or `en` (a pack may add more).
    public var language: String
    /// What this person says they are good at, for matching helpers to questions.
    public var strengths: [String]
    /// Anything else an exercise asks for.
    public var attributes: [String: String]

    public init(
        id: String, name: String, area: String, language: String = "da", strengths: [String] = [],
        attributes: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.area = area
        self.language = language
        self.strengths = strengths
        self.attributes = attributes
    }
}
