import Dispatch
import Foundation
import KraftfeltEngine
import KraftfeltLua
import KraftfeltStore
import Synchronization

/// One live session, owned by this runtime alone: its engine, its log, its clock and its
/// subscribers.
///
/// Everything that touches the engine runs on the runtime's own serial `DispatchQueue`
/// (never on Swift's cooperative pool, never on an event loop): Lua and store calls block,
/// and may block there. Clients call ``submit(_:)`` from any task; inputs that arrive while
/// a batch is being applied wait, and are then applied together, in arrival order, and
/// stored in **one** transaction; every caller of the batch is acknowledged only after it
/// committed. A commit that fails acknowledges none of its batch, and the runtime loads the
/// session again from its log.
///
/// Time comes from a ``HostClock``: the runtime stamps every input with the session time
/// (monotonic, mapped to the session's start) and schedules the next timer from the
/// engine's next deadline; a deadline that passed while the host was down fires at once.
public final class SessionRuntime: @unchecked Sendable {
    // `@unchecked Sendable`: the mutable state below `queue` is touched only on `queue`;
    // the rest is immutable or behind a `Mutex`.
    public let id: String
    public let record: SessionRecord
    let queue: DispatchQueue
    private let clock: any HostClock
    private let store: any SessionStore
    private let lease: SessionLease?
    private let makeEngine: EngineFactory

    // Confined to `queue`.
    /// Set whenever a new engine takes over (loaded again, a step back): every view is
    /// looked at again, whatever its engine says it touched.
    private var engine: any RuntimeEngine { didSet { engineReplaced = true } }
    private var engineReplaced = true
    private var log: StoredSessionLog { engine.log }
    private var origin: (monotonic: Int64, session: Int64)
    private var scheduled: ScheduledAction?
    private var scheduledDeadline: Int64?
    private var broken: KraftfeltError?
    private var savedState: String?
    /// Set after a timer's end could not be applied: the next try waits until then.
    private var retryTimersAt: Int64?
    /// Added to the engine's revision: a new engine (after a reload or a step back) starts
    /// counting again, and the views' revisions must never go back.
    private var revisionBase = 0
    private var isClosed = false

    private struct Waiting {
        let input: SessionInput
        let reply: CheckedContinuation<Result<Receipt, KraftfeltError>, Never>
    }

    private struct Inbox {
        var waiting: [Waiting] = []
        var draining = false
        var closed = false
    }

    private struct Subscriber {
        let kind: ViewKind
        let continuation: AsyncStream<SessionView>.Continuation
        var last: SessionView?
    }

    /// Every subscription by key, and the keys by participant: a publish after an answer
    /// looks only at the answerer's phones and the trainer's screens.
    private struct Subscribers {
        var all: [Int: Subscriber] = [:]
        var ofParticipant: [String: Set<Int>] = [:]
        var screens: Set<Int> = []

        mutating func add(_ key: Int, _ subscriber: Subscriber) {
            all[key] = subscriber
            if case .participant(let who) = subscriber.kind {
                ofParticipant[who, default: []].insert(key)
            } else {
                screens.insert(key)
            }
        }

        mutating func remove(_ key: Int) {
            guard let subscriber = all.removeValue(forKey: key) else { return }
            if case .participant(let who) = subscriber.kind {
                ofParticipant[who]?.remove(key)
                if ofParticipant[who]?.isEmpty == true { ofParticipant.removeValue(forKey: who) }
            } else {
                screens.remove(key)
            }
        }

        /// The subscriptions to look at: all, or the screens' and those of `touched`.
        func of(_ touched: Set<String>?) -> [(key: Int, value: Subscriber)] {
            guard let touched else { return Array(all) }
            var keys = screens
            for who in touched { keys.formUnion(ofParticipant[who] ?? []) }
            return keys.compactMap { key in all[key].map { (key, $0) } }
        }
    }

    private let inbox = Mutex(Inbox())
    /// Set by ``close()``: no new subscription is taken.
    private let closing = Atomic<Bool>(false)
    private let subscribers = Mutex(Subscribers())
    private let nextSubscriber = Atomic<Int>(0)

    /// What the runtime measured: batches committed, inputs in them, and how late each
    /// timer fired (milliseconds after its deadline on the monotonic clock).
    public struct Statistics: Sendable {
        public var batches = 0
        public var inputs = 0
        public var timerLateness: [Int64] = []
    }
    private let statistics = Mutex(Statistics())

