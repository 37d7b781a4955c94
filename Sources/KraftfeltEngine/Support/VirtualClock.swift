import KraftfeltLua
import Synchronization

/// A session's clock: the time of the event being applied, so a replay reads the same times.
final class VirtualClock: Sendable {
    /// Seconds since 1970 at the session's start.
    let epoch: Int64
    private let millis = Atomic<Int64>(0)

    init(epoch: Int64) { self.epoch = epoch }

    /// Milliseconds since the session started.
    var now: Int64 {
        get { millis.load(ordering: .relaxed) }
        set { millis.store(newValue, ordering: .relaxed) }
    }

    var scriptClock: ScriptClock {
        ScriptClock(
            now: { [self] in  // a start time near the end of Int64 (a damaged record) saturates, never traps
                let (seconds, overflow) = epoch.addingReportingOverflow(now / 1000)
                return overflow ? .max : seconds
            },
            clock: { [self] in Double(now) / 1000 })
    }
}
