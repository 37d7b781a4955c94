import Foundation
import KraftfeltEngine
import KraftfeltStore

/// A stored session run by this process as its one writer: the lease is claimed first,
/// kept (renewed) while the session runs, the outcome is saved under it, and it is
/// released at the end, also when the run fails.
struct LeasedRun {
    let store: any SessionStore
    let record: SessionRecord
    let keeper: LeaseKeeper

    /// Claims the session's lease and starts keeping it.
    /// - Throws: the store's refusal naming who runs the session.
    init(store: any SessionStore, record: SessionRecord) throws(StoreError) {
        let lease = try store.claim(record.id, as: .current, for: SessionLease.defaultSeconds)
        self.store = store
        self.record = record
        self.keeper = LeaseKeeper(store: store, lease: lease)
    }

    /// The session's log; every append carries the lease.
    func log() throws(StoreError) -> StoredSessionLog {
        try StoredSessionLog(store: store, session: record.id, lease: keeper.lease)
    }

    /// Runs `body` with the lease held; saves the session's state, exercises and measures
    /// under it when `body` returns a session, and releases it in any case. When the
    /// driver gives up on the session (``SessionError``: it waits for ever, or its log does
    /// not fit), it is saved as failed with that error, so `resume` does not run it again.
    func run(_ body: () throws -> Session) throws -> Session {
        let session: Session
        do {
            session = try body()
        } catch let error as SessionError {
            if let lease = try? keeper.stop() {
                try? store.setState(record.id, "failed: \(error.message)", lease: lease)
                try? store.release(lease)
            }
            throw error
        } catch {
            abandon()
            throw error
        }
        // Taken over (leaseLost): another process runs it now, and saving would overwrite its state.
        let lease = try keeper.stop()
        defer { try? store.release(lease) }
        try store.saveOutcome(
            record.id, state: Self.describe(session.state), exercises: record.runs(session.exercises),
            measures: session.measures, lease: lease)
        return session
    }

    /// Stops keeping the lease and gives it up, after a run that failed.
    func abandon() {
        if let lease = try? keeper.stop() { try? store.release(lease) }
    }

    /// How a session's state is stored.
    static func describe(_ state: Session.State) -> String {
        switch state {
        case .notStarted: "open"
        case .running: "running"
        case .finished: "finished"
        case .failed(let error): "failed: \(error.message)"
        }
    }
}