    /// Loads a stored session: its log is replayed (a step the log ends in the middle of
    /// goes on live), and its clock maps to the time that passed since its last event.
    init(
        record: SessionRecord, store: any SessionStore, lease: SessionLease?, clock: any HostClock,
        modules: [HostModule], workers: SessionWorker.Configuration? = nil, everyAnswer: Bool = false
    ) throws(KraftfeltError) {
        self.id = record.id
        self.record = record
        self.store = store
        self.lease = lease
        self.clock = clock
        if let workers {
            makeEngine = { record, log, events in
                try WorkerEngine(record: record, log: log, replaying: events, configuration: workers)
            }
        } else {
            makeEngine = { record, log, events in
                try InProcessEngine(
                    record: record, log: log, replaying: events, modules: modules, everyAnswer: everyAnswer)
            }
        }
        // A serial queue of its own, targeting no shared queue: Dispatch then gives it a
        // thread whenever it has work, however many other sessions block in Lua or in the
        // store. Behind a shared concurrent queue, sessions waited for one of two threads
        // while others synced to disk (timers 16 ms late at p99 with 1,000 sessions, 1 ms
        // now; see docs/performance.md).
        self.queue = DispatchQueue(label: "kraftfelt session \(record.id)")
        engine = try Self.load(record, store: store, lease: lease, makeEngine)
        let sinceStart = clock.wall() - record.definition.startedAt * 1000
        origin = (clock.monotonic(), max(engine.now, min(sinceStart, SessionLimits.latestEventTime)))
        savedState = record.state
    }

    private static func load(
        _ record: SessionRecord, store: any SessionStore, lease: SessionLease?, _ makeEngine: EngineFactory
    ) throws(KraftfeltError) -> any RuntimeEngine {
        do {
            let log = try StoredSessionLog(store: store, session: record.id, lease: lease)
            return try makeEngine(record, log, log.events)
        } catch {
            throw KraftfeltError.from(error)
        }
    }

    /// Sets the next timer from the loaded state (one that is due already fires at once).
    func activate() {
        queue.async { self.afterWork() }
    }

    // MARK: Inputs

    /// Submits an input and returns once it is in the log, durably.
    /// - Throws: the session's refusal (nothing is logged), ``KraftfeltError/Code/storageUnavailable``
    ///   when the store failed (the input is not acknowledged; the runtime has reloaded the
    ///   session from its log), ``KraftfeltError/Code/shuttingDown`` after ``close()``.
    @discardableResult
    public func submit(_ input: SessionInput) async throws(KraftfeltError) -> Receipt {
        let result = await withCheckedContinuation {
            (reply: CheckedContinuation<Result<Receipt, KraftfeltError>, Never>) in
            let startDrain = inbox.withLock { inbox -> Bool? in
                guard !inbox.closed else { return nil }
                inbox.waiting.append(Waiting(input: input, reply: reply))
                if inbox.draining { return false }
                inbox.draining = true
                return true
            }
            switch startDrain {
            case nil: reply.resume(returning: .failure(KraftfeltError(.shuttingDown, "the host is shutting down")))
            case true?: queue.async { self.drain() }
            case false?: break
            }
        }
        return try result.get()
    }

    /// Starts the session: its `start` event with these parameters (once).
    public func start(parameters: [String: String]) async throws(KraftfeltError) {
        try await onQueueThrowing { () throws(KraftfeltError) in
            guard !self.isClosed else { throw KraftfeltError(.shuttingDown, "the host is shutting down") }
            do {
                try self.engine.submit(
                    self.record.definition.startEvent(exercise: self.record.exercise, parameters: parameters))
            } catch {
                throw KraftfeltError.from(error)
            }
            self.afterWork()
        }
    }

