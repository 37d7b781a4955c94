import Foundation
import KraftfeltLua
import Synchronization

/// A thread that watches one VM's activity and calls `onStuck` once when a step (or a run)
/// has gone on longer than `seconds`: the script's time limit and a grace period, when no
/// limit inside Lua could stop it. For hosts that run a session in their own process (the
/// command line), where a stuck step cannot be killed, only the process.
public final class StepWatchdog: Sendable {
    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }
    private let stopped = Flag()

    /// Starts watching.
    /// - Parameters:
    ///   - activity: the VM's (``LuaVM/activity``, `Session.activity`).
    ///   - seconds: how long one step may run (twice that when it replays a logged one).
    ///   - onStuck: runs on the watchdog's thread, once; it is told whether the stuck step
    ///     was a replay (then nothing is to be logged: the step happened before).
    public init(watching activity: Activity, seconds: Double, onStuck: @escaping @Sendable (_ replaying: Bool) -> Void)
    {
        let thread = Thread { [stopped] in
            var seen: UInt64 = 0
            var since = ContinuousClock.now
            while !stopped.value.load(ordering: .relaxed) {
                let now = activity.current
                if now % 2 == 1 {
                    if now != seen || activity.paused {
                        seen = now
                        since = .now
                    } else if since.duration(to: .now) > .seconds(activity.replaying ? 2 * seconds : seconds) {
                        onStuck(activity.replaying)
                        return
                    }
                }
                usleep(20_000)
            }
        }
        thread.name = "kraftfelt watchdog"
        thread.start()
    }

    /// Stops watching.
    public func stop() { stopped.value.store(true, ordering: .relaxed) }

    deinit { stop() }

    /// Seconds after a step's time limit before a watchdog ends it.
    public static let grace = 3.0
}
