import Dispatch
import Foundation
import Synchronization

/// The clock live sessions run on: a monotonic time that never goes back, the wall-clock
/// time that maps it to days, and timers on a queue.
///
/// ``SystemClock`` is the real one; ``ManualClock`` is moved by hand, so tests and
/// benchmarks run a session's minutes instantly.
public protocol HostClock: Sendable {
    /// Milliseconds on a monotonic clock (from an arbitrary start; never goes back).
    func monotonic() -> Int64
    /// Milliseconds since 1970 (the wall clock: for a new session's start, and to find
    /// how much time passed while the host was down).
    func wall() -> Int64
    /// Runs `action` on `queue` once the monotonic clock reaches `at` (at once when it has).
    func schedule(at: Int64, on queue: DispatchQueue, _ action: @escaping @Sendable () -> Void) -> ScheduledAction
}

/// A scheduled action, until it runs or is cancelled.
public final class ScheduledAction: Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let onCancel: (@Sendable () -> Void)?

    /// - Parameter onCancel: what cancelling also does (a timer source is cancelled).
    public init(onCancel: (@Sendable () -> Void)? = nil) { self.onCancel = onCancel }

    /// The action will not run (when it has not started yet).
    public func cancel() {
        guard !cancelled.exchange(true, ordering: .relaxed) else { return }
        onCancel?()
    }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}

/// The machine's clocks: `DispatchTime` (monotonic: `CLOCK_MONOTONIC` on Linux) and the
/// system time.
public struct SystemClock: HostClock {
    public init() {}

    public func monotonic() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000) }

    public func wall() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// A timer source with a leeway of one millisecond: `asyncAfter` lets the system
    /// coalesce timers by up to a tenth of their delay, which would make a one-minute
    /// timer six seconds late.
    public func schedule(at: Int64, on queue: DispatchQueue, _ action: @escaping @Sendable () -> Void)
        -> ScheduledAction
    {
        let box = TimerSource(DispatchSource.makeTimerSource(queue: queue))
        let source = box.source
        let handle = ScheduledAction(onCancel: { box.source.cancel() })
        let delay = max(0, at - monotonic())
        source.schedule(deadline: .now() + .milliseconds(Int(clamping: delay)), leeway: .milliseconds(1))
        source.setEventHandler {
            box.source.cancel()
            if !handle.isCancelled { action() }
        }
        source.resume()
        return handle
    }
}

/// A timer source shared with the action that cancels it.
///
/// `@unchecked Sendable` is safe: the reference never changes, and a dispatch source's
/// `cancel()` may be called from any thread (libdispatch makes it atomic and idempotent).
private final class TimerSource: @unchecked Sendable {
    let source: any DispatchSourceTimer
    init(_ source: any DispatchSourceTimer) { self.source = source }
}

/// A clock that moves only when told: ``advance(by:)`` runs every action that falls due,
/// in time order, each on its queue, and returns once they have run.
public final class ManualClock: HostClock {
    private struct Pending {
        let at: Int64
        let order: Int
        let queue: DispatchQueue
        let handle: ScheduledAction
        let action: @Sendable () -> Void
    }

    private struct State {
        var now: Int64
        var wallOffset: Int64
        var pending: [Pending] = []
        var order = 0
    }

    private let state: Mutex<State>

    /// A clock at monotonic `start`, whose wall clock reads `wall` then.
    public init(start: Int64 = 0, wall: Int64 = 1_767_225_600_000) {
        state = Mutex(State(now: start, wallOffset: wall - start))
    }

    public func monotonic() -> Int64 { state.withLock { $0.now } }

    public func wall() -> Int64 { state.withLock { $0.now + $0.wallOffset } }

    public func schedule(at: Int64, on queue: DispatchQueue, _ action: @escaping @Sendable () -> Void)
        -> ScheduledAction
    {
        let handle = ScheduledAction()
        let due = state.withLock { state -> Bool in
            if at <= state.now { return true }
            state.order += 1
            state.pending.append(Pending(at: at, order: state.order, queue: queue, handle: handle, action: action))
            return false
        }
        if due { queue.async { if !handle.isCancelled { action() } } }
        return handle
    }

    /// Moves the clock on by `milliseconds`, running what falls due on the way.
    public func advance(by milliseconds: Int64) { advance(to: monotonic() + max(0, milliseconds)) }

    /// Moves the clock to `target` (never back), running every action due by then in time
    /// order, each at its own time; an action may schedule more, which run too when due.
    public func advance(to target: Int64) {
        while true {
            let next = state.withLock { state -> Pending? in
                let live = state.pending.filter { !$0.handle.isCancelled }
                state.pending = live
                guard let first = live.min(by: { ($0.at, $0.order) < ($1.at, $1.order) }), first.at <= target else {
                    state.now = max(state.now, target)
                    return nil
                }
                state.pending.removeAll { $0.order == first.order }
                state.now = max(state.now, first.at)
                return first
            }
            guard let next else { return }
            next.queue.sync { if !next.handle.isCancelled { next.action() } }
        }
    }

    /// Moves the clock to `target` (never back) without running what falls due: it runs at
    /// the next ``advance(to:)``. A driver that must act at the very time a timer ends,
    /// before it ends, moves the clock there first.
    public func move(to target: Int64) {
        state.withLock { $0.now = max($0.now, target) }
    }

    /// The earliest time an action waits for, if any.
    public var nextDue: Int64? {
        state.withLock { state in state.pending.filter { !$0.handle.isCancelled }.map(\.at).min() }
    }
}