    /// Applies every input waiting, commits them together, then answers their callers.
    private func drain() {
        let batch = inbox.withLock { inbox -> [Waiting] in
            let batch = inbox.waiting
            inbox.waiting = []
            if batch.isEmpty { inbox.draining = false }
            return batch
        }
        guard !batch.isEmpty else { return }
        if broken != nil { reloadIfBroken() }
        var results: [Result<Receipt, KraftfeltError>] = []
        results.reserveCapacity(batch.count)
        if let broken {
            results = batch.map { _ in .failure(broken) }
        } else {
            log.hold()
            for item in batch {
                // A store that failed under the batch (a storage write inside a step) ends
                // it: the commit below throws, and nobody in the batch is acknowledged.
                guard log.failure == nil, engine.isAlive else {
                    results.append(.failure(KraftfeltError(.storageUnavailable, "the input was not stored; try again")))
                    continue
                }
                let at = sessionNow()
                let before = log.events.count
                do {
                    try engine.submit(item.input.event(at: at))
                    // The input follows the check of the step before, if one was due.
                    let events = log.events
                    let number =
                        before <= events.count
                        ? events[before...].firstIndex { !$0.isEffect }.map { $0 + 1 } ?? events.count : events.count
                    results.append(.success(Receipt(event: number, revision: revisionBase + engine.revision, at: at)))
                } catch {
                    results.append(.failure(KraftfeltError.from(error)))
                }
            }
            do throws(StoreError) {
                try log.commit()
                if let failure = log.failure { throw failure }
            } catch {
                let failure = KraftfeltError(
                    .storageUnavailable, "the input was not stored (\(error.message)); try again")
                results = results.map { _ in .failure(failure) }
                broken = failure
                reloadIfBroken()
            }
            statistics.withLock {
                $0.batches += 1
                $0.inputs += batch.count
            }
            if !engine.isAlive && broken == nil {
                // Its worker died between steps: the session goes on in a new one, from
                // its log (what this batch committed is in it).
                broken = KraftfeltError(.broken, "the session's worker ended")
                reloadIfBroken()
            }
        }
        for (item, result) in zip(batch, results) { item.reply.resume(returning: result) }
        afterWork()
        // More may have arrived meanwhile: take them next, after what else waits on the queue.
        queue.async { self.drain() }
    }

    /// Loads the session again from its log after a failed commit (what the engine applied
    /// but the store did not keep is gone with the old engine).
    private func reloadIfBroken() {
        let reached = revisionBase + engine.revision
        engine.close()
        do {
            engine = try Self.load(record, store: store, lease: lease, makeEngine)
            revisionBase = max(revisionBase, reached + 1 - engine.revision)
            broken = nil
        } catch {
            broken = KraftfeltError(.storageUnavailable, "the session could not be loaded again: \(error.message)")
        }
    }

    // MARK: Step back

