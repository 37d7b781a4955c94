import Dispatch
import Foundation
import KraftfeltEngine
import KraftfeltHost
import KraftfeltLua
import KraftfeltStore

/// The command line runs a session in its own process, so when a step is stuck where no
/// limit inside Lua reaches (a loop in C), the process itself must end: the watchdog logs
/// the stop (for a live step of a stored session), marks the session failed, gives up its
/// lease, says why, and exits with 1. The session then replays to the same end.
enum Supervision {
    /// A stored session this process runs: where to log a stop.
    struct Stored: Sendable {
        let store: any SessionStore
        let id: String
        /// The lease this process holds on it now.
        let lease: @Sendable () -> SessionLease?

        init(store: any SessionStore, id: String, keeper: LeaseKeeper) {
            self.init(store: store, id: id, lease: { keeper.lease })
        }

        init(store: any SessionStore, id: String, lease: @escaping @Sendable () -> SessionLease?) {
            self.store = store
            self.id = id
            self.lease = lease
        }
    }

    /// Watches a VM's steps for as long as the result lives (stop it when done).
    static func watch(_ activity: Activity, limits: SandboxLimits, stored: Stored? = nil) -> StepWatchdog {
        let seconds = limits.secondsPerRun ?? 60
        return StepWatchdog(watching: activity, seconds: seconds + StepWatchdog.grace) { replaying in
            let stop = StopRecord.watchdog(seconds: seconds)
            let message =
                replaying
                ? "replaying the session took longer than \(Int(2 * (seconds + StepWatchdog.grace))) seconds for "
                    + "one step; nothing was changed"
                : stop.message
            if let stored, !replaying {
                // The store gets a few seconds; the process ends either way.
                let done = DispatchSemaphore(value: 0)
                Thread {
                    record(stop, in: stored)
                    done.signal()
                }.start()
                _ = done.wait(timeout: .now() + 5)
            }
            Terminal.line("error: \(message)")
            _exit(1)
        }
    }

    private static func record(_ stop: StopRecord, in stored: Stored) {
        guard let lease = stored.lease() else { return }
        if let events = try? stored.store.events(of: stored.id) {
            _ = try? stored.store.append(
                .stopped(stop, at: events.last?.at ?? 0), to: stored.id, seq: events.count + 1, lease: lease)
        }
        try? stored.store.setState(stored.id, "failed: \(stop.message)", lease: lease)
        try? stored.store.release(lease)
    }
}
