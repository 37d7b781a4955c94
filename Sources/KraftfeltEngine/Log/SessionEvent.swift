/// One input to a session. Every input is appended to the session's log before it is
/// applied, and replaying the log re-runs the script to the same state.
public enum SessionEvent: Codable, Hashable, Sendable {
    /// The session began: what it runs, with which seed, at which wall-clock time.
    case start(SessionStart)
    case join(Participant, at: Int64)
    case leave(participant: String, at: Int64)
    /// A participant answered question `ask`.
    case answer(ask: Int, participant: String, value: Answer, at: Int64)
    /// Timer `timer` ran out (a question's time limit is a timer too).
    case timerEnded(timer: Int, at: Int64)
    case trainer(TrainerAction, at: Int64)
    /// The script kept (or forgot) a value in storage. Logged when the script writes, so
    /// a replay takes the write from the log and never writes twice.
    case stored(StorageWrite, at: Int64)
    /// The script read a value that other sessions share; a replay reads it from here.
    case recalled(StorageRead, at: Int64)

    /// Milliseconds since the session started.
    public var at: Int64 {
        switch self {
        case .start: 0
        case .join(_, let at), .leave(_, let at), .answer(_, _, _, let at), .timerEnded(_, let at),
            .trainer(_, let at), .stored(_, let at), .recalled(_, let at):
            at
        }
    }

    /// True for what the script did (storage), false for what came from outside.
    public var isEffect: Bool {
        switch self {
        case .stored, .recalled: true
        default: false
        }
    }
}

/// What a session runs and how it was started.
public struct SessionStart: Codable, Hashable, Sendable {
    /// The exercise or programme id.
    public var exercise: String
    /// A hash of every script the session loaded, so a replay can check it runs the same code.
    public var sourceHash: String
    public var seed: UInt64
    /// Seconds since 1970 when the session started: `os.time()` counts from here.
    public var startedAt: Int64
    public var parameters: [String: String]
    /// The session's language (it picks option lists, so it decides which answers fit).
    public var language: String?

    public init(
        exercise: String, sourceHash: String, seed: UInt64, startedAt: Int64, parameters: [String: String] = [:],
        language: String? = nil
    ) {
        self.exercise = exercise
        self.sourceHash = sourceHash
        self.seed = seed
        self.startedAt = startedAt
        self.parameters = parameters
        self.language = language
    }
}

/// What the trainer does from the console.
public enum TrainerAction: Codable, Hashable, Sendable {
    /// Go on from a step that waits for the trainer.
    case advance
    /// Give a running timer more time.
    case extend(timer: Int, seconds: Int64)
    /// End a running timer (or a question's time) now.
    case skip(timer: Int)
}

/// An answer as it arrives from a participant.
public enum Answer: Codable, Hashable, Sendable {
    case text(String)
    case number(Double)
    /// Several values: chosen options, a ranking, people picked.
    case list([String])
}
