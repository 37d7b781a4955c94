/// What a session's stored state says about it, and whether it can be resumed.
public enum SessionStatus: Hashable, Sendable {
    /// Created, not started.
    case open
    /// Running, or stopped without saying so (its process crashed): resumable.
    case running
    case finished
    /// Stopped because the store failed under it (`storage is not available: …`): its log
    /// ends where the store stopped taking events, so it is resumable.
    case halted(String)
    /// Failed for good: the script (or the host) ended it with this error.
    case failed(String)
    /// Personal data removed: the log no longer replays to its transcript.
    case anonymised
    /// A state this version does not know.
    case other(String)

    /// The state text's prefix for a session halted by its store (the engine's message).
    static let haltedPrefix = "failed: storage is not available: "

    /// The status of a stored state text (`running`, `finished`, `failed: …`).
    public init(_ state: String) {
        switch state {
        case "open": self = .open
        case "running": self = .running
        case "finished": self = .finished
        case "anonymised": self = .anonymised
        case _ where state.hasPrefix(Self.haltedPrefix): self = .halted(String(state.dropFirst("failed: ".count)))
        case _ where state.hasPrefix("failed: "): self = .failed(String(state.dropFirst("failed: ".count)))
        default: self = .other(state)
        }
    }

    /// True when `kraftfelt resume` continues the session: it is running, or its store
    /// failed under it. Any other session is left as it is.
    public var isResumable: Bool {
        switch self {
        case .running, .halted: true
        default: false
        }
    }
}

extension SessionRecord {
    /// What the record's state says about the session.
    public var status: SessionStatus { SessionStatus(state) }
}
