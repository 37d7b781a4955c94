import CKraftfeltLua

/// Where a limit stopped a step: which limit, and after how much work, counted in work
/// units from the step's start (instructions, and the work library functions and host
/// calls charge). Work is counted at check points that come at the same places in every
/// run of the same step, so a replay given this position stops exactly where the live
/// run stopped, whatever the clock says.
public struct StopPosition: Codable, Hashable, Sendable {
    public enum Limit: String, Codable, Sendable {
        case instructions, time, memory

        init?(reason: Int32) {
            switch reason {
            case Int32(KF_STOP_INSTRUCTIONS): self = .instructions
            case Int32(KF_STOP_DEADLINE): self = .time
            case Int32(KF_STOP_MEMORY): self = .memory
            default: return nil
            }
        }

        var reason: Int32 {
            switch self {
            case .instructions: Int32(KF_STOP_INSTRUCTIONS)
            case .time: Int32(KF_STOP_DEADLINE)
            case .memory: Int32(KF_STOP_MEMORY)
            }
        }
    }

    public var limit: Limit
    /// The step's work at the check point where it stopped.
    public var work: Int64

    public init(limit: Limit, work: Int64) {
        self.limit = limit
        self.work = work
    }
}
