/// Where a session's events are kept. Appending must be durable before it returns: an
/// event is acknowledged only once it is in the log.
public protocol SessionLog: AnyObject {
    /// Appends one event; returns its sequence number (1, 2, …).
    @discardableResult
    func append(_ event: SessionEvent) throws -> Int
    /// Every event so far, in order.
    var events: [SessionEvent] { get }
}

/// A log in memory: for rehearsals and tests.
public final class MemoryLog: SessionLog {
    public private(set) var events: [SessionEvent] = []

    public init() {}

    @discardableResult
    public func append(_ event: SessionEvent) throws -> Int {
        events.append(event)
        return events.count
    }
}
