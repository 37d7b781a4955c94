import KraftfeltLua

/// One input to a session. Every input is appended to the session's log before it is
/// applied, and replaying the log re-runs the script to the same state.
public enum SessionEvent: Codable, Hashable, Sendable {
    /// The session began: what it runs, with which seed, at which wall-clock time.
    case start(SessionStart)
    case join(Participant, at: Int64)
    case leave(participant: String, at: Int64)
    /// A participant answered question `ask`.
    case answer(ask: Int, participant: String, value: Answer, at: Int64)
    /// A participant said their group is done with what its flow waits for (a timer):
    /// when everyone of the group who is here has said so, the group's timer ends early.
    case saidDone(participant: String, at: Int64)
    /// Timer `timer` ran out (a question's time limit is a timer too).
    case timerEnded(timer: Int, at: Int64)
    case trainer(TrainerAction, at: Int64)
    /// The script kept (or forgot) a value in storage. Logged when the script writes, so
    /// a replay takes the write from the log and never writes twice.
    case stored(StorageWrite, at: Int64)
    /// The script read a value that other sessions share; a replay reads it from here.
    case recalled(StorageRead, at: Int64)
    /// A limit stopped the scripts while they ran for the input before: where, and the
    /// error the session ended with. Logged before the failure is shown; a replay stops
    /// at the same place with the same error, whatever its own clock says.
    case stopped(StopRecord, at: Int64)
    /// The transcript after the input before: how many lines, and a hash of them. A replay
    /// that does not reproduce it says so and stops.
    case checked(OutputCheck, at: Int64)

    /// Milliseconds since the session started.
    public var at: Int64 {
        switch self {
        case .start: 0
        case .join(_, let at), .leave(_, let at), .answer(_, _, _, let at), .saidDone(_, let at),
            .timerEnded(_, let at),
            .trainer(_, let at), .stored(_, let at), .recalled(_, let at), .stopped(_, let at),
            .checked(_, let at):
            at
        }
    }

    /// True for what the scripts stored and read.
    public var isStorage: Bool {
        switch self {
        case .stored, .recalled: true
        default: false
        }
    }

    /// True for what the scripts did (storage, a stop) or what came of it (the check of
    /// the transcript), false for the inputs that came from outside.
    public var isEffect: Bool {
        switch self {
        case .stored, .recalled, .stopped, .checked: true
        default: false
        }
    }
}

/// Where a limit stopped a session's scripts, and the error the session ended with.
public struct StopRecord: Codable, Hashable, Sendable {
    /// What stopped them: one of the script's limits, or the process that ran them ending.
    public enum Cause: String, Codable, Hashable, Sendable {
        case instructions, time, memory
        /// The process running the scripts died (a crash inside Lua or the host).
        case crash
    }

    public var cause: Cause
    /// The step's work at the check point where it stopped (see ``StopPosition``); nil
    /// when the host ended a step that could not be stopped inside Lua (its watchdog), or
    /// the process running it died.
    public var work: Int64?
    public var message: String

    public init(cause: Cause, work: Int64?, message: String) {
        self.cause = cause
        self.work = work
        self.message = message
    }

    /// A stop the VM made, at its position.
    public init(_ position: StopPosition, message: String) {
        let cause: Cause =
            switch position.limit {
            case .instructions: .instructions
            case .time: .time
            case .memory: .memory
            }
        self.init(cause: cause, work: position.work, message: message)
    }

    /// The stop the host's watchdog makes when a step runs past its time limit and the
    /// grace after it: the process that ran it is killed, so there is no position.
    public static func watchdog(seconds: Double) -> StopRecord {
        let text = seconds == seconds.rounded() ? String(Int64(seconds)) : String(seconds)
        return StopRecord(
            cause: .time, work: nil,
            message:
                "time limit exceeded: the script ran for more than \(text) second\(text == "1" ? "" : "s") without waiting, "
                + "and the host had to end the process that ran it")
    }

    /// The position to stop a replay at, when the VM made the stop.
    public var position: StopPosition? {
        guard let work else { return nil }
        switch cause {
        case .instructions: return StopPosition(limit: .instructions, work: work)
        case .time: return StopPosition(limit: .time, work: work)
        case .memory: return StopPosition(limit: .memory, work: work)
        case .crash: return nil
        }
    }