    /// Takes back the trainer's last advance or skip: the log loses that action, the
    /// session is replayed to just before it, and every input that came after it is applied
    /// again where it still fits (an answer to a question the advance opened does not).
    /// A skipped timer gets back the time it had left. The new log replaces the old in one
    /// transaction.
    /// - Throws: ``KraftfeltError/Code/nothingToUndo`` when there is no advance or skip to
    ///   take back, or the step after it kept data in storage (that cannot be taken back);
    ///   ``KraftfeltError/Code/ended`` when the session has ended.
    @discardableResult
    public func stepBack() async throws(KraftfeltError) -> StepBack {
        let result: Result<StepBack, KraftfeltError> = await onQueue {
            do throws(KraftfeltError) { return .success(try self.takeBackLastStep()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func takeBackLastStep() throws(KraftfeltError) -> StepBack {
        guard !isClosed else { throw KraftfeltError(.shuttingDown, "the host is shutting down") }
        if broken != nil { reloadIfBroken() }
        if let broken { throw broken }
        guard engine.state == .running else {
            throw KraftfeltError(.ended, "the session has ended; there is no step to take back")
        }
        let events = log.events
        guard
            let index = events.lastIndex(where: {
                switch $0 {
                case .trainer(.advance, _), .trainer(.skip, _): true
                default: false
                }
            }), case .trainer(let undone, let undoneAt) = events[index]
        else {
            throw KraftfeltError(.nothingToUndo, "there is no advance or skip to take back")
        }
        let after = events[(index + 1)...]
        if after.contains(where: { if case .stored(let write, _) = $0 { write.refused == nil } else { false } }) {
            throw KraftfeltError(
                .nothingToUndo,
                "the step after the trainer's last \(undone.name) kept data in storage (s:remember or s:add); "
                    + "it cannot be taken back")
        }
        let kept = Array(events[..<index])
        let newLog = StoredSessionLog(replacing: store, session: id, lease: lease, keeping: kept)
        let fresh: any RuntimeEngine
        do {
            fresh = try makeEngine(record, newLog, kept)
        } catch {
            throw KraftfeltError(
                .broken, "the log before the step does not replay: \(KraftfeltError.from(error).message)")
        }
        var report = StepBack(undone: undone, at: undoneAt, kept: 0, dropped: [])
        for event in after where !event.isEffect {
            if case .timerEnded = event { continue }  // timers run again from the state before
            do {
                try fresh.submit(event)
                report.kept += 1
            } catch {
                report.dropped.append(StepBack.Dropped(input: event, reason: KraftfeltError.from(error).message))
            }
        }
        if newLog.failure != nil {
            fresh.close()
            throw KraftfeltError(
                .nothingToUndo,
                "the steps after the trainer's last \(undone.name) would keep data in storage again; "
                    + "they cannot be taken back")
        }
        if case .skip(let timer) = undone, fresh.state == .running {
            // The timer gets back the time it had left when it was skipped.
            let seconds = min(3600, max(1, (sessionNow() - undoneAt + 999) / 1000))
            try? fresh.submit(.trainer(.extend(timer: timer, seconds: seconds), at: max(fresh.now, sessionNow())))
        }
        do throws(StoreError) {
            try newLog.commit()
            if let failure = newLog.failure { throw failure }
        } catch {
            fresh.close()
            throw KraftfeltError(
                .storageUnavailable, "the step back was not stored (\(error.message)); nothing changed")
        }
        let reached = revisionBase + engine.revision
        engine.close()
        engine = fresh
        revisionBase = max(revisionBase, reached + 1 - engine.revision)
        afterWork()
        return report
    }

    // MARK: Time

    /// The session time now: the clock's, never before the last event.
    private func sessionNow() -> Int64 {
        let elapsed = clock.monotonic() - origin.monotonic
        return min(max(engine.now, origin.session + elapsed), SessionLimits.latestEventTime)
    }

    /// After the engine changed: save a new state, tell subscribers, set the next timer.
    private func afterWork() {
        saveStateIfChanged()
        publish()
        reschedule()
    }

    private func reschedule() {
        guard !isClosed, broken == nil, engine.state == .running, let next = engine.nextDeadline else {
            scheduled?.cancel()
            scheduled = nil
            scheduledDeadline = nil
            return
        }
        if scheduled != nil && scheduledDeadline == next.at { return }
        scheduled?.cancel()
        let due = max(origin.monotonic + (next.at - origin.session), retryTimersAt ?? .min)
        scheduledDeadline = next.at
        scheduled = clock.schedule(at: due, on: queue) { [weak self] in self?.fireTimers(due: due) }
    }

    /// Ends every timer whose deadline has come, in deadline order, as one batch.
    private func fireTimers(due: Int64) {
        scheduled = nil
        scheduledDeadline = nil
        guard !isClosed else { return }
        let late = clock.monotonic() - due
        statistics.withLock {
            if $0.timerLateness.count >= 100_000 { $0.timerLateness.removeFirst(50_000) }
            $0.timerLateness.append(max(0, late))
        }
        if broken != nil || !engine.isAlive {
            broken = broken ?? KraftfeltError(.broken, "the session's worker ended")
            reloadIfBroken()
        }
        var fired = 0
        if broken == nil {
            log.hold()
            while engine.state == .running, engine.isAlive, log.failure == nil, let next = engine.nextDeadline,
                next.at <= sessionNow(), fired < 10_000
            {
                do {
                    try engine.submit(.timerEnded(timer: next.timer, at: sessionNow()))
                } catch {
                    break
                }
                fired += 1
            }
            do throws(StoreError) {
                try log.commit()
                if let failure = log.failure { throw failure }
            } catch {
                fired = 0
                broken = KraftfeltError(.storageUnavailable, "a timer's end was not stored (\(error.message))")
                reloadIfBroken()
            }
        }
        // Nothing moved on (the store or the worker failed): try again in a second, not at once.
        retryTimersAt = fired == 0 ? clock.monotonic() + 1000 : nil
        afterWork()
    }

    // MARK: Views

    /// A screen's view now; nil for a participant who never joined.
    public func view(_ kind: ViewKind) async -> SessionView? {
        await onQueue { self.currentView(kind) }
    }

    /// The views of one screen as they change: the current one first (unless the client's
    /// `revision` is the current one already: it has seen it), then each new one that
    /// shows something else. A slow reader gets the newest (views are states, not deltas).
    public func updates(of kind: ViewKind, after revision: Int? = nil) -> AsyncStream<SessionView> {
        let (stream, continuation) = AsyncStream.makeStream(of: SessionView.self, bufferingPolicy: .bufferingNewest(1))
        let key = nextSubscriber.add(1, ordering: .relaxed).newValue
        // Registered at once, so that an end of the stream (which removes it) always comes after.
        let open = subscribers.withLock { subscribers -> Bool in
            guard !closing.load(ordering: .relaxed) else { return false }
            subscribers.add(key, Subscriber(kind: kind, continuation: continuation, last: nil))
            return true
        }
        guard open else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { $0.remove(key) }
        }
        queue.async {
            guard let view = self.currentView(kind) else { return }
            let stillThere = self.subscribers.withLock { subscribers -> Bool in
                guard subscribers.all[key] != nil else { return false }
                subscribers.all[key]?.last = view
                return true
            }
            if stillThere, revision.map({ $0 < view.revision }) ?? true { continuation.yield(view) }
        }
        return stream
    }

    private func currentView(_ kind: ViewKind) -> SessionView? {
        engine.view(kind)?.offset(by: revisionBase)
    }

    private func publish() {
        // Only the phones whose views may have changed are looked at (an answer changes
        // the answerer's): in a room of thousands, each answer would otherwise cost a
        // view of everyone's phone.
        // (A subscription whose first view has not gone out yet gets the view of its
        // time from ``updates(of:after:)``, which runs on this queue after it.)
        let taken = engine.takeTouchedParticipants()
        let touched = engineReplaced ? nil : taken
        engineReplaced = false
        let current = subscribers.withLock { $0.of(touched) }
        guard !current.isEmpty else { return }
        var sent: [Int: SessionView] = [:]
        var cache: [ViewKind: SessionView] = [:]
        for (key, subscriber) in current {
            guard let view = cache[subscriber.kind] ?? currentView(subscriber.kind) else { continue }
            cache[subscriber.kind] = view
            if subscriber.last.map({ $0.content == view.content }) ?? false { continue }
            subscriber.continuation.yield(view)
            sent[key] = view
        }
        subscribers.withLock { subscribers in
            for (key, view) in sent { subscribers.all[key]?.last = view }
        }
    }

    // MARK: Reading

    /// The session's transcript so far.
    public func transcript() async -> String { await onQueue { self.engine.transcript } }

    /// The session's state, as the store keeps it.
    public func state() async -> String { await onQueue { Self.describe(self.engine.state) } }

    /// The session time now.
    public func now() async -> Int64 { await onQueue { self.sessionNow() } }

    /// The session's state in the engine (with its error when it failed).
    public func sessionState() async -> Session.State { await onQueue { self.engine.state } }

    /// The measures the scripts took so far.
    public func measures() async -> [Measure] { await onQueue { self.engine.measures } }

    /// What `s:follow_up` asked in this session, or nil when no script asked.
    public func followUpRequest() async -> FollowUpRequest? { await onQueue { self.engine.followUp } }

    /// Whether the engine's scripts run now: what a watchdog on another thread watches (nil
    /// when they run in a worker process, which its own watchdog times).
    public func activity() async -> Activity? { await onQueue { self.engine.activity } }

    /// The process id of the worker that runs the session's scripts, if they run in one
    /// (for diagnostics and tests).
    public func workerProcess() async -> Int32? {
        await onQueue { (self.engine as? WorkerEngine)?.worker.processIdentifier }
    }

    /// What the runtime measured so far.
    public var measured: Statistics { statistics.withLock { $0 } }

    /// The log's events (for tests and exports).
    public func events() async -> [SessionEvent] { await onQueue { self.log.events } }

    /// Refuses inputs from now on and ends the subscriptions; the session stays in the
    /// store as it is (a host that starts again resumes it).
    public func close() async {
        closing.store(true, ordering: .relaxed)
        let waiting = inbox.withLock { inbox -> [Waiting] in
            inbox.closed = true
            defer { inbox.waiting = [] }
            return inbox.waiting
        }
        for item in waiting {
            item.reply.resume(returning: .failure(KraftfeltError(.shuttingDown, "the host is shutting down")))
        }
        await onQueue {
            self.isClosed = true
            self.scheduled?.cancel()
            self.scheduled = nil
            self.engine.close()
        }
        for subscriber in subscribers.withLock({ $0.all.values }) { subscriber.continuation.finish() }
    }

    /// How a session's state is stored.
    public static func describe(_ state: Session.State) -> String {
        switch state {
        case .notStarted: "open"
        case .running: "running"
        case .finished: "finished"
        case .failed(let error): "failed: \(error.message)"
        }
    }

    private func saveStateIfChanged() {
        // A session not started yet keeps the state it was stored with.
        guard engine.state != .notStarted else { return }
        let state = Self.describe(engine.state)
        guard state != savedState else { return }
        do {
            try store.saveOutcome(
                id, state: state, exercises: record.runs(engine.exercises), measures: engine.measures, lease: lease)
            savedState = state
        } catch {
            // Kept for the next change: the log has the truth, listings catch up.
        }
    }

    /// Runs `body` on the runtime's queue and returns its result.
    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }

    private func onQueueThrowing(_ body: @escaping @Sendable () throws(KraftfeltError) -> Void)
        async throws(KraftfeltError)
    {
        let result: Result<Void, KraftfeltError> = await onQueue { () -> Result<Void, KraftfeltError> in
            do throws(KraftfeltError) { try body() } catch { return .failure(error) }
            return .success(())
        }
        try result.get()
    }
}
