import Foundation

/// The clock scripts read through `os.time`, `os.clock` and `os.date`.
///
/// The engine gives each session its own clock, so a replay reads the same times.
public struct ScriptClock: Sendable {
    /// Seconds since 1970, for `os.time()` and `os.date()`.
    public var now: @Sendable () -> Int64
    /// Seconds as a float, for `os.clock()`.
    public var clock: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Int64, clock: @escaping @Sendable () -> Double) {
        self.now = now
        self.clock = clock
    }

    /// The machine's clocks.
    public static let system = ScriptClock(
        now: { Int64(Date().timeIntervalSince1970) },
        clock: { Double(processCPUNanoseconds()) / 1e9 })

    /// A clock that always reads the same time: for reproducible runs.
    public static func fixed(_ seconds: Int64) -> ScriptClock {
        ScriptClock(now: { seconds }, clock: { 0 })
    }
}

/// CPU time of the process in nanoseconds, as C's `clock()` measures it.
private func processCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
