import Foundation

/// Who holds a session's lease: a process, named so that an operator can find it and a
/// claimant on the same host can tell whether it still runs.
public struct LeaseHolder: Hashable, Sendable {
    /// The host name (`gethostname`).
    public var host: String
    public var pid: Int32
    /// When the process started, in milliseconds since 1970 (0: unknown). With the pid it
    /// names one process: a pid used again by a later process has another start time.
    public var processStart: Int64
    /// The program (`kraftfelt`), for messages.
    public var program: String

    public init(host: String, pid: Int32, processStart: Int64, program: String) {
        self.host = host
        self.pid = pid
        self.processStart = processStart
        self.program = program
    }

    /// This process.
    public static let current = LeaseHolder(
        host: ProcessTable.hostName, pid: getpid(), processStart: startTime(of: getpid()),
        program: ProcessInfo.processInfo.processName)

    private static func startTime(of pid: Int32) -> Int64 {
        if case .running(let since?) = ProcessTable.state(of: pid) { since } else { 0 }
    }

    /// True when this holder is known to have stopped: it ran on this host, and no process
    /// with its pid (and start time, where the host tells it) runs now. A holder on
    /// another host is never known to have stopped: its lease expires instead.
    public var hasStopped: Bool {
        guard host == ProcessTable.hostName else { return false }
        switch ProcessTable.state(of: pid) {
        case .gone: return true
        case .running(let since?): return processStart != 0 && since != processStart
        case .running(nil): return false
        }
    }
}
