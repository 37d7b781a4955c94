import KraftfeltEngine

/// What a session shows after a step, as a worker reports it.
public struct StepReport: Codable, Hashable, Sendable {
    public enum State: Codable, Hashable, Sendable {
        case notStarted, running, finished
        case failed(String)
    }

    public var state: State
    /// Milliseconds since the session started.
    public var now: Int64
    /// The lines the step added to the transcript.
    public var transcript: [String]
    /// The questions open now.
    public var openAsks: [AskSummary]
    /// The earliest running timer: the host sends `timerEnded` for it at its time.
    public var nextDeadline: TimerDeadline?
    public var waitsForTrainer: Bool
    public var joinCode: String
    /// The views' revision, what the session loaded, and the measures the step added
    /// (a session measuring each person would otherwise send them all at every answer).
    public var revision: Int = 0
    public var exercises: [RanExercise] = []
    public var measures: [Measure] = []
    /// The people whose phone views the step may have changed; nil for anyone's.
    public var touched: [String]? = nil
    /// What `s:follow_up` asked, once a script asked it.
    public var followUp: FollowUpRequest? = nil

    public init(_ session: Session, since lines: Int, measuresSince measured: Int = 0) {
        switch session.state {
        case .notStarted: state = .notStarted
        case .running: state = .running
        case .finished: state = .finished
        case .failed(let error): state = .failed(error.message)
        }
        now = session.now
        transcript = Array(session.transcript.lines.dropFirst(lines))
        openAsks = session.openAsks.map(AskSummary.init)
        nextDeadline = session.nextDeadline.map { TimerDeadline(timer: $0.timer, at: $0.at) }
        waitsForTrainer = session.waitsForTrainer
        joinCode = session.joinCode
        revision = session.revision
        exercises = session.exercises
        measures = Array(session.measures.dropFirst(measured))
        followUp = session.followUp
    }
}

/// An open question, as the host needs it to route answers.
public struct AskSummary: Codable, Hashable, Sendable {
    public var id: Int
    public var kind: String
    public var audience: [String]
    public var answered: [String]
    public var options: [String]
    /// The lowest and highest answer a scale or number question takes.
    public var range: [Double]?

    public init(_ ask: OpenAskInfo) {
        id = ask.id
        kind = ask.kind
        audience = ask.audience
        answered = ask.answered.sorted()
        options = ask.options
        range = ask.range.map { [$0.lowerBound, $0.upperBound] }
    }
}

public struct TimerDeadline: Codable, Hashable, Sendable {
    public var timer: Int
    public var at: Int64
}
