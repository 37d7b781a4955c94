import KraftfeltEngine

/// What the host sends a worker process (one JSON object per line on its standard input).
public enum WorkerRequest: Codable, Sendable {
    /// Run this session: replay its logged events, then wait for inputs.
    case open(definition: SessionDefinition, events: [SessionEvent])
    /// Apply one input: check it, log it (through the host), run the step.
    case submit(SessionEvent)
    /// The answer to the worker's last ``WorkerMessage/append(_:)`` or ``WorkerMessage/read(_:key:)``.
    case reply(LogReply)
    /// What one screen shows now (answered with ``WorkerMessage/view(_:)``).
    case view(ViewKind)
}

/// What a worker sends the host (one JSON object per line on its standard output).
public enum WorkerMessage: Codable, Sendable {
    /// Append this event to the session's log, durably, and reply.
    case append(SessionEvent)
    /// Read what a storage scope holds now, and reply.
    case read(StorageScope, key: String)
    /// A step is under way (a replay says so before each step it re-runs): the watchdog
    /// times steps from these.
    case stepping(Int)
    /// The step (or the replay) is done: what the session shows now.
    case report(StepReport)
    /// The input does not fit the session; nothing was logged or run.
    case refused(String, code: SessionError.Code?)
    /// The session cannot go on in this worker (its log does not replay, say).
    case broken(String)
    /// A screen's view, as asked.
    case view(SessionView?)
}

/// The host's answer to a worker's log request.
public enum LogReply: Codable, Sendable {
    case appended(Int)
    case value(StoredValue?)
    /// The store refused a storage write (its scope is full); nothing was written.
    case refused(String)
    /// The store failed; the session halts.
    case failed(String)
}
