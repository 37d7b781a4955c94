import KraftfeltEngine

/// An input to a live session from a client: the runtime stamps its time.
public enum SessionInput: Codable, Hashable, Sendable {
    case join(Participant)
    case leave(participant: String)
    case answer(ask: Int, participant: String, value: Answer)
    /// The participant says their group is done with the timer its flow waits on.
    case saidDone(participant: String)
    case trainer(TrainerAction)

    /// The event this input becomes at session time `at`.
    func event(at: Int64) -> SessionEvent {
        switch self {
        case .join(let participant): .join(participant, at: at)
        case .leave(let id): .leave(participant: id, at: at)
        case .answer(let ask, let who, let value): .answer(ask: ask, participant: who, value: value, at: at)
        case .saidDone(let who): .saidDone(participant: who, at: at)
        case .trainer(let action): .trainer(action, at: at)
        }
    }
}

/// The acknowledgement of an input: it is in the session's log, durably.
public struct Receipt: Hashable, Sendable {
    /// The input's number in the log (1-based).
    public var event: Int
    /// The revision of the views after it.
    public var revision: Int
    /// The session time it was stamped with.
    public var at: Int64
}

/// Which screen a client shows.
public enum ViewKind: Codable, Hashable, Sendable {
    case participant(String)
    case screen
    case console
}

extension Session {
    /// One screen's view now; nil for a participant who never joined.
    func view(_ kind: ViewKind) -> SessionView? {
        switch kind {
        case .participant(let id): participantView(id).map(SessionView.participant)
        case .screen: .screen(screenView)
        case .console: .console(consoleView)
        }
    }
}

/// One screen's view (see ``ParticipantView``, ``ScreenView``, ``ConsoleView``).
public enum SessionView: Codable, Hashable, Sendable {
    case participant(ParticipantView)
    case screen(ScreenView)
    case console(ConsoleView)

    public var revision: Int {
        switch self {
        case .participant(let view): view.revision
        case .screen(let view): view.revision
        case .console(let view): view.revision
        }
    }

    /// The view with its revision moved on by `base` (see ``SessionRuntime``).
    func offset(by base: Int) -> SessionView {
        guard base != 0 else { return self }
        switch self {
        case .participant(var view):
            view.revision += base
            return .participant(view)
        case .screen(var view):
            view.revision += base
            return .screen(view)
        case .console(var view):
            view.revision += base
            return .console(view)
        }
    }

    /// The view without what changes with every event (its revision and time): two views
    /// with the same content show the same thing, and a subscriber is not sent it again.
    var content: SessionView {
        switch self {
        case .participant(let view):
            return .participant(view.content)
        case .screen(var view):
            view.revision = 0
            view.at = 0
            return .screen(view)
        case .console(var view):
            view.revision = 0
            view.at = 0
            return .console(view)
        }
    }
}

/// What a step back did: the action it took back, and what came after it.
public struct StepBack: Hashable, Sendable {
    /// An input after the step that no longer fits, and why.
    public struct Dropped: Hashable, Sendable {
        public var input: SessionEvent
        public var reason: String
    }

    public var undone: TrainerAction
    /// When the trainer gave it (session time).
    public var at: Int64
    /// How many inputs after it were applied again.
    public var kept: Int
    public var dropped: [Dropped]
}

extension TrainerAction {
    /// The action as the console names it.
    public var name: String {
        switch self {
        case .advance: "advance"
        case .extend: "extend"
        case .skip: "skip"
        case .remove: "remove"
        case .end: "end"
        }
    }
}
