import KraftfeltLua

/// What a pack's scripts may do beyond running exercises. A script from a pack that calls
/// an API its pack did not ask for is refused with an error naming the permission; a
/// script that is not from a pack (the trainer's own file) may do all of them.
public enum ScriptPermission: String, CaseIterable, Codable, Hashable, Sendable {
    /// `s:remember("organisation", …)`, `s:add("organisation", …)`, `s:recall("organisation", …)`.
    case organisationStorage = "organisation-storage"
    /// `s:measure`: numbers for the organisation's reports.
    case measures
    /// Keeping what a person said for a later session (`s:remember(person, …)`, `s:recall(person, …)`).
    case followUp = "follow-up"
}

/// The installed pack a session's exercise came from, recorded with the session so that a
/// later upgrade of the pack never changes how an old session replays, and so that the
/// host knows what the scripts may do and where they must run.
public struct PackProvenance: Codable, Hashable, Sendable {
    /// The pack's id (`dk.kommune.netvaerk`) and exact version (`1.2.0`).
    public var id: String
    public var version: String
    /// The SHA-256 of the pack's index, which holds the SHA-256 of every file.
    public var hash: String
    /// True when a key the organisation trusts signed the pack (or it was shipped with
    /// Kraftfelt); an untrusted pack's scripts always run in a supervised worker process.
    public var trusted: Bool
    /// What the pack asked for in its manifest.
    public var permissions: Set<ScriptPermission>
    /// The limits its scripts run under, when its manifest sets lower ones than the host's
    /// (nil: the host's).
    public var limits: SandboxLimits?
    /// The indicators its manifest declares, which its scripts may measure (nil: none).
    public var indicators: [Indicator]?

    public init(
        id: String, version: String, hash: String, trusted: Bool, permissions: Set<ScriptPermission>,
        limits: SandboxLimits? = nil, indicators: [Indicator]? = nil
    ) {
        self.id = id
        self.version = version
        self.hash = hash
        self.trusted = trusted
        self.permissions = permissions
        self.limits = limits
        self.indicators = indicators
    }

    /// `dk.kommune.netvaerk 1.2.0`.
    public var named: String { "\(id) \(version)" }
}
