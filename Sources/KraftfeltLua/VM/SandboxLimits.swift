/// The limits every script runs under. Instructions and time are per *step*: what a
/// host runs for one input (every script run it sets off shares them; see
/// ``LuaVM/beginStep(replaying:stoppingAt:)``), or per run outside a step; memory is for
/// the VM as a whole.
public struct SandboxLimits: Codable, Hashable, Sendable {
    /// Bytes the Lua heap may hold. `nil`: unlimited.
    public var memoryBytes: Int?
    /// Work units per step: VM instructions, and the work library functions and host
    /// calls charge (see `docs/security.md`). `nil`: unlimited.
    public var instructionsPerRun: Int64?
    /// Wall-clock seconds per step. `nil`: unlimited.
    public var secondsPerRun: Double?
    /// Largest source text `load` accepts from the host, in bytes.
    public var sourceBytes: Int
    /// How many instructions pass between two checks of the budget and the deadline.
    public var hookInterval: Int32

    public init(
        memoryBytes: Int? = 64 << 20,
        instructionsPerRun: Int64? = 100_000_000,
        secondsPerRun: Double? = 2,
        sourceBytes: Int = 1 << 20,
        hookInterval: Int32 = 1000
    ) {
        self.memoryBytes = memoryBytes
        self.instructionsPerRun = instructionsPerRun
        self.secondsPerRun = secondsPerRun
        self.sourceBytes = sourceBytes
        self.hookInterval = hookInterval
    }

    /// 64 MiB, 100 million instructions and 2 seconds per run, 1 MiB of source.
    public static let standard = SandboxLimits()

    /// No memory cap, no budget, no deadline, no hook: for measuring the hook's cost only.
    public static let unlimited = SandboxLimits(
        memoryBytes: nil, instructionsPerRun: nil, secondsPerRun: nil, hookInterval: 0)
}
