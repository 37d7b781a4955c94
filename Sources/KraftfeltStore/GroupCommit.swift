import Dispatch
import KraftfeltEngine
import Synchronization

/// Group commit: appends that arrive while a commit is under way are written together,
/// in one transaction with one sync, and each caller returns only once that transaction
/// has committed.
///
/// One caller at a time leads: it takes every append waiting, hands them to `commit`
/// (which runs each in its own savepoint, so one refused append does not undo the
/// others), wakes their callers with their results, and passes the lead to the first
/// caller that arrived meanwhile. A caller alone pays exactly what a single transaction
/// costs; a hundred callers at once pay one sync instead of a hundred.
final class GroupCommit<Work: Sendable>: Sendable {
    /// One caller's append, waiting for its result or for the lead.
    ///
    /// `@unchecked Sendable` is safe: `work` is immutable and `Sendable`; `result` is
    /// written only by the leader, and only before it signals `wake`, and read only by
    /// the slot's own caller after `wait` returns. The semaphore's signal/wait pair orders
    /// that write before that read, and nobody touches `result` otherwise.
    final class Slot: @unchecked Sendable {
        let work: Work
        let wake = DispatchSemaphore(value: 0)
        /// Set before `wake` is signalled (the semaphore orders the write before the read);
        /// nil on waking means this caller now leads.
        var result: Result<Int, StoreError>?

        init(_ work: Work) { self.work = work }
    }

    private struct State {
        var waiting: [Slot] = []
        var leading = false
    }

    private let state = Mutex(State())
    /// How many transactions have been committed, and how many appends they held.
    let committed = Atomic<Int>(0)
    let appended = Atomic<Int>(0)
    init() {}

    /// Submits one append and waits until it is committed (or refused).
    /// - Parameter commit: commits a batch, one result per append, in order (a failure
    ///   of the whole transaction is the result of every append in it). Whoever leads
    ///   uses their own; every caller of one store passes the same.
    func submit(_ work: Work, commit: ([Work]) -> [Result<Int, StoreError>]) throws(StoreError) -> Int {
        let slot = Slot(work)
        let leads = state.withLock { state in
            state.waiting.append(slot)
            if state.leading { return false }
            state.leading = true
            return true
        }
        if !leads {
            slot.wake.wait()
            if let result = slot.result { return try result.get() }
        }
        let batch = state.withLock { state in
            let batch = state.waiting
            state.waiting = []
            return batch
        }
        let results = commit(batch.map(\.work))
        committed.add(1, ordering: .relaxed)
        appended.add(batch.count, ordering: .relaxed)
        for (member, result) in zip(batch, results) where member !== slot {
            member.result = result
            member.wake.signal()
        }
        let next = state.withLock { state -> Slot? in
            guard let next = state.waiting.first else {
                state.leading = false
                return nil
            }
            return next
        }
        next?.wake.signal()
        return try results[batch.firstIndex { $0 === slot }!].get()
    }
}

/// An append waiting to be committed: one event, or several of one session that must be
/// committed together (numbered from `seq` on).
struct PendingAppend: Sendable {
    struct Entry: Sendable {
        let event: SessionEvent
        let text: String
    }

    let session: String
    /// The number of the first entry, when the caller knows it.
    let seq: Int?
    let entries: [Entry]
    /// The writer's lease on the session, checked in the transaction that appends.
    let lease: SessionLease?

    init(session: String, seq: Int?, event: SessionEvent, text: String, lease: SessionLease?) {
        self.init(session: session, seq: seq, entries: [Entry(event: event, text: text)], lease: lease)
    }

    /// Several events of one session, each encoded for the store.
    init(session: String, seq: Int, events: [SessionEvent], lease: SessionLease?) throws(StoreError) {
        var entries: [Entry] = []
        entries.reserveCapacity(events.count)
        for event in events { entries.append(Entry(event: event, text: try StoredForm.encode(event))) }
        self.init(session: session, seq: seq, entries: entries, lease: lease)
    }

    init(session: String, seq: Int?, entries: [Entry], lease: SessionLease?) {
        self.session = session
        self.seq = seq
        self.entries = entries
        self.lease = lease
    }

    /// True when the append needs a transaction of its own: several events, or a script's
    /// storage write, which changes the storage table too.
    var needsTransaction: Bool {
        entries.count > 1
            || entries.contains { if case .stored(let write, _) = $0.event { write.refused == nil } else { false } }
    }
}
