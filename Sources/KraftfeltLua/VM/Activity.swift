import Synchronization

/// Whether a VM is running a script now, for a watchdog on another thread. The VM reads no
/// clock for it: it only counts; the watchdog times what it sees.
public final class Activity: Sendable {
    /// Odd while a step (or a run outside a step) is under way; it grows by one at every
    /// start and end, so a watchdog can tell one long step from many short ones.
    private let counter = Atomic<UInt64>(0)
    private let replay = Atomic<Bool>(false)

    init() {}

    func enter(replaying: Bool = false) {
        replay.store(replaying, ordering: .relaxed)
        if counter.load(ordering: .relaxed) % 2 == 0 { counter.add(1, ordering: .releasing) }
    }

    /// True while the step under way replays a logged one.
    public var replaying: Bool { replay.load(ordering: .acquiring) }

    /// Host work that waits outside the script (the store) is under way: a watchdog does
    /// not count it. Nested pauses count.
    private let pauses = Atomic<Int>(0)
    func pause() { pauses.add(1, ordering: .releasing) }
    func resume() { pauses.subtract(1, ordering: .releasing) }
    public var paused: Bool { pauses.load(ordering: .acquiring) > 0 }

    func leave() {
        if counter.load(ordering: .relaxed) % 2 == 1 { counter.add(1, ordering: .releasing) }
    }

    /// The count now: odd while running.
    public var current: UInt64 { counter.load(ordering: .acquiring) }
}
