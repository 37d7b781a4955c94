import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What this host knows about its processes: its name, and whether a pid's process runs
/// and since when.
enum ProcessTable {
    /// Whether a process runs, and when it started (milliseconds since 1970) when that
    /// can be read.
    enum State: Equatable {
        case gone
        case running(since: Int64?)
    }

    /// This host's name, as `gethostname` gives it.
    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// The state of the process with this pid. A zombie (ended, not yet waited for) is
    /// gone. The start time is read from /proc on Linux; elsewhere it is unknown.
    static func state(of pid: Int32) -> State {
        guard pid > 0 else { return .gone }
        if kill(pid, 0) != 0 && errno == ESRCH { return .gone }
        #if os(Linux)
            // /proc may hide other users' processes (hidepid): then the pid runs, since unknown.
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return .running(since: nil) }
            // After "pid (name) ": the state is field 3, the start time (clock ticks since
            // boot) field 22.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if let state = fields.first, state == "Z" || state == "X" { return .gone }
            let perSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
            guard fields.count > 19, let ticks = Int64(fields[19]), perSecond > 0, let boot = bootTime else {
                return .running(since: nil)
            }
            return .running(since: boot * 1000 + ticks * 1000 / perSecond)
        #else
            return .running(since: nil)
        #endif
    }

    #if os(Linux)
        /// When this host booted, in seconds since 1970 (`btime` in /proc/stat).
        static let bootTime: Int64? = {
            guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
            for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
                return Int64(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
            }
            return nil
        }()
    #endif
}