    /// The code of the error the session ends with.
    public var code: ScriptError.Code {
        switch cause {
        case .instructions: .instructionLimit
        case .time: .timeLimit
        case .memory: .memoryLimit
        case .crash: .runtime
        }
    }
}

/// The transcript after a step: its number of lines and a hash of all of them.
public struct OutputCheck: Codable, Hashable, Sendable {
    public var lines: Int
    public var digest: String

    public init(lines: Int, digest: String) {
        self.lines = lines
        self.digest = digest
    }
}

/// What ran a session: the host's version, the Lua it linked, the version of how scripts
/// replay, and the limits. Recorded in the start event; a host that would replay the
/// session differently refuses to resume it.
public struct HostStamp: Codable, Hashable, Sendable {
    public var kraftfelt: String
    public var lua: String
    /// Raised whenever a change makes the same log replay differently.
    public var replay: Int
    public var limits: SandboxLimits
    /// The machine and C library (`x86_64 glibc 2.36`): floating-point results and how
    /// they print can differ between them.
    public var platform: String?

    public init(kraftfelt: String, lua: String, replay: Int, limits: SandboxLimits, platform: String? = nil) {
        self.kraftfelt = kraftfelt
        self.lua = lua
        self.replay = replay
        self.limits = limits
        self.platform = platform
    }

    /// This host, with these limits.
    public static func current(limits: SandboxLimits) -> HostStamp {
        HostStamp(
            kraftfelt: KraftfeltVersion.current, lua: LuaVM.luaRelease, replay: KraftfeltVersion.replay, limits: limits,
            platform: LuaVM.platform)
    }
}

/// The version of Kraftfelt, and of how it replays sessions.
public enum KraftfeltVersion {
    public static let current = "0.4.0-dev"
    /// Raised whenever the same log would replay to a different state: version 2 counts
    /// work per step, orders keys and names objects by creation, and logs stops.
    public static let replay = 2
}

/// What a session runs and how it was started.
public struct SessionStart: Codable, Hashable, Sendable {
    /// The exercise or programme id.
    public var exercise: String
    /// A hash of every script the session loaded, so a replay can check it runs the same code.
    public var sourceHash: String
    public var seed: UInt64
    /// Seconds since 1970 when the session started: `os.time()` counts from here.
    public var startedAt: Int64
    public var parameters: [String: String]
    /// The session's language (it picks option lists, so it decides which answers fit).
    public var language: String?
    /// What ran it (nil in logs from before Kraftfelt 0.4, which cannot be resumed exactly).
    public var host: HostStamp?
    /// The pack the scripts came from, with what it may do (nil when they are not from a
    /// pack, and in logs from before packs, whose scripts were never from one).
    public var pack: PackProvenance?

    public init(
        exercise: String, sourceHash: String, seed: UInt64, startedAt: Int64, parameters: [String: String] = [:],
        language: String? = nil, host: HostStamp? = nil, pack: PackProvenance? = nil
    ) {
        self.exercise = exercise
        self.sourceHash = sourceHash
        self.seed = seed
        self.startedAt = startedAt
        self.parameters = parameters
        self.language = language
        self.host = host
        self.pack = pack
    }
}

/// What the trainer does from the console.
public enum TrainerAction: Codable, Hashable, Sendable {
    /// Go on from a step that waits for the trainer.
    case advance
    /// Give a running timer more time.
    case extend(timer: Int, seconds: Int64)
    /// End a running timer (or a question's time) now.
    case skip(timer: Int)
    /// Take a participant out of the session: they leave and cannot join again.
    case remove(participant: String)
    /// End the session now: it finishes, or, with a reason, fails with it (a rehearsal
    /// that gives up on a script that waits for ever says why).
    case end(reason: String?)
}

/// An answer as it arrives from a participant.
public enum Answer: Codable, Hashable, Sendable {
    case text(String)
    case number(Double)
    /// Several values: chosen options, a ranking, people picked.
    case list([String])
}
