import KraftfeltEngine

/// A worker's session log: every append and every read of shared storage goes to the
/// host, which owns the store, and waits for its answer. The worker itself holds no
/// connection to any store.
final class RemoteLog: SessionLog {
    private let channel: LineChannel
    private(set) var events: [SessionEvent]

    init(channel: LineChannel, events: [SessionEvent]) {
        self.channel = channel
        self.events = events
    }

    /// - Throws: ``StorageError`` when the store refuses a storage write, a
    ///   ``SessionError`` when the store (or the line to the host) fails.
    @discardableResult
    func append(_ event: SessionEvent) throws -> Int {
        switch try ask(.append(event)) {
        case .appended(let seq):
            events.append(event)
            return seq
        case .refused(let message): throw StorageError(message)
        case .failed(let message): throw SessionError(message)
        case .value: throw SessionError("the host answered an append with a value")
        }
    }

    func storedValue(_ scope: StorageScope, key: String) throws -> StoredValue? {
        switch try ask(.read(scope, key: key)) {
        case .value(let value): return value
        case .failed(let message), .refused(let message): throw SessionError(message)
        case .appended: throw SessionError("the host answered a read with an append")
        }
    }

    private func ask(_ message: WorkerMessage) throws -> LogReply {
        do {
            try channel.send(message)
            guard case .reply(let reply) = try channel.receive(WorkerRequest.self) else {
                throw SessionError("the host sent something other than the answer to a log request")
            }
            return reply
        } catch let error as LineChannel.Failure {
            throw SessionError("the line to the host failed: \(error)")
        }
    }
}
