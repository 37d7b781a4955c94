import KraftfeltEngine

/// What the store keeps about a session besides its events: what it runs, and how.
public struct SessionRecord: Hashable, Sendable {
    public var id: String
    /// The exercise or programme id the session started.
    public var exercise: String
    public var main: ExerciseSource
    public var library: [ExerciseSource]
    public var seed: UInt64
    public var startedAt: Int64
    public var language: String
    /// `open`, `running`, `finished` or `failed: …`, as last saved.
    public var state: String
    /// For a rehearsal: how many bots from how many areas, and the parameters.
    public var rehearsal: RehearsalSettings?
    /// The organisation the session belongs to: its script storage (exercise,
    /// organisation and participant scopes) and retention setting are the organisation's.
    public var organisation: String
    /// The installed pack the scripts came from (nil when they are not from a pack): what
    /// they may do, and whether they must run in a supervised worker process.
    public var pack: PackProvenance?

    /// The organisation a session belongs to when none is named.
    public static let defaultOrganisation = "default"

    public init(
        id: String, exercise: String, definition: SessionDefinition, state: String = "running",
        rehearsal: RehearsalSettings? = nil, organisation: String = SessionRecord.defaultOrganisation
    ) {
        self.organisation = organisation
        self.id = id
        self.exercise = exercise
        self.main = definition.main
        self.library = definition.library
        self.seed = definition.seed
        self.startedAt = definition.startedAt
        self.language = definition.language
        self.state = state
        self.rehearsal = rehearsal
        self.pack = definition.pack
    }

    /// The definition to rebuild the session from.
    public var definition: SessionDefinition {
        SessionDefinition(
            main: main, library: library, seed: seed, startedAt: startedAt, language: language, pack: pack)
    }
}

/// How a rehearsal was set up, so that it can be resumed with the same bots.
public struct RehearsalSettings: Codable, Hashable, Sendable {
    public var participants: Int
    public var areas: Int
    public var parameters: [String: String]

    public init(participants: Int, areas: Int, parameters: [String: String] = [:]) {
        self.participants = participants
        self.areas = areas
        self.parameters = parameters
    }
}
