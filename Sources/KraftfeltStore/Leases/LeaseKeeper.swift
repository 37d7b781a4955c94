import Dispatch
import Foundation
import Synchronization

/// Keeps a lease: renews it on a thread of its own a third of its time before it would
/// expire, until ``stop()``.
///
/// A renewal the store refuses with ``StoreError/Code/leaseLost`` ends the keeping: the
/// store refuses the holder's writes from then on, and ``stop()`` reports it. A renewal
/// that fails otherwise (a lost connection) is tried again at the next beat.
public final class LeaseKeeper: Sendable {
    private let store: any SessionStore
    private let seconds: Double
    private let state: Mutex<(lease: SessionLease, lost: StoreError?)>
    private let stopping = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)

    /// Starts renewing `lease` in `store`, each time for `seconds`.
    public init(store: any SessionStore, lease: SessionLease, seconds: Double = SessionLease.defaultSeconds) {
        self.store = store
        self.seconds = seconds
        self.state = Mutex((lease, nil))
        let thread = Thread { [self] in beat() }
        thread.name = "kraftfelt lease \(lease.session)"
        thread.start()
    }

    /// The lease as last renewed.
    public var lease: SessionLease { state.withLock { $0.lease } }

    /// Stops renewing and returns the lease as last renewed (again at once when called
    /// again).
    /// - Throws: ``StoreError/Code/leaseLost`` when a renewal found it taken over.
    @discardableResult
    public func stop() throws(StoreError) -> SessionLease {
        stopping.signal()
        ended.wait()
        ended.signal()  // so that a later stop returns at once
        let (lease, lost) = state.withLock { $0 }
        if let lost { throw lost }
        return lease
    }

    private func beat() {
        defer { ended.signal() }
        while stopping.wait(timeout: .now() + seconds / 3) == .timedOut {
            do {
                let renewed = try store.renew(lease, for: seconds)
                state.withLock { $0.lease = renewed }
            } catch  where error.code == .leaseLost {
                state.withLock { $0.lost = error }
                return
            } catch {
                continue  // the store is away for now; its writes fail meanwhile
            }
        }
    }
}
